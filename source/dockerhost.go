package source

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// DockerHost is the Docker Engine a command talks to, and why that one.
type DockerHost struct {
	Host   string // "unix:///var/run/docker.sock", "tcp://10.0.0.2:2376"...
	Origin string // where the choice came from, for messages: "--host", "DOCKER_HOST", "the default socket"...
	TLS    *TLSFiles
	// Context names the docker CLI context the host was read from, if any.
	Context string
}

// TLSFiles is the TLS material for a tcp host. Empty file names are not used.
type TLSFiles struct {
	CA, Cert, Key string
	SkipVerify    bool
}

// defaultDockerHost is the platform's socket, used when nothing else names one.
func defaultDockerHost() string {
	if runtime.GOOS == "windows" {
		return "npipe:////./pipe/docker_engine"
	}
	return "unix:///var/run/docker.sock"
}

// ResolveDockerHost finds the engine the docker CLI would use, in the same
// order: the --host flag (flagHost), DOCKER_HOST (with DOCKER_TLS_VERIFY,
// DOCKER_TLS and DOCKER_CERT_PATH), DOCKER_CONTEXT, the currentContext of
// $DOCKER_CONFIG/config.json (default ~/.docker) looked up in the context
// store, then the default socket. getenv reads the environment (os.Getenv
// when nil), so tests can give their own.
func ResolveDockerHost(flagHost string, getenv func(string) string) (DockerHost, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	if flagHost != "" {
		return hostFromEnvTLS(flagHost, "--host", getenv)
	}
	if h := getenv("DOCKER_HOST"); h != "" {
		return hostFromEnvTLS(h, "DOCKER_HOST", getenv)
	}
	dir := dockerConfigDir(getenv)
	name, origin := getenv("DOCKER_CONTEXT"), "DOCKER_CONTEXT"
	if name == "" {
		cur, err := currentContext(dir)
		if err != nil {
			return DockerHost{}, err
		}
		name, origin = cur, "currentContext in "+filepath.Join(dir, "config.json")
	}
	if name == "" || name == "default" {
		return DockerHost{Host: defaultDockerHost(), Origin: "the default socket"}, nil
	}
	return contextHost(dir, name, origin)
}

// dockerConfigDir is $DOCKER_CONFIG, else ~/.docker.
func dockerConfigDir(getenv func(string) string) string {
	return envDirOrHome(getenv, "DOCKER_CONFIG", ".docker")
}

// envDirOrHome is the directory $key names, else sub in the home
// directory ($HOME, else the user's).
func envDirOrHome(getenv func(string) string, key, sub string) string {
	if d := getenv(key); d != "" {
		return d
	}
	home := getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	return filepath.Join(home, sub)
}

// hostFromEnvTLS is a host given by flag or DOCKER_HOST, with the TLS
// settings the docker CLI reads from the environment.
func hostFromEnvTLS(host, origin string, getenv func(string) string) (DockerHost, error) {
	h := DockerHost{Origin: origin}
	verify := getenv("DOCKER_TLS_VERIFY") != ""
	if verify || getenv("DOCKER_TLS") != "" {
		certs := getenv("DOCKER_CERT_PATH")
		if certs == "" {
			certs = dockerConfigDir(getenv)
		}
		h.TLS = &TLSFiles{SkipVerify: !verify}
		for _, f := range []struct {
			dst  *string
			name string
		}{{&h.TLS.CA, "ca.pem"}, {&h.TLS.Cert, "cert.pem"}, {&h.TLS.Key, "key.pem"}} {
			p := filepath.Join(certs, f.name)
			if _, err := os.Stat(p); err == nil {
				*f.dst = p
			}
		}
	}
	var err error
	h.Host, err = normalizeHost(host, h.TLS != nil)
	if err != nil {
		return DockerHost{}, fmt.Errorf("%s=%s: %w", origin, host, err)
	}
	return h, nil
}

