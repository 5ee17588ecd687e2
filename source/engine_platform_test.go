package source

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/api/types/image"

	"lx.dev/lx/model"
)

// The private test engine speaks API 1.41, which cannot choose platforms.
// These tests stand in for a newer engine (API 1.48, 1.49) with a small
// server of the same API over a unix socket, serving a two-platform OCI
// save, to check what lx asks of such an engine.

type fakeEngine struct {
	api     string
	images  map[string]testImage // by os/arch
	archive []byte

	mu   sync.Mutex
	seen []string // "PATH?platform=…" of every request after the ping, but the relations' list and inspects

	// historyFails answers image history as Docker 26's containerd store
	// does at times right after a load.
	historyFails bool
}

func startFakeEngine(t *testing.T, api string) (*fakeEngine, string) {
	t.Helper()
	f := newFakeEngine(t, api)
	dir, err := os.MkdirTemp("", "lxfake")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "e.sock")
	serveUnix(t, sock, f)
	return f, "unix://" + sock
}

// serveUnix serves h on a unix socket at sock until the test ends.
func serveUnix(t *testing.T, sock string, h http.Handler) {
	t.Helper()
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
}

// newFakeEngine is the fake engine's images, not served yet.
func newFakeEngine(t *testing.T, api string) *fakeEngine {
	t.Helper()
	base := tarOf(t, dirM("etc/", 0o755), fileM("etc/os", 0o644, "base"))
	f := &fakeEngine{api: api, images: map[string]testImage{}}
	for _, arch := range []string{"amd64", "arm64"} {
		im := testImage{tag: "app:1", os: "linux", arch: arch,
			layers: [][]byte{base, tarOf(t, fileM("bin-"+arch, 0o755, strings.Repeat(arch, 100)))},
			steps:  []step{{"ADD base /", true}, {"COPY bin /", true}, {"CMD [\"/bin\"]", false}}}
		f.images["linux/"+arch] = im
	}
	f.archive = ociArchive(t, Gzip, true, f.images["linux/amd64"], f.images["linux/arm64"])
	return f
}

// platformOf reads the platform query parameter: a JSON OCI platform.
func (f *fakeEngine) platformOf(r *http.Request) string {
	var p struct{ OS, Architecture string }
	if v := r.URL.Query().Get("platform"); v != "" && json.Unmarshal([]byte(v), &p) == nil {
		return p.OS + "/" + p.Architecture
	}
	return "linux/amd64" // the engine's own
}

