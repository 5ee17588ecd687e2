package source

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"

	"lx.dev/lx/internal/testarchive"
	"lx.dev/lx/model"
)

// testRegistry is go-containerregistry's in-memory registry on a loopback
// port, behind a hook that may answer a request itself (to break a blob).
type testRegistry struct {
	addr string
	mu   sync.Mutex
	hook func(w http.ResponseWriter, r *http.Request, inner http.Handler) bool
}

func startTestRegistry(t *testing.T) *testRegistry {
	t.Helper()
	inner := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	tr := &testRegistry{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tr.mu.Lock()
		hook := tr.hook
		tr.mu.Unlock()
		if hook != nil && hook(w, r, inner) {
			return
		}
		inner.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	tr.addr = strings.TrimPrefix(srv.URL, "http://")
	return tr
}

func (tr *testRegistry) setHook(h func(w http.ResponseWriter, r *http.Request, inner http.Handler) bool) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.hook = h
}

// push stores im as repo:tag, its layers with comp; the hook is off while
// it pushes.
func (tr *testRegistry) push(t *testing.T, repo, tag string, comp Compression, im testImage) {
	t.Helper()
	tr.mu.Lock()
	hook := tr.hook
	tr.hook = nil
	tr.mu.Unlock()
	defer tr.setHook(hook)
	if _, err := testarchive.PushImage(tr.addr, repo, tag, stored(comp), im.archived()); err != nil {
		t.Fatal(err)
	}
}

// blobDigest is the digest the registry stores layer k of im under, with comp.
func blobDigest(t *testing.T, im testImage, k int, comp Compression) string {
	t.Helper()
	return digestOf(compressed(t, im.layers[k], comp))
}

// noDockerConfig keeps the machine's docker config out of a test.
func noDockerConfig(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	t.Setenv("REGISTRY_AUTH_FILE", "")
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
}

