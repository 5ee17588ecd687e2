#!/usr/bin/env bash
# Makes the README's screenshots from real runs: the lx binary built from
# this tree runs `lx demo` (the image built into lx, no Docker needed) in a
# private tmux server; each view is captured with its colours
# (capture-pane -e), turned into HTML by aha and photographed by headless
# Chromium.
#
#	./screenshots/make.sh [OUTDIR]     (default: screenshots/)
#
# Needs tmux, aha and chromium (Debian packages of those names).
set -euo pipefail

cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-screenshots}")
mkdir -p "$out"
for tool in tmux aha chromium; do
	command -v "$tool" >/dev/null || {
		echo "screenshots: $tool is missing (apt-get install $tool)" >&2
		exit 2
	}
done

work=$(mktemp -d /tmp/lx-shots.XXXXXX)
sock=
cleanup() {
	local s
	for s in "$work"/*.sock; do
		if [ -S "$s" ]; then
			tmux -S "$s" kill-server 2>/dev/null || true
		fi
	done
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/lx" .
cols=132 rows=38

# wait_for TEXT: until the pane shows TEXT (10 s at most).
wait_for() {
	local i
	for i in $(seq 1 100); do
		if tmux -S "$sock" capture-pane -p -t shot | grep -qF -- "$1"; then
			return 0
		fi
		sleep 0.1
	done
	echo "screenshots: the screen never showed \"$1\":" >&2
	tmux -S "$sock" capture-pane -p -t shot >&2
	return 1
}

# shot NAME THEME WAIT_TEXT KEYS...: open the demo, press the keys (one
# word each, tmux key names), wait for WAIT_TEXT, photograph the pane.
shot() {
	local name=$1 theme=$2 want=$3
	shift 3
	# A server of its own for each shot: a new one on a socket that is
	# still shutting down fails to start.
	if [ -n "$sock" ]; then
		tmux -S "$sock" kill-server 2>/dev/null || true
	fi
	sock=$work/$name.sock
	# The explorer runs as the pane's only program: no shell start-up files.
	tmux -S "$sock" -f /dev/null new-session -d -s shot -x "$cols" -y "$rows" \
		env -u NO_COLOR TERM=xterm-256color COLORTERM=truecolor LX_CONFIG_IGNORE=1 \
		"$work/lx" demo --theme "$theme"
	wait_for "Filesystem after"
	local k
	for k in "$@"; do
		tmux -S "$sock" send-keys -t shot "$k"
		sleep 0.15
	done
	wait_for "$want"
	sleep 0.3
	tmux -S "$sock" capture-pane -e -p -t shot >"$work/$name.ans"
	local bg=#ffffff fg=#1f2328 black=()
	if [ "$theme" = dark ]; then
		bg=#14161b fg=#d8dee9 black=(--black)
	fi
	{
		printf '<!DOCTYPE html><html><head><meta charset="utf-8"><style>'
		printf 'html,body{margin:0;background:%s;color:%s}' "$bg" "$fg"
		printf 'pre{margin:0;padding:14px 16px;font:15px/1.22 "DejaVu Sans Mono",monospace}'
		printf '</style></head><body><pre>'
		aha "${black[@]}" --no-header <"$work/$name.ans"
		printf '</pre></body></html>\n'
	} >"$work/$name.html"
	chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
		--disable-component-update --disable-sync --no-first-run --hide-scrollbars \
		--user-data-dir="$work/profile" --window-size=$((cols * 9 + 70)),$((rows * 19 + 30)) \
		--screenshot="$out/$name.png" "file://$work/$name.html" >/dev/null 2>&1
	if [ ! -s "$out/$name.png" ]; then
		echo "screenshots: chromium wrote no $name.png" >&2
		return 1
	fi
	echo "  $out/$name.png"
}

# The rm layer: D on /data/one, the copies it kills highlighted.
shot layers-tree dark "Filesystem after layer 6" ']' ']' ']' ']' ']' ']'
# The second chmod: a needless recopy, in the light theme.
shot recopy-light light "Filesystem after layer 5" ']' ']' ']' ']' ']'
# The tree has the focus: the details tell the deleted file's story.
shot path-story dark "History" ']' ']' ']' ']' ']' ']' Tab
shot waste-list dark "FIX HINTS" w
shot export-dialog dark "Export" e
shot help dark "quit" '?'
# The viewer: /etc/passwd as layer 0 wrote it, found with the filter.
shot viewer dark "6 lines" Tab / passwd Enter Down Enter
# The most common terminal: 80×24, the details one tab away.
cols=80 rows=24
shot narrow dark "Tab switches" ']' ']' ']' ']' ']' ']' Tab
