#!/usr/bin/env bash
# The explorer's resident memory against lx report's, on one archive
# (by default the million-entry image of make-bench-archive.sh --million).
#
#	scripts/bench-explorer-rss.sh [ARCHIVE]   (default /tmp/lx-bench/million.tar)
#
# Builds lx, runs `lx report` on ARCHIVE under /usr/bin/time for its peak
# RSS and the layer count, then starts `lx ARCHIVE` in a private tmux
# server (tmux -L, 200x60, no tmux or lx configuration), waits for the load
# to finish (the header shows "efficiency"), walks every layer with `]`,
# focuses the tree (Tab) and expands all (`+`), each step waiting until the
# screen has settled. It then reads VmRSS and VmHWM from the lx process's
# /proc/PID/status (the pane's child) and prints both against the report's
# peak RSS; then it walks back down every layer with `[`, all expanded, and
# reads them again. The limit is the issue's: the explorer's resident memory
# (VmRSS after the walk and the expand-all) at most 1.5x lx report's peak
# RSS. MB are 10^6 bytes. Exits 1 over the limit, 2 when it could not
# measure. It stops only what it started: its own tmux server, with the lx
# inside it.
#
# Environment:
#	LX_BENCH_STEP_TIMEOUT=300   seconds one step (the load, a key) may take
set -euo pipefail

die() {
	echo "bench-explorer-rss: $*" >&2
	exit 2
}

cd "$(dirname "$0")/.."

archive=
for arg in "$@"; do
	case $arg in
	-h | --help)
		sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
		exit 0
		;;
	-*) die "unknown option $arg (usage: bench-explorer-rss.sh [ARCHIVE])" ;;
	*)
		[ -z "$archive" ] || die "one ARCHIVE only (usage: bench-explorer-rss.sh [ARCHIVE])"
		archive=$arg
		;;
	esac
done
archive=${archive:-/tmp/lx-bench/million.tar}
step_timeout=${LX_BENCH_STEP_TIMEOUT:-300}
case $step_timeout in
'' | *[!0-9]* | 0) die "LX_BENCH_STEP_TIMEOUT must be a positive whole number of seconds, not '$step_timeout'" ;;
esac
[ -f "$archive" ] || die "$archive is not a file; make it with scripts/make-bench-archive.sh --million"
[ -r "$archive" ] || die "$archive is not readable"
archive=$(realpath "$archive")
for tool in go tmux; do
	command -v "$tool" >/dev/null || die "$tool is not on PATH"
done
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (apt-get install time)"

tmp=$(mktemp -d)
sock=lx-rss-$$
cleanup() {
	tmux -L "$sock" kill-server 2>/dev/null || true
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$sock"
	rm -rf "$tmp"
}
trap cleanup EXIT
mkdir "$tmp/config"
go build -o "$tmp/lx" . || die "go build of lx failed"

loadavg() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k * 1024 / 1e6 }'; }

echo "archive: $archive ($(($(stat -c %s "$archive") / 1000000)) MB); load average $(loadavg) on $(nproc) CPUs" >&2
if ! /usr/bin/time -f '%e %M' -o "$tmp/time" "$tmp/lx" report --format json "$archive" >"$tmp/report.json" 2>"$tmp/stderr"; then
	die "lx report failed on $archive: $(grep -v '^Command exited' "$tmp/stderr" | tail -n 1)"
fi
read -r report_secs report_kb <"$tmp/time"
layers=$(sed -n 's/.*"layerCount": *\([0-9][0-9]*\).*/\1/p' "$tmp/report.json" | head -n 1)
[ -n "$layers" ] && [ "$layers" -gt 0 ] || die "the report names no layer count"
echo "lx report: ${report_secs}s, peak RSS $(mb "$report_kb") MB, $layers layers" >&2

screen() { tmux -L "$sock" capture-pane -p; }