func (f *fakeEngine) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Api-Version", f.api)
	if r.URL.Path == "/_ping" {
		return
	}
	im := f.images[f.platformOf(r)]
	if strings.HasSuffix(r.URL.Path, "/images/json") { // the image list, for the relations
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode([]map[string]any{{"Id": digestOf(im.config()), "RepoTags": []string{im.tag}}})
		return
	}
	if !strings.Contains(r.URL.Path, "/images/sha256:") { // the relations' inspects by ID
		f.mu.Lock()
		f.seen = append(f.seen, r.URL.Path+"?platform="+r.URL.Query().Get("platform"))
		f.mu.Unlock()
	}
	switch {
	case strings.HasSuffix(r.URL.Path, "/images/get"):
		w.Write(f.archive)
	case strings.HasSuffix(r.URL.Path, "/json"):
		var cfg struct {
			RootFS struct {
				DiffIDs []string `json:"diff_ids"`
			} `json:"rootfs"`
		}
		json.Unmarshal(im.config(), &cfg)
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"Id": digestOf(im.config()), "Os": im.os, "Architecture": im.arch,
			"Created": epoch.Format("2006-01-02T15:04:05Z"), "Size": 1000,
			"RootFS": map[string]any{"Type": "layers", "Layers": cfg.RootFS.DiffIDs},
		})
	case strings.HasSuffix(r.URL.Path, "/history") && f.historyFails:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"message":"snapshot sha256:3ee5d04c3baa86a9dccec3a4a350da59186f8a48a6eb6e1814e7e47209e60b80 does not exist: not found"}`))
	case strings.HasSuffix(r.URL.Path, "/history"):
		var items []image.HistoryResponseItem
		for i := len(im.steps) - 1; i >= 0; i-- {
			size := int64(0)
			if im.steps[i].layer {
				size = 100
			}
			items = append(items, image.HistoryResponseItem{CreatedBy: im.steps[i].createdBy, Created: epoch.Unix(), Size: size})
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(items)
	default:
		http.NotFound(w, r)
	}
}

func (f *fakeEngine) requests() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.seen, " ")
}

func TestEnginePlatformOnNewEngines(t *testing.T) {
	arm := `{"architecture":"arm64","os":"linux"}`
	for _, tc := range []struct {
		api         string
		wantPreview bool
		want        []string // the requests, in order
	}{
		{"1.49", true, []string{
			"/v1.49/images/app:1/json?platform=" + arm,
			"/v1.49/images/app:1/history?platform=" + arm,
			"/v1.49/images/get?platform=" + arm,
		}},
		// 1.48 saves and tells the history of one platform, but inspect
		// cannot choose: no preview, the stream still gives arm64.
		{"1.48", false, []string{
			"/v1.48/images/app:1/json?platform=",
			"/v1.48/images/app:1/history?platform=" + arm,
			"/v1.48/images/get?platform=" + arm,
		}},
	} {
		t.Run(tc.api, func(t *testing.T) {
			f, host := startFakeEngine(t, tc.api)
			e, err := NewEngine("app:1", Options{Platform: "linux/arm64", Engine: EngineOptions{Host: host, NoPull: true}})
			if err != nil {
				t.Fatal(err)
			}
			var preview *model.Config
			img, err := Analyze(context.Background(), e, func(ev Event) {
				if p, ok := ev.(Previewed); ok {
					preview = &p.Config
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			if img.Config.Architecture != "arm64" || img.Layers[1].SizeBytes != 500 {
				t.Errorf("read %s with layer 1 of %d bytes, want arm64's (500)", img.Config.Architecture, img.Layers[1].SizeBytes)
			}
			if (preview != nil) != tc.wantPreview {
				t.Errorf("preview %v, want one: %v", preview != nil, tc.wantPreview)
			}
			if preview != nil && strings.Join(preview.DiffIDs, ",") != strings.Join(img.Config.DiffIDs, ",") {
				t.Errorf("the preview's layers are not arm64's")
			}
			if got := f.requests(); got != strings.Join(tc.want, " ") {
				t.Errorf("requests:\n  %s\nwant\n  %s", got, strings.Join(tc.want, " "))
			}
		})
	}
	// Without --platform, a Docker 28+ engine is still asked for one
	// platform, the one inspect described: otherwise it saves every
	// platform of an index, and the containerd image store leaves out the
	// blobs of those it did not pull.
	for _, api := range []string{"1.48", "1.49"} {
		t.Run(api+" without --platform", func(t *testing.T) {
			f, host := startFakeEngine(t, api)
			e, err := NewEngine("app:1", Options{Engine: EngineOptions{Host: host, NoPull: true}})
			if err != nil {
				t.Fatal(err)
			}
			img, err := Analyze(context.Background(), e, nil)
			if err != nil {
				t.Fatal(err)
			}
			amd := `{"architecture":"amd64","os":"linux"}`
			want := "/v" + api + "/images/app:1/json?platform= /v" + api + "/images/app:1/history?platform=" + amd + " /v" + api + "/images/get?platform=" + amd
			if got := f.requests(); got != want {
				t.Errorf("requests:\n  %s\nwant\n  %s", got, want)
			}
			if img.Config.Architecture != "amd64" {
				t.Errorf("read %s, want the inspected amd64", img.Config.Architecture)
			}
		})
	}
	t.Run("1.47", func(t *testing.T) {
		_, host := startFakeEngine(t, "1.47")
		e, err := NewEngine("app:1", Options{Platform: "linux/arm64", Engine: EngineOptions{Host: host, NoPull: true}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = Analyze(context.Background(), e, nil)
		if err == nil || !strings.Contains(err.Error(), "is linux/amd64, not linux/arm64") || !strings.Contains(err.Error(), "API 1.47") {
			t.Errorf("err = %v", err)
		}
	})
}

// TestEngineTLS: a tcp host with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH is
// spoken to over TLS, checked against the CA found there.
func TestEngineTLS(t *testing.T) {
	f, _ := startFakeEngine(t, "1.41")
	srv := httptest.NewUnstartedServer(f)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes below
	srv.StartTLS()
	t.Cleanup(srv.Close)
	certs := t.TempDir()
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(filepath.Join(certs, "ca.pem"), ca, 0o600); err != nil {
		t.Fatal(err)
	}
	host := "tcp://" + strings.TrimPrefix(srv.URL, "https://")
	env := fakeEnv{"DOCKER_HOST": host, "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": certs}
	e, err := NewEngine("app:1", Options{Engine: EngineOptions{NoPull: true, Getenv: env.get}})
	if err != nil {
		t.Fatal(err)
	}
	img, err := Analyze(context.Background(), e, nil)
	if err != nil {
		t.Fatal(err)
	}
	if img.Config.Architecture != "amd64" || len(img.Layers) != 2 {
		t.Errorf("read %s with %d layers", img.Config.Architecture, len(img.Layers))
	}
	// Another CA: the engine's certificate is refused.
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "other CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	bad := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	badDir := t.TempDir()
	os.WriteFile(filepath.Join(badDir, "ca.pem"), bad, 0o600)
	env["DOCKER_CERT_PATH"] = badDir
	e, err = NewEngine("app:1", Options{Engine: EngineOptions{NoPull: true, Getenv: env.get}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Preview(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "cannot reach") || !strings.Contains(err.Error(), "unknown authority") || !strings.Contains(err.Error(), "DOCKER_CERT_PATH") {
		t.Errorf("err = %v, want a certificate error", err)
	} else {
		t.Log(err)
	}
	// A CA file that holds no certificate is refused before connecting.
	os.WriteFile(filepath.Join(badDir, "ca.pem"), []byte("no pem here"), 0o600)
	if _, err := NewEngine("app:1", Options{Engine: EngineOptions{Getenv: env.get}}); err == nil || !strings.Contains(err.Error(), "TLS") {
		t.Errorf("err = %v", err)
	}
}

// An engine whose history call fails (Docker 26's containerd store, at
// times, right after a load) still gives the image: the history only
// dresses the preview, and the saved config brings the steps.
func TestEngineHistoryFailingIsNoMissingImage(t *testing.T) {
	f, host := startFakeEngine(t, "1.45")
	want, err := Analyze(context.Background(), mustEngine(t, host), nil)
	if err != nil {
		t.Fatal(err)
	}
	f.historyFails = true
	got, err := Analyze(context.Background(), mustEngine(t, host), nil)
	if err != nil {
		t.Fatalf("history failing: %v", err)
	}
	if d := model.DiffFigures(want, got); d != "" {
		t.Fatalf("figures differ without the history: %s", d)
	}
	if len(got.Steps) != len(want.Steps) || got.Steps[1].CreatedBy != want.Steps[1].CreatedBy {
		t.Fatalf("steps %v, want those of the saved config %v", got.Steps, want.Steps)
	}
}

func mustEngine(t *testing.T, host string) *Engine {
	t.Helper()
	e, err := NewEngine("app:1", Options{Engine: EngineOptions{Host: host, NoPull: true}})
	if err != nil {
		t.Fatal(err)
	}
	return e
}
