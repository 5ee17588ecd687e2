package e2e

// How lx fails with the engine: every error one line naming what was
// tried and what to do; Ctrl-C and an engine gone mid-stream; contexts.

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"lx.dev/lx/internal/testengine"
)

// oneLine checks an lx failure: exit 2, exactly one line on stderr that
// says all of says.
func oneLine(t *testing.T, res lxResult, says ...string) {
	t.Helper()
	msg := string(res.stderr)
	if res.code != 2 {
		t.Errorf("exit %d, want 2 (stderr %q)", res.code, msg)
	}
	if strings.Count(msg, "\n") != 1 || !strings.HasSuffix(msg, "\n") {
		t.Errorf("stderr is not one line: %q", msg)
	}
	for _, s := range says {
		if !strings.Contains(msg, s) {
			t.Errorf("stderr does not say %q: %q", s, msg)
		}
	}
	if len(res.stdout) != 0 {
		t.Errorf("stdout: %.200q", res.stdout)
	}
}

func TestEngineErrors(t *testing.T) {
	testengine.Each(t, testEngineErrors)
}

func testEngineErrors(t *testing.T, e testengine.Engine) {
	host := e.Host
	t.Run("missing socket", func(t *testing.T) {
		sock := filepath.Join(t.TempDir(), "none.sock")
		res := runLXEnv(t, t.TempDir(), engineEnv(t), "report", "--host", "unix://"+sock, "busybox")
		oneLine(t, res, "unix://"+sock, "(--host)", "no such socket", "start Docker")
		res = runLXEnv(t, t.TempDir(), engineEnv(t, "DOCKER_HOST=unix://"+sock), "report", "busybox")
		oneLine(t, res, "unix://"+sock, "(DOCKER_HOST)")
	})
	t.Run("nothing listening", func(t *testing.T) {
		sock := filepath.Join(t.TempDir(), "dead.sock")
		l, err := net.Listen("unix", sock)
		if err != nil {
			t.Fatal(err)
		}
		l.(*net.UnixListener).SetUnlinkOnClose(false)
		l.Close()
		res := runLXEnv(t, t.TempDir(), engineEnv(t), "report", "--host", "unix://"+sock, "busybox")
		oneLine(t, res, "unix://"+sock, "connection refused")
	})
	t.Run("unknown context", func(t *testing.T) {
		res := runLXEnv(t, t.TempDir(), engineEnv(t, "DOCKER_CONTEXT=lx-nope"), "report", "busybox")
		oneLine(t, res, `docker context "lx-nope"`, "DOCKER_CONTEXT", "does not exist")
	})
	t.Run("no such image, --no-pull", func(t *testing.T) {
		res := runLXEnv(t, t.TempDir(), engineEnv(t), "report", "--host", host, "--no-pull", "lx-none/absent:1")
		oneLine(t, res, "lx-none/absent:1", host, "--no-pull")
	})
	t.Run("no such file", func(t *testing.T) {
		res := runLXEnv(t, t.TempDir(), engineEnv(t), "report", "--host", host, "./absent.tar")
		oneLine(t, res, "absent.tar", "no such file")
	})
	t.Run("platform on an old engine", func(t *testing.T) {
		api := dockerCLI(t, host, "version", "--format", "{{.Server.APIVersion}}")
		if v, _ := strconv.ParseFloat(api, 64); v >= 1.48 {
			t.Skipf("the engine speaks API %s, which chooses platforms", api)
		}
		res := runLXEnv(t, t.TempDir(), engineEnv(t), "report", "--host", host, "--platform", "linux/s390x", "busybox")
		oneLine(t, res, "linux/s390x", "API "+api, "1.48")
		// The platform the image has is fine.
		res = runLXEnv(t, t.TempDir(), engineEnv(t), "report", "--host", host, "--platform", "linux/"+runtime.GOARCH, "busybox")
		if res.code != 0 {
			t.Errorf("--platform linux/%s: exit %d: %s", runtime.GOARCH, res.code, res.stderr)
		}
	})
	t.Run("permission denied", func(t *testing.T) {
		setpriv, err := exec.LookPath("setpriv")
		if err != nil || os.Getuid() != 0 {
			t.Skip("needs root and setpriv to run lx as another user")
		}
		// A socket only root may use (in a directory anyone may enter),
		// and lx run as nobody.
		p := testengine.StartProxy(t, host, testengine.HangUp, 1<<40)
		sock := strings.TrimPrefix(p.Host, "unix://")
		if err := os.Chmod(filepath.Dir(sock), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(sock, 0o600); err != nil {
			t.Fatal(err)
		}
		binDir, err := os.MkdirTemp("", "lx-nobody-")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(binDir) })
		if err := os.Chmod(binDir, 0o755); err != nil {
			t.Fatal(err)
		}
		bin := filepath.Join(binDir, "lx")
		copyFile(t, lxBinary(t), bin, 0o755)
		cmd := exec.Command(setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", bin, "report", "--host", p.Host, "busybox")
		cmd.Env = engineEnv(t)
		cmd.Dir = "/"
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err = cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		oneLine(t, lxResult{code: code, stderr: stderr.Bytes()}, "permission denied", p.Host, "docker group", "DOCKER_HOST")
	})
}

