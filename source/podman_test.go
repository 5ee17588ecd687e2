package source

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// podmanWorld is a machine for ResolvePodmanHost: a root for /etc, /usr/share
// and /run, a home, and an environment, all in one short temp directory
// (socket paths are limited to ~108 bytes).
type podmanWorld struct {
	t    *testing.T
	root string
	env  fakeEnv
}

func newPodmanWorld(t *testing.T) *podmanWorld {
	t.Helper()
	dir, err := os.MkdirTemp("", "lxpm")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	w := &podmanWorld{t: t, root: filepath.Join(dir, "r"), env: fakeEnv{"HOME": filepath.Join(dir, "h")}}
	w.env["XDG_RUNTIME_DIR"] = filepath.Join(dir, "x")
	return w
}

// write puts a file under the world's root (rel starts with etc/, usr/,
// run/) or at an absolute path.
func (w *podmanWorld) write(rel, body string) string {
	w.t.Helper()
	p := rel
	if !filepath.IsAbs(p) {
		p = filepath.Join(w.root, rel)
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		w.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		w.t.Fatal(err)
	}
	return p
}

// listen makes a socket answer at p until the test ends.
func (w *podmanWorld) listen(p string) {
	w.t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		w.t.Fatal(err)
	}
	l, err := net.Listen("unix", p)
	if err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() { l.Close() })
}

func (w *podmanWorld) resolve(flagHost string) (DockerHost, error) {
	return ResolvePodmanHost(flagHost, PodmanEnv{Getenv: w.env.get, Root: w.root, UID: 1000})
}

func (w *podmanWorld) userFile(name string) string {
	return filepath.Join(w.env["HOME"], ".config", "containers", name)
}

func connectionsJSON(def string, conns ...string) string {
	var parts []string
	for i := 0; i+1 < len(conns); i += 2 {
		parts = append(parts, `"`+conns[i]+`":{"URI":"`+conns[i+1]+`","Identity":"","IsMachine":false}`)
	}
	return `{"Connection":{"Default":"` + def + `","Connections":{` + strings.Join(parts, ",") + `}},"Farm":{}}`
}

func TestResolvePodmanHostOrder(t *testing.T) {
	w := newPodmanWorld(t)
	rootful := filepath.Join(w.root, "run", "podman", "podman.sock")
	rootless := filepath.Join(w.env["XDG_RUNTIME_DIR"], "podman", "podman.sock")
	check := func(what, wantHost, wantOrigin string) {
		t.Helper()
		h, err := w.resolve("")
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if h.Host != wantHost || !strings.Contains(h.Origin, wantOrigin) {
			t.Errorf("%s: %s (%s), want %s (%s)", what, h.Host, h.Origin, wantHost, wantOrigin)
		}
	}

	// Nothing answers: the error lists both paths and why.
	_, err := w.resolve("")
	if err == nil || !strings.Contains(err.Error(), rootful+" (no such socket)") || !strings.Contains(err.Error(), rootless+" (no such socket)") || !strings.Contains(err.Error(), "CONTAINER_HOST") {
		t.Errorf("no socket: %v", err)
	}
	// A socket file nobody listens on does not answer.
	w.listen(rootless)
	check("the rootless socket", "unix://"+rootless, "rootless")
	w.listen(rootful)
	check("the rootful socket first", "unix://"+rootful, "rootful")

	// containers.conf: the system's, then the user's, each with its .d.
	w.write("usr/share/containers/containers.conf", "[engine]\nactive_service = \"sys\"\n[engine.service_destinations.sys]\nuri = \"unix:///sys.sock\"\n")
	check("containers.conf in /usr/share", "unix:///sys.sock", `the default connection "sys"`)
	w.write("etc/containers/containers.conf.d/10-x.conf", "[engine]\nactive_service = \"etc\"\n[engine.service_destinations.etc]\nuri = \"unix:///etc.sock\"\n")
	check("a later file wins", "unix:///etc.sock", "10-x.conf")
	w.write(w.userFile("containers.conf"), "[engine.service_destinations.user]\nuri = \"tcp://127.0.0.1:8080\"\n")
	check("a file without active_service keeps the default", "unix:///etc.sock", `"etc"`)

	// podman-connections.json beats containers.conf.
	w.write(w.userFile("podman-connections.json"), connectionsJSON("json", "json", "unix:///json.sock", "other", "unix:///other.sock"))
	check("podman-connections.json", "unix:///json.sock", "podman-connections.json")

	// CONTAINER_CONNECTION names any of them.
	w.env["CONTAINER_CONNECTION"] = "user"
	check("CONTAINER_CONNECTION from containers.conf", "tcp://127.0.0.1:8080", `connection "user" from CONTAINER_CONNECTION`)
	w.env["CONTAINER_CONNECTION"] = "other"
	check("CONTAINER_CONNECTION from the json", "unix:///other.sock", "CONTAINER_CONNECTION")
	w.env["CONTAINER_CONNECTION"] = "nope"
	if _, err := w.resolve(""); err == nil || !strings.Contains(err.Error(), `podman connection "nope"`) {
		t.Errorf("an unknown connection: %v", err)
	}

	// CONTAINER_HOST beats every connection; --host beats it.
	w.env["CONTAINER_HOST"] = "unix:///env.sock"
	check("CONTAINER_HOST", "unix:///env.sock", "CONTAINER_HOST")
	h, err := w.resolve("unix:///flag.sock")
	if err != nil || h.Host != "unix:///flag.sock" || h.Origin != "--host" {
		t.Errorf("--host: %+v %v", h, err)
	}
	w.env["CONTAINER_HOST"] = "bogus"
	if _, err := w.resolve(""); err == nil || !strings.Contains(err.Error(), "CONTAINER_HOST=bogus") {
		t.Errorf("a bad CONTAINER_HOST: %v", err)
	}
}

