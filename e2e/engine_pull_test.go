package e2e

// Pulls through the engine from a loopback registry, and podman's
// Docker-compatible socket as an engine.

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"lx.dev/lx/internal/testengine"
)

// TestEnginePull: an image the engine lacks is pulled through it from a
// registry (Debian's docker-registry on a loopback port, where the engine
// allows plain HTTP), with progress on stderr; --no-pull refuses; a failed
// pull is one line with the registry's answer (in each engine's words).
func TestEnginePull(t *testing.T) {
	reg := startRegistry(t)
	testengine.Each(t, func(t *testing.T, e testengine.Engine) { testPull(t, e, reg) })
}

func testPull(t *testing.T, e testengine.Engine, reg string) {
	host := e.Host
	ref := reg + "/lx/seed-" + e.Name + ":pulled"
	dockerCLI(t, host, "tag", "lx-fixture/seed:latest", ref)
	dockerCLI(t, host, "push", ref)
	digest := dockerCLI(t, host, "image", "inspect", "--format", "{{index .RepoDigests 0}}", ref)
	dockerCLI(t, host, "rmi", ref)
	t.Cleanup(func() {
		exec.Command("docker", "-H", host, "rmi", ref).Run()
		exec.Command("docker", "-H", host, "rmi", digest).Run()
	})

	res := runLXEnv(t, t.TempDir(), engineEnv(t), "report", "--host", host, "--no-pull", ref)
	oneLine(t, res, ref, "--no-pull")

	res = runLXEnv(t, t.TempDir(), engineEnv(t), "report", "--changes", "--host", host, ref)
	if res.code != 0 {
		t.Fatalf("lx report %s: exit %d: %s", ref, res.code, res.stderr)
	}
	if !strings.Contains(string(res.stderr), "pulling "+ref) {
		t.Errorf("no pull progress on stderr: %q", res.stderr)
	}
	want, _ := jsonReport(t, testengine.Archive(t, "seed.docker.tar"))
	sameReport(t, "the pulled image differs from the seed archive", want, res.stdout)
	if out := dockerCLI(t, host, "image", "inspect", "--format", "{{.Id}}", ref); out == "" {
		t.Error("the pulled image is not on the engine")
	}

	// By digest: name@sha256:…, pulled as well once the engine lacks it.
	dockerCLI(t, host, "rmi", ref)
	res = runLXEnv(t, t.TempDir(), engineEnv(t), "report", "--changes", "--host", host, digest)
	if res.code != 0 {
		t.Fatalf("lx report %s: exit %d: %s", digest, res.code, res.stderr)
	}
	sameReport(t, "the image pulled by digest differs from the seed archive", want, res.stdout)

	absent := reg + "/lx/absent:1"
	res = runLXEnv(t, t.TempDir(), engineEnv(t), "report", "--host", host, absent)
	answer := "manifest unknown" // the registry's words, passed on
	if e.Containerd {
		answer = absent + ": not found" // containerd's resolver's
	}
	oneLine(t, res, absent, "pulling it failed", answer)
}

// startRegistry runs Debian's docker-registry on a free loopback port with
// its storage in a temp dir, stopped (by its PID) when the test ends, and
// returns its "127.0.0.1:PORT".
func startRegistry(t *testing.T) string {
	t.Helper()
	addr, _ := startRegistryData(t)
	return addr
}

// startRegistryData is startRegistry, also returning its storage directory.
func startRegistryData(t *testing.T) (addr, data string) {
	t.Helper()
	bin := testengine.Tool(t, "docker-registry", "docker-registry")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr = l.Addr().String()
	l.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yml")
	conf := fmt.Sprintf("version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\nhttp:\n  addr: %s\n", filepath.Join(dir, "data"), addr)
	if err := os.WriteFile(cfg, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	startService(t, exec.Command(bin, "serve", cfg), func() error {
		resp, err := http.Get("http://" + addr + "/v2/")
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("/v2/ answers %s", resp.Status)
		}
		return nil
	})
	return addr, filepath.Join(dir, "data")
}

