# shellcheck shell=bash
# Helpers for scripts/test.sh: two loopback registries (Debian's
# docker-registry, each with its own config and storage under
# $LX_ENGINE_DIR/registry) for the registry:// tests, filled with skopeo:
#
#	LX_REGISTRY          open: lx-fixture/NAME:latest for every fixture (its
#	                     OCI layout), lx-fixture/seed:docker (from docker save,
#	                     a Docker schema 2 manifest), lx-fixture/index:latest
#	                     (an OCI index: seed as linux/amd64, waste-mix as
#	                     linux/arm64)
#	LX_REGISTRY_AUTH     behind basic auth (an htpasswd file): lx-fixture/seed:latest,
#	                     for the user and password in LX_REGISTRY_AUTH_USER and
#	                     LX_REGISTRY_AUTH_PASSWORD
#
# Source it after lib-engine.sh, with the fixtures made ($LX_FIXTURES).

# lx_registry_serve REGFIXTURE DIR [AUTH] starts Debian's docker-registry
# on a free 127.0.0.1 port (REGFIXTURE, the regfixture program, picks
# it), its config, storage, log and pid under DIR (AUTH: an auth: section
# for its config), and waits until it answers. It sets lx_registry_addr to
# 127.0.0.1:PORT and lx_registry_pid.
lx_registry_serve() {
	local regfixture=$1 dir=$2 auth=${3:-} port
	port=$("$regfixture" port)
	mkdir -p "$dir"
	cat >"$dir/config.yml" <<-EOF
		version: 0.1
		log:
		  level: warn
		  accesslog:
		    disabled: true
		storage:
		  filesystem:
		    rootdirectory: $dir/data
		http:
		  addr: 127.0.0.1:$port
		$auth
	EOF
	docker-registry serve "$dir/config.yml" </dev/null >"$dir/log" 2>&1 &
	lx_registry_pid=$!
	echo "$lx_registry_pid" >"$dir/pid"
	lx_registry_addr=127.0.0.1:$port
	# It listens once it is ready.
	lx_wait_for "docker-registry ($dir)" "$lx_registry_pid" "$dir/log" \
		bash -c "exec 3<>/dev/tcp/127.0.0.1/$port"
}

# lx_registry_start starts both registries and waits until they answer.
lx_registry_start() {
	local d=$LX_ENGINE_DIR/registry
	mkdir -p "$d"
	go build -o "$d/regfixture" ./internal/testengine/cmd/regfixture
	LX_REGISTRY_AUTH_USER=lx
	LX_REGISTRY_AUTH_PASSWORD=lx-$RANDOM$RANDOM
	htpasswd -Bbc "$d/htpasswd" "$LX_REGISTRY_AUTH_USER" "$LX_REGISTRY_AUTH_PASSWORD" 2>/dev/null
	local name auth
	for name in open auth; do
		auth=
		if [ "$name" = auth ]; then
			auth=$(printf 'auth:\n  htpasswd:\n    realm: lx-test\n    path: %s\n' "$d/htpasswd")
		fi
		lx_registry_serve "$d/regfixture" "$d/$name" "$auth"
		if [ "$name" = open ]; then LX_REGISTRY=$lx_registry_addr; else LX_REGISTRY_AUTH=$lx_registry_addr; fi
		lx_log "docker-registry ($name) pid $lx_registry_pid on $lx_registry_addr"
	done
	export LX_REGISTRY LX_REGISTRY_AUTH LX_REGISTRY_AUTH_USER LX_REGISTRY_AUTH_PASSWORD
}

# lx_registry_push pushes the fixtures, the seed behind auth and the index.
lx_registry_push() {
	local d=$LX_ENGINE_DIR/registry f name
	local copy=(skopeo copy -q --dest-tls-verify=false)
	for f in "$LX_FIXTURES"/*.oci; do
		name=$(basename "$f" .oci)
		"${copy[@]}" "oci:$f" "docker://$LX_REGISTRY/lx-fixture/$name:latest"
	done
	"${copy[@]}" "docker-archive:$LX_FIXTURES/seed.docker.tar" "docker://$LX_REGISTRY/lx-fixture/seed:docker"
	"${copy[@]}" --dest-creds "$LX_REGISTRY_AUTH_USER:$LX_REGISTRY_AUTH_PASSWORD" \
		"oci:$LX_FIXTURES/seed.oci" "docker://$LX_REGISTRY_AUTH/lx-fixture/seed:latest"
	"$d/regfixture" index "$d/index" "$LX_FIXTURES/seed.oci" "$LX_FIXTURES/waste-mix.oci"
	"${copy[@]}" --all "oci:$d/index" "docker://$LX_REGISTRY/lx-fixture/index:latest"
	lx_log "pushed: $(cd "$LX_FIXTURES" && ls -d -- *.oci | sed 's/\.oci$//' | tr '\n' ' ')seed:docker, seed behind auth, the index"
}

# lx_registry_stop stops the registries we started, by their PIDs.
lx_registry_stop() {
	local d=${LX_ENGINE_DIR:-}/registry name
	[ -n "${LX_ENGINE_DIR:-}" ] && [ -d "$d" ] || return 0
	[ "${LX_KEEP_ENGINE:-}" = 1 ] && return 0
	for name in open auth; do
		if [ -f "$d/$name/pid" ]; then
			lx_stop_pid "$(cat "$d/$name/pid")" "docker-registry ($name)"
		fi
	done
}