// The same image gives the same figures from a registry as from an
// archive, whatever the blobs' compression and however many fetch at once;
// the pull sizes are the blobs'.
func TestRegistrySameAsArchive(t *testing.T) {
	noDockerConfig(t)
	reg := startTestRegistry(t)
	im := seedImage(t)
	want, err := analyzeRef(t, testarchive.WriteFile(t, "seed.tar", legacyArchive(t, im)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, comp := range []Compression{Gzip, Zstd, Plain} {
		reg.push(t, "lx/seed", comp.String(), comp, im)
		for _, jobs := range []int{1, 3, 8} {
			t.Run(fmt.Sprintf("%s/jobs=%d", comp, jobs), func(t *testing.T) {
				ref := RegistryPrefix + reg.addr + "/lx/seed:" + comp.String()
				img, err := analyzeRef(t, ref, Options{Registry: RegistryOptions{Jobs: jobs}})
				if err != nil {
					t.Fatal(err)
				}
				if got, w := figures(t, img), figures(t, want); got != w {
					t.Errorf("figures differ from the archive's:\n%s\nvs\n%s", got, w)
				}
				if img.Config.Ref != reg.addr+"/lx/seed:"+comp.String() {
					t.Errorf("ref %q", img.Config.Ref)
				}
				for k, l := range img.Config.Layers {
					blob := compressed(t, im.layers[k], comp)
					if l.CompressedSize != int64(len(blob)) || l.Digest != digestOf(blob) {
						t.Errorf("layer %d blob %+v, want %d bytes, %s", k, l, len(blob), digestOf(blob))
					}
				}
			})
		}
	}
}

// Blobs are fetched in parallel and delivered as each ends: a slow bottom
// layer does not hold back the others' decoding, and the model still
// applies them in order. Progress adds up every blob.
func TestRegistryParallelFetch(t *testing.T) {
	noDockerConfig(t)
	reg := startTestRegistry(t)
	im := seedImage(t)
	reg.push(t, "lx/seed", "latest", Gzip, im)
	slow := blobDigest(t, im, 0, Gzip)
	release := make(chan struct{})
	reg.setHook(func(w http.ResponseWriter, r *http.Request, inner http.Handler) bool {
		if strings.HasSuffix(r.URL.Path, "/blobs/"+slow) && r.Method == http.MethodGet {
			select {
			case <-release:
			case <-time.After(10 * time.Second):
			}
		}
		return false
	})
	var mu sync.Mutex
	var bound, applied []int
	var last BytesRead
	observe := func(ev Event) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case Bound:
			bound = append(bound, ev.Index)
			if len(bound) == len(im.layers)-1 {
				close(release) // every other layer is in: let the bottom one come
			}
		case Applied:
			applied = append(applied, ev.Index)
		case BytesRead:
			if ev.Read < last.Read {
				t.Errorf("progress went back: %d after %d", ev.Read, last.Read)
			}
			last = ev
		}
	}
	src, err := Open(RegistryPrefix+reg.addr+"/lx/seed", Options{Registry: RegistryOptions{Jobs: 3}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Analyze(context.Background(), src, observe); err != nil {
		t.Fatal(err)
	}
	if len(bound) != len(im.layers) || bound[len(bound)-1] != 0 {
		t.Errorf("bound %v: want layer 0 last, after the others", bound)
	}
	for i, k := range applied {
		if k != i {
			t.Fatalf("applied %v, want in order", applied)
		}
	}
	var total int64
	for k := range im.layers {
		total += int64(len(compressed(t, im.layers[k], Gzip)))
	}
	if last.Read != total || last.Total != total || last.Approximate {
		t.Errorf("last progress %+v, want %d of %d, exact", last, total, total)
	}
}

// A blob listed twice is fetched once and delivered as both layers.
func TestRegistryRepeatedBlob(t *testing.T) {
	noDockerConfig(t)
	reg := startTestRegistry(t)
	same := tarOf(t, fileM("a", 0o644, "same bytes"))
	im := testImage{layers: [][]byte{same, tarOf(t, fileM("b", 0o644, "b")), same}, steps: []step{{"1", true}, {"2", true}, {"3", true}}}
	reg.push(t, "lx/twice", "latest", Gzip, im)
	var mu sync.Mutex
	gets := map[string]int{}
	reg.setHook(func(w http.ResponseWriter, r *http.Request, inner http.Handler) bool {
		mu.Lock()
		gets[r.URL.Path]++
		mu.Unlock()
		return false
	})
	img, err := analyzeRef(t, RegistryPrefix+reg.addr+"/lx/twice", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := gets["/v2/lx/twice/blobs/"+blobDigest(t, im, 0, Gzip)]; n != 1 {
		t.Errorf("the repeated blob was fetched %d times", n)
	}
	if img.Layers[2].SizeBytes != int64(len("same bytes")) || img.WasteBy[model.Recopied] != int64(len("same bytes")) {
		t.Errorf("layer 2 %+v, waste %v", img.Layers[2], img.WasteBy)
	}
}

func indexImages(t *testing.T) (amd, arm testImage) {
	amd = testImage{arch: "amd64", layers: [][]byte{tarOf(t, fileM("amd", 0o644, "amd64"))}, steps: []step{{"amd", true}}}
	arm = testImage{arch: "arm64", layers: [][]byte{tarOf(t, fileM("arm", 0o644, "arm64 bytes"))}, steps: []step{{"arm", true}}}
	return amd, arm
}

// An index: --platform picks one image; a platform it lacks lists those
// it has.
func TestRegistryIndex(t *testing.T) {
	noDockerConfig(t)
	reg := startTestRegistry(t)
	amd, arm := indexImages(t)
	if _, err := testarchive.PushIndex(reg.addr, "lx/multi", "latest", testarchive.Gzip, amd.archived(), arm.archived()); err != nil {
		t.Fatal(err)
	}
	ref := RegistryPrefix + reg.addr + "/lx/multi:latest"
	for _, c := range []struct {
		platform, file string
	}{{"linux/arm64", "arm"}, {"linux/amd64", "amd"}, {"linux/arm64/v8", "arm"}} {
		img, err := analyzeRef(t, ref, Options{Platform: c.platform})
		if err != nil {
			t.Fatalf("--platform %s: %v", c.platform, err)
		}
		if n, ok := img.Lookup(c.file); !ok || img.Config.Architecture != strings.Split(c.platform, "/")[1] {
			t.Errorf("--platform %s: read %s (%v, %v)", c.platform, img.Config.Architecture, n, ok)
		}
	}
	_, err := analyzeRef(t, ref, Options{Platform: "linux/s390x"})
	wantOneLine(t, err, "registry://"+reg.addr+"/lx/multi:latest", "no image for platform linux/s390x", "the index has linux/amd64, linux/arm64")

	// A single image read for another platform than its own is refused.
	reg.push(t, "lx/amd", "latest", Gzip, amd)
	_, err = analyzeRef(t, RegistryPrefix+reg.addr+"/lx/amd", Options{Platform: "linux/arm64"})
	wantOneLine(t, err, "the image is linux/amd64 only", "not linux/arm64")
}

func wantOneLine(t *testing.T, err error, says ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want one saying %q", says)
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") {
		t.Errorf("not one line: %q", msg)
	}
	for _, s := range says {
		if !strings.Contains(msg, s) {
			t.Errorf("the error does not say %q: %s", s, msg)
		}
	}
}

// Each way a registry can fail is one line naming the image, the registry
// and its answer, and no image.
func TestRegistryErrors(t *testing.T) {
	noDockerConfig(t)
	reg := startTestRegistry(t)
	im := seedImage(t)
	reg.push(t, "lx/seed", "latest", Gzip, im)
	ref := RegistryPrefix + reg.addr + "/lx/seed:latest"
	broken := blobDigest(t, im, 2, Gzip)
	blobHook := func(serve func(w http.ResponseWriter, blob []byte)) func(http.ResponseWriter, *http.Request, http.Handler) bool {
		return func(w http.ResponseWriter, r *http.Request, inner http.Handler) bool {
			if !strings.HasSuffix(r.URL.Path, "/blobs/"+broken) || r.Method != http.MethodGet {
				return false
			}
			rec := httptest.NewRecorder()
			inner.ServeHTTP(rec, r)
			serve(w, rec.Body.Bytes())
			return true
		}
	}
	closed := func() string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		return addr
	}()
	cases := []struct {
		name string
		ref  string
		hook func(http.ResponseWriter, *http.Request, http.Handler) bool
		says []string
	}{
		{name: "unknown tag", ref: RegistryPrefix + reg.addr + "/lx/seed:nope",
			says: []string{"registry://" + reg.addr + "/lx/seed:nope", "the registry " + reg.addr + " has no manifest lx/seed:nope", "404 Not Found", "MANIFEST_UNKNOWN"}},
		{name: "unknown repository", ref: RegistryPrefix + reg.addr + "/lx/absent",
			says: []string{"has no manifest lx/absent:latest", "404 Not Found"}},
		{name: "nothing listening", ref: RegistryPrefix + closed + "/lx/seed",
			says: []string{"registry://" + closed + "/lx/seed", "cannot reach the registry " + closed, "connection refused"}},
		{name: "corrupt blob", ref: ref, hook: blobHook(func(w http.ResponseWriter, blob []byte) {
			bad := bytes.Clone(blob)
			bad[len(bad)/2] ^= 0xff
			w.Write(bad)
		}), says: []string{ref, "layer 2, blob " + broken, "the registry " + reg.addr + " sends hash to sha256:", "its copy is corrupt"}},
		{name: "hang-up", ref: ref, hook: blobHook(func(w http.ResponseWriter, blob []byte) {
			w.Header().Set("Content-Length", fmt.Sprint(len(blob)))
			w.Write(blob[:len(blob)/2])
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler) // the connection is cut
		}), says: []string{ref, "layer 2, blob " + broken, "the registry " + reg.addr + " hung up after"}},
		{name: "short blob", ref: ref, hook: blobHook(func(w http.ResponseWriter, blob []byte) {
			w.Write(blob[:len(blob)-10])
		}), says: []string{ref, "layer 2", "sends " + fmt.Sprint(len(compressed(t, im.layers[2], Gzip))-10) + " bytes, the manifest says"}},
		{name: "server error", ref: ref, hook: blobHook(func(w http.ResponseWriter, blob []byte) {
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, `{"errors":[{"code":"UNKNOWN","message":"disk on fire"}]}`)
		}), says: []string{ref, "the registry " + reg.addr + " answers 500 Internal Server Error: UNKNOWN (disk on fire) for layer 2's blob " + broken}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			reg.setHook(c.hook)
			defer reg.setHook(nil)
			img, err := analyzeRef(t, c.ref, Options{})
			if img != nil {
				t.Error("an image was returned")
			}
			wantOneLine(t, err, c.says...)
		})
	}
}

