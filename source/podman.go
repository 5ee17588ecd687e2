package source

// Podman by name: "podman:REF" reads REF through podman's Docker-compatible
// API socket, with the engine source's code. The socket is found the way
// podman finds its service.

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// PodmanPrefix names an image of podman: "podman:nginx:latest".
const PodmanPrefix = "podman:"

// PodmanEnv is where podman's settings are read from; the zero value is
// this process's environment and the machine's files.
type PodmanEnv struct {
	Getenv func(string) string // nil: os.Getenv
	Root   string              // where /etc, /usr/share and /run are; "" is /
	UID    int                 // for /run/user/UID without XDG_RUNTIME_DIR; with Root "", this process's
}

// NewPodman makes a Source for ref on the podman service that
// ResolvePodmanHost finds (or that opts.Engine.Host names). It does not
// connect yet.
func NewPodman(ref string, opts Options, env PodmanEnv) (*Engine, error) {
	if ref == "" {
		return nil, errNoImage
	}
	host, err := ResolvePodmanHost(opts.Engine.Host, env)
	if err != nil {
		return nil, err
	}
	return newEngine(ref, host, opts, podmanKind)
}

// ResolvePodmanHost finds podman's API socket as podman does: the --host
// flag, then CONTAINER_HOST, then the connection CONTAINER_CONNECTION names
// or the default one (podman-connections.json, then containers.conf), then
// the rootful /run/podman/podman.sock, then the rootless
// $XDG_RUNTIME_DIR/podman/podman.sock: the first of those two that answers.
// When neither answers, the error lists the paths tried.
func ResolvePodmanHost(flagHost string, env PodmanEnv) (DockerHost, error) {
	if env.Root == "" {
		env.Root = "/"
		if env.UID == 0 {
			env.UID = os.Getuid()
		}
	}
	getenv := env.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	if flagHost != "" {
		return podmanHost(flagHost, "--host")
	}
	if h := getenv("CONTAINER_HOST"); h != "" {
		return podmanHost(h, "CONTAINER_HOST")
	}
	conns, err := podmanConnections(env, getenv)
	if err != nil {
		return DockerHost{}, err
	}
	if name := getenv("CONTAINER_CONNECTION"); name != "" {
		c, ok := conns.byName[name]
		if !ok {
			return DockerHost{}, fmt.Errorf("podman connection %q (from CONTAINER_CONNECTION) does not exist; list them with `podman system connection list`", name)
		}
		return podmanHost(c.uri, fmt.Sprintf("connection %q from CONTAINER_CONNECTION, in %s", name, c.file))
	}
	if conns.def != "" {
		c, ok := conns.byName[conns.def]
		if !ok {
			return DockerHost{}, fmt.Errorf("the default podman connection %q (%s) does not exist; list them with `podman system connection list`", conns.def, conns.defFrom)
		}
		return podmanHost(c.uri, fmt.Sprintf("the default connection %q, in %s", conns.def, c.file))
	}
	return podmanSocket(env, getenv)
}

// podmanHost checks a URI of a podman connection.
func podmanHost(uri, origin string) (DockerHost, error) {
	h, err := normalizeHost(uri, false)
	if err != nil {
		return DockerHost{}, fmt.Errorf("%s=%s: %w", origin, uri, err)
	}
	return DockerHost{Host: h, Origin: origin}, nil
}

// podmanSocket is the first of the rootful and rootless sockets that
// answers.
func podmanSocket(env PodmanEnv, getenv func(string) string) (DockerHost, error) {
	rootless := getenv("XDG_RUNTIME_DIR")
	if rootless == "" {
		rootless = filepath.Join(env.Root, "run", "user", fmt.Sprint(env.UID))
	}
	tries := []struct{ path, origin string }{
		{filepath.Join(env.Root, "run", "podman", "podman.sock"), "podman's rootful socket"},
		{filepath.Join(rootless, "podman", "podman.sock"), "podman's rootless socket"},
	}
	var tried []string
	for _, s := range tries {
		c, err := net.DialTimeout("unix", s.path, 2*time.Second)
		if err == nil {
			c.Close()
			return DockerHost{Host: "unix://" + s.path, Origin: s.origin}, nil
		}
		tried = append(tried, fmt.Sprintf("%s (%s)", s.path, oneLine(plainSocketError(err))))
	}
	return DockerHost{}, fmt.Errorf("no podman socket answers: tried %s; start podman's service (`systemctl --user start podman.socket`, or `podman system service` as root), or set CONTAINER_HOST or --host", strings.Join(tried, ", "))
}

