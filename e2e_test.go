package main

// End-to-end tests: the lx binary, built once, against the fixture archives
// that ./scripts/test.sh makes from testdata/dockerfiles with a real Docker
// Engine and saves in every layout (docker save, Docker 25 layout, skopeo
// and podman OCI archives and layout dirs, gzip/zstd/plain blobs, whole
// archives compressed). Without fixtures these tests skip, except in CI,
// where they fail (internal/testengine).

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"lx.dev/lx/internal/testengine"
)

const mib = 1 << 20

var e2e struct {
	once sync.Once
	dir  string // holds the binary; removed by TestMain
	bin  string
	err  error

	mu      sync.Mutex
	reports map[string]*reportRun // by fixture path
}

func TestMain(m *testing.M) {
	code := m.Run()
	if e2e.dir != "" {
		os.RemoveAll(e2e.dir)
	}
	os.Exit(code)
}

// lxBinary builds the lx binary once per test run.
func lxBinary(t *testing.T) string {
	t.Helper()
	e2e.once.Do(func() {
		e2e.dir, e2e.err = os.MkdirTemp("", "lx-e2e-")
		if e2e.err != nil {
			return
		}
		e2e.bin = filepath.Join(e2e.dir, "lx")
		goTool := "go"
		if p := filepath.Join(os.Getenv("GOROOT"), "bin", "go"); os.Getenv("GOROOT") != "" {
			if _, err := os.Stat(p); err == nil {
				goTool = p
			}
		}
		out, err := exec.Command(goTool, "build", "-o", e2e.bin, ".").CombinedOutput()
		if err != nil {
			e2e.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if e2e.err != nil {
		t.Fatal(e2e.err)
	}
	return e2e.bin
}

type lxResult struct {
	code           int
	stdout, stderr []byte
}

// runLX runs lx with args and returns its exit code and output.
func runLX(t *testing.T, dir string, args ...string) lxResult {
	t.Helper()
	return runLXEnv(t, dir, nil, args...)
}

// runLXEnv runs lx with args in the environment env (nil: this process's).
func runLXEnv(t *testing.T, dir string, env []string, args ...string) lxResult {
	t.Helper()
	bin := lxBinary(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := lxResult{stdout: stdout.Bytes(), stderr: stderr.Bytes()}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit) && exit.ExitCode() >= 0:
		res.code = exit.ExitCode()
	default:
		t.Fatalf("lx %s: %v (stderr: %s)", strings.Join(args, " "), err, stderr.Bytes())
	}
	return res
}

// The JSON report (schema 1), as far as these tests read it.
type e2eReport struct {
	SchemaVersion int `json:"schemaVersion"`
	Image         struct {
		Ref             string           `json:"ref"`
		ID              string           `json:"id"`
		LayerCount      int              `json:"layerCount"`
		TotalBytes      int64            `json:"totalBytes"`
		WastedBytes     int64            `json:"wastedBytes"`
		Efficiency      float64          `json:"efficiency"`
		WasteByCause    map[string]int64 `json:"wasteByCause"`
		CompressedBytes *int64           `json:"compressedBytes"`
	} `json:"image"`
	Layers []struct {
		Index             int    `json:"index"`
		DiffID            string `json:"diffID"`
		Digest            string `json:"digest"`
		Command           string `json:"command"`
		Step              *int   `json:"step"`
		SizeBytes         int64  `json:"sizeBytes"`
		CompressedBytes   *int64 `json:"compressedBytes"`
		Added             int    `json:"added"`
		Changed           int    `json:"changed"`
		Deleted           int    `json:"deleted"`
		WastedBytesMade   int64  `json:"wastedBytesMade"`
		WastedBytesKilled int64  `json:"wastedBytesKilled"`
		Changes           []struct {
			Path   string `json:"path"`
			Marker string `json:"marker"`
			Type   string `json:"type"`
			Size   int64  `json:"size"`
		} `json:"changes"`
	} `json:"layers"`
	Steps []struct {
		Index      int    `json:"index"`
		CreatedBy  string `json:"createdBy"`
		EmptyLayer bool   `json:"emptyLayer"`
		Layer      *int   `json:"layer"`
	} `json:"steps"`
	Waste    []e2eWaste `json:"waste"`
	Warnings []string   `json:"warnings"`
}

type e2eWaste struct {
	Path       string `json:"path"`
	Bytes      int64  `json:"bytes"`
	Cause      string `json:"cause"`
	MadeBy     int    `json:"madeBy"`
	KilledBy   int    `json:"killedBy"`
	Changed    string `json:"changed,omitempty"`
	ReturnedIn *int   `json:"returnedIn,omitempty"`
}

func (w e2eWaste) String() string {
	s := fmt.Sprintf("%s %d %s made by %d killed by %d", w.Path, w.Bytes, w.Cause, w.MadeBy, w.KilledBy)
	if w.Changed != "" {
		s += " changed " + w.Changed
	}
	if w.ReturnedIn != nil {
		s += fmt.Sprintf(" returned in %d", *w.ReturnedIn)
	}
	return s
}

type reportRun struct {
	once   sync.Once
	raw    []byte
	report e2eReport
	err    string
}

// jsonReport runs `lx report --format json --changes` on a fixture once and
// returns its raw and decoded output; the run must succeed.
func jsonReport(t *testing.T, path string) ([]byte, *e2eReport) {
	t.Helper()
	e2e.mu.Lock()
	if e2e.reports == nil {
		e2e.reports = map[string]*reportRun{}
	}
	r := e2e.reports[path]
	if r == nil {
		r = &reportRun{}
		e2e.reports[path] = r
	}
	e2e.mu.Unlock()
	r.once.Do(func() {
		r.err = "lx report " + path + " did not run: see the first test that asked for it"
		res := runLX(t, t.TempDir(), "report", "--format", "json", "--changes", path)
		switch {
		case res.code != 0:
			r.err = fmt.Sprintf("lx report %s: exit %d, stderr:\n%s", path, res.code, res.stderr)
		default:
			r.raw, r.err = res.stdout, ""
			if err := json.Unmarshal(res.stdout, &r.report); err != nil {
				r.err = fmt.Sprintf("lx report %s: not JSON: %v", path, err)
			}
		}
	})
	if r.err != "" {
		t.Fatal(r.err)
	}
	return r.raw, &r.report
}

// fixturesByImage groups the fixture archives by image.
func fixturesByImage(t *testing.T) map[string][]testengine.Fixture {
	t.Helper()
	out := map[string][]testengine.Fixture{}
	for _, f := range testengine.List(t) {
		out[f.Image] = append(out[f.Image], f)
	}
	return out
}

// The layouts the script makes whatever the machine; podman's come on top
// where podman runs.
var requiredLayouts = []string{
	"docker.tar", "docker.tar.gz", "docker.tar.zst",
	"docker25.tar", "docker25-zstd.tar",
	"oci.tar", "oci", "oci-gzip.tar", "oci-zstd.tar", "oci-zstd",
	"skopeo-docker.tar",
}

// baseLayout is what the others are compared with: plain docker save.
const baseLayout = "docker.tar"

func TestE2EFixturesComplete(t *testing.T) {
	byImage := fixturesByImage(t)
	dockerfiles, err := filepath.Glob("testdata/dockerfiles/*/Dockerfile")
	if err != nil || len(dockerfiles) == 0 {
		t.Fatalf("no testdata/dockerfiles/*/Dockerfile (%v)", err)
	}
	for _, df := range dockerfiles {
		image := filepath.Base(filepath.Dir(df))
		have := map[string]bool{}
		for _, f := range byImage[image] {
			have[f.Layout] = true
		}
		for _, l := range requiredLayouts {
			if !have[l] {
				t.Errorf("fixture %s.%s is missing", image, l)
			}
		}
	}
}

// TestE2ESeed checks the seed article's image, through every layout, against
// SEMANTICS.md's exact figures for a vfs daemon.
func TestE2ESeed(t *testing.T) {
	fixtures := fixturesByImage(t)["seed"]
	if len(fixtures) == 0 {
		t.Fatal("no seed fixtures")
	}
	for _, f := range fixtures {
		t.Run(f.Layout, func(t *testing.T) {
			t.Parallel()
			_, r := jsonReport(t, f.Path)
			checkSeed(t, r)
			checkCompressed(t, f, r)
		})
	}
}

func checkSeed(t *testing.T, r *e2eReport) {
	t.Helper()
	if r.SchemaVersion != 1 {
		t.Errorf("schemaVersion = %d", r.SchemaVersion)
	}
	img := r.Image
	if img.LayerCount != 7 || len(r.Layers) != 7 {
		t.Fatalf("layerCount = %d, %d layers; want 7 (busybox + 6 RUN)", img.LayerCount, len(r.Layers))
	}
	if img.WastedBytes != 3*mib {
		t.Errorf("wastedBytes = %d, want %d", img.WastedBytes, 3*mib)
	}
	wantCause := map[string]int64{"removed": mib, "recopied": 2 * mib, "overwritten": 0}
	if !reflect.DeepEqual(img.WasteByCause, wantCause) {
		t.Errorf("wasteByCause = %v, want %v", img.WasteByCause, wantCause)
	}
	if img.TotalBytes <= 4*mib {
		t.Errorf("totalBytes = %d, want busybox + 4 MiB of copies", img.TotalBytes)
	} else if want := float64(img.TotalBytes-img.WastedBytes) / float64(img.TotalBytes); img.Efficiency != want {
		t.Errorf("efficiency = %v, want %v", img.Efficiency, want)
	}

	commands := []string{
		"",
		"/bin/sh -c mkdir /data",
		"/bin/sh -c dd if=/dev/zero bs=1024 count=1024 of=/data/one",
		"/bin/sh -c chmod -R 0777 /data",
		"/bin/sh -c dd if=/dev/zero bs=1024 count=1024 of=/data/two",
		"/bin/sh -c chmod -R 0777 /data",
		"/bin/sh -c rm /data/one",
	}
	sizes := []int64{-1, 0, mib, mib, mib, mib, 0} // -1: busybox, not checked
	made := []int64{0, 0, mib, mib, mib, 0, 0}
	killed := []int64{0, 0, 0, mib, 0, mib, mib}
	for i, l := range r.Layers {
		if l.Index != i {
			t.Errorf("layers[%d].index = %d", i, l.Index)
		}
		if i > 0 && l.Command != commands[i] {
			t.Errorf("layers[%d].command = %q, want %q", i, l.Command, commands[i])
		}
		if l.Step == nil || *l.Step != i {
			t.Errorf("layers[%d].step = %v, want %d", i, l.Step, i)
		}
		if sizes[i] >= 0 && l.SizeBytes != sizes[i] {
			t.Errorf("layers[%d].sizeBytes = %d, want %d", i, l.SizeBytes, sizes[i])
		}
		if l.WastedBytesMade != made[i] || l.WastedBytesKilled != killed[i] {
			t.Errorf("layers[%d] wasted made/killed = %d/%d, want %d/%d", i, l.WastedBytesMade, l.WastedBytesKilled, made[i], killed[i])
		}
		if !strings.HasPrefix(l.DiffID, "sha256:") {
			t.Errorf("layers[%d].diffID = %q", i, l.DiffID)
		}
	}

	// The history: 7 steps that made a layer, then CMD, which made none.
	if len(r.Steps) != 8 {
		t.Fatalf("%d steps, want 8", len(r.Steps))
	}
	for i, s := range r.Steps[:7] {
		if s.EmptyLayer || s.Layer == nil || *s.Layer != i {
			t.Errorf("steps[%d] = emptyLayer %v layer %v, want layer %d", i, s.EmptyLayer, s.Layer, i)
		}
	}
	if cmd := r.Steps[7]; !cmd.EmptyLayer || cmd.Layer != nil || !strings.Contains(cmd.CreatedBy, "CMD") {
		t.Errorf("steps[7] = %+v, want the CMD step with no layer", cmd)
	}

	// vfs: the second chmod makes no copy of /data/one (it is 0777 already).
	recopy := "mode 0644\u21920777"
	want := []e2eWaste{
		{Path: "/data/one", Bytes: mib, Cause: "recopied", MadeBy: 2, KilledBy: 3, Changed: recopy},
		{Path: "/data/one", Bytes: mib, Cause: "removed", MadeBy: 3, KilledBy: 6},
		{Path: "/data/two", Bytes: mib, Cause: "recopied", MadeBy: 4, KilledBy: 5, Changed: recopy},
	}
	checkWaste(t, r.Waste, want)

	// Markers of the files (the article's docker diff, on vfs).
	type mark struct{ path, marker string }
	files := func(i int) []mark {
		var out []mark
		for _, c := range r.Layers[i].Changes {
			if c.Type != "dir" {
				out = append(out, mark{c.Path, c.Marker})
			}
		}
		return out
	}
	wantFiles := [][]mark{
		2: {{"/data/one", "A"}},
		3: {{"/data/one", "C"}},
		4: {{"/data/two", "A"}},
		5: {{"/data/two", "C"}},
		6: {{"/data/one", "D"}},
	}
	for i := 1; i < 7; i++ {
		var w []mark
		if i < len(wantFiles) {
			w = wantFiles[i]
		}
		if got := files(i); !reflect.DeepEqual(got, w) {
			t.Errorf("layer %d file changes = %v, want %v", i, got, w)
		}
	}
	if c := r.Layers[1].Changes; len(c) != 1 || c[0].Path != "/data" || c[0].Marker != "A" {
		t.Errorf("layer 1 changes = %+v, want A /data", c)
	}
}

// checkWaste compares waste[] with want, in any order, and checks it is
// sorted biggest first.
func checkWaste(t *testing.T, got, want []e2eWaste) {
	t.Helper()
	for i := 1; i < len(got); i++ {
		if got[i].Bytes > got[i-1].Bytes {
			t.Errorf("waste[] is not biggest first: %v before %v", got[i-1], got[i])
			break
		}
	}
	str := func(ws []e2eWaste) []string {
		out := make([]string, len(ws))
		for i, w := range ws {
			out[i] = w.String()
		}
		sort.Strings(out)
		return out
	}
	g, w := str(got), str(want)
	if !reflect.DeepEqual(g, w) {
		t.Errorf("waste[]:\n  got  %s\n  want %s", strings.Join(g, "\n       "), strings.Join(w, "\n       "))
	}
}

// checkCompressed checks the pull sizes where the layout knows them: blob
// digests of OCI layouts, and the image's sum.
func checkCompressed(t *testing.T, f testengine.Fixture, r *e2eReport) {
	t.Helper()
	var sum int64
	known := true
	for i, l := range r.Layers {
		if l.CompressedBytes == nil {
			known = false
			continue
		}
		sum += *l.CompressedBytes
		if l.Digest == "" {
			t.Errorf("layers[%d] has compressedBytes but no digest", i)
		}
	}
	if img := r.Image.CompressedBytes; img != nil && (!known || *img != sum) {
		t.Errorf("image.compressedBytes = %d, but the layers' add up to %d (all known: %v)", *img, sum, known)
	}
	// An OCI layout directory: every digest names a blob of that size.
	if fi, err := os.Stat(f.Path); err == nil && fi.IsDir() {
		for i, l := range r.Layers {
			hex, ok := strings.CutPrefix(l.Digest, "sha256:")
			if !ok {
				t.Errorf("layers[%d].digest = %q, want the blob's sha256", i, l.Digest)
				continue
			}
			bi, err := os.Stat(filepath.Join(f.Path, "blobs", "sha256", hex))
			if err != nil {
				t.Errorf("layers[%d].digest: %v", i, err)
			} else if l.CompressedBytes == nil || *l.CompressedBytes != bi.Size() {
				t.Errorf("layers[%d].compressedBytes = %v, the blob has %d", i, l.CompressedBytes, bi.Size())
			}
		}
	}
}

// TestE2EWasteMix checks the figures of testdata/dockerfiles/waste-mix, every
// kind of waste with known sizes (see its comments), through every layout.
func TestE2EWasteMix(t *testing.T) {
	fixtures := fixturesByImage(t)["waste-mix"]
	if len(fixtures) == 0 {
		t.Fatal("no waste-mix fixtures")
	}
	conf, err := os.Stat("testdata/dockerfiles/waste-mix/conf.txt")
	if err != nil {
		t.Fatal(err)
	}
	returned := 8
	want := []e2eWaste{
		{Path: "/app/cache/a.bin", Bytes: 300000, Cause: "removed", MadeBy: 1, KilledBy: 2, ReturnedIn: &returned},
		{Path: "/app/cache/sub/b.bin", Bytes: 200000, Cause: "removed", MadeBy: 1, KilledBy: 2},
		{Path: "/srv/app.log", Bytes: 10000, Cause: "overwritten", MadeBy: 1, KilledBy: 3},
		{Path: "/srv/payload", Bytes: 50000, Cause: "recopied", MadeBy: 1, KilledBy: 4, Changed: "owner 0:0\u219233:33"},
		{Path: "/srv/state", Bytes: 40000, Cause: "overwritten", MadeBy: 1, KilledBy: 5},
		{Path: "/srv/replaced", Bytes: 5000, Cause: "removed", MadeBy: 1, KilledBy: 6},
		{Path: "/etc/app/conf.txt", Bytes: conf.Size(), Cause: "recopied", MadeBy: 9, KilledBy: 10, Changed: "owner 0:0\u219233:33"},
	}
	wantCause := map[string]int64{"removed": 505000, "recopied": 50000 + conf.Size(), "overwritten": 50000}
	for _, f := range fixtures {
		t.Run(f.Layout, func(t *testing.T) {
			t.Parallel()
			_, r := jsonReport(t, f.Path)
			if r.Image.LayerCount != 11 {
				t.Errorf("layerCount = %d, want 11", r.Image.LayerCount)
			}
			if !reflect.DeepEqual(r.Image.WasteByCause, wantCause) {
				t.Errorf("wasteByCause = %v, want %v", r.Image.WasteByCause, wantCause)
			}
			if w := int64(605000) + conf.Size(); r.Image.WastedBytes != w {
				t.Errorf("wastedBytes = %d, want %d", r.Image.WastedBytes, w)
			}
			checkWaste(t, r.Waste, want)
			// rm /srv/h1 deletes a name, not the copy h2 still shows.
			if l := r.Layers[7]; l.Deleted != 1 || l.WastedBytesKilled != 0 {
				t.Errorf("layer 7 (rm /srv/h1): deleted %d, killed %d bytes; want 1 and 0", l.Deleted, l.WastedBytesKilled)
			}
			checkCompressed(t, f, r)
		})
	}
}

// normalized decodes a report and drops what legitimately differs between
// layouts of one image: the name it was opened by, the config's hash (skopeo
// and podman rewrite a Docker config as an OCI one) and the shipped blobs.
func normalized(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if img, ok := m["image"].(map[string]any); ok {
		delete(img, "ref")
		delete(img, "id")
		delete(img, "compressedBytes")
	}
	if layers, ok := m["layers"].([]any); ok {
		for _, l := range layers {
			if l, ok := l.(map[string]any); ok {
				delete(l, "digest")
				delete(l, "compressedBytes")
			}
		}
	}
	return m
}

// diffJSON lists where two decoded JSON values differ (at most max).
func diffJSON(path string, a, b any, out *[]string, max int) {
	if len(*out) >= max {
		return
	}
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok {
			break
		}
		keys := map[string]bool{}
		for k := range av {
			keys[k] = true
		}
		for k := range bv {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			diffJSON(path+"."+k, av[k], bv[k], out, max)
		}
		return
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			break
		}
		for i := range av {
			diffJSON(fmt.Sprintf("%s[%d]", path, i), av[i], bv[i], out, max)
		}
		return
	}
	if !reflect.DeepEqual(a, b) {
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		*out = append(*out, fmt.Sprintf("%s: %.200s vs %.200s", path, ja, jb))
	}
}

