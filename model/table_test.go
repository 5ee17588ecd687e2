package model

import "testing"

// Two children whose (parent, name) hash alike are both found: the second
// is kept aside, checked by name.
func TestChildIndexCollision(t *testing.T) {
	tb := newTable()
	a := tb.ensureChild(Root, "a")
	// Make "b" collide with "a": its hash already names a's node.
	tb.children.byHash[tb.children.hash(Root, "b")] = a
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
