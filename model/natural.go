package model

import (
	"slices"
	"strings"
)

// NaturalLess orders names as people count: "f2" before "f10", "m9.js"
// before "m10.js". Runs of digits compare by their value (leading zeros
// only break ties); everything else compares byte by byte.
func NaturalLess(a, b string) bool {
	return naturalCompare(a, b) < 0
}

// PathLess orders paths component by component, each naturally, so a
// directory's paths stay together ("a/b" before "a-b").
func PathLess(a, b string) bool {
	for {
		ha, ra, moreA := strings.Cut(a, "/")
		hb, rb, moreB := strings.Cut(b, "/")
		if c := naturalCompare(ha, hb); c != 0 {
			return c < 0
		}
		switch {
		case !moreA || !moreB:
			return !moreA && moreB
		}
		a, b = ra, rb
	}
}

func naturalCompare(a, b string) int {
	tie := 0 // the first difference in leading zeros, when values are equal
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		ca, cb := a[i], b[j]
		if isDigit(ca) && isDigit(cb) {
			si, sj := i, j
			for i < len(a) && isDigit(a[i]) {
				i++
			}
			for j < len(b) && isDigit(b[j]) {
				j++
			}
			da := strings.TrimLeft(a[si:i], "0")
			db := strings.TrimLeft(b[sj:j], "0")
			switch {
			case len(da) != len(db):
				return sign(len(da) - len(db))
			case da != db:
				return strings.Compare(da, db)
			case tie == 0 && i-si != j-sj:
				tie = sign((i - si) - (j - sj))
			}
			continue
		}
		if ca != cb {
			return sign(int(ca) - int(cb))
		}
		i++
		j++
	}
	switch {
	case len(a)-i != len(b)-j:
		return sign((len(a) - i) - (len(b) - j))
	}
	return tie
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// SortPaths orders nodes as PathLess orders their paths, without making
// the paths: each directory's entries among them (and the directories on
// the way to them) are sorted by name once, then walked depth first. It
// costs O(n log n) name comparisons for n nodes, whatever their depth,
// and O(paths in the image) to set up. It sorts in place (a node given
// twice is kept once) and returns nodes.
func (img *Image) SortPaths(nodes []NodeID) []NodeID {
	defer img.read()()
	return img.t.sortPaths(nodes)
}

// sortPaths is SortPaths, for a caller that holds the image's lock.
func (t *table) sortPaths(nodes []NodeID) []NodeID {
	const member, linked = 1, 2
	state := make([]uint8, t.nodeCount())
	// Each directory's entries to walk, as a list: first[d], then next[c]
	// (NodeID+1; 0 ends).
	first, next := make([]NodeID, t.nodeCount()), make([]NodeID, t.nodeCount())
	for _, n := range nodes {
		state[n] |= member
		for c := n; c != Root && state[c]&linked == 0; c = t.node(c).parent {
			state[c] |= linked
			p := t.node(c).parent
			next[c], first[p] = first[p], c+1
		}
	}
	out := nodes[:0]
	if state[Root]&member != 0 {
		out = append(out, Root)
	}
	var ks []NodeID
	var walk func(dir NodeID)
	walk = func(dir NodeID) {
		from := len(ks)
		for c := first[dir]; c != 0; c = next[c-1] {
			ks = append(ks, c-1)
		}
		mine := ks[from:]
		t.sortByName(mine)
		for i := range mine {
			c := ks[from+i] // ks may move as deeper directories append
			if state[c]&member != 0 {
				out = append(out, c)
			}
			if first[c] != 0 {
				walk(c)
			}
		}
		ks = ks[:from]
	}
	walk(Root)
	return out
}

// sortByName sorts nodes by name (NaturalLess), each name read once: the
// comparisons of a long list run on a copy of the names, not on the
// table's nodes, scattered over memory.
func (t *table) sortByName(nodes []NodeID) {
	if len(nodes) < 64 {
		slices.SortFunc(nodes, func(a, b NodeID) int { return naturalCompare(t.name(a), t.name(b)) })
		return
	}
	type named struct {
		name string
		id   NodeID
	}
	ns := make([]named, len(nodes))
	for i, n := range nodes {
		ns[i] = named{t.name(n), n}
	}
	slices.SortFunc(ns, func(a, b named) int { return naturalCompare(a.name, b.name) })
	for i := range ns {
		nodes[i] = ns[i].id
	}
}
