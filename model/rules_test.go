package model

import (
	"reflect"
	"testing"
)

func TestStepsKeepEmptyHistoryEntries(t *testing.T) {
	cfg := Config{
		DiffIDs: []string{"sha256:a", "sha256:b"},
		History: []History{
			{CreatedBy: "ADD rootfs"},
			{CreatedBy: "CMD sh", EmptyLayer: true},
			{CreatedBy: "RUN mkdir /data"},
			{CreatedBy: "ENV X=1", EmptyLayer: true},
		},
	}
	img := NewBuilder(cfg).img
	var got []int
	for _, s := range img.Steps {
		got = append(got, s.Layer)
	}
	if want := []int{0, -1, 1, -1}; !reflect.DeepEqual(got, want) {
		t.Fatalf("step layers = %v, want %v", got, want)
	}
	if img.Layers[1].Command != "RUN mkdir /data" || img.Layers[1].Step != 2 {
		t.Fatalf("layer 1 = %+v", img.Layers[1])
	}
}

func TestSameDiffIDTwiceIsTwoLayers(t *testing.T) {
	l := []Entry{dir("d", 0o755), blob("d/f", 0o644, 100, 1)}
	cfg := Config{DiffIDs: []string{"sha256:x", "sha256:x"}}
	b := NewBuilder(cfg)
	for range 2 {
		if _, err := b.AddLayer(l); err != nil {
			t.Fatal(err)
		}
	}
	img, err := b.Finish()
	if err != nil {
		t.Fatal(err)
	}
	if len(img.Layers) != 2 || img.TotalBytes != 200 {
		t.Fatalf("layers=%d total=%d, want 2 layers and 200 bytes", len(img.Layers), img.TotalBytes)
	}
	if img.WastedBytes != 100 || img.Waste[0].Cause != Recopied || !img.Waste[0].Meta.Nothing() {
		t.Fatalf("waste = %+v", img.Waste)
	}
}

func TestLayerSizeCountsRegularFilesOnly(t *testing.T) {
	img := build(t, layers(
		[]Entry{dir("d", 0o755), blob("d/a", 0o644, 10, 1), hardlink("d/b", "d/a"), sym("d/c", "a"), blob("d/e", 0o644, 5, 2)},
	))
	if got := img.Layers[0].SizeBytes; got != 15 {
		t.Fatalf("layer size = %d, want 15 (a hardlink has no bytes of its own)", got)
	}
	if info, _ := img.Stat(mustNode(t, img, "d/b"), 0); info.Size != 10 {
		t.Fatalf("hardlink shows %d bytes, want its target's 10", info.Size)
	}
}

func TestWhiteoutRemovesSubtree(t *testing.T) {
	img := build(t, layers(
		[]Entry{dir("a", 0o755), dir("a/b", 0o755), blob("a/b/f", 0o644, 7, 1), blob("keep", 0o644, 1, 2)},
		[]Entry{wh("a")},
	))
	if got, want := visible(img, 1), []string{"keep"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("visible after 1 = %v, want %v", got, want)
	}
	if got, want := markers(img, 1), []string{"D a"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("markers = %v, want %v (D on the top only)", got, want)
	}
	// Expanding the deleted top shows its children as deleted.
	f := mustNode(t, img, "a/b/f")
	if img.Marker(f, 1) != Deleted {
		t.Fatalf("child of deleted dir: marker %v, want D", img.Marker(f, 1))
	}
	if _, ok := img.Stat(f, 0); !ok {
		t.Fatal("child must still be visible after layer 0")
	}
	if img.Layers[1].Deleted != 1 || img.WasteBy[Removed] != 7 {
		t.Fatalf("deleted=%d removed=%d, want 1 and 7", img.Layers[1].Deleted, img.WasteBy[Removed])
	}
}

func TestWhiteoutOfMissingPathIsIgnored(t *testing.T) {
	img := build(t, layers([]Entry{dir("a", 0o755)}, []Entry{wh("a/nothing"), wh("zz")}))
	if got := markers(img, 1); len(got) != 0 {
		t.Fatalf("markers = %v, want none", got)
	}
}