// normalizeHost checks a host and completes it as the docker CLI does:
// "tcp://HOST" gets port 2375 (2376 with TLS).
func normalizeHost(host string, tls bool) (string, error) {
	proto, addr, ok := strings.Cut(host, "://")
	if !ok {
		return "", fmt.Errorf("not a host address: want unix:///PATH, tcp://HOST[:PORT] or ssh://[USER@]HOST")
	}
	switch proto {
	case "unix", "npipe":
		if addr == "" {
			return "", fmt.Errorf("no socket path")
		}
		return host, nil
	case "tcp", "http", "https":
		hostPort, rest, _ := strings.Cut(addr, "/")
		if hostPort == "" {
			return "", fmt.Errorf("no host name")
		}
		if _, _, err := net.SplitHostPort(hostPort); err != nil {
			port := "2375"
			if tls {
				port = "2376"
			}
			hostPort = net.JoinHostPort(strings.Trim(hostPort, "[]"), port)
		}
		out := "tcp://" + hostPort
		if rest != "" {
			out += "/" + rest
		}
		return out, nil
	case "ssh":
		return host, nil
	}
	return "", fmt.Errorf("unsupported protocol %q: want unix://, tcp:// or ssh://", proto)
}

// currentContext reads currentContext from the docker CLI's config.json;
// "" when the file or the field is missing.
func currentContext(dir string) (string, error) {
	p := filepath.Join(dir, "config.json")
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("reading the docker CLI config: %w", err)
	}
	var cfg struct {
		CurrentContext string `json:"currentContext"`
	}
	if err := json.Unmarshal(b, &cfg); err != nil {
		return "", fmt.Errorf("the docker CLI config %s: %w", p, jsonError(err))
	}
	return cfg.CurrentContext, nil
}

// contextHost reads a context of the docker CLI's context store:
// contexts/meta/<sha256 of the name>/meta.json, and its TLS files under
// contexts/tls/<same>/docker/.
func contextHost(dir, name, origin string) (DockerHost, error) {
	sum := sha256.Sum256([]byte(name))
	id := hex.EncodeToString(sum[:])
	metaPath := filepath.Join(dir, "contexts", "meta", id, "meta.json")
	b, err := os.ReadFile(metaPath)
	if errors.Is(err, fs.ErrNotExist) {
		return DockerHost{}, fmt.Errorf("docker context %q (from %s) does not exist; list the contexts with `docker context ls`, or set DOCKER_HOST / --host", name, origin)
	}
	if err != nil {
		return DockerHost{}, fmt.Errorf("docker context %q: %w", name, err)
	}
	var meta struct {
		Name      string
		Endpoints map[string]struct {
			Host          string
			SkipTLSVerify bool
		}
	}
	if err := json.Unmarshal(b, &meta); err != nil {
		return DockerHost{}, fmt.Errorf("docker context %q: %s: %w", name, metaPath, jsonError(err))
	}
	ep, ok := meta.Endpoints["docker"]
	if !ok || ep.Host == "" {
		return DockerHost{}, fmt.Errorf("docker context %q (from %s) has no Docker endpoint", name, origin)
	}
	h := DockerHost{Origin: fmt.Sprintf("context %q from %s", name, origin), Context: name}
	tlsDir := filepath.Join(dir, "contexts", "tls", id, "docker")
	var files TLSFiles
	found := false
	for _, f := range []struct {
		dst  *string
		name string
	}{{&files.CA, "ca.pem"}, {&files.Cert, "cert.pem"}, {&files.Key, "key.pem"}} {
		p := filepath.Join(tlsDir, f.name)
		if _, err := os.Stat(p); err == nil {
			*f.dst = p
			found = true
		}
	}
	if found || ep.SkipTLSVerify {
		files.SkipVerify = ep.SkipTLSVerify
		h.TLS = &files
	}
	h.Host, err = normalizeHost(ep.Host, h.TLS != nil)
	if err != nil {
		return DockerHost{}, fmt.Errorf("docker context %q: host %s: %w", name, ep.Host, err)
	}
	return h, nil
}