// plainSocketError words a failed dial of a socket path.
func plainSocketError(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such socket"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	}
	return plainNetError(err).Error()
}

// podmanConnection is one named destination.
type podmanConnection struct {
	uri  string
	file string // where it is defined, for messages
}

// podmanConnectionSet is every connection podman knows, and the default.
type podmanConnectionSet struct {
	byName  map[string]podmanConnection
	def     string
	defFrom string
}

// podmanConnections reads containers.conf's service_destinations and
// active_service, then podman-connections.json, whose connections and
// default win (podman writes it; containers.conf is written by hand).
func podmanConnections(env PodmanEnv, getenv func(string) string) (podmanConnectionSet, error) {
	set := podmanConnectionSet{byName: map[string]podmanConnection{}}
	for _, p := range containersConfFiles(env, getenv) {
		var conf struct {
			Engine struct {
				ActiveService       string `toml:"active_service"`
				ServiceDestinations map[string]struct {
					URI string `toml:"uri"`
				} `toml:"service_destinations"`
			} `toml:"engine"`
		}
		if _, err := toml.DecodeFile(p, &conf); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			return set, fmt.Errorf("podman's configuration %s: %s", p, oneLine(err))
		}
		for name, d := range conf.Engine.ServiceDestinations {
			set.byName[name] = podmanConnection{uri: d.URI, file: p}
		}
		if conf.Engine.ActiveService != "" {
			set.def, set.defFrom = conf.Engine.ActiveService, "active_service in "+p
		}
	}
	p := podmanConnectionsFile(getenv)
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return set, nil
	}
	if err != nil {
		return set, fmt.Errorf("podman's connections: %w", err)
	}
	var file struct {
		Connection struct {
			Default     string
			Connections map[string]struct{ URI string }
		}
	}
	if err := json.Unmarshal(b, &file); err != nil {
		return set, fmt.Errorf("podman's connections %s: %w", p, jsonError(err))
	}
	for name, c := range file.Connection.Connections {
		set.byName[name] = podmanConnection{uri: c.URI, file: p}
	}
	if file.Connection.Default != "" {
		set.def, set.defFrom = file.Connection.Default, "Default in "+p
	}
	return set, nil
}

// podmanConnectionsFile is $PODMAN_CONNECTIONS_CONF, else
// podman-connections.json in $XDG_CONFIG_HOME/containers (~/.config).
func podmanConnectionsFile(getenv func(string) string) string {
	if p := getenv("PODMAN_CONNECTIONS_CONF"); p != "" {
		return p
	}
	return filepath.Join(userConfigDir(getenv), "containers", "podman-connections.json")
}

// containersConfFiles lists the containers.conf files podman reads, in
// order (a later one wins): $CONTAINERS_CONF alone when set, else the
// system's and the user's, each with its .d directory; then
// $CONTAINERS_CONF_OVERRIDE.
func containersConfFiles(env PodmanEnv, getenv func(string) string) []string {
	var files []string
	if p := getenv("CONTAINERS_CONF"); p != "" {
		files = append(files, p)
	} else {
		for _, dir := range []string{
			filepath.Join(env.Root, "usr", "share", "containers"),
			filepath.Join(env.Root, "etc", "containers"),
			filepath.Join(userConfigDir(getenv), "containers"),
		} {
			files = append(files, filepath.Join(dir, "containers.conf"))
			more, _ := filepath.Glob(filepath.Join(dir, "containers.conf.d", "*.conf"))
			sort.Strings(more)
			files = append(files, more...)
		}
	}
	if p := getenv("CONTAINERS_CONF_OVERRIDE"); p != "" {
		files = append(files, p)
	}
	return files
}

// userConfigDir is $XDG_CONFIG_HOME, else ~/.config.
func userConfigDir(getenv func(string) string) string {
	return envDirOrHome(getenv, "XDG_CONFIG_HOME", ".config")
}
