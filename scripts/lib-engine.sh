# shellcheck shell=bash
# Helpers for scripts/test.sh: the packages the tests need, a private Docker
# Engine (vfs storage, its own socket, data root and exec root under one temp
# directory), a busybox base image made from Debian's busybox-static, the
# fixture images built from testdata/dockerfiles, and their archives in every
# layout we can produce here.
#
# Source it from the repository root, with `set -euo pipefail` in force.
# Everything it makes lives under $LX_ENGINE_DIR; lx_engine_stop removes it.

LX_PACKAGES=(docker.io docker-registry apache2-utils busybox-static skopeo podman tmux zstd chromium aha)

lx_log() { printf '  %s\n' "$*"; }

# lx_ensure_packages installs the Debian packages the tests need, when some
# are missing. Nothing is downloaded when they are all there.
lx_ensure_packages() {
	local missing=() p
	for p in "${LX_PACKAGES[@]}"; do
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
			missing+=("$p")
		fi
	done
	if [ ${#missing[@]} -eq 0 ]; then
		lx_log "all present: ${LX_PACKAGES[*]}"
		return 0
	fi
	lx_log "installing: ${missing[*]}"
	local sudo=()
	[ "$(id -u)" -eq 0 ] || sudo=(sudo)
	local log
	log=$(mktemp /tmp/lx-apt.XXXXXX)
	if ! { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q &&
		"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
		tail -n 30 "$log" >&2
		rm -f "$log"
		echo "test.sh: could not install ${missing[*]}" >&2
		return 1
	fi
	rm -f "$log"
}

# lx_wait_for waits (60 s at most) until the command after its first three
# arguments succeeds, failing early, with the log, when PID has exited.
lx_wait_for() {
	local what=$1 pid=$2 log=$3
	shift 3
	local deadline=$((SECONDS + 60))
	until "$@" >/dev/null 2>&1; do
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "test.sh: $what exited while starting; its log:" >&2
			tail -n 30 "$log" >&2
			return 1
		fi
		if [ "$SECONDS" -ge "$deadline" ]; then
			echo "test.sh: $what did not answer within 60s; its log:" >&2
			tail -n 30 "$log" >&2
			return 1
		fi
		sleep 0.3
	done
}

# lx_stop_pid sends TERM to pid, waits up to 30 s, then KILL.
lx_stop_pid() {
	local pid=$1 what=$2 i
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for i in $(seq 1 60); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.5
	done
	echo "test.sh: $what $pid did not stop; killing it" >&2
	kill -KILL "$pid" 2>/dev/null || true
}

# lx_engine_start starts dockerd on a private socket and waits until it
# answers. It sets LX_ENGINE_DIR, LX_ENGINE_PID, LX_DOCKER_HOST and exports
# DOCKER_HOST for the docker CLI. The caller must arrange lx_engine_stop on
# EXIT.
lx_engine_start() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "test.sh: the private Docker Engine needs root (set LX_NO_ENGINE=1 to skip it)" >&2
		return 1
	fi
	# Sockets have a path limit of ~108 bytes: keep the directory short.
	LX_ENGINE_DIR=$(mktemp -d /tmp/lxe.XXXXXX)
	local d=$LX_ENGINE_DIR
	mkdir -p "$d/data" "$d/exec" "$d/fixtures" "$d/logs"
	LX_DOCKER_HOST="unix://$d/docker.sock"
	export DOCKER_HOST=$LX_DOCKER_HOST
	# A background job of a script ignores SIGINT; the EXIT trap stops it.
	dockerd \
		--storage-driver=vfs \
		--iptables=false --ip6tables=false --bridge=none \
		--data-root "$d/data" --exec-root "$d/exec" \
		--pidfile "$d/docker.pid" \
		-H "$LX_DOCKER_HOST" \
		</dev/null >"$d/dockerd.log" 2>&1 &
	LX_ENGINE_PID=$!
	lx_wait_for dockerd "$LX_ENGINE_PID" "$d/dockerd.log" timeout 10 docker version
	LX_ENGINE_PID=$(cat "$d/docker.pid" 2>/dev/null || echo "$LX_ENGINE_PID")
	lx_log "dockerd $(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})') pid $LX_ENGINE_PID on $LX_DOCKER_HOST"
}

# lx_engine_stop stops the engine we started (by its PID) and removes its
# directory. With LX_KEEP_ENGINE=1 it leaves both and says how to use them.
lx_engine_stop() {
	local d=${LX_ENGINE_DIR:-}
	[ -n "$d" ] || return 0
	if [ "${LX_KEEP_ENGINE:-}" = 1 ]; then
		echo
		echo "LX_KEEP_ENGINE=1: the engine is still running (pid ${LX_ENGINE_PID:-?}). To use it:"
		echo "  export DOCKER_HOST=$LX_DOCKER_HOST LX_DOCKER_HOST=$LX_DOCKER_HOST LX_FIXTURES=$d/fixtures"
		echo "To stop it: kill ${LX_ENGINE_PID:-?} && rm -rf $d"
		return 0
	fi
	lx_stop_pid "${LX_ENGINE_PID:-}" dockerd
	# dockerd stops the containerd it started; if it was killed, do it here.
	local cpid
	cpid=$(cat "$d/exec/containerd/containerd.pid" 2>/dev/null || true)
	if [ -n "$cpid" ] && kill -0 "$cpid" 2>/dev/null &&
		tr '\0' ' ' <"/proc/$cpid/cmdline" 2>/dev/null | grep -q -- "$d/exec"; then
		kill -TERM "$cpid" 2>/dev/null || true
		sleep 1
	fi
	# Nothing should stay mounted under it, but never rm -rf through a mount.
	local m
	for m in $(awk -v d="$d/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r); do
		umount -l "$m" 2>/dev/null || true
	done
	rm -rf "$d"
	LX_ENGINE_DIR=
}

# lx_import_busybox makes busybox:latest from Debian's static busybox: the
# binary and a symlink for each applet where busybox puts it.
lx_import_busybox() {
	local d=$LX_ENGINE_DIR/rootfs bb=/bin/busybox a
	[ -x "$bb" ] || bb=$(command -v busybox)
	rm -rf "$d"
	mkdir -p "$d/bin" "$d/sbin" "$d/usr/bin" "$d/usr/sbin" "$d/etc" "$d/root" "$d/tmp" "$d/var"
	chmod 1777 "$d/tmp"
	chmod 0700 "$d/root"
	cp "$bb" "$d/bin/busybox"
	chmod 0755 "$d/bin/busybox"
	for a in $("$bb" --list-full); do
		case "$a" in bin/busybox | */ | '') continue ;; esac
		mkdir -p "$d/$(dirname "$a")"
		[ -e "$d/$a" ] || ln -s /bin/busybox "$d/$a"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33:www-data:/var/www:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$d/etc/passwd"
	printf 'root:x:0:\nwww-data:x:33:\nnogroup:x:65534:\n' >"$d/etc/group"
	# Same bytes on every run: fixed times, owners and order.
	tar -C "$d" --sort=name --mtime='2024-01-01 00:00:00Z' --owner=0 --group=0 --numeric-owner \
		-cf "$LX_ENGINE_DIR/rootfs.tar" .
	docker import --change 'CMD ["sh"]' "$LX_ENGINE_DIR/rootfs.tar" busybox:latest >/dev/null
	rm -rf "$d" "$LX_ENGINE_DIR/rootfs.tar"
	lx_log "busybox:latest imported ($("$bb" --list | wc -l) applets)"
}

# lx_fixture_names lists the images in testdata/dockerfiles.
lx_fixture_names() {
	local f
	for f in testdata/dockerfiles/*/Dockerfile; do
		[ -e "$f" ] || continue
		basename "$(dirname "$f")"
	done
}

# lx_build_fixtures builds every testdata/dockerfiles/NAME/Dockerfile as
# lx-fixture/NAME:latest with the classic builder, so every RUN step makes a
# vfs layer and a history entry the way the seed article shows.
lx_build_fixtures() {
	local name log
	for name in $(lx_fixture_names); do
		log=$LX_ENGINE_DIR/logs/build-$name.log
		if ! DOCKER_BUILDKIT=0 docker build --rm --force-rm -t "lx-fixture/$name:latest" -t "lx-fixture/$name:built" \
			"testdata/dockerfiles/$name" >"$log" 2>&1; then
			tail -n 30 "$log" >&2
			echo "test.sh: docker build of testdata/dockerfiles/$name failed" >&2
			return 1
		fi
		lx_log "built lx-fixture/$name:latest ($(docker image inspect --format '{{len .RootFS.Layers}}' "lx-fixture/$name:latest") layers)"
	done
	if docker image inspect lx-fixture/seed:latest >/dev/null 2>&1; then
		docker history lx-fixture/seed:latest | sed 's/^/    /'
	fi
}

# lx_podman runs podman on a private storage under the engine directory.
lx_podman() {
	local d=$LX_ENGINE_DIR/podman
	mkdir -p "$d/root" "$d/run" "$d/tmp"
	podman --root "$d/root" --runroot "$d/run" --tmpdir "$d/tmp" \
		--storage-driver vfs --cgroup-manager cgroupfs --events-backend none "$@"
}

# lx_save_fixtures writes every image in every layout into
# $LX_ENGINE_DIR/fixtures, as NAME.LAYOUT[.EXT]:
#
#	NAME.docker.tar            docker save (Docker 20.10: the legacy layout)
#	NAME.docker.tar.gz|.zst    the same, the whole archive compressed
#	NAME.docker25.tar          the layout Docker 25+ saves: OCI blobs (plain) + manifest.json
#	NAME.docker25-zstd.tar     the same with zstd layer blobs
#	NAME.oci.tar, NAME.oci/    skopeo oci-archive / oci layout dir (gzip layers)
#	NAME.oci-gzip.tar          skopeo, --dest-compress gzip
#	NAME.oci-zstd.tar, NAME.oci-zstd/   skopeo, --dest-compress-format zstd
#	NAME.skopeo-docker.tar     skopeo docker-archive (layers as DIFFID.tar + symlinks)
#	NAME.podman-docker.tar     podman save --format docker-archive
#	NAME.podman-oci.tar        podman save --format oci-archive (gzip layers)
#	NAME.podman-oci-plain.tar  podman save --format oci-archive --uncompressed
#
# The podman ones are left out, with one line saying so, when podman cannot
# run here.
lx_save_fixtures() {
	local out=$LX_ENGINE_DIR/fixtures name ref log=$LX_ENGINE_DIR/logs/save.log
	local sk=(skopeo --insecure-policy copy -q --src-daemon-host "$LX_DOCKER_HOST")
	local podman_ok=1 conv=$LX_ENGINE_DIR/docker25
	go build -o "$conv" ./internal/testengine/cmd/docker25
	for name in $(lx_fixture_names); do
		ref=lx-fixture/$name:latest
		{
			docker save -o "$out/$name.docker.tar" "$ref" &&
			gzip -c "$out/$name.docker.tar" >"$out/$name.docker.tar.gz" &&
			zstd -q -c "$out/$name.docker.tar" >"$out/$name.docker.tar.zst" &&
			"$conv" "$out/$name.docker.tar" "$out/$name.docker25.tar" &&
			"$conv" -compress zstd "$out/$name.docker.tar" "$out/$name.docker25-zstd.tar" &&
			"${sk[@]}" "docker-daemon:$ref" "oci-archive:$out/$name.oci.tar:$ref" &&
			"${sk[@]}" "docker-daemon:$ref" "oci:$out/$name.oci:$ref" &&
			"${sk[@]}" --dest-compress --dest-compress-format gzip "docker-daemon:$ref" "oci-archive:$out/$name.oci-gzip.tar:$ref" &&
			"${sk[@]}" --dest-compress --dest-compress-format zstd "docker-daemon:$ref" "oci-archive:$out/$name.oci-zstd.tar:$ref" &&
			"${sk[@]}" --dest-compress --dest-compress-format zstd "docker-daemon:$ref" "oci:$out/$name.oci-zstd:$ref" &&
			"${sk[@]}" "docker-daemon:$ref" "docker-archive:$out/$name.skopeo-docker.tar:$ref"
		} >>"$log" 2>&1 || {
			tail -n 30 "$log" >&2
			echo "test.sh: saving $ref failed" >&2
			return 1
		}
		if [ "$podman_ok" = 1 ]; then
			if ! { lx_podman load -q -i "$out/$name.docker.tar" &&
				lx_podman save -q --format docker-archive -o "$out/$name.podman-docker.tar" "$ref" &&
				lx_podman save -q --format oci-archive -o "$out/$name.podman-oci.tar" "$ref" &&
				lx_podman save -q --uncompressed --format oci-archive -o "$out/$name.podman-oci-plain.tar" "$ref"; } >>"$log" 2>&1; then
				podman_ok=0
				rm -f "$out"/*.podman-*
				lx_log "podman cannot run here ($(tail -n 1 "$log")): no podman fixtures"
			fi
		fi
	done
	lx_log "$(find "$out" -mindepth 1 -maxdepth 1 | wc -l) fixture archives in $out"
}
