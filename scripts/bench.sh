#!/usr/bin/env bash
# Whole-process benchmark: `lx report` against the floor (bench/floor: the
# outer tar, decompression, the layer tars and an xxhash of every file's
# bytes, nothing else) on the archives made by scripts/make-bench-archive.sh,
# side by side in one run.
#
#	scripts/bench.sh [ARCHIVE[:RSS_MB]]...
#
# Without arguments: /tmp/lx-bench/bench.tar:100 (the 1.2 GB image) and
# /tmp/lx-bench/million.tar:600 (the million-entry image, made with
# make-bench-archive.sh --million). RSS_MB is the limit on lx's peak RSS
# for that archive, 100 when not given.
#
# Builds lx and the floor, then runs them alternately: one warm-up pair per
# archive, not counted, then LX_BENCH_RUNS (default 5) rounds of a floor
# run and an lx run on each archive in turn, so that a change in the load
# falls on both alike. Prints, for each archive, the median, min and max
# wall time of each, their median CPU times (user+system) and peak RSS (from
# /usr/bin/time, installed with apt when missing), the ratio of the medians
# and the load average. Each round also runs the floor with -verify (the
# floor plus each layer's SHA-256 on a second core, the diffID check lx
# makes), printed beside as the floor of a verifying reader. Exits 1
# when lx takes over 1.5x the floor's median
# time or its peak RSS is over the limit (MB are 10^6 bytes); 2 when it
# could not measure. On a loaded machine read the CPU ratio beside the
# wall-time one: the wall times then say more about the load than about lx.
#
# LX_BENCH_KEEP=SIZE runs lx report with --keep-contents SIZE (the budget of
# small text files the explorer keeps as the image streams; a report keeps
# none unless asked): its cost in time, and in RSS, which may then grow by
# the budget, e.g. LX_BENCH_KEEP=64MiB scripts/bench.sh /tmp/lx-bench/bench.tar:168
set -euo pipefail

die() {
	echo "bench: $*" >&2
	exit 2
}

cd "$(dirname "$0")/.."

usage="usage: bench.sh [ARCHIVE[:RSS_MB]]..."
specs=()
for arg in "$@"; do
	case $arg in
	-h | --help)
		sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
		exit 0
		;;
	-*) die "unknown option $arg ($usage)" ;;
	*) specs+=("$arg") ;;
	esac
done
[ ${#specs[@]} -gt 0 ] || specs=(/tmp/lx-bench/bench.tar:100 /tmp/lx-bench/million.tar:600)

runs=${LX_BENCH_RUNS:-5}
case $runs in
'' | *[!0-9]* | 0) die "LX_BENCH_RUNS must be a positive whole number, not '$runs'" ;;
esac

# archives[k] and limits[k]: a trailing :DIGITS is the RSS limit.
archives=()
limits=()
for spec in "${specs[@]}"; do
	archive=$spec limit=100
	if [[ $spec =~ ^(.+):([0-9]+)$ ]]; then
		archive=${BASH_REMATCH[1]} limit=${BASH_REMATCH[2]}
	fi
	if [ ! -f "$archive" ]; then
		how="scripts/make-bench-archive.sh"
		case $archive in *million*) how="$how --million" ;; esac
		die "$archive is not a file; make it with $how"
	fi
	[ -r "$archive" ] || die "$archive is not readable"
	archives+=("$archive")
	limits+=("$limit")
done
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

loadavg() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'; }

# measure FILE ARCHIVE CMD...: one run; appends "wall-seconds peak-KB
# user-seconds system-seconds" to FILE. lx writes its report to stdout,
# redirected to /dev/null: the same work as `-o /dev/null`, and safe even
# with an lx whose -o would replace the device by a file.
measure() {
	local file=$1 archive=$2
	shift 2
	if ! /usr/bin/time -f '%e %M %U %S' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/stderr"; then
		die "$(basename "$1") failed on $archive: $(grep -v '^Command exited' "$tmp/stderr" | tail -n 1)"
	fi
	tail -n 1 "$tmp/time" >>"$file"
}

