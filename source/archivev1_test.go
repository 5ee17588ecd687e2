package source

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"lx.dev/lx/internal/fixture/seed"
	"lx.dev/lx/internal/testarchive"
	"lx.dev/lx/model"
)

// unpacked writes an archive's regular members into a new directory, as
// `tar -x` would.
func unpacked(t *testing.T, archive []byte) string {
	t.Helper()
	files, _, err := testarchive.Files(bytes.NewReader(archive))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, b := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// A docker save from before Docker 1.10 (repositories, <id>/json,
// <id>/layer.tar; no manifest.json, no config) is read as docker load
// reads it: the layers are the parent chain from the tagged top down,
// every step a layer (an empty tar too), the diffIDs the tars' hashes, the
// history each layer's container_config.Cmd and created. The seekable
// reader, the streaming one and an unpacked directory agree.
func TestV1Layout(t *testing.T) {
	im := seedImage(t)
	v1 := v1Archive(t, im)
	var want []string // every step is a layer; the empty ones an empty tar
	for i, k := 0, 0; i < len(im.steps); i++ {
		if im.steps[i].layer {
			want, k = append(want, digestOf(im.layers[k])), k+1
		} else {
			want = append(want, digestOf(make([]byte, 1024)))
		}
	}
	var same agreeing
	for name, ref := range map[string]string{
		"plain":      testarchive.WriteFile(t, "v1.tar", v1),
		"gzip whole": testarchive.WriteFile(t, "v1.tar.gz", compressed(t, v1, Gzip)),
		"directory":  unpacked(t, v1),
	} {
		t.Run(name, func(t *testing.T) {
			img, err := analyzeRef(t, ref, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(img.Config.DiffIDs, want) {
				t.Errorf("diffIDs %v, want %v", img.Config.DiffIDs, want)
			}
			if len(img.Steps) != len(im.steps) {
				t.Fatalf("%d steps, want %d", len(img.Steps), len(im.steps))
			}
			for i, s := range img.Config.History {
				if s.EmptyLayer || s.CreatedBy != im.steps[i].createdBy || !s.Created.Equal(epoch) {
					t.Errorf("step %d: %+v; want %q, created %v, owning a layer", i, s, im.steps[i].createdBy, epoch)
				}
			}
			if img.Config.Ref != "seed:latest" || img.Config.OS != "linux" || img.Config.Architecture != "amd64" || !img.Config.Created.Equal(epoch) {
				t.Errorf("config %s %s/%s %v; want the tag and the top layer's platform and time", img.Config.Ref, img.Config.OS, img.Config.Architecture, img.Config.Created)
			}
			if img.WastedBytes != seed.Wasted || img.WasteBy[model.Recopied] != seed.Recopied || img.WasteBy[model.Removed] != seed.Removed {
				t.Errorf("wasted %d by %v; want the seed's %d", img.WastedBytes, img.WasteBy, seed.Wasted)
			}
			same.check(t, name, img)
		})
	}
}

// The tags of repositories are chosen among as in any archive; two tags
// of one image are one image; a save by ID (no repositories) is read
// untagged.
func TestV1Choice(t *testing.T) {
	base := tarOf(t, dirM("bin/", 0o755), fileM("bin/sh", 0o755, "shell"))
	one := testImage{tag: "one:1", layers: [][]byte{base, tarOf(t, fileM("one", 0o644, "1"))}, steps: []step{{"base", true}, {"one", true}}}
	two := testImage{tag: "registry.local/two:2", layers: [][]byte{base, tarOf(t, fileM("two", 0o644, "2"))}, steps: []step{{"base", true}, {"two", true}}}
	arm := testImage{tag: "arm:1", arch: "arm64", layers: [][]byte{tarOf(t, fileM("arm", 0o644, "a"))}, steps: []step{{"arm", true}}}
	also := one
	also.tag = "one:also"
	p := testarchive.WriteFile(t, "tags.tar", v1Archive(t, one, two, arm, also))

	_, err := analyzeRef(t, p, Options{})
	if err == nil || !strings.Contains(err.Error(), "choose one by its tag") || !strings.Contains(err.Error(), "linux/amd64 (one:1), linux/amd64 (one:also), linux/amd64 (registry.local/two:2)") {
		t.Errorf("no tag: %v; want the tags of this platform listed", err)
	}
	img, err := analyzeRef(t, "docker-archive:"+p+":registry.local/two:2", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := img.Lookup("two"); !ok || img.Config.Ref != "registry.local/two:2" || len(img.Layers) != 2 {
		t.Errorf("docker-archive:PATH:registry.local/two:2 gave %s, %d layers", img.Config.Ref, len(img.Layers))
	}
	choosesArm(t, p, "linux/amd64 (one:1), linux/amd64 (one:also), linux/amd64 (registry.local/two:2), linux/arm64 (arm:1)")

	// one:1 and one:also are one image: either tag reads it alone.
	p = testarchive.WriteFile(t, "twice.tar", v1Archive(t, one, also))
	if img, err = analyzeRef(t, p, Options{}); err != nil || img.Config.Ref != "one:1" {
		t.Errorf("two tags of one image: %v", err)
	}

	untagged := one
	untagged.tag = ""
	p = testarchive.WriteFile(t, "by-id.tar", v1Archive(t, untagged))
	img, err = analyzeRef(t, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := img.Lookup("one"); !ok || img.Config.Ref != p || len(img.Layers) != 2 {
		t.Errorf("a save by ID: ref %s, %d layers", img.Config.Ref, len(img.Layers))
	}
}

// v1Edit rewrites the json of layer id with edit.
func v1Edit(t *testing.T, archive []byte, id string, edit func(doc map[string]any)) []byte {
	t.Helper()
	return testarchive.Rewritten(t, archive, func(e testarchive.Edit) testarchive.Edit {
		if e.Name == id+"/json" {
			var doc map[string]any
			if err := json.Unmarshal(e.Body, &doc); err != nil {
				t.Fatal(err)
			}
			edit(doc)
			e.Body, _ = json.Marshal(doc)
		}
		return e
	})
}

// A broken pre-1.10 save fails in one line naming the member: a parent
// or a layer missing, a parent chain that loops, a tag naming no layer.
func TestV1Broken(t *testing.T) {
	im := testImage{tag: "app:1", layers: [][]byte{tarOf(t, fileM("a", 0o644, "a")), tarOf(t, fileM("b", 0o644, "b")), tarOf(t, fileM("c", 0o644, "c"))}, steps: []step{{"a", true}, {"b", true}, {"c", true}}}
	v1 := v1Archive(t, im)
	docs, err := testarchive.V1JSON(bytes.NewReader(v1))
	if err != nil {
		t.Fatal(err)
	}
	parent := map[string]string{} // child → parent
	var bottom string
	for id, b := range docs {
		var doc struct{ Parent string }
		json.Unmarshal(b, &doc)
		parent[id] = doc.Parent
		if doc.Parent == "" {
			bottom = id
		}
	}
	var mid, top string
	for id, p := range parent {
		if p == bottom {
			mid = id
		}
	}
	for id, p := range parent {
		if p == mid && mid != "" {
			top = id
		}
	}
	if bottom == "" || mid == "" || top == "" {
		t.Fatalf("no chain of three layers: %v", parent)
	}
	drop := func(name string) []byte {
		return testarchive.Rewritten(t, v1, func(e testarchive.Edit) testarchive.Edit {
			e.Drop = e.Name == name
			return e
		})
	}
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"parent missing", drop(mid + "/json"), top + "/json: its parent " + mid + " is not in the archive (no " + mid + "/json)"},
		{"layer missing", drop(mid + "/layer.tar"), "the image lists layer " + mid + "/layer.tar, which is not in the archive"},
		{"loop", v1Edit(t, v1, bottom, func(d map[string]any) { d["parent"] = top }), bottom + "/json: its parent " + top + " makes the parent chain a loop"},
		{"invalid parent", v1Edit(t, v1, mid, func(d map[string]any) { d["parent"] = "../" + bottom }), mid + `/json: its parent "../` + bottom + `" is not a layer id`},
		{"json not JSON", testarchive.Rewritten(t, v1, testarchive.Replace(mid+"/json", []byte(`{"parent": `))), mid + "/json: invalid JSON"},
		{"tag names nothing", testarchive.Rewritten(t, v1, testarchive.Replace("repositories", []byte(`{"app":{"1":"f00"}}`))), "repositories: app:1's top layer f00 is not in the archive (no f00/json)"},
		{"repositories not JSON", testarchive.Rewritten(t, v1, testarchive.Replace("repositories", []byte(`{"app":`))), "repositories: invalid JSON"},
	} {
		t.Run(c.name, func(t *testing.T) { failsNaming(t, c.data, c.want) })
	}
}
