package source

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"lx.dev/lx/internal/testengine"
)

// fakeEnv is an environment for ResolveDockerHost.
type fakeEnv map[string]string

func (e fakeEnv) get(k string) string { return e[k] }

// writeContext writes a context the way the docker CLI's store keeps it.
func writeContext(t *testing.T, dir, name, host string, skipVerify bool, tlsFiles ...string) {
	t.Helper()
	sum := sha256.Sum256([]byte(name))
	id := hex.EncodeToString(sum[:])
	meta := filepath.Join(dir, "contexts", "meta", id)
	if err := os.MkdirAll(meta, 0o755); err != nil {
		t.Fatal(err)
	}
	skip := "false"
	if skipVerify {
		skip = "true"
	}
	js := `{"Name":"` + name + `","Metadata":{},"Endpoints":{"docker":{"Host":"` + host + `","SkipTLSVerify":` + skip + `}}}`
	if err := os.WriteFile(filepath.Join(meta, "meta.json"), []byte(js), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range tlsFiles {
		d := filepath.Join(dir, "contexts", "tls", id, "docker")
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, f), []byte("pem"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func writeConfig(t *testing.T, dir, current string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	js := `{"auths":{},"currentContext":"` + current + `"}`
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(js), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestResolveDockerHostOrder(t *testing.T) {
	cfg := t.TempDir()
	writeConfig(t, cfg, "cur")
	writeContext(t, cfg, "cur", "unix:///run/cur.sock", false)
	writeContext(t, cfg, "other", "tcp://10.0.0.9:2376", false)
	home, home2 := t.TempDir(), t.TempDir()
	writeConfig(t, filepath.Join(home2, ".docker"), "gone")

	for _, tc := range []struct {
		name           string
		flag           string
		env            fakeEnv
		host, origin   string
		wantContextErr string
	}{
		{"flag wins", "unix:///flag.sock", fakeEnv{"DOCKER_HOST": "unix:///env.sock", "DOCKER_CONTEXT": "other", "DOCKER_CONFIG": cfg},
			"unix:///flag.sock", "--host", ""},
		{"DOCKER_HOST over contexts", "", fakeEnv{"DOCKER_HOST": "unix:///env.sock", "DOCKER_CONTEXT": "other", "DOCKER_CONFIG": cfg},
			"unix:///env.sock", "DOCKER_HOST", ""},
		{"DOCKER_CONTEXT over currentContext", "", fakeEnv{"DOCKER_CONTEXT": "other", "DOCKER_CONFIG": cfg},
			"tcp://10.0.0.9:2376", `context "other" from DOCKER_CONTEXT`, ""},
		{"currentContext", "", fakeEnv{"DOCKER_CONFIG": cfg},
			"unix:///run/cur.sock", `context "cur" from currentContext in ` + filepath.Join(cfg, "config.json"), ""},
		{"DOCKER_CONTEXT=default", "", fakeEnv{"DOCKER_CONTEXT": "default", "DOCKER_CONFIG": cfg},
			"unix:///var/run/docker.sock", "the default socket", ""},
		{"no config at all", "", fakeEnv{"HOME": home},
			"unix:///var/run/docker.sock", "the default socket", ""},
		{"tcp without a port", "", fakeEnv{"DOCKER_HOST": "tcp://10.1.1.1"},
			"tcp://10.1.1.1:2375", "DOCKER_HOST", ""},
		{"tcp without a port, TLS", "", fakeEnv{"DOCKER_HOST": "tcp://10.1.1.1", "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": home},
			"tcp://10.1.1.1:2376", "DOCKER_HOST", ""},
		{"unknown DOCKER_CONTEXT", "", fakeEnv{"DOCKER_CONTEXT": "nope", "DOCKER_CONFIG": cfg},
			"", "", `docker context "nope" (from DOCKER_CONTEXT) does not exist`},
		{"unknown currentContext", "", fakeEnv{"HOME": home2},
			"", "", `docker context "gone" (from currentContext in ` + filepath.Join(home2, ".docker", "config.json") + `) does not exist`},
		{"not an address", "", fakeEnv{"DOCKER_HOST": "/var/run/docker.sock"},
			"", "", "DOCKER_HOST=/var/run/docker.sock: not a host address"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, err := ResolveDockerHost(tc.flag, tc.env.get)
			if tc.wantContextErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantContextErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantContextErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if h.Host != tc.host || h.Origin != tc.origin {
				t.Errorf("got %s (%s), want %s (%s)", h.Host, h.Origin, tc.host, tc.origin)
			}
		})
	}
}

func TestResolveDockerHostTLS(t *testing.T) {
	certs := t.TempDir()
	for _, f := range []string{"ca.pem", "cert.pem", "key.pem"} {
		if err := os.WriteFile(filepath.Join(certs, f), []byte("pem"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	h, err := ResolveDockerHost("", fakeEnv{"DOCKER_HOST": "tcp://d:2376", "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": certs}.get)
	if err != nil {
		t.Fatal(err)
	}
	want := TLSFiles{CA: filepath.Join(certs, "ca.pem"), Cert: filepath.Join(certs, "cert.pem"), Key: filepath.Join(certs, "key.pem")}
	if h.TLS == nil || *h.TLS != want {
		t.Errorf("TLS = %+v, want %+v", h.TLS, want)
	}
	// DOCKER_TLS without verification; the certificates from $DOCKER_CONFIG.
	cfg := t.TempDir()
	h, err = ResolveDockerHost("", fakeEnv{"DOCKER_HOST": "tcp://d:2376", "DOCKER_TLS": "1", "DOCKER_CONFIG": cfg}.get)
	if err != nil || h.TLS == nil || !h.TLS.SkipVerify || h.TLS.CA != "" {
		t.Errorf("DOCKER_TLS: %+v, %v", h.TLS, err)
	}
	// No TLS variables: none.
	h, err = ResolveDockerHost("", fakeEnv{"DOCKER_HOST": "tcp://d:2375", "DOCKER_CERT_PATH": certs}.get)
	if err != nil || h.TLS != nil {
		t.Errorf("plain tcp: %+v, %v", h.TLS, err)
	}
	// A context's own TLS material and SkipTLSVerify.
	writeContext(t, cfg, "secure", "tcp://s:2376", true, "ca.pem", "cert.pem", "key.pem")
	h, err = ResolveDockerHost("", fakeEnv{"DOCKER_CONTEXT": "secure", "DOCKER_CONFIG": cfg}.get)
	if err != nil {
		t.Fatal(err)
	}
	if h.TLS == nil || !h.TLS.SkipVerify || !strings.HasSuffix(h.TLS.Key, filepath.Join("docker", "key.pem")) || h.Context != "secure" {
		t.Errorf("context TLS = %+v (%+v)", h.TLS, h)
	}
}

// TestResolveDockerHostLikeTheCLI makes contexts with the real docker CLI
// and checks that every way of choosing one gives the host the CLI itself
// reports for the same environment.
func TestResolveDockerHostLikeTheCLI(t *testing.T) {
	docker := testengine.Tool(t, "docker.io", "docker")
	cfg := t.TempDir()
	base := []string{"DOCKER_CONFIG=" + cfg, "HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	cli := func(env []string, args ...string) string {
		t.Helper()
		cmd := exec.Command(docker, args...)
		cmd.Env = append(append([]string{}, base...), env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("docker %s: %v: %s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	cli(nil, "context", "create", "one", "--docker", "host=unix:///tmp/lx-one.sock")
	cli(nil, "context", "create", "two", "--docker", "host=tcp://192.0.2.7:2376,skip-tls-verify=true")
	cli(nil, "context", "use", "one")

	for _, env := range [][]string{
		nil,
		{"DOCKER_CONTEXT=two"},
		{"DOCKER_CONTEXT=default"},
		{"DOCKER_HOST=unix:///tmp/lx-env.sock"},
		{"DOCKER_HOST=unix:///tmp/lx-env.sock", "DOCKER_CONTEXT=two"},
		{"DOCKER_HOST=tcp://192.0.2.8"},
	} {
		t.Run(strings.Join(env, ","), func(t *testing.T) {
			want := cli(env, "context", "inspect", "--format", "{{.Endpoints.docker.Host}} {{.Endpoints.docker.SkipTLSVerify}}")
			m := fakeEnv{}
			for _, kv := range append(append([]string{}, base...), env...) {
				k, v, _ := strings.Cut(kv, "=")
				m[k] = v
			}
			h, err := ResolveDockerHost("", m.get)
			if err != nil {
				t.Fatal(err)
			}
			got := h.Host + " " + map[bool]string{true: "true", false: "false"}[h.TLS != nil && h.TLS.SkipVerify]
			if got != want {
				t.Errorf("lx resolves %q, the docker CLI %q", got, want)
			}
		})
	}
	// --host beats the current context in both.
	want := cli(nil, "--host", "unix:///tmp/lx-flag.sock", "context", "inspect", "--format", "{{.Endpoints.docker.Host}}")
	if h, err := ResolveDockerHost("unix:///tmp/lx-flag.sock", fakeEnv{"DOCKER_CONFIG": cfg}.get); err != nil || h.Host != want {
		t.Errorf("--host: lx %q (%v), the docker CLI %q", h.Host, err, want)
	}
	// A context the CLI removed is unknown to both.
	cli(nil, "context", "use", "default")
	cli(nil, "context", "rm", "two")
	if _, err := ResolveDockerHost("", fakeEnv{"DOCKER_CONFIG": cfg, "DOCKER_CONTEXT": "two"}.get); err == nil || !strings.Contains(err.Error(), `"two"`) {
		t.Errorf("removed context: err = %v", err)
	}
}
