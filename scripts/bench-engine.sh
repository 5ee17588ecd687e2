#!/usr/bin/env bash
# Engine benchmark: `lx report` straight from the Docker Engine against
# `docker save` of the same image on the same engine (the stream is the
# floor), and how soon lx has the layer list.
#
#	scripts/bench-engine.sh IMAGE
#
# The engine is the docker CLI's (DOCKER_HOST, a context...); lx gets the
# same one with --host when DOCKER_HOST is set. Builds lx, then runs
# `docker save IMAGE > /dev/null` and `lx report -o /dev/null IMAGE`
# alternately: one warm-up pair, not counted, then LX_BENCH_RUNS (default 5)
# measured pairs. Prints the median wall time of each and their ratio, and
# the median time from lx's start to its layer list (inspect + history, from
# LX_TRACE=1). Exits 1 when the ratio is over 1.15 or the layer list took
# over 300 ms; 2 when it could not measure. Run it on a quiet machine.
set -euo pipefail

die() {
	echo "bench-engine: $*" >&2
	exit 2
}

cd "$(dirname "$0")/.."

[ $# -eq 1 ] || die "usage: bench-engine.sh IMAGE"
case $1 in -h | --help)
	sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
	exit 0
	;;
esac
image=$1
runs=${LX_BENCH_RUNS:-5}
case $runs in
'' | *[!0-9]* | 0) die "LX_BENCH_RUNS must be a positive whole number, not '$runs'" ;;
esac
command -v docker >/dev/null || die "the docker CLI is not on PATH"
command -v go >/dev/null || die "go is not on PATH"
size=$(docker image inspect --format '{{.Size}}' "$image" 2>/dev/null) ||
	die "the engine has no image $image (docker pull or docker load it first)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/lx" . || die "go build of lx failed"
host=()
[ -z "${DOCKER_HOST:-}" ] || host=(--host "$DOCKER_HOST")

# now_ns prints the clock in nanoseconds.
now_ns() { date +%s%N; }

# run_save and run_lx print their wall time in milliseconds.
run_save() {
	local t0 t1
	t0=$(now_ns)
	docker save "$image" >/dev/null || die "docker save $image failed"
	t1=$(now_ns)
	echo $(((t1 - t0) / 1000000))
}
run_lx() {
	local t0 t1
	t0=$(now_ns)
	LX_TRACE=1 "$tmp/lx" report "${host[@]}" --no-pull -o /dev/null "$image" 2>"$tmp/trace" ||
		die "lx report failed: $(cat "$tmp/trace")"
	t1=$(now_ns)
	echo $(((t1 - t0) / 1000000))
}
# preview_ms prints the last run's time to the layer list, in milliseconds.
preview_ms() {
	sed -n 's/^lx: trace: preview after \(.*\) (.*/\1/p' "$tmp/trace" |
		awk '/ms$/ { sub(/ms$/, ""); print int($0 + 0.5); next }
			/µs$/ { print 0; next }
			/s$/ { sub(/s$/, ""); print int($0 * 1000 + 0.5) }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

loadavg() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'; }

echo "image $image ($size bytes per inspect), $runs runs each, alternating; load average $(loadavg) on $(nproc) CPUs"
run_save >/dev/null
run_lx >/dev/null
for i in $(seq 1 "$runs"); do
	s=$(run_save)
	l=$(run_lx)
	p=$(preview_ms)
	[ -n "$p" ] || die "lx printed no preview trace: $(cat "$tmp/trace")"
	echo "$s" >>"$tmp/ms-save"
	echo "$l" >>"$tmp/ms-lx"
	echo "$p" >>"$tmp/ms-preview"
	printf '  run %d: docker save %6d ms   lx report %6d ms   layer list after %4d ms\n' "$i" "$s" "$l" "$p"
done
s=$(median <"$tmp/ms-save")
l=$(median <"$tmp/ms-lx")
p=$(median <"$tmp/ms-preview")
ratio=$(awk -v l="$l" -v s="$s" 'BEGIN { printf "%.3f", (s > 0) ? l / s : 0 }')
echo "median: docker save $s ms, lx report $l ms, ratio $ratio (target <= 1.15); layer list after $p ms (target <= 300)"
echo "load average at the end: $(loadavg) (a busy machine slows the engine and lx alike, but not evenly: read the ratio with it)"
fail=0
awk -v r="$ratio" 'BEGIN { exit !(r > 1.15) }' && { echo "FAIL: lx report is over 1.15x docker save"; fail=1; }
[ "$p" -le 300 ] || { echo "FAIL: the layer list took over 300 ms"; fail=1; }
exit $fail
