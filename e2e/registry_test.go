package e2e

// registry://: the fixtures read straight from the loopback registries the
// test command fills (scripts/lib-registry.sh), with exactly the figures of
// their archives; credentials, platforms, and every way a registry fails.

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"lx.dev/lx/internal/testengine"
)

// reportOf runs lx report --changes with args on ref in env and returns
// the JSON; it must succeed.
func reportOf(t *testing.T, env []string, ref string, args ...string) ([]byte, *e2eReport) {
	t.Helper()
	res := runLXEnv(t, t.TempDir(), env, append(append([]string{"report", "--changes"}, args...), ref)...)
	if res.code != 0 {
		t.Fatalf("lx report %s: exit %d: %s", ref, res.code, res.stderr)
	}
	var r e2eReport
	if err := json.Unmarshal(res.stdout, &r); err != nil {
		t.Fatalf("lx report %s: not JSON: %v", ref, err)
	}
	return res.stdout, &r
}

// samePullSizes checks that every layer has a pull size and the image's is
// their sum.
func samePullSizes(t *testing.T, r *e2eReport) {
	t.Helper()
	var sum int64
	for _, l := range r.Layers {
		if l.CompressedBytes == nil || !strings.HasPrefix(l.Digest, "sha256:") {
			t.Fatalf("layer %d: no pull size or digest (%v, %q)", l.Index, l.CompressedBytes, l.Digest)
		}
		sum += *l.CompressedBytes
	}
	if r.Image.CompressedBytes == nil || *r.Image.CompressedBytes != sum {
		t.Errorf("image.compressedBytes %v, want the layers' sum %d", r.Image.CompressedBytes, sum)
	}
	if e := r.Image.WastedPull; e == nil || r.Image.WastedBytes == 0 && *e != 0 || *e > sum {
		t.Errorf("image.wastedPullCostEstimate %v for %d wasted bytes", e, r.Image.WastedBytes)
	}
}

// TestRegistrySameAsArchive: every fixture, pushed by skopeo, reads back
// through registry:// with the figures of its docker save archive, and
// with the pull sizes the manifest gives.
func TestRegistrySameAsArchive(t *testing.T) {
	reg := testengine.Registry(t)
	refs := map[string]string{"seed:docker": "seed"}
	for image := range fixturesByImage(t) {
		refs[image+":latest"] = image
	}
	for tag, image := range refs {
		t.Run(tag, func(t *testing.T) {
			want, _ := jsonReport(t, testengine.Archive(t, image+"."+baseLayout))
			ref := "registry://" + reg + "/lx-fixture/" + tag
			raw, r := reportOf(t, engineEnv(t), ref)
			sameReport(t, "the registry's report differs from the archive's", want, raw)
			if r.Image.Ref != reg+"/lx-fixture/"+tag {
				t.Errorf("ref %q", r.Image.Ref)
			}
			samePullSizes(t, r)
		})
	}
	// One blob at a time gives the same.
	want, _ := jsonReport(t, testengine.Archive(t, "app-build."+baseLayout))
	raw, _ := reportOf(t, engineEnv(t), "registry://"+reg+"/lx-fixture/app-build:latest", "--jobs", "1")
	sameReport(t, "--jobs 1", want, raw)
}

// dockerConfig writes a docker config.json in a new directory and returns
// the environment that names it.
func dockerConfig(t *testing.T, config string, extra ...string) []string {
	t.Helper()
	env := engineEnv(t, extra...)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	return append(env, "DOCKER_CONFIG="+dir, "HOME="+t.TempDir())
}

