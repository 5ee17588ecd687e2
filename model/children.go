package model

// Visible tells whether path n is in the filesystem after layer k.
func (img *Image) Visible(n NodeID, k int) bool {
	defer img.read()()
	return img.t.visibleAt(n, k)
}

// Shown tells whether a view of layer k lists path n: visible after k, or
// visible after k-1 and deleted by k (a D row).
func (img *Image) Shown(n NodeID, k int) bool {
	defer img.read()()
	return img.t.shown(n, k)
}

func (t *table) shown(n NodeID, k int) bool {
	return t.visibleAt(n, k) || (k > 0 && t.visibleAt(n, k-1))
}

// ViewKinds gives the kind each of paths is listed with in a view of
// layer k: its kind after k, or, in the view of the layer's own changes
// (own, where D rows show), its kind before k for a path k deleted; 0
// where the view does not list it. It answers what Shown (own) or Visible,
// then Stat, would for many paths at once: one lock, each path's events
// walked once, in the order the table holds them where the paths are
// close together (a directory's entries, sorted by name, are all over the
// table's memory otherwise). It appends to out[:0].
func (img *Image) ViewKinds(paths []NodeID, k int, own bool, out []Kind) []Kind {
	defer img.read()()
	out = out[:0]
	lo, hi := NodeID(img.t.nodeCount()), NodeID(0)
	for _, n := range paths {
		lo, hi = min(lo, n), max(hi, n)
	}
	if len(paths) < 32 || int(hi-lo) > 8*len(paths) {
		for _, n := range paths {
			out = append(out, img.t.viewKind(n, k, own))
		}
		return out
	}
	const asked = 0xff // not a Kind
	byNode := make([]Kind, hi-lo+1)
	for _, n := range paths {
		byNode[n-lo] = asked
	}
	for i, kind := range byNode {
		if kind == asked {
			byNode[i] = img.t.viewKind(lo+NodeID(i), k, own)
		}
	}
	for _, n := range paths {
		out = append(out, byNode[n-lo])
	}
	return out
}

// AllViewKinds is what ViewKinds gives for every path the table holds, by
// NodeID, worked out in one pass in the table's order. A path the table
// gains later comes from a layer after those applied, which no view of
// an applied layer lists: past the slice's end, its kind is 0.
func (img *Image) AllViewKinds(k int, own bool) []Kind {
	defer img.read()()
	out := make([]Kind, img.t.nodeCount())
	for n := range out {
		out[n] = img.t.viewKind(NodeID(n), k, own)
	}
	return out
}

// ListsAnyOf is ListsAny for a view whose kinds AllViewKinds gave.
func (img *Image) ListsAnyOf(dir NodeID, kinds []Kind) bool {
	defer img.read()()
	for c := img.t.node(dir).firstChild; c != 0; c = img.t.node(c).nextSibling {
		if int(c) < len(kinds) && kinds[c] != 0 {
			return true
		}
	}
	return false
}

// ListsAny tells whether a view of layer k (own: with D rows) lists any
// path directly in dir.
func (img *Image) ListsAny(dir NodeID, k int, own bool) bool {
	defer img.read()()
	for c := img.t.node(dir).firstChild; c != 0; c = img.t.node(c).nextSibling {
		if img.t.viewKind(c, k, own) != 0 {
			return true
		}
	}
	return false
}

func (t *table) viewKind(n NodeID, k int, own bool) Kind {
	if n == Root {
		return KindDir
	}
	before, after := int32(none), int32(none)
	for ev := t.node(n).firstEv; ev != none && int(t.events.at(ev).layer) <= k; ev = t.events.at(ev).next {
		if int(t.events.at(ev).layer) < k {
			before = ev
		}
		after = ev
	}
	switch {
	case after != none && t.events.at(after).op == opEntry:
		return t.events.at(after).kind
	case own && k > 0 && before != none && t.events.at(before).op == opEntry:
		return t.events.at(before).kind
	}
	return 0
}

// EveryChild lists every path any layer put directly in dir, visible or
// not, sorted by name. A view filters it per layer, so it can be computed
// once per directory and kept.
func (img *Image) EveryChild(dir NodeID) []NodeID {
	defer img.read()()
	var out []NodeID
	for c := img.t.node(dir).firstChild; c != 0; c = img.t.node(c).nextSibling {
		out = append(out, c)
	}
	img.t.sortByName(out)
	return out
}

// Match lists the paths a view of layer k shows (see Shown) whose path
// (relative, as Path gives it) satisfies match, depth first. The path
// slice is only valid during the call. It costs O(paths shown), with no
// allocation per path. A long walk gives the read lock up every few
// thousand paths, as AddLayer does its lock, so a layer being applied
// (and the readers queued behind it) never waits for the whole walk: what
// it adds cannot change layer k's view, applied already.
func (img *Image) Match(k int, match func(path []byte) bool) []NodeID {
	img.mu.RLock()
	defer func() { img.mu.RUnlock() }()
	walked := 0
	var out []NodeID
	buf := make([]byte, 0, 256)
	var walk func(dir NodeID, buf []byte)
	walk = func(dir NodeID, buf []byte) {
		for c := img.t.node(dir).firstChild; c != 0; c = img.t.node(c).nextSibling {
			if walked++; walked%4096 == 0 {
				img.mu.RUnlock()
				img.mu.RLock()
			}
			if !img.t.shown(c, k) {
				continue
			}
			p := buf
			if len(p) > 0 {
				p = append(p, '/')
			}
			p = append(p, img.t.name(c)...)
			if match(p) {
				out = append(out, c)
			}
			if img.t.node(c).firstChild != 0 {
				walk(c, p)
			}
		}
	}
	walk(Root, buf)
	return out
}

// HasChildren tells whether any layer put a path below n.
func (img *Image) HasChildren(n NodeID) bool {
	defer img.read()()
	return img.t.node(n).firstChild != 0
}
