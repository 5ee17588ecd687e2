package e2e

// End-to-end tests: the lx binary, built once, against the fixture archives
// that ./scripts/test.sh makes from testdata/dockerfiles with a real Docker
// Engine and saves in every layout (docker save, Docker 25 layout, skopeo
// and podman OCI archives and layout dirs, gzip/zstd/plain blobs, whole
// archives compressed). Without fixtures these tests skip, except in CI,
// where they fail (internal/testengine).

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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
	if out := os.Getenv(rusageEnv); out != "" {
		os.Exit(rusageWrapper(out, os.Args[1:]))
	}
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
		out, err := exec.Command(goTool, "build", "-o", e2e.bin, "..").CombinedOutput()
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
		Architecture    string           `json:"architecture"`
		LayerCount      int              `json:"layerCount"`
		TotalBytes      int64            `json:"totalBytes"`
		WastedBytes     int64            `json:"wastedBytes"`
		Efficiency      float64          `json:"efficiency"`
		WasteByCause    map[string]int64 `json:"wasteByCause"`
		CompressedBytes *int64           `json:"compressedBytes"`
		WastedPull      *int64           `json:"wastedPullCostEstimate"`
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
	dockerfiles, err := filepath.Glob("../testdata/dockerfiles/*/Dockerfile")
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