func TestOpaqueAppliesBeforeOwnEntriesWherever(t *testing.T) {
	base := []Entry{dir("d", 0o755), blob("d/old", 0o644, 3, 1), blob("d/same", 0o644, 4, 2)}
	for name, top := range map[string][]Entry{
		"opaque first": {dir("d", 0o755), opq("d"), blob("d/new", 0o644, 5, 3), blob("d/same", 0o644, 4, 2)},
		"opaque last":  {dir("d", 0o755), blob("d/new", 0o644, 5, 3), blob("d/same", 0o644, 4, 2), opq("d")},
	} {
		t.Run(name, func(t *testing.T) {
			img := build(t, layers(base, top))
			if got, want := visible(img, 1), []string{"d", "d/new", "d/same"}; !reflect.DeepEqual(got, want) {
				t.Fatalf("visible = %v, want %v", got, want)
			}
			if got, want := markers(img, 1), []string{"A d/new", "C d/same", "D d/old", "c d"}; !reflect.DeepEqual(got, want) {
				t.Fatalf("markers = %v, want %v", got, want)
			}
			// The opaque directory killed d/same; its return with the same
			// bytes is a hint, not a recopy.
			if want := (map[Cause]int64{Removed: 7}); !reflect.DeepEqual(img.WasteBy, want) {
				t.Fatalf("waste by cause = %v, want %v", img.WasteBy, want)
			}
			for _, w := range img.Waste {
				if back := w.Path == "d/same"; (w.ReturnedIn == 1) != back {
					t.Fatalf("%s returned in %d", w.Path, w.ReturnedIn)
				}
			}
		})
	}
}

func TestFileReplacingDirectoryLosesSubtree(t *testing.T) {
	img := build(t, layers(
		[]Entry{dir("x", 0o755), blob("x/a", 0o644, 10, 1), dir("x/sub", 0o755), blob("x/sub/b", 0o644, 20, 2)},
		[]Entry{blob("x", 0o644, 1, 3)},
	))
	if got, want := visible(img, 1), []string{"x"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("visible = %v, want %v", got, want)
	}
	// docker diff lists the replaced path only, not the subtree it lost.
	if got, want := markers(img, 1), []string{"C x"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("markers = %v, want %v", got, want)
	}
	if m := img.Marker(mustNode(t, img, "x/a"), 1); m != Deleted {
		t.Fatalf("x/a is %v in layer 1, want deleted", m)
	}
	if img.WasteBy[Removed] != 30 {
		t.Fatalf("removed = %d, want 30", img.WasteBy[Removed])
	}
}

func TestDirOverDirReplacesMetadataOnly(t *testing.T) {
	img := build(t, layers(
		[]Entry{dir("d", 0o755), blob("d/f", 0o644, 1, 1)},
		[]Entry{dir("d", 0o755), blob("d/g", 0o644, 1, 2)},
		[]Entry{dir("d", 0o700)},
		[]Entry{owned(dir("d", 0o700), 1, 1)},
	))
	if got, want := visible(img, 3), []string{"d", "d/f", "d/g"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("visible = %v, want %v", got, want)
	}
	if got, want := markers(img, 1), []string{"A d/g", "c d"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("layer 1 = %v, want %v (a repeated parent is only touched)", got, want)
	}
	for k := 2; k <= 3; k++ {
		if got, want := markers(img, k), []string{"C d"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("layer %d = %v, want %v", k, got, want)
		}
	}
}

func TestMarkers(t *testing.T) {
	img := build(t, layers(
		[]Entry{dir("etc", 0o755), file("etc/a", 0o644, "one"), file("etc/b", 0o644, "b"), file("etc/c", 0o644, "c"), sym("etc/l", "a"), file("etc/o", 0o644, "o")},
		[]Entry{dir("etc", 0o755), file("etc/a", 0o644, "two"), file("etc/b", 0o644, "b"), file("etc/c", 0o600, "c"), sym("etc/l", "b"), owned(file("etc/o", 0o644, "o"), 33, 33), file("etc/new", 0o644, "n"), wh("etc/gone")},
	))
	want := []string{"A etc/new", "C etc/a", "C etc/b", "C etc/c", "C etc/l", "C etc/o", "c etc"}
	if got := markers(img, 1); !reflect.DeepEqual(got, want) {
		t.Fatalf("markers = %v, want %v", got, want)
	}
	l := img.Layers[1]
	if l.Added != 1 || l.Changed != 5 || l.Deleted != 0 {
		t.Fatalf("counts A/C/D = %d/%d/%d, want 1/5/0", l.Added, l.Changed, l.Deleted)
	}
	if got := markers(img, 0); len(got) != 6 || got[0] != "A etc" {
		t.Fatalf("layer 0 = %v, want everything added", got)
	}
}

