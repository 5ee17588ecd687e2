# shellcheck shell=bash
# Helpers for scripts/test.sh: a second Docker Engine beside the first, on
# the containerd image store: Debian trixie's dockerd (26.1) and containerd
# (1.7), unpacked once per machine into $LX_TOOLS_CACHE (never installed),
# with their own sockets, roots and state under $LX_ENGINE_DIR/c.
#
# Source it after lib-engine.sh, from the repository root, with
# `set -euo pipefail` in force. lx_engine2_stop stops what lx_engine2_start
# started, by PID; call it before lx_engine_stop removes $LX_ENGINE_DIR.

LX_TRIXIE_PACKAGES=(docker.io containerd)

# lx_trixie_dir is where the unpacked packages live, outside the clone, so
# that every clone and CI run on the machine shares them.
lx_trixie_dir() {
	echo "${LX_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lx-tools}/trixie-engine"
}

# lx_debian_source prints the URI and keyring of the machine's own Debian
# source (the first stanza of debian.sources that is not the security one).
lx_debian_source() {
	awk 'BEGIN { RS = ""; FS = "\n" }
	{
		u = ""; k = ""
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^URIs:/) { u = $i; sub(/^URIs:[ \t]*/, "", u); sub(/[ \t].*/, "", u) }
			if ($i ~ /^Signed-By:/) { k = $i; sub(/^Signed-By:[ \t]*/, "", k) }
		}
		if (u != "" && u !~ /security/) { print u; print k; exit }
	}' /etc/apt/sources.list.d/debian.sources
}

