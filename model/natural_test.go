package model

import (
	"slices"
	"testing"
)

func TestNaturalOrder(t *testing.T) {
	names := []string{"f10", "f2", "f1", "f02", "a", "f", "m100.js", "m9.js", "m10.js", "b1c2", "b1c10", "B", "f2x"}
	slices.SortFunc(names, naturalCompare)
	want := []string{"B", "a", "b1c2", "b1c10", "f", "f1", "f2", "f02", "f2x", "f10", "m9.js", "m10.js", "m100.js"}
	if !slices.Equal(names, want) {
		t.Errorf("got  %q\nwant %q", names, want)
	}
	for _, p := range [][2]string{{"a/b", "a-b"}, {"a/f2", "a/f10"}, {"a", "a/b"}, {"d2/x", "d10/a"}} {
		if !PathLess(p[0], p[1]) || PathLess(p[1], p[0]) {
			t.Errorf("PathLess(%q, %q) is not true one way only", p[0], p[1])
		}
	}
	if PathLess("a/b", "a/b") || NaturalLess("x", "x") {
		t.Error("a name is less than itself")
	}
}

// The order is total: of two different paths, exactly one is less (the
// waste list's unstable sort counts on it for one answer).
func TestPathOrderIsTotal(t *testing.T) {
	parts := []string{"", "0", "00", "01", "1", "001", "a", "a0", "a00", "a1", "a01", "A", "a.b", "é", "9999999999999999999999", "09999999999999999999999"}
	var paths []string
	for _, a := range parts {
		for _, b := range parts {
			paths = append(paths, a+b, a+"/"+b)
		}
	}
	for _, a := range paths {
		for _, b := range paths {
			if a != b && PathLess(a, b) == PathLess(b, a) {
				t.Fatalf("%q and %q: PathLess is %v both ways", a, b, PathLess(a, b))
			}
		}
	}
}

func TestSortPathsIsPathOrder(t *testing.T) {
	paths := []string{"a", "a/b", "a-b", "a/f10", "a/f2", "a/f2/x", "a-b/c", "d10/a", "d2/x", "d2", "z", "a/f02"}
	var es []Entry
	for _, p := range paths {
		es = append(es, blob(p+"/.keep", 0o644, 1, 1))
	}
	img := build(t, layers(es))
	var nodes []NodeID
	for _, p := range append(paths, "a/f2/x/.keep", "a") { // a node twice is kept once
		nodes = append(nodes, mustNode(t, img, p))
	}
	nodes = append(nodes, Root)
	var got []string
	for _, n := range img.SortPaths(nodes) {
		got = append(got, img.Path(n))
	}
	want := append([]string{""}, paths...)
	want = append(want, "a/f2/x/.keep")
	slices.SortFunc(want[1:], func(a, b string) int {
		if PathLess(a, b) {
			return -1
		}
		return 1
	})
	if !slices.Equal(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