func copyFile(t *testing.T, src, dst string, mode os.FileMode) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, mode); err != nil {
		t.Fatal(err)
	}
}

// TestEngineGoneMidStream: the engine hanging up in the middle of the save
// is exit 2, one line, and no report file.
func TestEngineGoneMidStream(t *testing.T) {
	testengine.Each(t, testGoneMidStream)
}

func testGoneMidStream(t *testing.T, e testengine.Engine) {
	p := testengine.StartProxy(t, e.Host, testengine.HangUp, 2<<20)
	dir := t.TempDir()
	res := runLXEnv(t, dir, engineEnv(t), "report", "--host", p.Host, "-o", "out.json", "lx-fixture/seed:latest")
	oneLine(t, res, "lx-fixture/seed:latest", "broke off", "nothing was analysed")
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("left %d files in the output directory", len(ents))
	}
}

// TestEngineInterrupt: Ctrl-C while the engine is stalled mid-stream ends
// lx within a second.
func TestEngineInterrupt(t *testing.T) {
	testengine.Each(t, testInterrupt)
}

func testInterrupt(t *testing.T, e testengine.Engine) {
	p := testengine.StartProxy(t, e.Host, testengine.Stall, 2<<20)
	cmd := exec.Command(lxBinary(t), "report", "--host", p.Host, "-o", "out.json", "lx-fixture/seed:latest")
	cmd.Dir = t.TempDir()
	cmd.Env = engineEnv(t)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	select {
	case <-p.Broken:
	case <-time.After(30 * time.Second):
		t.Fatal("the save never reached the stall")
	}
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if took := time.Since(start); took > time.Second {
			t.Errorf("lx ended %v after Ctrl-C", took)
		}
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
			t.Errorf("exit: %v, want 2", err)
		}
		if !strings.Contains(stderr.String(), "context canceled") {
			t.Errorf("stderr: %q", stderr.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("lx still runs 5 s after Ctrl-C")
	}
}

// TestEngineContext: a context made by `docker context create`, and made
// current with `docker context use`, is where lx goes with no --host.
func TestEngineContext(t *testing.T) {
	testengine.Each(t, testContext)
}

func testContext(t *testing.T, e testengine.Engine) {
	host := e.Host
	cfg := t.TempDir()
	env := func(extra ...string) []string {
		e := engineEnv(t, extra...)
		return append(e, "DOCKER_CONFIG="+cfg) // the last one wins
	}
	cli := func(args ...string) {
		t.Helper()
		cmd := exec.Command("docker", args...)
		cmd.Env = env()
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("docker %s: %v: %s", strings.Join(args, " "), err, out)
		}
	}
	cli("context", "create", "lx-test", "--docker", "host="+host)
	cli("context", "create", "lx-elsewhere", "--docker", "host=unix:///nonexistent/lx.sock")
	cli("context", "use", "lx-test")
	res := runLXEnv(t, t.TempDir(), env(), "report", "--no-pull", "busybox")
	if res.code != 0 {
		t.Fatalf("through the current context: exit %d: %s", res.code, res.stderr)
	}
	// DOCKER_CONTEXT beats the current context, and errors say so.
	res = runLXEnv(t, t.TempDir(), env("DOCKER_CONTEXT=lx-elsewhere"), "report", "--no-pull", "busybox")
	oneLine(t, res, "unix:///nonexistent/lx.sock", `context "lx-elsewhere" from DOCKER_CONTEXT`)
}
