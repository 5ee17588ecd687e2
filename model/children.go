package model

import "sort"

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

// EveryChild lists every path any layer put directly in dir, visible or
// not, sorted by name. A view filters it per layer, so it can be computed
// once per directory and kept.
func (img *Image) EveryChild(dir NodeID) []NodeID {
	defer img.read()()
	var out []NodeID
	for c := img.t.nodes[dir].firstChild; c != 0; c = img.t.nodes[c].nextSibling {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return NaturalLess(img.t.nodes[out[i]].name, img.t.nodes[out[j]].name) })
	return out
}

// Match lists the paths a view of layer k shows (see Shown) whose path
// (relative, as Path gives it) satisfies match, depth first. The path
// slice is only valid during the call. It costs O(paths shown), with no
// allocation per path.
func (img *Image) Match(k int, match func(path []byte) bool) []NodeID {
	defer img.read()()
	var out []NodeID
	buf := make([]byte, 0, 256)
	var walk func(dir NodeID, buf []byte)
	walk = func(dir NodeID, buf []byte) {
		for c := img.t.nodes[dir].firstChild; c != 0; c = img.t.nodes[c].nextSibling {
			if !img.t.shown(c, k) {
				continue
			}
			p := buf
			if len(p) > 0 {
				p = append(p, '/')
			}
			p = append(p, img.t.nodes[c].name...)
			if match(p) {
				out = append(out, c)
			}
			if img.t.nodes[c].firstChild != 0 {
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
	return img.t.nodes[n].firstChild != 0
}