# lx_trixie_tools makes sure trixie's docker.io and containerd are unpacked
# in $(lx_trixie_dir)/root, and sets LX_TRIXIE_ROOT. Nothing is downloaded
# when they are there. The machine's apt state is left alone: a private
# sources file, lists, cache and an empty dpkg status.
lx_trixie_tools() {
	local dir
	dir=$(lx_trixie_dir)
	LX_TRIXIE_ROOT=$dir/root
	if [ -f "$dir/versions" ] && [ -x "$LX_TRIXIE_ROOT/usr/sbin/dockerd" ] && [ -x "$LX_TRIXIE_ROOT/usr/bin/containerd" ]; then
		lx_log "cached in $dir: $(tr '\n' ' ' <"$dir/versions")"
		return 0
	fi
	if [ ! -r /etc/apt/sources.list.d/debian.sources ]; then
		echo "test.sh: no /etc/apt/sources.list.d/debian.sources to take the Debian mirror and keyring from" >&2
		return 1
	fi
	local src uri key
	src=$(lx_debian_source)
	uri=$(sed -n 1p <<<"$src")
	key=$(sed -n 2p <<<"$src")
	if [ -z "$uri" ]; then
		echo "test.sh: no Debian URI in /etc/apt/sources.list.d/debian.sources" >&2
		return 1
	fi
	lx_log "downloading trixie's ${LX_TRIXIE_PACKAGES[*]} from $uri into $dir"
	mkdir -p "$(dirname "$dir")"
	# Made beside the target, then renamed: a run cut short leaves nothing
	# that a later run would trust.
	local tmp
	tmp=$(mktemp -d "$dir.tmp.XXXXXX")
	mkdir -p "$tmp/sources" "$tmp/lists/partial" "$tmp/archives/partial" "$tmp/debs" "$tmp/root"
	{
		echo "Types: deb"
		echo "URIs: $uri"
		echo "Suites: trixie"
		echo "Components: main"
		[ -z "$key" ] || echo "Signed-By: $key"
	} >"$tmp/sources/trixie.sources"
	local apt=(apt-get -q
		-o Dir::Etc::sourcelist=/dev/null -o "Dir::Etc::sourceparts=$tmp/sources"
		-o "Dir::State::Lists=$tmp/lists" -o "Dir::Cache::Archives=$tmp/archives"
		-o Dir::State::status=/dev/null -o "Dir::State::extended_states=$tmp/extended_states"
		-o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=)
	# apt fetches as _apt where that user exists: let it write there.
	if id _apt >/dev/null 2>&1; then
		chown -R _apt "$tmp/lists" "$tmp/archives" "$tmp/debs"
	fi
	local log=$tmp/apt.log
	if ! { "${apt[@]}" update && (cd "$tmp/debs" && "${apt[@]}" download "${LX_TRIXIE_PACKAGES[@]}"); } >"$log" 2>&1; then
		tail -n 20 "$log" >&2
		rm -rf "$tmp"
		echo "test.sh: could not download trixie's ${LX_TRIXIE_PACKAGES[*]}" >&2
		return 1
	fi
	local deb
	for deb in "$tmp"/debs/*.deb; do
		dpkg-deb -x "$deb" "$tmp/root"
		dpkg-deb -W --showformat='${Package} ${Version}\n' "$deb" >>"$tmp/versions"
	done
	rm -rf "$tmp/lists" "$tmp/archives" "$tmp/debs" "$tmp/sources" "$log" "$tmp/extended_states"
	rm -rf "$dir"
	mv "$tmp" "$dir"
	lx_log "unpacked: $(tr '\n' ' ' <"$dir/versions")"
}

# lx_engine2_start starts containerd (CRI off, its own root, state and
# socket) and a dockerd on it with the containerd snapshotter, and waits
# until it answers. It sets LX_ENGINE2_DIR, LX_CONTAINERD_PID,
# LX_ENGINE2_PID and LX_DOCKER_HOST_CONTAINERD.
lx_engine2_start() {
	local d=$LX_ENGINE_DIR/c root=$LX_TRIXIE_ROOT
	LX_ENGINE2_DIR=$d
	mkdir -p "$d/bin" "$d/ctd" "$d/ctd-state" "$d/data" "$d/exec"
	# trixie's runc needs a newer glibc than bookworm's: bookworm's runc
	# (the machine's, a dependency of its docker.io) comes first on PATH.
	local runc
	runc=$(command -v runc) || {
		echo "test.sh: no runc on PATH for the containerd engine" >&2
		return 1
	}
	ln -sf "$runc" "$d/bin/runc"
	local path=$d/bin:$root/usr/bin:$root/usr/sbin:$PATH
	cat >"$d/containerd.toml" <<-EOF
		version = 2
		root = "$d/ctd"
		state = "$d/ctd-state"
		disabled_plugins = ["io.containerd.grpc.v1.cri"]
		[grpc]
		  address = "$d/containerd.sock"
	EOF
	echo '{"features": {"containerd-snapshotter": true}}' >"$d/daemon.json"
	PATH=$path containerd --config "$d/containerd.toml" </dev/null >"$d/containerd.log" 2>&1 &
	LX_CONTAINERD_PID=$!
	lx_wait_for "containerd" "$LX_CONTAINERD_PID" "$d/containerd.log" test -S "$d/containerd.sock"
	LX_DOCKER_HOST_CONTAINERD="unix://$d/docker.sock"
	PATH=$path dockerd \
		--containerd "$d/containerd.sock" \
		--storage-driver native \
		--config-file "$d/daemon.json" \
		--iptables=false --ip6tables=false --bridge=none \
		--data-root "$d/data" --exec-root "$d/exec" \
		--pidfile "$d/docker.pid" \
		-H "$LX_DOCKER_HOST_CONTAINERD" \
		</dev/null >"$d/dockerd.log" 2>&1 &
	LX_ENGINE2_PID=$!
	lx_wait_for "the containerd engine's dockerd" "$LX_ENGINE2_PID" "$d/dockerd.log" \
		env DOCKER_HOST="$LX_DOCKER_HOST_CONTAINERD" timeout 10 docker version
	local info
	info=$(DOCKER_HOST=$LX_DOCKER_HOST_CONTAINERD docker info --format '{{.ServerVersion}} {{.Driver}} {{json .DriverStatus}}')
	case $info in
	*io.containerd.snapshotter.v1*) ;;
	*)
		echo "test.sh: the second engine is not on the containerd image store: $info" >&2
		return 1
		;;
	esac
	lx_log "dockerd $(DOCKER_HOST=$LX_DOCKER_HOST_CONTAINERD docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})'), containerd image store, pid $LX_ENGINE2_PID on $LX_DOCKER_HOST_CONTAINERD"
}

# lx_engine2_fixtures gives the containerd engine what the tests read: the
# busybox base and every fixture image loaded from the first engine's
# archives (the same images, so the same figures), and each fixture built
# again here as lx-fixture/NAME:built, whose steps' parent images the
# docker diff test runs.
lx_engine2_fixtures() {
	local h=$LX_DOCKER_HOST_CONTAINERD name log=$LX_ENGINE2_DIR/fixtures.log
	(
		docker save busybox:latest | DOCKER_HOST=$h docker load
		for name in $(lx_fixture_names); do
			DOCKER_HOST=$h docker load -i "$LX_ENGINE_DIR/fixtures/$name.docker.tar"
		done
	) >>"$log" 2>&1 || {
		tail -n 30 "$log" >&2
		echo "test.sh: loading the fixtures into the containerd engine failed" >&2
		return 1
	}
	for name in $(lx_fixture_names); do
		if ! DOCKER_HOST=$h DOCKER_BUILDKIT=0 docker build --rm --force-rm -t "lx-fixture/$name:built" \
			"testdata/dockerfiles/$name" >>"$log" 2>&1; then
			tail -n 30 "$log" >&2
			echo "test.sh: docker build of testdata/dockerfiles/$name on the containerd engine failed" >&2
			return 1
		fi
	done
	lx_log "loaded busybox and $(lx_fixture_names | wc -l) fixtures; built them again as lx-fixture/NAME:built"
}

# lx_engine2_stop stops dockerd, then containerd, then any shim of that
# containerd left behind, each by its PID.
lx_engine2_stop() {
	local d=${LX_ENGINE2_DIR:-}
	[ -n "$d" ] || return 0
	if [ "${LX_KEEP_ENGINE:-}" = 1 ]; then
		echo
		echo "LX_KEEP_ENGINE=1: the containerd engine is still running (dockerd pid ${LX_ENGINE2_PID:-?}, containerd pid ${LX_CONTAINERD_PID:-?}). To use it:"
		echo "  export LX_DOCKER_HOST_CONTAINERD=$LX_DOCKER_HOST_CONTAINERD"
		echo "To stop it, before the first engine: kill ${LX_ENGINE2_PID:-?}; sleep 5; kill ${LX_CONTAINERD_PID:-?}"
		return 0
	fi
	lx_stop_pid "${LX_ENGINE2_PID:-}" dockerd
	lx_stop_pid "${LX_CONTAINERD_PID:-}" containerd
	local pid
	for pid in $(pgrep -f -- "-address $d/containerd.sock" || true); do
		lx_stop_pid "$pid" containerd-shim
	done
	LX_ENGINE2_DIR=
}
