package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"lx.dev/lx/internal/testarchive"
	"lx.dev/lx/model"
	"lx.dev/lx/model/report"
	"lx.dev/lx/source"

	seedfig "lx.dev/lx/internal/fixture/seed"
)

const testRef = "demo"

// archiveSource reads the demo archive, as `lx demo` does.
type archiveSource struct{ b []byte }

func (s archiveSource) String() string { return "demo" }
func (s archiveSource) Load(ctx context.Context, sink source.Sink) error {
	return source.ReadArchive(ctx, bytes.NewReader(s.b), source.Options{}, testRef, nil, sink)
}

func analyzeDemo(t *testing.T) *model.Image {
	t.Helper()
	b := Archive()
	if b == nil {
		t.Fatal(Err())
	}
	img, err := source.Analyze(context.Background(), archiveSource{b}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// The demo gives SEMANTICS.md's exact figures for the seed image on vfs.
func TestSeedFigures(t *testing.T) {
	img := analyzeDemo(t)
	if img.Config.Ref != Ref {
		t.Errorf("ref %q, want %q (the tag in the archive)", img.Config.Ref, Ref)
	}
	if len(img.Layers) != seedfig.Layers || len(img.Steps) != seedfig.Steps {
		t.Fatalf("%d layers, %d steps; want %d and %d", len(img.Layers), len(img.Steps), seedfig.Layers, seedfig.Steps)
	}
	if img.WastedBytes != seedfig.Wasted || img.WasteBy[model.Recopied] != seedfig.Recopied || img.WasteBy[model.Removed] != seedfig.Removed || img.WasteBy[model.Overwritten] != seedfig.Overwritten {
		t.Errorf("wasted %d by %v; want %d = recopied %d + removed %d", img.WastedBytes, img.WasteBy, seedfig.Wasted, seedfig.Recopied, seedfig.Removed)
	}
	base := int64(BusyboxSize + len("root:x:0:0:root:/root:/bin/sh\n"))
	if img.TotalBytes <= 4*mib+base {
		t.Errorf("total %d, want busybox, account files and 4 MiB of copies", img.TotalBytes)
	}
	if len(img.Warnings) != 0 {
		t.Errorf("warnings: %v", img.Warnings)
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
	sizes := []int64{-1, 0, mib, mib, mib, mib, 0}
	steps := []int{0, 2, 3, 4, 5, 6, 7}
	for i, l := range img.Layers {
		if i == 0 {
			if !strings.HasPrefix(l.Command, "/bin/sh -c #(nop) ADD file:") {
				t.Errorf("layer 0 command %q, want the base image's ADD", l.Command)
			}
		} else if l.Command != commands[i] {
			t.Errorf("layer %d command %q, want %q", i, l.Command, commands[i])
		}
		if sizes[i] >= 0 && l.SizeBytes != sizes[i] {
			t.Errorf("layer %d size %d, want %d", i, l.SizeBytes, sizes[i])
		}
		if l.WastedMade != seedfig.LayerMade[i] || l.WastedKilled != seedfig.LayerKilled[i] {
			t.Errorf("layer %d made/killed %d/%d, want %d/%d", i, l.WastedMade, l.WastedKilled, seedfig.LayerMade[i], seedfig.LayerKilled[i])
		}
		if l.Step != steps[i] {
			t.Errorf("layer %d step %d, want %d", i, l.Step, steps[i])
		}
	}
	for i, s := range img.Steps {
		empty := i == 1 || i == 8
		if s.Empty != empty || (s.Layer < 0) != empty {
			t.Errorf("step %d %q: empty %v layer %d", i, s.CreatedBy, s.Empty, s.Layer)
		}
	}
	if got := img.Steps[1].CreatedBy; got != `/bin/sh -c #(nop)  CMD ["sh"]` {
		t.Errorf("step 1 %q, want the base image's CMD", got)
	}
	if got := img.Steps[8].CreatedBy; got != `/bin/sh -c #(nop)  CMD ["/bin/sh" "-c" "ls -alh /data"]` {
		t.Errorf("step 8 %q, want the final CMD", got)
	}

	var got []seedfig.Copy
	for _, w := range img.Waste {
		got = append(got, seedfig.Copy{Path: w.Path, Cause: w.Cause.String(), MadeBy: w.MadeBy, KilledBy: w.KilledBy, Changed: report.ChangeText(w)})
		if w.Bytes != seedfig.CopyBytes {
			t.Errorf("%s: %d bytes, want %d", w.Path, w.Bytes, seedfig.CopyBytes)
		}
	}
	if !reflect.DeepEqual(got, seedfig.Waste) {
		t.Errorf("waste %+v, want %+v", got, seedfig.Waste)
	}

	// The files' markers follow the article's docker diff (on vfs).
	wantMarks := map[int]string{2: "A data/one", 3: "C data/one", 4: "A data/two", 5: "C data/two", 6: "D data/one"}
	for k := 1; k < len(img.Layers); k++ {
		var marks []string
		for _, c := range img.Changes(k) {
			if c.Info.Kind != model.KindDir {
				marks = append(marks, c.Marker.String()+" "+strings.TrimPrefix(img.Path(c.Node), "/"))
			}
		}
		if got := strings.Join(marks, ", "); got != wantMarks[k] {
			t.Errorf("layer %d file changes %q, want %q", k, got, wantMarks[k])
		}
	}
	if n, ok := img.Lookup("bin/sh"); !ok {
		t.Error("no /bin/sh")
	} else if fi, _ := img.Stat(n, 6); fi.Kind != model.KindSymlink {
		t.Errorf("/bin/sh is %v, want a symlink", fi.Kind)
	}
}

func TestDeterministic(t *testing.T) {
	a, err := Build()
	if err != nil {
		t.Fatal(err)
	}
	b, err := Build()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("two builds differ")
	}
	if !bytes.Equal(Archive(), a) || &Archive()[0] != &Archive()[0] {
		t.Fatal("Archive is not the cached build")
	}
}

// The archive has the legacy docker save layout, with the config's name its
// own digest and every diffID the hash of its layer.tar.
func TestLegacyLayout(t *testing.T) {
	files, names, err := testarchive.Files(bytes.NewReader(Archive()))
	if err != nil {
		t.Fatal(err)
	}
	var manifest []struct {
		Config   string
		RepoTags []string
		Layers   []string
	}
	if err := json.Unmarshal(files["manifest.json"], &manifest); err != nil || len(manifest) != 1 {
		t.Fatalf("manifest.json: %v %s", err, files["manifest.json"])
	}
	m := manifest[0]
	if len(m.RepoTags) != 1 || m.RepoTags[0] != Ref {
		t.Errorf("RepoTags %v", m.RepoTags)
	}
	cfg := files[m.Config]
	if m.Config != sha256Hex(cfg)+".json" {
		t.Errorf("config %s is not named by its digest", m.Config)
	}
	var c struct {
		RootFS struct {
			DiffIDs []string `json:"diff_ids"`
		} `json:"rootfs"`
	}
	if err := json.Unmarshal(cfg, &c); err != nil {
		t.Fatal(err)
	}
	if len(c.RootFS.DiffIDs) != len(m.Layers) {
		t.Fatalf("%d diffIDs for %d layers", len(c.RootFS.DiffIDs), len(m.Layers))
	}
	for i, p := range m.Layers {
		if got := "sha256:" + sha256Hex(files[p]); got != c.RootFS.DiffIDs[i] {
			t.Errorf("layer %d: %s hashes to %s, config says %s", i, p, got, c.RootFS.DiffIDs[i])
		}
		id := strings.TrimSuffix(p, "/layer.tar")
		if string(files[id+"/VERSION"]) != "1.0" || !json.Valid(files[id+"/json"]) {
			t.Errorf("layer %d: %s/VERSION or json missing", i, id)
		}
	}
	if !json.Valid(files["repositories"]) || !strings.Contains(string(files["repositories"]), `"lx-demo/seed":{"latest":`) {
		t.Errorf("repositories %s", files["repositories"])
	}
	for i := 1; i < len(names); i++ {
		if names[i-1] >= names[i] {
			t.Errorf("members out of order: %s before %s", names[i-1], names[i])
		}
	}
}
