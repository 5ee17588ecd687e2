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
// "+300 ~2 -1" on a closed directory. It costs O(changes × depth).
func (img *Image) ChangesBelow(k int) map[NodeID]Counts {
	defer img.read()()
	out := map[NodeID]Counts{}
	img.eachChange(k, func(n NodeID, m Marker) {
		if m == Touched {
			return
		}
		for p := img.t.nodes[n].parent; ; p = img.t.nodes[p].parent {
			c := out[p]
			c.add(m)
			out[p] = c
			if p == Root {
				return
			}
		}
	})
	return out
}
