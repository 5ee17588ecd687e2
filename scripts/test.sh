#!/usr/bin/env bash
# The test command. On a fresh Debian machine it installs what it lacks,
# starts a private Docker Engine (stopped on exit), builds the fixture images
# in testdata/dockerfiles and saves them in every archive layout, then runs
# gofmt, go vet, every test and a short run of every fuzz target.
#
#	./scripts/test.sh
#
# Environment:
#	CI=true           tests that need the engine fail instead of skipping
#	LX_FUZZTIME=15s   how long each fuzz target runs (0 skips fuzzing)
#	LX_KEEP_ENGINE=1  leave the engine and fixtures for manual use; prints how
#	LX_NO_ENGINE=1    no engine, no fixtures (the engine tests skip, or fail in CI)
#	LX_NO_GORELEASER=1  skip goreleaser check and the snapshot build
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib-engine.sh
. scripts/lib-engine.sh

started=$SECONDS
section() { printf '\n=== %s (%ds)\n' "$*" $((SECONDS - started)); }

trap lx_engine_stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "${LX_NO_ENGINE:-}" = 1 ]; then
	section "engine: skipped (LX_NO_ENGINE=1)"
else
	section packages
	lx_ensure_packages
	section "docker engine"
	lx_engine_start
	section "base image"
	lx_import_busybox
	section "fixture images"
	lx_build_fixtures
	section "fixture archives"
	lx_save_fixtures
	export LX_FIXTURES=$LX_ENGINE_DIR/fixtures LX_DOCKER_HOST
fi

section gofmt
unformatted=$(find . -name '*.go' -not -path './.git/*' -not -path './.cache/*' -print0 | xargs -0 gofmt -l)
if [ -n "$unformatted" ]; then
	echo "these files need gofmt -w:" >&2
	echo "$unformatted" >&2
	exit 1
fi
echo "  ok"

section "go vet"
go vet ./...
echo "  ok"

section "go test"
go test -count=1 ./...

fuzztime=${LX_FUZZTIME:-15s}
if [ "$fuzztime" = 0 ]; then
	section "fuzz: skipped (LX_FUZZTIME=0)"
else
	section "fuzz ($fuzztime each)"
	targets=$(grep -rn --include='*_test.go' --exclude-dir=.git --exclude-dir=.cache --exclude-dir=testdata \
		'^func Fuzz[A-Za-z0-9_]*(' . | sed -E 's#^\./##; s#^(.*)/[^/]*_test\.go:[0-9]+:func (Fuzz[A-Za-z0-9_]*)\(.*#\1 \2#; s#^[^/ ]*_test\.go:[0-9]+:func (Fuzz[A-Za-z0-9_]*)\(.*#. \1#' | sort -u)
	if [ -z "$targets" ]; then
		echo "  no fuzz targets"
	fi
	while read -r dir name; do
		[ -n "$name" ] || continue
		echo "  $name in ./$dir"
		go test -run='^$' -fuzz="^$name\$" -fuzztime="$fuzztime" -fuzzminimizetime=200x "./$dir"
	done <<<"$targets"
fi

if [ "${LX_NO_GORELEASER:-}" = 1 ]; then
	section "goreleaser: skipped (LX_NO_GORELEASER=1)"
else
	section "goreleaser check and snapshot build"
	./scripts/goreleaser-check.sh
fi

section "all passed"
