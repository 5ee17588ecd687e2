package e2e

// Archives other tools write, in the shapes that once failed, made here
// with internal/testarchive and read by the real binary.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"lx.dev/lx/internal/testarchive"
	"lx.dev/lx/internal/testengine"
)

// reportFails runs lx report on an archive that cannot be read: exit 2,
// one line on stderr naming the archive and saying want, no report.
func reportFails(t *testing.T, archive, want string) {
	t.Helper()
	res := runLX(t, filepath.Dir(archive), "report", "--format", "json", archive)
	msg := string(res.stderr)
	if res.code != 2 || len(res.stdout) != 0 {
		t.Errorf("%s: exit %d, %d bytes on stdout; want exit 2 and no report", filepath.Base(archive), res.code, len(res.stdout))
	}
	if strings.Count(msg, "\n") != 1 || !strings.HasPrefix(msg, "lx: ") || !strings.Contains(msg, archive+": "+want) {
		t.Errorf("%s: stderr %q; want one line naming the archive and saying %q", filepath.Base(archive), msg, want)
	}
}

// TestE2EManifestListsNoImage: a manifest.json that is null or empty, an
// index.json with no manifests, in a plain archive (read seeking) and a
// compressed one (read as a stream).
func TestE2EManifestListsNoImage(t *testing.T) {
	legacy := testarchive.Legacy(t) // manifest.json is null
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"null", legacy, "manifest.json lists no image"},
		{"empty", testarchive.Rewritten(t, legacy, testarchive.Replace("manifest.json", []byte("[]"))), "manifest.json lists no image"},
		{"no-manifests", testarchive.OCI(t, testarchive.OCIOptions{}), "index.json lists no image"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			reportFails(t, testarchive.WriteFile(t, c.name+".tar", c.data), c.want)
			reportFails(t, testarchive.WriteFile(t, c.name+".tar.zst", testarchive.Compressed(t, c.data, testarchive.Zstd)), c.want)
		})
	}
}

// v1Image is an image with waste of both kinds and no empty step: saved
// before Docker 1.10 and after, it is the same layers and history.
func v1Image(t *testing.T, tag string) testarchive.Image {
	f := testarchive.File
	return testarchive.Image{Tag: tag, Layers: []testarchive.Blob{
		testarchive.Layer(t, testarchive.Dir("app/", 0o755), f("app/bin", 0o755, "binary"), f("app/log", 0o644, "old log")),
		testarchive.Layer(t, testarchive.Dir("app/", 0o755), testarchive.Entry{Name: "app/bin", Type: '0', Mode: 0o700, Body: "binary"}),
		testarchive.Layer(t, testarchive.Dir("app/", 0o755), testarchive.Whiteout("app/log")),
	}, History: []testarchive.Step{
		{CreatedBy: "/bin/sh -c #(nop) ADD dir:app in /app "},
		{CreatedBy: "/bin/sh -c chmod 0700 /app/bin"},
		{CreatedBy: "/bin/sh -c rm /app/log"},
	}}
}

// TestE2EV1Layout: a docker save from before Docker 1.10 gives the report
// of the same image saved by a later Docker (the name and ID aside), plain
// or compressed; docker-archive:PATH:TAG chooses among its tags.
func TestE2EV1Layout(t *testing.T) {
	im := v1Image(t, "app:1")
	want, _ := reportOf(t, nil, testarchive.WriteFile(t, "legacy.tar", testarchive.Legacy(t, im)))
	v1 := testarchive.V1(t, im)
	for _, p := range []string{
		testarchive.WriteFile(t, "v1.tar", v1),
		testarchive.WriteFile(t, "v1.tar.gz", testarchive.Compressed(t, v1, testarchive.Gzip)),
	} {
		got, _ := reportOf(t, nil, p)
		var diffs []string
		diffJSON("", normalized(t, got), normalized(t, want), &diffs, 10)
		if len(diffs) > 0 {
			t.Errorf("%s differs from the legacy save: %s", filepath.Base(p), strings.Join(diffs, "; "))
		}
	}

	other := im
	other.Tag, other.Layers = "app:2", append(slices.Clone(im.Layers[:2]), testarchive.Layer(t, testarchive.File("two", 0o644, "2")))
	p := testarchive.WriteFile(t, "tags.tar", testarchive.V1(t, im, other))
	res := runLX(t, filepath.Dir(p), "report", "--format", "json", p)
	if res.code != 2 || !strings.Contains(string(res.stderr), "linux/amd64 (app:1), linux/amd64 (app:2)") {
		t.Errorf("two tags, none chosen: exit %d, %q; want exit 2 listing both", res.code, res.stderr)
	}
	if _, r := reportOf(t, nil, "docker-archive:"+p+":app:2"); r.Image.Ref != "app:2" || r.Layers[2].Added != 1 {
		t.Errorf("docker-archive:PATH:app:2 gave %+v", r.Image)
	}
}