// TestRegistryAuth: the repository behind basic auth reads with the
// credentials of the docker config (auths, or a credential helper as
// credHelpers names it); without them, or with a wrong password, one line
// and exit 2.
func TestRegistryAuth(t *testing.T) {
	reg, user, password := testengine.RegistryAuth(t)
	ref := "registry://" + reg + "/lx-fixture/seed:latest"
	want, _ := jsonReport(t, testengine.Archive(t, "seed."+baseLayout))
	auths := func(pass string) string {
		return fmt.Sprintf(`{"auths": {%q: {"auth": %q}}}`, reg, base64.StdEncoding.EncodeToString([]byte(user+":"+pass)))
	}

	raw, _ := reportOf(t, dockerConfig(t, auths(password)), ref)
	sameReport(t, "with the credentials of the docker config", want, raw)

	// credHelpers: docker-credential-lxtest on PATH answers for the registry.
	bin := t.TempDir()
	helper := fmt.Sprintf("#!/bin/sh\nread host\n[ \"$host\" = %q ] || exit 1\nprintf '{\"Username\":\"%%s\",\"Secret\":\"%%s\"}' %q %q\n", reg, user, password)
	if err := os.WriteFile(filepath.Join(bin, "docker-credential-lxtest"), []byte(helper), 0o755); err != nil {
		t.Fatal(err)
	}
	env := dockerConfig(t, fmt.Sprintf(`{"credHelpers": {%q: "lxtest"}}`, reg))
	for i, kv := range env {
		if strings.HasPrefix(kv, "PATH=") {
			env[i] = "PATH=" + bin + ":" + strings.TrimPrefix(kv, "PATH=")
		}
	}
	raw, _ = reportOf(t, env, ref)
	sameReport(t, "with the credentials of a credential helper", want, raw)

	res := runLXEnv(t, t.TempDir(), dockerConfig(t, `{}`), "report", ref)
	oneLine(t, res, ref, "the registry "+reg+" refuses access to an anonymous pull", "docker login "+reg, "401 Unauthorized")
	res = runLXEnv(t, t.TempDir(), dockerConfig(t, auths("wrong")), "report", ref)
	oneLine(t, res, ref, "refuses access with the credentials found for "+reg, "401 Unauthorized")
}

// TestRegistryIndex: the two-platform index gives this machine's image by
// default, the one --platform names, and for a platform it lacks one line
// listing those it has.
func TestRegistryIndex(t *testing.T) {
	reg := testengine.Registry(t)
	ref := "registry://" + reg + "/lx-fixture/index:latest"
	byArch := map[string]string{"amd64": "seed", "arm64": "waste-mix"}
	for _, arch := range []string{"amd64", "arm64"} {
		want, _ := jsonReport(t, testengine.Archive(t, byArch[arch]+"."+baseLayout))
		raw, r := reportOf(t, engineEnv(t), ref, "--platform", "linux/"+arch)
		if r.Image.Architecture != arch {
			t.Errorf("--platform linux/%s read a %s image", arch, r.Image.Architecture)
		}
		// The arm64 image is waste-mix with its config saying arm64.
		sameReport(t, "--platform linux/"+arch, want, []byte(strings.Replace(string(raw), `"architecture": "arm64"`, `"architecture": "amd64"`, 1)))
		samePullSizes(t, r)
	}
	if image, ok := byArch[runtime.GOARCH]; ok {
		want, _ := jsonReport(t, testengine.Archive(t, image+"."+baseLayout))
		raw, _ := reportOf(t, engineEnv(t), ref)
		sameReport(t, "this machine's platform", want, raw)
	}
	res := runLXEnv(t, t.TempDir(), engineEnv(t), "report", "--platform", "linux/s390x", ref)
	oneLine(t, res, ref, "no image for platform linux/s390x", "the index has linux/amd64, linux/arm64")
}

// TestRegistryErrors: a stopped registry, a missing tag and repository,
// a blob corrupted on the registry's disk, a registry that hangs up in the
// middle of a blob: each one line naming the image, the registry and its
// answer, exit 2, nothing on stdout.
func TestRegistryErrors(t *testing.T) {
	skopeo := testengine.Tool(t, "skopeo", "skopeo")
	seed := testengine.Archive(t, "seed.oci")
	reg, data := startRegistryData(t)
	if out, err := exec.Command(skopeo, "copy", "-q", "--dest-tls-verify=false", "oci:"+seed, "docker://"+reg+"/lx/seed:latest").CombinedOutput(); err != nil {
		t.Fatalf("skopeo copy: %v: %s", err, out)
	}
	ref := "registry://" + reg + "/lx/seed:latest"
	env := engineEnv(t)

	// Nothing listens any more where a registry was.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	stopped := l.Addr().String()
	l.Close()
	res := runLXEnv(t, t.TempDir(), env, "report", "registry://"+stopped+"/lx/seed:latest")
	oneLine(t, res, "registry://"+stopped+"/lx/seed:latest", "cannot reach the registry "+stopped, "connection refused")

	res = runLXEnv(t, t.TempDir(), env, "report", "registry://"+reg+"/lx/seed:nope")
	oneLine(t, res, "registry://"+reg+"/lx/seed:nope", "the registry "+reg+" has no manifest lx/seed:nope", "404 Not Found: MANIFEST_UNKNOWN")
	res = runLXEnv(t, t.TempDir(), env, "report", "registry://"+reg+"/lx/absent:1")
	oneLine(t, res, "the registry "+reg+" has no manifest lx/absent:1", "404 Not Found")

	// The biggest layer blob, as the manifest names it.
	raw, r := reportOf(t, env, ref)
	if len(raw) == 0 {
		t.Fatal("no report")
	}
	big := r.Layers[0]
	for _, l := range r.Layers {
		if *l.CompressedBytes > *big.CompressedBytes {
			big = l
		}
	}

	// A registry that hangs up half way through that blob: the proxy in
	// front of it cuts the connection.
	proxy := cutProxy(t, reg, "/blobs/"+big.Digest, *big.CompressedBytes/2)
	pref := "registry://" + proxy + "/lx/seed:latest"
	res = runLXEnv(t, t.TempDir(), env, "report", pref)
	oneLine(t, res, pref, fmt.Sprintf("layer %d, blob %s", big.Index, big.Digest), "the registry "+proxy+" hung up after")

	// The same blob corrupted where the registry keeps it.
	hexPart := strings.TrimPrefix(big.Digest, "sha256:")
	file := filepath.Join(data, "docker", "registry", "v2", "blobs", "sha256", hexPart[:2], hexPart, "data")
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	res = runLXEnv(t, t.TempDir(), env, "report", ref)
	oneLine(t, res, ref, fmt.Sprintf("layer %d, blob %s", big.Index, big.Digest), "the bytes the registry "+reg+" sends hash to sha256:", "its copy is corrupt")
}