// startService starts a server the test needs, waits until ready answers
// nil (20 s at most), and stops it by its PID when the test ends.
func startService(t *testing.T, cmd *exec.Cmd, ready func() error) {
	t.Helper()
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	})
	for deadline := time.Now().Add(20 * time.Second); ; {
		err := ready()
		if err == nil {
			return
		}
		select {
		case <-exited:
			t.Fatalf("%s exited: %s", cmd.Path, logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s is not ready: %v; %s", cmd.Path, err, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestEnginePodmanSocket: podman's Docker-compatible API is an engine like
// any other. A private podman service (its own storage and socket, stopped
// by its PID) gets the seed archive; lx through its socket gives the seed's
// report. Skipped where podman is installed but cannot run, as the podman
// fixtures are: where the test command made them, it must run.
func TestEnginePodmanSocket(t *testing.T) {
	podman := testengine.Tool(t, "podman", "podman")
	seed := testengine.Archive(t, "seed.docker.tar")
	dir, err := os.MkdirTemp("", "lxpod")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	flags := []string{"--root", filepath.Join(dir, "root"), "--runroot", filepath.Join(dir, "run"), "--tmpdir", filepath.Join(dir, "tmp"),
		"--storage-driver", "vfs", "--cgroup-manager", "cgroupfs", "--events-backend", "none"}
	if out, err := exec.Command(podman, append(flags, "load", "-q", "-i", seed)...).CombinedOutput(); err != nil {
		if _, made := os.Stat(filepath.Join(testengine.Fixtures(t), "seed.podman-docker.tar")); made == nil {
			t.Fatalf("podman made the fixtures but cannot load one here: %v: %s", err, out)
		}
		t.Skipf("podman cannot run here (nor could it make the podman fixtures): %v: %s", err, out)
	}
	sock := filepath.Join(dir, "p.sock")
	startService(t, exec.Command(podman, append(flags, "system", "service", "--time=0", "unix://"+sock)...), func() error {
		c, err := net.Dial("unix", sock)
		if err == nil {
			c.Close()
		}
		return err
	})
	raw, r := engineReport(t, "unix://"+sock, "lx-fixture/seed:latest")
	want, _ := jsonReport(t, seed)
	sameReport(t, "through podman's socket vs the seed archive", want, raw)
	if r.Image.Ref != "lx-fixture/seed:latest" {
		t.Errorf("ref %q", r.Image.Ref)
	}

	// podman:REF finds the socket as podman does: CONTAINER_HOST, then the
	// default connection that `podman system connection add --default`
	// wrote (podman 4 into containers.conf, podman 5 into
	// podman-connections.json). As root, podman 4 writes
	// /etc/containers/containers.conf unless CONTAINERS_CONF names a file:
	// it names one here, so the machine's stays as it is.
	podmanReport := func(what string, env ...string) {
		t.Helper()
		res := runLXEnv(t, t.TempDir(), engineEnv(t, env...), "report", "--changes", "--no-pull", "podman:lx-fixture/seed:latest")
		if res.code != 0 {
			t.Fatalf("%s: lx report podman:lx-fixture/seed:latest: exit %d: %s", what, res.code, res.stderr)
		}
		sameReport(t, "podman: through "+what+" vs the seed archive", want, res.stdout)
	}
	config := t.TempDir()
	conf := filepath.Join(config, "containers.conf")
	if err := os.WriteFile(conf, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	podmanReport("CONTAINER_HOST", "CONTAINER_HOST=unix://"+sock, "XDG_CONFIG_HOME="+config)
	add := exec.Command(podman, "system", "connection", "add", "--default", "lx-test", "unix://"+sock)
	add.Env = append(os.Environ(), "XDG_CONFIG_HOME="+config, "CONTAINERS_CONF="+conf)
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("podman system connection add: %v: %s", err, out)
	}
	podmanReport("the default connection", "XDG_CONFIG_HOME="+config, "CONTAINERS_CONF="+conf, "CONTAINER_HOST=")

	// Nothing answers: one line with the paths tried.
	runtime := t.TempDir()
	res := runLXEnv(t, t.TempDir(), engineEnv(t, "XDG_CONFIG_HOME="+t.TempDir(), "CONTAINERS_CONF="+filepath.Join(runtime, "none.conf"), "XDG_RUNTIME_DIR="+runtime, "CONTAINER_HOST="), "report", "podman:lx-fixture/seed:latest")
	if _, err := os.Stat("/run/podman/podman.sock"); err == nil {
		t.Skip("this machine runs podman's rootful service: no socket can be missing")
	}
	oneLine(t, res, "no podman socket answers", "/run/podman/podman.sock", filepath.Join(runtime, "podman", "podman.sock"))
}