// Credentials come from the docker config as the docker CLI finds them;
// a registry that refuses says whether any were sent.
func TestRegistryBasicAuth(t *testing.T) {
	noDockerConfig(t)
	reg := startTestRegistry(t)
	im := seedImage(t)
	reg.push(t, "lx/seed", "latest", Gzip, im)
	good := "Basic " + base64.StdEncoding.EncodeToString([]byte("lx:secret"))
	reg.setHook(func(w http.ResponseWriter, r *http.Request, inner http.Handler) bool {
		if r.Header.Get("Authorization") == good {
			return false
		}
		w.Header().Set("WWW-Authenticate", `Basic realm="lx test"`)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}`)
		return true
	})
	ref := RegistryPrefix + reg.addr + "/lx/seed"
	_, err := analyzeRef(t, ref, Options{})
	wantOneLine(t, err, ref, "the registry "+reg.addr+" refuses access to an anonymous pull", "docker login "+reg.addr, "401 Unauthorized: UNAUTHORIZED (authentication required)")

	writeConfig := func(user, pass string) {
		auth := base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))
		cfg := fmt.Sprintf(`{"auths": {%q: {"auth": %q}}}`, reg.addr, auth)
		if err := os.WriteFile(filepath.Join(os.Getenv("DOCKER_CONFIG"), "config.json"), []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	writeConfig("lx", "wrong")
	_, err = analyzeRef(t, ref, Options{})
	wantOneLine(t, err, ref, "refuses access with the credentials found for "+reg.addr, "401 Unauthorized")

	writeConfig("lx", "secret")
	img, err := analyzeRef(t, ref, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if img.WastedBytes != 3<<20 {
		t.Errorf("wasted %d", img.WastedBytes)
	}
}

// What registry:// accepts, and the one line for what it does not.
func TestRegistryRefs(t *testing.T) {
	for _, ref := range []string{"seed:latest", "127.0.0.1:5000", "127.0.0.1:5000/", "localhost/Seed"} {
		_, err := Open(RegistryPrefix+ref, Options{})
		wantOneLine(t, err, RegistryPrefix+ref)
	}
	for ref, repo := range map[string]string{
		"127.0.0.1:5000/seed":   "127.0.0.1:5000/seed:latest",
		"localhost/team/app:v1": "localhost/team/app:v1",
		"registry.example/app@sha256:" + strings.Repeat("ab", 32): "registry.example/app@sha256:" + strings.Repeat("ab", 32),
	} {
		src, err := Open(RegistryPrefix+ref, Options{})
		if err != nil {
			t.Errorf("%s: %v", ref, err)
			continue
		}
		if got := src.(*Registry).ref.Name(); got != repo {
			t.Errorf("%s is %s, want %s", ref, got, repo)
		}
	}
}
