#!/usr/bin/env bash
# Registry benchmark: `lx report registry://…` against `skopeo copy
# docker://… dir:…`, which fetches the same blobs from the same registry
# and writes them to disk (and checks their digests), side by side in one
# run.
#
#	scripts/bench-registry.sh [ARCHIVE]...
#
# Without arguments: /tmp/lx-bench/bench.tar and /tmp/lx-bench/bench-gzip.tar
# (scripts/make-bench-archive.sh and --gzip make them). Starts Debian's
# docker-registry on a free 127.0.0.1 port (its own config and storage in a
# temp directory, stopped by its PID on exit), pushes each archive to it
# with skopeo (a push compresses plain layers with gzip, as docker push
# does), then runs a warm-up pair and LX_BENCH_RUNS (default 5) rounds of
# skopeo and lx on each, the order alternating round by round. Prints the
# median, min and max wall time of each, their median CPU times and peak
# RSS, and the ratio of the medians. Exits 1 when lx takes over
# LX_BENCH_MAX_RATIO (default 1.0) times skopeo's median time or its peak
# RSS is over 100 MB; 2 when it could not measure. LX_JOBS sets lx's --jobs.
set -euo pipefail

die() {
	echo "bench-registry: $*" >&2
	exit 2
}

cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib-engine.sh
. scripts/lib-engine.sh
# shellcheck source=scripts/lib-registry.sh
. scripts/lib-registry.sh
[ $# -gt 0 ] || set -- /tmp/lx-bench/bench.tar /tmp/lx-bench/bench-gzip.tar
for a in "$@"; do
	[ -f "$a" ] || die "$a is not a file; make it with scripts/make-bench-archive.sh (--gzip)"
done
runs=${LX_BENCH_RUNS:-5}
max_ratio=${LX_BENCH_MAX_RATIO:-1.0}
jobs=${LX_JOBS:-3}
for tool in go skopeo docker-registry /usr/bin/time; do
	command -v "$tool" >/dev/null || die "$tool is missing (the test command installs skopeo and docker-registry; apt-get install time)"
done

tmp=$(mktemp -d)
cleanup() {
	local reg_pid
	reg_pid=$(cat "$tmp/registry/pid" 2>/dev/null || true) # written as it starts
	if [ -n "$reg_pid" ] && kill -0 "$reg_pid" 2>/dev/null; then
		kill "$reg_pid" 2>/dev/null || true
		wait "$reg_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
go build -o "$tmp/lx" . || die "go build of lx failed"
go build -o "$tmp/regfixture" ./internal/testengine/cmd/regfixture || die "go build of regfixture failed"

lx_registry_serve "$tmp/regfixture" "$tmp/registry" || die "docker-registry did not start"
reg=$lx_registry_addr

refs=()
for k in $(seq 0 $(($# - 1))); do
	a=${*:k+1:1}
	transport=oci-archive
	tar -tf "$a" manifest.json >/dev/null 2>&1 && transport=docker-archive
	echo "pushing $a ($transport) as bench/$k:latest" >&2
	skopeo copy -q --dest-tls-verify=false "$transport:$a" "docker://$reg/bench/$k:latest" ||
		die "skopeo could not push $a"
	refs+=("$reg/bench/$k:latest")
done

# measure FILE CMD...: one run; appends "wall peak-KB user system" to FILE.
measure() {
	local file=$1
	shift
	if ! /usr/bin/time -f '%e %M %U %S' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/stderr"; then
		die "$(basename "$1") failed: $(grep -v '^Command exited' "$tmp/stderr" | tail -n 1)"
	fi
	tail -n 1 "$tmp/time" >>"$file"
}
run_skopeo() {
	rm -rf "$tmp/out"
	measure "$1" skopeo copy -q --src-tls-verify=false "docker://$2" "dir:$tmp/out"
	rm -rf "$tmp/out"
}
run_lx() { measure "$1" "$tmp/lx" report --jobs "$jobs" "registry://$2"; }

echo "$(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg) at the start; lx --jobs $jobs" >&2
for k in "${!refs[@]}"; do
	run_skopeo "$tmp/warm-up" "${refs[$k]}"
	run_lx "$tmp/warm-up" "${refs[$k]}"
done
for i in $(seq "$runs"); do
	line="  round $i:"
	for k in "${!refs[@]}"; do
		if [ $((i % 2)) = 1 ]; then
			run_skopeo "$tmp/skopeo.$k" "${refs[$k]}"
			run_lx "$tmp/lx.$k" "${refs[$k]}"
		else
			run_lx "$tmp/lx.$k" "${refs[$k]}"
			run_skopeo "$tmp/skopeo.$k" "${refs[$k]}"
		fi
		line+=$(printf ' [%d] skopeo %ss, lx %ss;' "$k" "$(tail -n 1 "$tmp/skopeo.$k" | cut -d' ' -f1)" "$(tail -n 1 "$tmp/lx.$k" | cut -d' ' -f1)")
	done
	echo "$line load $(cut -d' ' -f1 /proc/loadavg)" >&2
done

# stats FILE: median, min and max wall time, median CPU, peak RSS in MB.
stats() {
	awk '{ w[NR] = $1; c[NR] = $3 + $4; if ($2 > m) m = $2 }
	function med(a, n,   i, j, t) {
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	END { n = NR; lo = w[1]; hi = w[1]; for (i = 1; i <= n; i++) { if (w[i] < lo) lo = w[i]; if (w[i] > hi) hi = w[i] }
		printf "%.2f %.2f %.2f %.2f %.1f\n", med(w, n), lo, hi, med(c, n), m * 1024 / 1e6 }' "$1"
}

fail=0
for k in "${!refs[@]}"; do
	read -r sw slo shi sc srss < <(stats "$tmp/skopeo.$k")
	read -r lw llo lhi lc lrss < <(stats "$tmp/lx.$k")
	printf '\n%s (%s)\n  %-12s %8s %8s %8s %8s %11s\n' "${*:k+1:1}" "registry://${refs[$k]}" "" median min max cpu "peak RSS"
	printf '  %-12s %7ss %7ss %7ss %7ss %8s MB\n' "skopeo copy" "$sw" "$slo" "$shi" "$sc" "$srss"
	printf '  %-12s %7ss %7ss %7ss %7ss %8s MB\n' "lx report" "$lw" "$llo" "$lhi" "$lc" "$lrss"
	ratio=$(awk -v a="$lw" -v b="$sw" 'BEGIN { printf "%.2f", a / b }')
	printf '  %-12s %8s   (limit %s; median wall times)\n' ratio "$ratio" "$max_ratio"
	printf '  %-12s %8s   (median user+system times)\n' "cpu ratio" "$(awk -v a="$lc" -v b="$sc" 'BEGIN { printf "%.2f", a / b }')"
	if awk -v a="$ratio" -v b="$max_ratio" 'BEGIN { exit !(a > b) }'; then
		echo "FAIL: lx report takes ${ratio}x skopeo's time, more than ${max_ratio}x" >&2
		fail=1
	fi
	if awk -v a="$lrss" 'BEGIN { exit !(a > 100) }'; then
		echo "FAIL: lx report's peak RSS is $lrss MB, more than 100 MB" >&2
		fail=1
	fi
done
echo
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at the end, on $(nproc) CPUs"
exit "$fail"
