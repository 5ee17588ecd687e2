package model

// Counts is how many paths a layer added, changed and deleted.
type Counts struct{ Added, Changed, Deleted int }

// Total is every change counted.
func (c Counts) Total() int { return c.Added + c.Changed + c.Deleted }

func (c *Counts) add(m Marker) {
	switch m {
	case Added:
		c.Added++
	case Changed:
		c.Changed++
	case Deleted:
		c.Deleted++
	}
}

// ChangesBelow counts, for every directory above a change of layer k, the
// changes below it (Touched directories are no change): a tree can say
// "+300 ~2 -1" on a closed directory. It costs O(changes), plus O(depth)
// for each run of changes in one directory (a layer's tar lists a
// directory's entries together).
func (img *Image) ChangesBelow(k int) map[NodeID]Counts {
	defer img.read()()
	out := map[NodeID]Counts{}
	var run Counts // the changes directly in dir, not yet added up
	dir := NodeID(-1)
	flush := func() {
		if dir < 0 {
			return
		}
		for p := dir; ; p = img.t.node(p).parent {
			c := out[p]
			c.Added, c.Changed, c.Deleted = c.Added+run.Added, c.Changed+run.Changed, c.Deleted+run.Deleted
			out[p] = c
			if p == Root {
				break
			}
		}
		run = Counts{}
	}
	img.eachChange(k, func(n NodeID, m Marker) {
		if m == Touched {
			return
		}
		if p := img.t.node(n).parent; p != dir {
			flush()
			dir = p
		}
		run.add(m)
	})
	flush()
	return out
}