# pair K FLOOR-FILE LX-FILE [VERIFY-FILE]: the floor, then lx (then the
# floor with -verify), on archive K.
pair() {
	measure "$2" "${archives[$1]}" "$tmp/floor" "${archives[$1]}"
	measure "$3" "${archives[$1]}" "$tmp/lx" report ${LX_BENCH_KEEP:+--keep-contents "$LX_BENCH_KEEP"} "${archives[$1]}"
	[ -z "${4:-}" ] || measure "$4" "${archives[$1]}" "$tmp/floor" -verify "${archives[$1]}"
}

start_load=$(loadavg)
echo "$(nproc) CPUs; load average $start_load at the start" >&2
[ -z "${LX_BENCH_KEEP:-}" ] || echo "lx report --keep-contents $LX_BENCH_KEEP" >&2
for k in "${!archives[@]}"; do
	echo "archive $k: ${archives[$k]} ($(($(stat -c %s "${archives[$k]}") / 1000000)) MB), lx peak RSS limit ${limits[$k]} MB" >&2
done
echo "a warm-up pair on each, then $runs rounds of a pair on each, alternating" >&2
for k in "${!archives[@]}"; do
	pair "$k" "$tmp/warm-up" "$tmp/warm-up"
done
for i in $(seq "$runs"); do
	line="  round $i:"
	for k in "${!archives[@]}"; do
		pair "$k" "$tmp/floor.$k" "$tmp/lx.$k" "$tmp/verify.$k"
		line+=$(printf ' [%d] floor %ss, lx %ss;' "$k" "$(tail -n 1 "$tmp/floor.$k" | cut -d' ' -f1)" "$(tail -n 1 "$tmp/lx.$k" | cut -d' ' -f1)")
	done
	echo "$line load $(cut -d' ' -f1 /proc/loadavg)" >&2
done

median() {
	sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# row FILE LABEL: prints a table row and sets row_wall, row_cpu, row_rss.
row() {
	local f=$1 lo hi
	row_wall=$(cut -d' ' -f1 "$f" | median)
	lo=$(cut -d' ' -f1 "$f" | sort -n | head -n 1)
	hi=$(cut -d' ' -f1 "$f" | sort -n | tail -n 1)
	row_cpu=$(awk '{ print $3 + $4 }' "$f" | median)
	row_rss=$(awk '$2 > m { m = $2 } END { printf "%.1f", m * 1024 / 1e6 }' "$f")
	printf '  %-10s %7ss %7ss %7ss %7ss %8s MB\n' "$2" "$row_wall" "$lo" "$hi" "$row_cpu" "$row_rss"
}
quotient() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 999) }'; }
over() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > b) }'; }

fail=0
for k in "${!archives[@]}"; do
	printf '\n%s\n  %-10s %8s %8s %8s %8s %11s\n' "${archives[$k]}" "" "median" "min" "max" "cpu" "peak RSS"
	row "$tmp/floor.$k" floor
	floor_wall=$row_wall floor_cpu=$row_cpu
	row "$tmp/verify.$k" "-verify"
	verify_wall=$row_wall
	row "$tmp/lx.$k" "lx report"
	ratio=$(quotient "$row_wall" "$floor_wall")
	printf '  %-10s %8s   (limit 1.50; median wall times)\n' ratio "$ratio"
	printf '  %-10s %8s   (to the floor with -verify; no limit)\n' "ratio -v" "$(quotient "$row_wall" "$verify_wall")"
	printf '  %-10s %8s   (median user+system times; for a loaded machine)\n' "cpu ratio" "$(quotient "$row_cpu" "$floor_cpu")"
	printf '  %-10s %8s   (limit %s MB)\n' "lx RSS" "$row_rss MB" "${limits[$k]}"
	if over "$ratio" 1.5; then
		echo "FAIL: ${archives[$k]}: lx report takes ${ratio}x the floor's time, more than 1.5x" >&2
		fail=1
	fi
	if over "$row_rss" "${limits[$k]}"; then
		echo "FAIL: ${archives[$k]}: lx report's peak RSS is $row_rss MB, more than ${limits[$k]} MB" >&2
		fail=1
	fi
done
echo
echo "load average $start_load at the start, $(loadavg) at the end, on $(nproc) CPUs"
[ "$fail" = 0 ] && echo "ok" >&2
exit "$fail"
