package e2e

// One image, the same figures through every layout, transport and format;
// a truncated archive refused whole.

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"testing"

	"lx.dev/lx/internal/testarchive"
	"lx.dev/lx/internal/testengine"
)

// normalized decodes a report and drops what legitimately differs between
// layouts of one image: the name it was opened by, the config's hash (skopeo
// and podman rewrite a Docker config as an OCI one) and the shipped blobs.
func normalized(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	// What names the source, and what only an engine's image list knows
	// (the base, the layers' sharers), are not the image's figures.
	if img, ok := m["image"].(map[string]any); ok {
		delete(img, "ref")
		delete(img, "id")
		delete(img, "compressedBytes")
		delete(img, "wastedPullCostEstimate")
		delete(img, "base")
	}
	// Pull costs are known where pull sizes are.
	for _, list := range []string{"waste", "hints"} {
		if items, ok := m[list].([]any); ok {
			for _, it := range items {
				if it, ok := it.(map[string]any); ok {
					delete(it, "pullCostEstimate")
				}
			}
		}
	}
	if layers, ok := m["layers"].([]any); ok {
		for _, l := range layers {
			if l, ok := l.(map[string]any); ok {
				delete(l, "digest")
				delete(l, "compressedBytes")
				delete(l, "sharedWith")
				delete(l, "inBase")
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

// TestE2EPlatformEveryLayout: --platform with the platform the fixtures
// were built for reads every layout, the legacy docker save included
// (whose manifest.json names no platform: each config does).
func TestE2EPlatformEveryLayout(t *testing.T) {
	platform := "linux/" + runtime.GOARCH
	for _, f := range fixturesByImage(t)["seed"] {
		res := runLX(t, t.TempDir(), "report", "--platform", platform, f.Path)
		if res.code != 0 {
			t.Errorf("lx report --platform %s %s: exit %d: %s", platform, f.Name(), res.code, res.stderr)
		}
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
	errFound := errors.New("found")
	err = testarchive.Each(bytes.NewReader(b), func(m testarchive.Member) error {
		h := m.Header
		if h.Typeflag != tar.TypeReg || h.Size < min {
			return nil
		}
		cut := m.Offset + h.Size/2
		if err := os.WriteFile(dst, b[:cut], 0o644); err != nil {
			return err
		}
		t.Logf("%s: cut at %d, in %s (%d bytes from %d)", filepath.Base(dst), cut, h.Name, h.Size, m.Offset)
		return errFound
	})
	if err != errFound {
		t.Fatalf("%s: no member of %d bytes or more (%v)", src, min, err)
	}
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
