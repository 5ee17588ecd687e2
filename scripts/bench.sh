#!/usr/bin/env bash
# Whole-process benchmark: `lx report` against the floor (bench/floor) on
# one archive made by scripts/make-bench-archive.sh.
#
#	scripts/bench.sh [ARCHIVE]        (default /tmp/lx-bench/bench.tar)
#
# Builds lx and the floor, then runs them alternately: one warm-up pair, not
# counted, then LX_BENCH_RUNS (default 5) measured pairs. Prints the median
# wall time of each, their ratio and lx's peak RSS (from /usr/bin/time,
# installed with apt when missing). Exits 1 when the ratio is over 1.5 or
# lx's peak RSS over 100 MB (10^6 bytes); 2 when it could not measure.
# The CPU time ratio is shown too: on a loaded machine the wall times say
# more about the load than about lx.
# Run it on a quiet machine: the ratio of one run is what counts.
set -euo pipefail

die() {
	echo "bench: $*" >&2
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
	-*) die "unknown option $arg (usage: bench.sh [ARCHIVE])" ;;
	*)
		[ -z "$archive" ] || die "one ARCHIVE only (usage: bench.sh [ARCHIVE])"
		archive=$arg
		;;
	esac
done
archive=${archive:-/tmp/lx-bench/bench.tar}
runs=${LX_BENCH_RUNS:-5}
case $runs in
'' | *[!0-9]* | 0) die "LX_BENCH_RUNS must be a positive whole number, not '$runs'" ;;
esac
[ -f "$archive" ] || die "$archive is not a file; make one with scripts/make-bench-archive.sh"
[ -r "$archive" ] || die "$archive is not readable"
command -v go >/dev/null || die "go is not on PATH"

if [ ! -x /usr/bin/time ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "installing time" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null 2>&1 ||
			{ apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null 2>&1; } ||
			die "/usr/bin/time is missing and apt-get install time failed"
	else
		die "/usr/bin/time is missing (apt-get install time)"
	fi
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/lx" . || die "go build of lx failed"
go build -o "$tmp/floor" ./bench/floor || die "go build of bench/floor failed"

# measure NAME CMD...: one run; appends "wall-seconds peak-KB user-seconds
# system-seconds" to $tmp/times.NAME. lx writes its report to stdout,
# redirected to /dev/null: the same work as `-o /dev/null`, and safe even
# with an lx whose -o would replace the device by a file.
measure() {
	local name=$1
	shift
	if ! /usr/bin/time -f '%e %M %U %S' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/stderr"; then
		die "$name failed on $archive: $(grep -v '^Command exited' "$tmp/stderr" | tail -n 1)"
	fi
	tail -n 1 "$tmp/time" >>"$tmp/times.$name"
}

echo "archive: $archive ($(($(stat -c %s "$archive") / 1000000)) MB); load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "a warm-up, then $runs runs each, alternating" >&2
measure warm-up "$tmp/floor" "$archive"
measure warm-up "$tmp/lx" report "$archive"
for i in $(seq "$runs"); do
	measure floor "$tmp/floor" "$archive"
	measure lx "$tmp/lx" report "$archive"
	printf '  run %d: floor %ss, lx %ss\n' "$i" "$(tail -n 1 "$tmp/times.floor" | cut -d' ' -f1)" "$(tail -n 1 "$tmp/times.lx" | cut -d' ' -f1)" >&2
done

median() {
	sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# row NAME LABEL: prints a table row and sets NAME_wall, NAME_cpu, NAME_rss.
row() {
	local f=$tmp/times.$1 wall cpu lo hi rss
	wall=$(cut -d' ' -f1 "$f" | median)
	lo=$(cut -d' ' -f1 "$f" | sort -n | head -n 1)
	hi=$(cut -d' ' -f1 "$f" | sort -n | tail -n 1)
	cpu=$(awk '{ print $3 + $4 }' "$f" | median)
	rss=$(awk '$2 > m { m = $2 } END { printf "%.1f", m * 1024 / 1e6 }' "$f")
	printf '%-10s %7ss %7ss %7ss %7ss %7s MB\n' "$2" "$wall" "$lo" "$hi" "$cpu" "$rss"
	printf -v "$1_wall" %s "$wall"
	printf -v "$1_cpu" %s "$cpu"
	printf -v "$1_rss" %s "$rss"
}
quotient() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 999) }'; }

printf '\n%-10s %8s %8s %8s %8s %10s\n' "" "median" "min" "max" "cpu" "peak RSS"
row floor floor
row lx "lx report"
ratio=$(quotient "$lx_wall" "$floor_wall")
printf '%-10s %8s   (limit 1.50; median wall times)\n' ratio "$ratio"
printf '%-10s %8s   (median user+system times; for a loaded machine)\n' "cpu ratio" "$(quotient "$lx_cpu" "$floor_cpu")"
printf '%-10s %8s   (limit 100 MB)\n' "lx RSS" "$lx_rss MB"
lrss=$lx_rss

fail=0
if awk -v r="$ratio" 'BEGIN { exit !(r > 1.5) }'; then
	echo "FAIL: lx report takes ${ratio}x the floor's time, more than 1.5x" >&2
	fail=1
fi
if awk -v m="$lrss" 'BEGIN { exit !(m > 100) }'; then
	echo "FAIL: lx report's peak RSS is $lrss MB, more than 100 MB" >&2
	fail=1
fi
[ "$fail" = 0 ] && echo "ok" >&2
exit "$fail"