// TestE2ESameAcrossLayouts: one image gives the same figures through every
// layout and compression (SEMANTICS.md), --changes included.
func TestE2ESameAcrossLayouts(t *testing.T) {
	for image, fixtures := range fixturesByImage(t) {
		t.Run(image, func(t *testing.T) {
			t.Parallel()
			var base *testengine.Fixture
			for i := range fixtures {
				if fixtures[i].Layout == baseLayout {
					base = &fixtures[i]
				}
			}
			if base == nil {
				t.Fatalf("no %s.%s to compare with", image, baseLayout)
			}
			raw, _ := jsonReport(t, base.Path)
			want := normalized(t, raw)
			for _, f := range fixtures {
				if f.Layout == baseLayout {
					continue
				}
				raw, _ := jsonReport(t, f.Path)
				var diffs []string
				diffJSON("", want, normalized(t, raw), &diffs, 10)
				if len(diffs) > 0 {
					t.Errorf("%s differs from %s:\n  %s", f.Name(), base.Name(), strings.Join(diffs, "\n  "))
				}
			}
		})
	}
}

// TestE2ETransports: the explicit forms name the same image as plain paths.
func TestE2ETransports(t *testing.T) {
	raw, _ := jsonReport(t, testengine.Archive(t, "seed.docker.tar"))
	want := normalized(t, raw)
	for _, ref := range []string{
		"docker-archive:" + testengine.Archive(t, "seed.docker.tar"),
		"oci-archive:" + testengine.Archive(t, "seed.oci.tar"),
		"oci:" + testengine.Archive(t, "seed.oci"),
		"docker-archive:" + testengine.Archive(t, "seed.docker.tar") + ":lx-fixture/seed:latest",
	} {
		t.Run(ref[:strings.Index(ref, ":")], func(t *testing.T) {
			res := runLX(t, t.TempDir(), "report", "--changes", ref)
			if res.code != 0 {
				t.Fatalf("lx report %s: exit %d: %s", ref, res.code, res.stderr)
			}
			var diffs []string
			diffJSON("", want, normalized(t, res.stdout), &diffs, 10)
			if len(diffs) > 0 {
				t.Errorf("%s differs from the plain path:\n  %s", ref, strings.Join(diffs, "\n  "))
			}
		})
	}
}

