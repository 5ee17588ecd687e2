package e2e

// The figures of the fixture images, exact, through every layout: the seed
// article's image and waste-mix, every kind of waste with known sizes.

import (
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"lx.dev/lx/internal/testengine"

	"lx.dev/lx/internal/fixture/seed"
)

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
	if img.LayerCount != seed.Layers || len(r.Layers) != seed.Layers {
		t.Fatalf("layerCount = %d, %d layers; want %d (busybox + 6 RUN)", img.LayerCount, len(r.Layers), seed.Layers)
	}
	if img.WastedBytes != seed.Wasted {
		t.Errorf("wastedBytes = %d, want %d", img.WastedBytes, seed.Wasted)
	}
	wantCause := map[string]int64{"removed": seed.Removed, "recopied": seed.Recopied, "overwritten": seed.Overwritten}
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
	conf, err := os.Stat("../testdata/dockerfiles/waste-mix/conf.txt")
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