// The files named by the environment replace the usual ones.
func TestResolvePodmanHostFilesFromEnv(t *testing.T) {
	w := newPodmanWorld(t)
	w.write("etc/containers/containers.conf", "[engine]\nactive_service = \"etc\"\n[engine.service_destinations.etc]\nuri = \"unix:///etc.sock\"\n")
	w.env["CONTAINERS_CONF"] = w.write(filepath.Join(w.root, "mine.conf"), "[engine]\nactive_service = \"mine\"\n[engine.service_destinations.mine]\nuri = \"unix:///mine.sock\"\n")
	if h, err := w.resolve(""); err != nil || h.Host != "unix:///mine.sock" {
		t.Errorf("CONTAINERS_CONF: %+v %v", h, err)
	}
	w.env["CONTAINERS_CONF_OVERRIDE"] = w.write(filepath.Join(w.root, "over.conf"), "[engine]\nactive_service = \"over\"\n[engine.service_destinations.over]\nuri = \"unix:///over.sock\"\n")
	if h, err := w.resolve(""); err != nil || h.Host != "unix:///over.sock" {
		t.Errorf("CONTAINERS_CONF_OVERRIDE: %+v %v", h, err)
	}
	w.env["PODMAN_CONNECTIONS_CONF"] = w.write(filepath.Join(w.root, "conns.json"), connectionsJSON("j", "j", "unix:///j.sock"))
	if h, err := w.resolve(""); err != nil || h.Host != "unix:///j.sock" || !strings.Contains(h.Origin, "conns.json") {
		t.Errorf("PODMAN_CONNECTIONS_CONF: %+v %v", h, err)
	}
	w.write(filepath.Join(w.root, "conns.json"), connectionsJSON("gone", "j", "unix:///j.sock"))
	if _, err := w.resolve(""); err == nil || !strings.Contains(err.Error(), `default podman connection "gone"`) {
		t.Errorf("a default that names nothing: %v", err)
	}
	w.write(filepath.Join(w.root, "conns.json"), "{")
	if _, err := w.resolve(""); err == nil || !strings.Contains(err.Error(), "conns.json") {
		t.Errorf("a broken connections file: %v", err)
	}
	w.write(filepath.Join(w.root, "over.conf"), "[engine\n")
	if _, err := w.resolve(""); err == nil || !strings.Contains(err.Error(), "over.conf") {
		t.Errorf("a broken containers.conf: %v", err)
	}
}

// Without XDG_RUNTIME_DIR the rootless socket is /run/user/UID's.
func TestResolvePodmanHostRuntimeDir(t *testing.T) {
	w := newPodmanWorld(t)
	delete(w.env, "XDG_RUNTIME_DIR")
	sock := filepath.Join(w.root, "run", "user", "1000", "podman", "podman.sock")
	w.listen(sock)
	if h, err := w.resolve(""); err != nil || h.Host != "unix://"+sock {
		t.Errorf("%+v %v", h, err)
	}
}

// "podman:REF" opens podman, and its errors name podman, not Docker.
func TestOpenPodman(t *testing.T) {
	w := newPodmanWorld(t)
	sock := filepath.Join(w.root, "none.sock")
	w.env["CONTAINER_HOST"] = "unix://" + sock
	src, err := Open("podman:lx/app:1", Options{Engine: EngineOptions{Getenv: w.env.get}})
	if err != nil {
		t.Fatal(err)
	}
	e, ok := src.(*Engine)
	if !ok || e.Ref != "lx/app:1" || e.Host.Host != "unix://"+sock {
		t.Fatalf("Open gave %#v", src)
	}
	_, err = e.Preview(t.Context(), nil)
	if err == nil || !strings.Contains(err.Error(), "podman at unix://"+sock+" (CONTAINER_HOST)") || !strings.Contains(err.Error(), "podman.socket") || strings.Contains(err.Error(), "Docker") {
		t.Errorf("err = %v", err)
	}
}
