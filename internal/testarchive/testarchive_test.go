package testarchive

import (
	"bytes"
	"encoding/json"
	"io"
	"slices"
	"strings"
	"testing"
)

func TestSplitTag(t *testing.T) {
	for ref, want := range map[string][2]string{
		"a:1":               {"a", "1"},
		"lx-fixture/seed:x": {"lx-fixture/seed", "x"},
		"host:5000/a":       {"host:5000/a", "latest"},
		"host:5000/a:b":     {"host:5000/a", "b"},
		"plain":             {"plain", "latest"},
	} {
		if r, tg := SplitTag(ref); r != want[0] || tg != want[1] {
			t.Errorf("SplitTag(%q) = %q, %q; want %q", ref, r, tg, want)
		}
	}
}

// Each gives every member with the offset of its data, so a test can cut an
// archive inside a chosen member.
func TestEachOffsets(t *testing.T) {
	b := Tar(t, Dir("d/", 0o755), File("d/a", 0o644, "alpha"), File(strings.Repeat("n", 300), 0o644, "long name"))
	var bodies []string
	err := Each(bytes.NewReader(b), func(m Member) error {
		if m.Header.Size > 0 {
			end := m.Offset + m.Header.Size
			bodies = append(bodies, string(b[m.Offset:end]))
		}
		_, err := io.Copy(io.Discard, m.Body)
		return err
	})
	if err != nil || strings.Join(bodies, ",") != "alpha,long name" {
		t.Fatalf("bodies at the offsets: %q (%v)", bodies, err)
	}
}

// A layer listed twice is saved once, linked; a missing blob is named by
// the manifest and absent; the OCI layout names blobs by their digest.
func TestLayouts(t *testing.T) {
	l := Layer(t, File("a", 0o644, "x"))
	gone := Layer(t, File("b", 0o644, "y"))
	gone.Missing = true
	im := Image{Tag: "t:1", Layers: []Blob{l, l, gone}}
	files, names, err := Files(bytes.NewReader(Legacy(t, im)))
	if err != nil {
		t.Fatal(err)
	}
	layerTars := 0
	for name, data := range files {
		if strings.HasSuffix(name, "/layer.tar") {
			layerTars++
			if !bytes.Equal(data, l.Data) {
				t.Errorf("%s holds other bytes", name)
			}
		}
	}
	if layerTars != 1 || len(names) != 3+3+3 {
		t.Errorf("legacy members %v: want one layer.tar, a symlink to it, the config and the manifests", names)
	}
	if !strings.Contains(string(files["manifest.json"]), `"RepoTags":["t:1"]`) || strings.Count(string(files["manifest.json"]), "layer.tar") != 3 {
		t.Errorf("manifest.json %s", files["manifest.json"])
	}
	files, names, err = Files(bytes.NewReader(OCI(t, OCIOptions{Comp: Gzip, Docker: true}, im)))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(names[len(names)-4:], " "); got != "index.json manifest.json oci-layout repositories" {
		t.Errorf("Docker 25 layout ends with %s", got)
	}
	for name, data := range files {
		if h, ok := strings.CutPrefix(name, "blobs/sha256/"); ok && "sha256:"+h != Digest(data) {
			t.Errorf("%s is not named by its digest", name)
		}
	}
	if len(files) != 4+3 { // one gzip layer, config, manifest; four layout files
		t.Errorf("OCI files: %v", names)
	}
}

// A pre-1.10 save: a directory per step (an empty step's layer.tar an
// empty tar), the layers two images share written once, repositories
// naming the tops; a save of untagged images has no repositories.
func TestV1(t *testing.T) {
	base := Layer(t, File("a", 0o644, "x"))
	one := Image{Tag: "one:1", Layers: []Blob{base, Layer(t, File("b", 0o644, "y"))}, History: []Step{{CreatedBy: "/bin/sh -c #(nop) ADD a"}, {CreatedBy: "/bin/sh -c #(nop)  CMD [\"sh\"]", Empty: true}, {CreatedBy: "b"}}}
	two := one
	two.Tag, two.Layers = "two:2", []Blob{base, Layer(t, File("c", 0o644, "z"))}
	files, names, err := Files(bytes.NewReader(V1(t, one, two)))
	if err != nil {
		t.Fatal(err)
	}
	docs, err := V1JSON(bytes.NewReader(V1(t, one, two)))
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 4 || len(names) != 4*4+1 || names[len(names)-1] != "repositories" {
		t.Errorf("members %v: want 4 directories (2 shared steps, 1 each) of 4 members, then repositories", names)
	}
	var tops map[string]map[string]string
	if err := json.Unmarshal(files["repositories"], &tops); err != nil || docs[tops["one"]["1"]] == nil || docs[tops["two"]["2"]] == nil {
		t.Fatalf("repositories %s: %v", files["repositories"], err)
	}
	var doc struct {
		Parent          string
		ContainerConfig struct{ Cmd []string } `json:"container_config"`
	}
	json.Unmarshal(docs[tops["one"]["1"]], &doc)
	empty := doc.Parent
	json.Unmarshal(docs[empty], &doc)
	if len(files[empty+"/layer.tar"]) != 1024 || strings.Join(doc.ContainerConfig.Cmd, " ") != `/bin/sh -c #(nop)  CMD ["sh"]` || len(doc.ContainerConfig.Cmd) != 3 {
		t.Errorf("the empty step: a layer of %d bytes, Cmd %q", len(files[empty+"/layer.tar"]), doc.ContainerConfig.Cmd)
	}
	one.Tag = ""
	if _, names, _ := Files(bytes.NewReader(V1(t, one))); slices.Contains(names, "repositories") {
		t.Errorf("an untagged save has repositories: %v", names)
	}
	if err := WriteV1(io.Discard, Image{Layers: []Blob{base}, History: []Step{}}); err == nil {
		t.Error("a layer no step owns: no error")
	}
}