func TestE2EMarkdown(t *testing.T) {
	for _, name := range []string{"seed.docker.tar", "seed.oci-zstd.tar"} {
		t.Run(name, func(t *testing.T) {
			path := testengine.Archive(t, name)
			dir := t.TempDir()
			res := runLX(t, dir, "report", "--format", "markdown", path)
			if res.code != 0 {
				t.Fatalf("exit %d: %s", res.code, res.stderr)
			}
			for _, s := range []string{"3,145,728", "RUN rm /data/one", "/data/one", "mode 0644\u21920777"} {
				if !bytes.Contains(res.stdout, []byte(s)) {
					t.Errorf("the Markdown report does not say %q:\n%s", s, res.stdout)
				}
			}
			// -o writes the same report to a file, and nothing to stdout.
			res2 := runLX(t, dir, "report", "--format", "markdown", "-o", "out.md", path)
			if res2.code != 0 || len(res2.stdout) != 0 {
				t.Fatalf("-o out.md: exit %d, stdout %q, stderr %s", res2.code, res2.stdout, res2.stderr)
			}
			b, err := os.ReadFile(filepath.Join(dir, "out.md"))
			if err != nil || !bytes.Equal(b, res.stdout) {
				t.Errorf("out.md differs from stdout (%v)", err)
			}
		})
	}
}

