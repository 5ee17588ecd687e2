package model

import (
	"reflect"
	"testing"

	"lx.dev/lx/internal/fixture/seed"
)

const mib = 1 << 20

// seedLayers are the seed example's layer tars as a vfs-driver daemon
// writes them: the second chmod finds /data/one already 0777 and writes no
// copy of it.
func seedLayers() [][]Entry {
	zeros := uint64(0x2e0) // both dd runs write the same MiB of zeros
	return layers(
		[]Entry{dir("bin", 0o755), blob("bin/busybox", 0o755, 1_160_000, 42), sym("bin/sh", "busybox")},
		[]Entry{dir("data", 0o755)},
		[]Entry{dir("data", 0o755), blob("data/one", 0o644, mib, zeros)},
		[]Entry{dir("data", 0o777), blob("data/one", 0o777, mib, zeros)},
		[]Entry{dir("data", 0o777), blob("data/two", 0o644, mib, zeros)},
		[]Entry{dir("data", 0o777), blob("data/two", 0o777, mib, zeros)},
		[]Entry{dir("data", 0o777), wh("data/one")},
	)
}

func TestSeedExampleVFS(t *testing.T) {
	img := build(t, seedLayers())
	if img.WastedBytes != seed.Wasted {
		t.Fatalf("wasted = %d, want %d", img.WastedBytes, seed.Wasted)
	}
	wantBy := map[Cause]int64{Recopied: seed.Recopied, Removed: seed.Removed}
	if !reflect.DeepEqual(img.WasteBy, wantBy) {
		t.Fatalf("by cause = %v, want %v", img.WasteBy, wantBy)
	}
	type row struct {
		path         string
		cause        Cause
		made, killed int
		changed      MetaChange
	}
	var got []row
	for _, w := range img.Waste {
		got = append(got, row{w.Path, w.Cause, w.MadeBy, w.KilledBy, w.Meta})
	}
	want := []row{
		{"data/one", Recopied, 2, 3, chmod(0o644, 0o777)},
		{"data/one", Removed, 3, 6, MetaChange{}},
		{"data/two", Recopied, 4, 5, chmod(0o644, 0o777)},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("waste =\n%v\nwant\n%v", got, want)
	}
	wantMarkers := [][]string{
		1: {"A data"},
		2: {"A data/one", "c data"},
		3: {"C data", "C data/one"},
		4: {"A data/two", "c data"},
		5: {"C data/two", "c data"},
		6: {"D data/one", "c data"},
	}
	for k := 1; k < 7; k++ {
		if got := markers(img, k); !reflect.DeepEqual(got, wantMarkers[k]) {
			t.Errorf("layer %d markers = %v, want %v", k, got, wantMarkers[k])
		}
	}
	for k, l := range img.Layers {
		if l.WastedMade != seed.LayerMade[k] || l.WastedKilled != seed.LayerKilled[k] {
			t.Errorf("layer %d made/killed = %d/%d, want %d/%d", k, l.WastedMade, l.WastedKilled, seed.LayerMade[k], seed.LayerKilled[k])
		}
	}
	total := int64(1_160_000 + 4*mib)
	if img.TotalBytes != total {
		t.Fatalf("total = %d, want %d", img.TotalBytes, total)
	}
	if eff := img.Efficiency(); eff != float64(total-seed.Wasted)/float64(total) {
		t.Fatalf("efficiency = %v", eff)
	}
}

// The overlay2 variant: the second chmod copies /data/one up again.
func TestSeedExampleOverlay(t *testing.T) {
	ls := seedLayers()
	ls[5] = append(ls[5], blob("data/one", 0o777, mib, 0x2e0))
	img := build(t, ls)
	if img.WastedBytes != 4_194_304 {
		t.Fatalf("wasted = %d, want 4,194,304", img.WastedBytes)
	}
	want := map[Cause]int64{Recopied: 3 * mib, Removed: mib}
	if !reflect.DeepEqual(img.WasteBy, want) {
		t.Fatalf("by cause = %v, want %v", img.WasteBy, want)
	}
	onesChange := MetaChange{Mode: true}
	for _, w := range img.Waste {
		if w.Path == "data/one" && w.MadeBy == 3 {
			onesChange = w.Meta
		}
	}
	if !onesChange.Nothing() {
		t.Fatalf("the pure recopy of /data/one says %+v, want \"nothing\"", onesChange)
	}
}

