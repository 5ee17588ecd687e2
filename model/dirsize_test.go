package model

import (
	"reflect"
	"sort"
	"strings"
	"testing"
)

func TestDirSizesFollowLayersBothWays(t *testing.T) {
	img := build(t, layers(
		[]Entry{dir("a", 0o755), blob("a/x", 0o644, 10, 1), dir("a/b", 0o755), blob("a/b/y", 0o644, 5, 2), hardlink("a/h", "a/x")},
		[]Entry{blob("a/b/z", 0o644, 7, 3), sym("a/s", "x")},
		[]Entry{wh("a/b"), blob("a/x", 0o600, 10, 1)},
		[]Entry{opq("a"), blob("a/n", 0o644, 1, 4)},
		[]Entry{blob("a", 0o644, 3, 5)}, // a file replaces the directory
	))
	a, b, root := mustNode(t, img, "a"), mustNode(t, img, "a/b"), Root
	// Layer 2 recopies a/x while the hardlink a/h still shows layer 0's
	// copy: two inodes of 10 bytes each.
	want := [][3]int64{ // root, a, a/b after each layer
		{15, 15, 5},
		{22, 22, 12},
		{20, 20, 0},
		{1, 1, 0},
		{3, 3, 0},
	}
	for _, d := range sizeCursors(img) {
		checkDirSizesBothWays(t, d, want, [3]NodeID{root, a, b})
	}
}

// sizeCursors is a cursor that works each crossing out as it moves, and
// one given every layer's crossing worked out ahead (SizeSteps).
func sizeCursors(img *Image) []*DirSizes {
	stepped := img.DirSizes()
	for k := range img.Layers {
		stepped.Keep(img.SizeSteps(k))
		if !stepped.Knows(k) {
			panic("layer not kept")
		}
	}
	return []*DirSizes{img.DirSizes(), stepped}
}

func checkDirSizesBothWays(t *testing.T, d *DirSizes, want [][3]int64, nodes [3]NodeID) {
	t.Helper()
	root, a, b := nodes[0], nodes[1], nodes[2]
	check := func(k int) {
		t.Helper()
		d.At(k)
		got := [3]int64{d.Size(root), d.Size(a), d.Size(b)}
		if got != want[k] {
			t.Errorf("after layer %d: sizes root,a,a/b = %v, want %v", k, got, want[k])
		}
	}
	for _, k := range []int{0, 1, 2, 3, 4, 2, 0, 4, 1, 3} {
		check(k)
	}
	if d.At(-1); d.Size(root) != 0 {
		t.Errorf("before layer 0: root = %d, want 0", d.Size(root))
	}
}

func TestShownKeepsDeletedRowsOfTheLayer(t *testing.T) {
	img := build(t, layers(
		[]Entry{dir("d", 0o755), blob("d/one", 0o644, 1, 1), blob("d/two", 0o644, 1, 2)},
		[]Entry{wh("d/one")},
		[]Entry{blob("d/three", 0o644, 1, 3)},
	))
	one := mustNode(t, img, "d/one")
	if !img.Shown(one, 1) || img.Visible(one, 1) {
		t.Errorf("layer 1 deletes d/one: shown=%v visible=%v, want a D row", img.Shown(one, 1), img.Visible(one, 1))
	}
	if img.Shown(one, 2) {
		t.Error("d/one is still shown after the layer that deleted it")
	}
	var names []string
	for _, c := range img.EveryChild(mustNode(t, img, "d")) {
		names = append(names, img.Name(c))
	}
	if want := []string{"one", "three", "two"}; !reflect.DeepEqual(names, want) {
		t.Errorf("EveryChild = %v, want %v", names, want)
	}
}

func TestMatchWalksShownPaths(t *testing.T) {
	img := build(t, layers(
		[]Entry{dir("etc", 0o755), blob("etc/passwd", 0o644, 1, 1), dir("data", 0o755), blob("data/one", 0o644, 1, 2)},
		[]Entry{wh("data/one"), blob("data/onex", 0o644, 1, 3)},
	))
	paths := func(k int, sub string) []string {
		var out []string
		for _, n := range img.Match(k, func(p []byte) bool { return strings.Contains(string(p), sub) }) {
			out = append(out, img.Path(n))
		}
		return out
	}
	if got, want := paths(1, "one"), []string{"data/one", "data/onex"}; !reflect.DeepEqual(sorted(got), want) {
		t.Errorf("layer 1 matches = %v, want %v", got, want)
	}
	if got, want := paths(0, "a/"), []string{"data/one"}; !reflect.DeepEqual(got, want) {
		t.Errorf("layer 0 matches = %v, want %v (onex is not there yet)", got, want)
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

// A hardlinked file counts once in each directory above any of its names,
// and still counts after its first name goes (the waste-mix fixture's
// rm /srv/h1 left /srv at 0 B while /srv/h2 showed 20,000 bytes).
func TestDirSizesCountEachInodeOnce(t *testing.T) {
	img := build(t, layers(
		[]Entry{dir("srv", 0o755), blob("srv/h1", 0o644, 100, 1), hardlink("srv/h2", "srv/h1"), dir("srv/sub", 0o755), hardlink("srv/sub/h3", "srv/h1")},
		[]Entry{wh("srv/h1")},
		[]Entry{wh("srv/h2")},
		[]Entry{wh("srv/sub")},
	))
	srv, sub := mustNode(t, img, "srv"), mustNode(t, img, "srv/sub")
	for _, d := range sizeCursors(img) {
		checkEachInodeOnce(t, d, srv, sub)
	}
}

func checkEachInodeOnce(t *testing.T, d *DirSizes, srv, sub NodeID) {
	t.Helper()
	for _, tc := range []struct {
		k           int
		root, s, ss int64
	}{{0, 100, 100, 100}, {1, 100, 100, 100}, {2, 100, 100, 100}, {3, 0, 0, 0}, {1, 100, 100, 100}, {0, 100, 100, 100}} {
		d.At(tc.k)
		if got := [3]int64{d.Size(Root), d.Size(srv), d.Size(sub)}; got != [3]int64{tc.root, tc.s, tc.ss} {
			t.Errorf("after layer %d: root, srv, srv/sub = %v, want %v", tc.k, got, [3]int64{tc.root, tc.s, tc.ss})
		}
	}
}