// truncate copies src to dst, cut halfway through the data of the first
// tar member of at least min bytes.
func truncate(t *testing.T, src, dst string, min int64) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	cr := &countReader{r: bytes.NewReader(b)}
	tr := tar.NewReader(cr)
	for {
		h, err := tr.Next()
		if err != nil {
			t.Fatalf("%s: no member of %d bytes or more (%v)", src, min, err)
		}
		if h.Typeflag == tar.TypeReg && h.Size >= min {
			// tar.Reader has read exactly the header blocks so far.
			cut := cr.n + h.Size/2
			if err := os.WriteFile(dst, b[:cut], 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: cut at %d, in %s (%d bytes from %d)", filepath.Base(dst), cut, h.Name, h.Size, cr.n)
			return
		}
	}
}

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// TestE2ETruncated: an archive cut in the middle of a layer is exit 2, one
// line on stderr naming it, and no report file.
func TestE2ETruncated(t *testing.T) {
	for _, tc := range []struct{ fixture, name string }{
		{"seed.docker.tar", "seed-cut.docker.tar"},        // inside a plain layer.tar
		{"seed.oci.tar", "seed-cut.oci.tar"},              // inside a gzip blob
		{"seed.oci-zstd.tar", "seed-cut.oci-zstd.tar"},    // inside a zstd blob
		{"seed.docker25.tar", "seed-cut.docker25.tar"},    // before the manifests
		{"seed.skopeo-docker.tar", "seed-cut.skopeo.tar"}, // a DIFFID.tar member
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			src := testengine.Archive(t, tc.fixture)
			dir := t.TempDir()
			cut := filepath.Join(dir, tc.name)
			truncate(t, src, cut, 500_000)
			res := runLX(t, dir, "report", "-o", "out.json", cut)
			if res.code != 2 {
				t.Errorf("exit %d, want 2 (stdout %q)", res.code, res.stdout)
			}
			msg := string(res.stderr)
			if strings.Count(msg, "\n") != 1 || !strings.HasSuffix(msg, "\n") {
				t.Errorf("stderr is not exactly one line: %q", msg)
			}
			if !strings.Contains(msg, cut) {
				t.Errorf("stderr does not name the archive %s: %q", cut, msg)
			}
			ents, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range ents {
				if e.Name() != tc.name {
					t.Errorf("left %s in the output directory", e.Name())
				}
			}
		})
	}
}