func TestCauses(t *testing.T) {
	base := []Entry{dir("d", 0o755), blob("d/f", 0o644, 100, 1)}
	for _, tc := range []struct {
		name    string
		top     []Entry
		cause   Cause
		changed MetaChange
	}{
		{"whiteout", []Entry{wh("d/f")}, Removed, MetaChange{}},
		{"opaque parent", []Entry{dir("d", 0o755), opq("d")}, Removed, MetaChange{}},
		{"parent whiteout", []Entry{wh("d")}, Removed, MetaChange{}},
		{"parent replaced by a file", []Entry{blob("d", 0o644, 1, 9)}, Removed, MetaChange{}},
		{"symlink takes the path", []Entry{sym("d/f", "x")}, Removed, MetaChange{}},
		{"directory takes the path", []Entry{dir("d/f", 0o755)}, Removed, MetaChange{}},
		{"chmod", []Entry{blob("d/f", 0o777, 100, 1)}, Recopied, chmod(0o644, 0o777)},
		{"chown", []Entry{owned(blob("d/f", 0o644, 100, 1), 33, 33)}, Recopied, MetaChange{Owner: true, ToUID: 33, ToGID: 33}},
		{"xattr", []Entry{{Path: "d/f", Kind: KindRegular, Mode: 0o644, Size: 100, Digest: 1, Xattrs: 7}}, Recopied, MetaChange{Xattrs: true}},
		{"same again", []Entry{blob("d/f", 0o644, 100, 1)}, Recopied, MetaChange{}},
		{"touch", []Entry{{Path: "d/f", Kind: KindRegular, Mode: 0o644, Size: 100, Digest: 1, MTime: 5e9}}, Recopied, MetaChange{MTime: true}},
		{"rebuilt", []Entry{blob("d/f", 0o644, 100, 2)}, Overwritten, MetaChange{}},
		{"grown", []Entry{blob("d/f", 0o644, 150, 1)}, Overwritten, MetaChange{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img := build(t, layers(base, tc.top))
			if len(img.Waste) != 1 {
				t.Fatalf("waste = %+v, want exactly the base copy", img.Waste)
			}
			w := img.Waste[0]
			if w.Cause != tc.cause || w.Meta != tc.changed || w.Bytes != 100 || w.MadeBy != 0 || w.KilledBy != 1 {
				t.Fatalf("waste = %+v, want cause %v changed %+v", w, tc.cause, tc.changed)
			}
		})
	}
}

func TestLiveCopyNeverCounts(t *testing.T) {
	img := build(t, layers(
		[]Entry{blob("a", 0o644, 10, 1)},
		[]Entry{blob("a", 0o644, 10, 1)},
		[]Entry{blob("b", 0o644, 20, 2)},
	))
	// Only the first copy of a is dead: the surviving one is what ships.
	if img.WastedBytes != 10 || img.TotalBytes != 40 {
		t.Fatalf("wasted=%d total=%d, want 10 of 40", img.WastedBytes, img.TotalBytes)
	}
	if eff := img.Efficiency(); eff != 0.75 {
		t.Fatalf("efficiency = %v, want 0.75", eff)
	}
}

func TestEfficiencyWithoutBytes(t *testing.T) {
	img := build(t, layers([]Entry{dir("d", 0o755)}, []Entry{wh("d")}))
	if img.Efficiency() != 1 || img.WastedBytes != 0 {
		t.Fatalf("efficiency=%v wasted=%d, want 1 and 0", img.Efficiency(), img.WastedBytes)
	}
}

func TestHardlinkKeepsCopyAlive(t *testing.T) {
	base := []Entry{blob("a", 0o644, 50, 1), hardlink("b", "a")}
	t.Run("one path left", func(t *testing.T) {
		img := build(t, layers(base, []Entry{wh("a")}))
		if img.WastedBytes != 0 {
			t.Fatalf("wasted = %d, want 0: b still shows the bytes", img.WastedBytes)
		}
	})
	t.Run("last path decides", func(t *testing.T) {
		img := build(t, layers(base, []Entry{wh("a")}, []Entry{blob("b", 0o600, 50, 1)}))
		w := img.Waste
		if len(w) != 1 || w[0].Cause != Recopied || w[0].KilledBy != 2 || w[0].Path != "a" || w[0].Meta != chmod(0o644, 0o600) {
			t.Fatalf("waste = %+v, want a's copy recopied by layer 2", w)
		}
	})
	t.Run("both removed", func(t *testing.T) {
		img := build(t, layers(base, []Entry{wh("b")}, []Entry{wh("a")}))
		w := img.Waste
		if len(w) != 1 || w[0].Cause != Removed || w[0].KilledBy != 2 {
			t.Fatalf("waste = %+v, want removed by layer 2", w)
		}
	})
	t.Run("target in a lower layer", func(t *testing.T) {
		img := build(t, layers([]Entry{blob("a", 0o644, 50, 1)}, []Entry{hardlink("b", "a")}))
		if len(img.Warnings) != 1 || img.TotalBytes != 50 {
			t.Fatalf("warnings=%v total=%d, want one warning and 50 bytes", img.Warnings, img.TotalBytes)
		}
	})
}

func TestRemovedThenBack(t *testing.T) {
	img := build(t, layers(
		[]Entry{blob("f", 0o644, 10, 1)},
		[]Entry{wh("f")},
		[]Entry{blob("f", 0o644, 10, 1)},
	))
	w := img.Waste
	if len(w) != 1 || w[0].Cause != Removed || w[0].KilledBy != 1 || w[0].ReturnedIn != 2 {
		t.Fatalf("waste = %+v, want removed by 1 and back in 2", w)
	}
}

func TestWasteOrderBiggestFirst(t *testing.T) {
	img := build(t, layers(
		[]Entry{blob("s", 0o644, 1, 1), blob("b", 0o644, 9, 2), blob("m", 0o644, 5, 3)},
		[]Entry{wh("s"), wh("b"), wh("m")},
	))
	var got []string
	for _, w := range img.Waste {
		got = append(got, w.Path)
	}
	if want := []string{"b", "m", "s"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("order = %v, want %v", got, want)
	}
}

func chmod(from, to uint32) MetaChange { return MetaChange{Mode: true, FromMode: from, ToMode: to} }