func TestImpliedParents(t *testing.T) {
	img := build(t, layers([]Entry{blob("a/b/c", 0o644, 1, 1), dir("a", 0o700)}))
	if got, want := markers(img, 0), []string{"A a", "A a/b", "A a/b/c"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("markers = %v, want %v", got, want)
	}
	a, _ := img.Stat(mustNode(t, img, "a"), 0)
	b, _ := img.Stat(mustNode(t, img, "a/b"), 0)
	if a.Mode != 0o700 || a.Implicit || !b.Implicit {
		t.Fatalf("a=%+v b=%+v: a takes its listed metadata, b stays implied", a, b)
	}
	if len(img.Warnings) != 0 {
		t.Fatalf("warnings = %v", img.Warnings)
	}
}

func TestDuplicatePathInOneLayer(t *testing.T) {
	img := build(t, layers([]Entry{blob("f", 0o644, 10, 1), blob("f", 0o644, 12, 2)}))
	if len(img.Warnings) != 1 {
		t.Fatalf("warnings = %v, want one naming /f", img.Warnings)
	}
	if info, _ := img.Stat(mustNode(t, img, "f"), 0); info.Size != 12 {
		t.Fatalf("f has %d bytes, want the later entry's 12", info.Size)
	}
	w := img.Waste
	if len(w) != 1 || w[0].Cause != Overwritten || w[0].MadeBy != 0 || w[0].KilledBy != 0 {
		t.Fatalf("waste = %+v, want the earlier copy overwritten within layer 0", w)
	}
}

// A directory the layer lists again with the same metadata (a file was
// written inside it, or below it) is Touched: docker diff's C, shown apart
// and not counted as a change. A directory the tar does not list is not.
func TestTouchedDirectory(t *testing.T) {
	at := func(e Entry, mtime int64) Entry { e.MTime = mtime; return e }
	img := build(t, layers(
		[]Entry{at(dir("data", 0o755), 1), at(dir("usr", 0o755), 1), at(dir("usr/lib", 0o755), 1)},
		[]Entry{at(dir("data", 0o755), 2), at(file("data/one", 0o644, "x"), 2), at(dir("usr", 0o755), 1), at(dir("usr/lib", 0o755), 2), at(file("usr/lib/x", 0o644, "y"), 2), at(file("etc/z", 0o644, "z"), 2)},
		[]Entry{at(dir("data", 0o777), 2)},
	))
	if got, want := markers(img, 1), []string{"A data/one", "A etc", "A etc/z", "A usr/lib/x", "c data", "c usr", "c usr/lib"}; !reflect.DeepEqual(got, want) {
		t.Errorf("layer 1 = %q, want %q", got, want)
	}
	if l := img.Layers[1]; l.Added != 4 || l.Changed != 0 || l.Deleted != 0 {
		t.Errorf("layer 1 counts A/C/D = %d/%d/%d, want 4/0/0", l.Added, l.Changed, l.Deleted)
	}
	if got := img.Marker(mustNode(t, img, "data"), 2); got != Changed {
		t.Errorf("a mode change is %v, want C", got)
	}
	if s := Marker(200).String(); s != "?" {
		t.Errorf("an unknown marker says %q", s)
	}
}

// An opaque marker at the root hides every lower-layer path: their copies
// die as removed, the layer's own entries stay.
func TestOpaqueRoot(t *testing.T) {
	img := build(t, layers(
		[]Entry{dir("d", 0o755), file("d/f", 0o644, "f"), file("top", 0o644, "top")},
		[]Entry{opq(""), file("new", 0o644, "n")},
	))
	if got := visible(img, 1); !reflect.DeepEqual(got, []string{"new"}) {
		t.Errorf("visible after the root's opaque marker: %v, want only new", got)
	}
	if img.WastedBytes != 4 || img.WasteBy[Removed] != 4 {
		t.Errorf("wasted %d by %v, want d/f and top removed (4 bytes)", img.WastedBytes, img.WasteBy)
	}
	if got := markers(img, 1); !reflect.DeepEqual(got, []string{"A new", "D d", "D top"}) {
		t.Errorf("markers %v", got)
	}
}
