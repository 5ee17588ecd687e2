package model

import "slices"

// diffSide is one image of a comparison as the walk reads it: its final
// filesystem, and the bytes counted so far in each directory on the way
// down.
type diffSide struct {
	t    *table
	k    int  // the last layer applied
	done bool // finished: a path's last event is its final state
	// acc[d] holds the bytes counted so far in the directory whose
	// children are at depth d (acc[0]: the root's).
	acc []int64
	// credited holds, for a copy that hardlinks share, the directories
	// that count its bytes already: each inode counts once in a directory.
	credited map[int32]map[NodeID]bool
	kids     [][]NodeID // the children listed at each depth, reused
}

func newDiffSide(img *Image) *diffSide {
	return &diffSide{t: img.t, k: img.applied - 1, done: img.done}
}

// final is path n's last event in the final filesystem, and whether it
// shows there.
func (s *diffSide) final(n NodeID) (*event, bool) {
	ev := s.t.node(n).lastEv
	if !s.done {
		ev = s.t.at(n, s.k)
	}
	if ev == none {
		return nil, false
	}
	e := s.t.events.at(ev)
	return e, e.op == opEntry
}

// children lists the paths directory n shows, in the tree's order; the
// slice is reused by the next listing at the same depth.
func (s *diffSide) children(n NodeID, depth int) []NodeID {
	for len(s.kids) <= depth {
		s.kids = append(s.kids, nil)
	}
	out := s.kids[depth][:0]
	if n != NoNode {
		for c := s.t.node(n).firstChild; c != 0; c = s.t.node(c).nextSibling {
			if _, ok := s.final(c); ok {
				out = append(out, c)
			}
		}
		slices.SortFunc(out, func(x, y NodeID) int { return nameCompare(s.t.name(x), s.t.name(y)) })
	}
	s.kids[depth] = out
	return out
}

// enter starts counting the bytes of a directory whose children are at
// depth; leave returns them, added to the directory above.
func (s *diffSide) enter(depth int) {
	for len(s.acc) <= depth {
		s.acc = append(s.acc, 0)
	}
	s.acc[depth] = 0
}

func (s *diffSide) leave(depth int) int64 {
	n := s.acc[depth]
	if depth > 0 {
		s.acc[depth-1] += n
	}
	return n
}

// file counts the bytes non-directory n (at depth) shows into the
// directories above it, a copy that hardlinks share once in each; it
// returns the bytes the path itself shows.
func (s *diffSide) file(n NodeID, e *event, depth int) int64 {
	if e.copyOf == none {
		return 0
	}
	size := s.t.events.at(e.copyOf).size
	s.acc[depth] += size
	if len(s.t.links[e.copyOf]) == 0 {
		return size
	}
	if s.credited == nil {
		s.credited = map[int32]map[NodeID]bool{}
	}
	dirs := s.credited[e.copyOf]
	if dirs == nil {
		dirs = map[NodeID]bool{}
		s.credited[e.copyOf] = dirs
	}
	// The directories up to the deepest that counts the copy already take
	// it now; that one and those above it take it back.
	d := depth
	for p := s.t.node(n).parent; ; p = s.t.node(p).parent {
		if dirs[p] {
			s.acc[d] -= size
			break
		}
		dirs[p] = true
		if p == Root {
			break
		}
		d--
	}
	return size
}

// subtree counts what directory n (at depth) holds, listing nothing: the
// bytes and the paths below it.
func (s *diffSide) subtree(n NodeID, depth int) (int64, int) {
	s.enter(depth + 1)
	entries := 0
	for _, c := range s.children(n, depth+1) {
		entries++
		e, _ := s.final(c)
		if e.kind == KindDir {
			_, below := s.subtree(c, depth+1)
			entries += below
		} else {
			s.file(c, e, depth+1)
		}
	}
	return s.leave(depth + 1), entries
}