// TestE2EV1Broken: a pre-1.10 save whose parent chain is cut is exit 2,
// one line naming the archive and the member that names what is missing.
func TestE2EV1Broken(t *testing.T) {
	v1 := testarchive.V1(t, v1Image(t, "app:1"))
	docs, err := testarchive.V1JSON(bytes.NewReader(v1))
	if err != nil {
		t.Fatal(err)
	}
	var child, parent string
	for id, b := range docs {
		var doc struct{ Parent string }
		json.Unmarshal(b, &doc)
		if doc.Parent != "" {
			child, parent = id, doc.Parent
		}
	}
	cut := testarchive.Rewritten(t, v1, func(e testarchive.Edit) testarchive.Edit {
		e.Drop = strings.HasPrefix(e.Name, parent+"/")
		return e
	})
	want := fmt.Sprintf("%s/json: its parent %s is not in the archive", child, parent)
	reportFails(t, testarchive.WriteFile(t, "cut.tar", cut), want)
	reportFails(t, testarchive.WriteFile(t, "cut.tar.zst", testarchive.Compressed(t, cut, testarchive.Zstd)), want)
}

// TestE2EV1FromDockerSave: a real docker save of Docker 1.10 to 24 holds
// the pre-1.10 layout beside manifest.json; without it, lx reads the
// layers as docker load would, with the same layers and figures.
func TestE2EV1FromDockerSave(t *testing.T) {
	for image := range fixturesByImage(t) {
		t.Run(image, func(t *testing.T) {
			t.Parallel()
			src := testengine.Archive(t, image+"."+baseLayout)
			b, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			p := testarchive.WriteFile(t, "v1.tar", testarchive.Rewritten(t, b, func(e testarchive.Edit) testarchive.Edit {
				e.Drop = e.Name == "manifest.json"
				return e
			}))
			args := []string{}
			if strings.HasPrefix(image, "multi") {
				args = []string{"--platform", "linux/amd64"}
			}
			_, got := reportOf(t, nil, p, args...)
			_, want := reportOf(t, nil, src, args...)
			if got.Image.TotalBytes != want.Image.TotalBytes || got.Image.WastedBytes != want.Image.WastedBytes || len(got.Layers) != len(want.Layers) {
				t.Fatalf("without manifest.json: %+v; with it: %+v", got.Image, want.Image)
			}
			for i, l := range got.Layers {
				w := want.Layers[i]
				if l.DiffID != w.DiffID || l.SizeBytes != w.SizeBytes || l.WastedBytesMade != w.WastedBytesMade || l.WastedBytesKilled != w.WastedBytesKilled {
					t.Errorf("layer %d: %+v; with manifest.json %+v", i, l, w)
				}
			}
		})
	}
}

// TestE2ENestedIndex: the tag of an index entry that points at a nested
// index names the image, whatever names the nested index gives.
func TestE2ENestedIndex(t *testing.T) {
	amd := testarchive.Image{Tag: "inner:1", Layers: []testarchive.Blob{testarchive.Layer(t, testarchive.File("amd", 0o644, "a"))}}
	arm := amd
	arm.Arch, arm.Layers = "arm64", []testarchive.Blob{testarchive.Layer(t, testarchive.File("arm", 0o644, "b"))}
	p := testarchive.WriteFile(t, "nested.tar", testarchive.OCI(t, testarchive.OCIOptions{Comp: testarchive.Gzip, Nest: "multi:1"}, amd, arm))
	_, r := reportOf(t, nil, "oci-archive:"+p+":multi:1", "--platform", "linux/arm64")
	if r.Image.Ref != "multi:1" || len(r.Layers) != 1 {
		t.Fatalf("multi:1 linux/arm64: %+v", r.Image)
	}
	if c := r.Layers[0].Changes; len(c) != 1 || c[0].Path != "/arm" {
		t.Errorf("multi:1 linux/arm64 changes %+v; want the arm64 image's /arm", c)
	}
}