# settle WHAT REGEX [BEFORE]: waits until the screen matches REGEX, differs
# from BEFORE when given, and stays the same for half a second. (A key's
# work may hold the screen still while it runs: BEFORE tells that apart.)
settle() {
	local what=$1 re=$2 before=${3-} deadline=$((SECONDS + step_timeout)) prev= cur
	while :; do
		[ ! -s "$tmp/exit" ] || die "lx exited ($(cat "$tmp/exit")) while waiting for $what: $(screen | head -n 3)"
		cur=$(screen)
		if [ "$cur" = "$prev" ] && [ "$cur" != "$before" ] && grep -Eq "$re" <<<"$cur"; then
			return
		fi
		[ "$SECONDS" -lt "$deadline" ] || die "the screen never showed $what in ${step_timeout}s:
$cur"
		prev=$cur
		sleep 0.5
	done
}

key() { tmux -L "$sock" send-keys "$1"; }

# status FIELD: the lx process's FIELD (VmRSS, VmHWM) in KB.
status() { awk -v f="$1:" '$1 == f { print $2 }' "/proc/$lx_pid/status"; }

started=$SECONDS
tmux -L "$sock" -f /dev/null new-session -d -x 200 -y 60 \
	-e TERM=xterm-256color -e XDG_CONFIG_HOME="$tmp/config" \
	"'$tmp/lx' '$archive'; echo \$? >'$tmp/exit'" || die "tmux could not start"
pane_pid=$(tmux -L "$sock" list-panes -F '#{pane_pid}')
lx_pid=
for _ in $(seq 100); do
	read -r lx_pid _ 2>/dev/null <"/proc/$pane_pid/task/$pane_pid/children" || true
	[ -z "$lx_pid" ] || break
	sleep 0.1
done
[ -n "$lx_pid" ] || die "no lx process below the tmux pane ($pane_pid)"
[ "$(cat "/proc/$lx_pid/comm")" = lx ] || die "the pane's child $lx_pid is $(cat "/proc/$lx_pid/comm"), not lx"

settle "the analysed image" 'efficiency [0-9]'
echo "loaded in $((SECONDS - started))s; RSS $(mb "$(status VmRSS)") MB" >&2
for ((l = 1; l < layers; l++)); do
	key ']'
	settle "layer $l" "Filesystem after layer $l\b"
done
echo "walked up through the $layers layers by $((SECONDS - started))s; RSS $(mb "$(status VmRSS)") MB" >&2
key Tab
settle "the tree focused" 'Details · path'
before=$(screen)
key '+'
settle "the tree expanded" "Filesystem after layer $((layers - 1))\b" "$before"
rss=$(status VmRSS) hwm=$(status VmHWM)
rows=$(screen | grep -Eo "Filesystem after layer [0-9]+ · [0-9]+/[0-9]+" | head -n 1)
echo "expanded all by $((SECONDS - started))s ($rows rows)" >&2
for ((l = layers - 2; l >= 0; l--)); do
	key '['
	settle "layer $l, expanded" "Filesystem after layer $l\b"
done
back_rss=$(status VmRSS) back_hwm=$(status VmHWM)
echo "walked back down, expanded, by $((SECONDS - started))s" >&2
key q
for _ in $(seq 50); do
	[ ! -s "$tmp/exit" ] || break
	sleep 0.1
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 999) }'; }
printf '\n%s\n' "$archive"
printf '  %-44s %9s MB\n' "lx report, peak RSS" "$(mb "$report_kb")"
printf '  %-44s %9s MB   ratio %s (limit 1.50)\n' "explorer after walk + expand all, VmRSS" "$(mb "$rss")" "$(ratio "$rss" "$report_kb")"
printf '  %-44s %9s MB   ratio %s\n' "explorer after walk + expand all, VmHWM" "$(mb "$hwm")" "$(ratio "$hwm" "$report_kb")"
printf '  %-44s %9s MB   ratio %s\n' "explorer after walking back expanded, VmRSS" "$(mb "$back_rss")" "$(ratio "$back_rss" "$report_kb")"
printf '  %-44s %9s MB   ratio %s\n' "explorer after walking back expanded, VmHWM" "$(mb "$back_hwm")" "$(ratio "$back_hwm" "$report_kb")"
echo "load average $(loadavg) at the end"
if awk -v a="$rss" -v b="$report_kb" 'BEGIN { exit !(a > 1.5 * b) }'; then
	echo "FAIL: the explorer's resident memory is $(ratio "$rss" "$report_kb")x lx report's peak RSS, more than 1.5x" >&2
	exit 1
fi
echo ok >&2
