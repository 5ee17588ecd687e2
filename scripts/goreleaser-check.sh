#!/usr/bin/env bash
# Checks .goreleaser.yml: `goreleaser check`, then a snapshot build that
# publishes nothing, into dist/.
#
#	./scripts/goreleaser-check.sh          # check + build for this machine only
#	./scripts/goreleaser-check.sh --full   # check + every target, archives, deb/rpm, cask
#	./scripts/goreleaser-check.sh --install-only   # only make sure goreleaser is there
#
# LX_GORELEASER_FULL=1 is --full. On 2 cores with a cold Go build cache the
# default takes about 1.5 minutes and --full about 11 (6 cross builds); with
# a warm cache, seconds and about 25 s.
#
# goreleaser v2.16.0 is built from the Go module proxy once per machine, into
# $LX_TOOLS_CACHE (default ~/.cache/lx-tools/goreleaser-v2.16.0), outside the
# clone, so every later clone and CI run on the machine reuses it. The first
# build takes minutes: scripts/test.sh starts it in the background at once.
set -euo pipefail

cd "$(dirname "$0")/.."

want=v2.16.0
dir=${LX_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lx-tools}/goreleaser-$want
bin=$dir/goreleaser

have=""
if [ -x "$bin" ]; then
	have=$("$bin" --version 2>/dev/null | sed -n 's/^GitVersion:[[:space:]]*//p' | head -n1) || true
fi
if [ "${have#v}" != "${want#v}" ]; then
	echo "installing goreleaser $want into $dir (have: ${have:-none})"
	mkdir -p "$dir"
	# Built beside the target, then renamed: a run cut short leaves no
	# half-written binary that a later run would trust.
	tmp=$(mktemp -d "$dir/.build.XXXXXX")
	GOBIN=$tmp GOFLAGS=-buildvcs=false go install "github.com/goreleaser/goreleaser/v2@$want"
	mv "$tmp/goreleaser" "$bin"
	rm -rf "$tmp"
fi
"$bin" --version | sed -n 's/^GitVersion:[[:space:]]*/goreleaser /p'
[ "${1:-}" = --install-only ] && exit 0

"$bin" check

if [ "${1:-}" = --full ] || [ "${LX_GORELEASER_FULL:-}" = 1 ]; then
	"$bin" release --snapshot --clean --skip=publish
else
	"$bin" build --snapshot --clean --single-target
fi

# The snapshot binary runs and carries the version ldflags.
target=$(find dist -type f \( -name lx -o -name lx.exe \) -path "*$(go env GOOS)_$(go env GOARCH)*" | head -n1)
if [ -z "$target" ]; then
	echo "goreleaser-check: no lx binary for $(go env GOOS)/$(go env GOARCH) in dist/" >&2
	exit 1
fi
out=$("$target" version)
echo "$out" | sed 's/^/  /'
case $out in
*snapshot*) ;;
*)
	echo "goreleaser-check: $target does not report the snapshot version" >&2
	exit 1
	;;
esac