// comparer walks two final filesystems together.
type comparer struct {
	d    *ImageDiff
	a, b *diffSide
}

// dir compares the children of directory nA of the first image and nB of
// the second (NoNode for a directory only one of them has); they are at
// depth, below Paths[parent] (-1: the root).
func (c *comparer) dir(nA, nB NodeID, depth int, parent int32) {
	ka, kb := c.a.children(nA, depth), c.b.children(nB, depth)
	for i, j := 0, 0; i < len(ka) || j < len(kb); {
		x, y := NoNode, NoNode
		switch {
		case j == len(kb):
			x = ka[i]
		case i == len(ka):
			y = kb[j]
		default:
			switch o := nameCompare(c.a.t.name(ka[i]), c.b.t.name(kb[j])); {
			case o < 0:
				x = ka[i]
			case o > 0:
				y = kb[j]
			default:
				x, y = ka[i], kb[j]
			}
		}
		if x != NoNode {
			i++
		}
		if y != NoNode {
			j++
		}
		c.path(x, y, depth, parent)
	}
}

// path compares one path (x in the first image, y in the second, NoNode
// where absent) and what is below it.
func (c *comparer) path(x, y NodeID, depth int, parent int32) {
	var ea, eb *event
	if x != NoNode {
		ea, _ = c.a.final(x)
	}
	if y != NoNode {
		eb, _ = c.b.final(y)
	}
	i := c.emit(DiffPath{NodeA: x, NodeB: y, Depth: int32(depth), Parent: parent})
	p := func() *DiffPath { return &c.d.Paths[i] } // Paths grows below: take it after
	switch {
	case eb == nil:
		p().Marker = Deleted
		p().SizeA, p().Entries = c.side(c.a, x, ea, depth)
	case ea == nil:
		sb := c.added(y, eb, depth, i)
		p().Marker, p().SizeB = Added, sb
	default:
		ch := diffChange(c.a.t, ea, c.b.t, eb)
		if ch.Any() {
			p().Marker, p().Change = Changed, ch
		}
		switch dirA, dirB := ea.kind == KindDir, eb.kind == KindDir; {
		case dirA && dirB:
			c.a.enter(depth + 1)
			c.b.enter(depth + 1)
			c.dir(x, y, depth+1, i)
			sa, sb := c.a.leave(depth+1), c.b.leave(depth+1)
			p().SizeA, p().SizeB = sa, sb
		case dirB:
			sa, _ := c.side(c.a, x, ea, depth)
			sb := c.added(y, eb, depth, i)
			p().SizeA, p().SizeB = sa, sb
		default: // a directory replaced is one change: what was below goes with it
			sa, entries := c.side(c.a, x, ea, depth)
			sb, _ := c.side(c.b, y, eb, depth)
			p().SizeA, p().Entries, p().SizeB = sa, entries, sb
		}
		if p().Marker == Unchanged && len(c.d.Paths) == int(i)+1 {
			c.d.Paths = c.d.Paths[:i] // nothing differs here or below
			return
		}
	}
	p().End = int32(len(c.d.Paths))
}

func (c *comparer) emit(p DiffPath) int32 {
	c.d.Paths = append(c.d.Paths, p)
	return int32(len(c.d.Paths) - 1)
}

// side counts path n of one image, listing nothing below it: a file's
// bytes, or a directory's bytes and paths.
func (c *comparer) side(s *diffSide, n NodeID, e *event, depth int) (int64, int) {
	if e.kind == KindDir {
		return s.subtree(n, depth)
	}
	return s.file(n, e, depth), 0
}

// added counts path y that only the second image has (its entry is
// Paths[i]); a directory's contents are added too, each listed.
func (c *comparer) added(y NodeID, e *event, depth int, i int32) int64 {
	if e.kind != KindDir {
		return c.b.file(y, e, depth)
	}
	c.b.enter(depth + 1)
	c.dir(NoNode, y, depth+1, i)
	return c.b.leave(depth + 1)
}
