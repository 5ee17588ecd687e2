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

# measure NAME CMD...: one run; appends "seconds kilobytes" to $tmp/times.NAME.
# The report goes to stdout, redirected: `-o /dev/null` would have lx
# rename its temporary file over /dev/null.
measure() {
	local name=$1
	shift
	if ! /usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/stderr"; then
		die "$name failed on $archive: $(grep -v '^Command exited' "$tmp/stderr" | tail -n 1)"
	fi
	tail -n 1 "$tmp/time" >>"$tmp/times.$name"
}

echo "archive: $archive ($(($(stat -c %s "$archive") / 1000000)) MB); warm-up, then $runs runs each, alternating" >&2
measure warm-up "$tmp/floor" "$archive"
measure warm-up "$tmp/lx" report "$archive"
for i in $(seq "$runs"); do
	measure floor "$tmp/floor" "$archive"
	measure lx "$tmp/lx" report "$archive"
	printf '  run %d: floor %ss, lx %ss\n' "$i" "$(tail -n 1 "$tmp/times.floor" | cut -d' ' -f1)" "$(tail -n 1 "$tmp/times.lx" | cut -d' ' -f1)" >&2
done

# stats FILE: median, min and max of the times, and the peak RSS in MB.
stats() {
	sort -n "$1" | awk '
		{ t[NR] = $1; if ($2 > rss) rss = $2 }
		END {
			med = NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
			printf "%.2f %.2f %.2f %.1f\n", med, t[1], t[NR], rss * 1024 / 1e6
		}'
}
read -r fmed fmin fmax frss <<<"$(stats "$tmp/times.floor")"
read -r lmed lmin lmax lrss <<<"$(stats "$tmp/times.lx")"
ratio=$(awk -v l="$lmed" -v f="$fmed" 'BEGIN { printf "%.2f", (f > 0 ? l / f : 999) }')

printf '\n%-10s %8s %8s %8s %10s\n' "" "median" "min" "max" "peak RSS"
printf '%-10s %7ss %7ss %7ss %7s MB\n' floor "$fmed" "$fmin" "$fmax" "$frss"
printf '%-10s %7ss %7ss %7ss %7s MB\n' "lx report" "$lmed" "$lmin" "$lmax" "$lrss"
printf '%-10s %8s   (limit 1.50)\n' ratio "$ratio"
printf '%-10s %8s   (limit 100 MB)\n' "lx RSS" "$lrss MB"

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
