package model

import (
	"fmt"
	"testing"
)

// Two children whose (parent, name) hashes share a tag are both found:
// the second goes in the next slot, told apart by name.
func TestChildIndexCollision(t *testing.T) {
	tb := newTable()
	a := tb.ensureChild(Root, "a")
	// Make "b" collide with "a": b's slot already holds b's tag with a's node.
	h := tb.children.hash(Root, "b")
	_, slot := tb.probe(Root, "b", h)
	tb.children.put(slot, h, a)
	b := tb.ensureChild(Root, "b")
	if a == b {
		t.Fatal("b took a's node")
	}
	for name, want := range map[string]NodeID{"a": a, "b": b} {
		if got, ok := tb.child(Root, name); !ok || got != want {
			t.Errorf("child %q = %d, %v; want %d", name, got, ok, want)
		}
	}
	if _, ok := tb.child(Root, "c"); ok {
		t.Error("c found, never added")
	}
	if got := tb.ensureChild(Root, "b"); got != b {
		t.Errorf("b again made node %d, want %d", got, b)
	}
}

// Children stay found as the index grows many times over.
func TestChildIndexGrows(t *testing.T) {
	tb := newTable()
	ids := map[string]NodeID{}
	dir := tb.ensureChild(Root, "d")
	for i := range 5000 {
		name := fmt.Sprint(i)
		ids[name] = tb.ensureChild(dir, name)
	}
	for name, want := range ids {
		if got, ok := tb.child(dir, name); !ok || got != want {
			t.Fatalf("child %q = %d, %v; want %d", name, got, ok, want)
		}
		if _, ok := tb.child(Root, name); ok {
			t.Fatalf("%q found under the root", name)
		}
	}
}
