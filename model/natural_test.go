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