// cutProxy is an HTTP proxy on a loopback port in front of the registry
// at reg that passes everything but the response to a request whose path
// ends in suffix: it sends its first n bytes, then cuts the connection.
func cutProxy(t *testing.T, reg, suffix string, n int64) string {
	t.Helper()
	target, err := url.Parse("http://" + reg)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.ErrorLog = log.New(io.Discard, "", 0)
	rp.ModifyResponse = func(resp *http.Response) error {
		if strings.HasSuffix(resp.Request.URL.Path, suffix) && resp.Request.Method == http.MethodGet {
			resp.Body = cutBody{io.LimitReader(resp.Body, n), resp.Body}
		}
		return nil
	}
	srv := httptest.NewServer(rp)
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// cutBody ends in an error after its limit: the proxy then aborts the
// response, which cuts the client's connection.
type cutBody struct {
	r io.Reader
	c io.Closer
}

func (b cutBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err == io.EOF {
		err = io.ErrClosedPipe
	}
	return n, err
}

func (b cutBody) Close() error { return b.c.Close() }

// TestRegistryExplore: lx registry://…/seed:latest opens in a real
// terminal with the pull sizes in the layer list, at 80x24 and wide, and
// the waste list says what the wasted copies cost a pull.
func TestRegistryExplore(t *testing.T) {
	reg := testengine.Registry(t)
	ref := "registry://" + reg + "/lx-fixture/seed:latest"
	for _, c := range []struct {
		w, h int
		row  *regexp.Regexp // layer 2 (dd, 1 MiB): its size, its pull size, A 1
	}{
		{80, 24, regexp.MustCompile(`(?m)^│\s+2\s+1\.0M\s+[\d.]+[BKM]\s+1\s+0\s+0\s`)},
		{160, 45, regexp.MustCompile(`(?m)^│\s+2\s+1\.0 MiB\s+[\d.]+ (B|KiB|MiB)\s+1\s+0\s+0\s`)},
	} {
		t.Run(fmt.Sprintf("%dx%d", c.w, c.h), func(t *testing.T) {
			t.Parallel()
			tt := startTmux(t, t.TempDir(), c.w, c.h, ref)
			s := tt.waitFor("the analysed image", regexp.MustCompile(`efficiency \d`))
			if !regexp.MustCompile(`SIZE\s+PULL\s+A\s+C\s+D`).MatchString(s) {
				t.Errorf("no PULL column in the layer list:\n%s", s)
			}
			tt.keys("]", "]", "]")
			s = tt.waitFor("layer 2's pull size", c.row)
			tt.keys("w")
			s = tt.waitFor("the waste list", regexp.MustCompile(`Wasted copies`))
			if !strings.Contains(s, "a pull, estimated") || !strings.Contains(s, "≈PULL") {
				t.Errorf("the waste list does not say what the copies cost a pull:\n%s", s)
			}
			tt.keys("Escape", "q")
			if code := tt.exitCode(); code != "0" {
				t.Errorf("lx exited %s, want 0", code)
			}
		})
	}
}
