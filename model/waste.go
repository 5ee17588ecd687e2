package model

import (
	"cmp"
	"fmt"
	"slices"
	"sync"
)

// Cause is the event that killed a copy: the moment no path showed it.
type Cause uint8

const (
	Removed     Cause = iota + 1 // a deletion, or a non-regular entry taking the path
	Recopied                     // a later regular file with identical bytes
	Overwritten                  // a later regular file with different bytes
)

// Causes lists every cause, in the order reports show them.
var Causes = []Cause{Removed, Recopied, Overwritten}

func (c Cause) String() string {
	switch c {
	case Removed:
		return "removed"
	case Recopied:
		return "recopied"
	case Overwritten:
		return "overwritten"
	}
	return "cause(" + fmt.Sprint(uint8(c)) + ")"
}

// Waste is one dead copy: a regular file's bytes in one layer that the final
// image no longer shows, yet every pull still ships.
type Waste struct {
	Node     NodeID
	Path     string // the copy's own path, relative
	Bytes    int64
	Cause    Cause
	MadeBy   int // layer that wrote the copy
	KilledBy int // layer whose event killed it
	// Meta says, for a recopy, which metadata moved while the bytes
	// travelled again.
	Meta MetaChange
	// ReturnedIn is the layer where a removed file came back with the same
	// bytes, or -1.
	ReturnedIn int
	// Next is the index in Image.Waste of the copy that took this one's
	// place (a recopy or an overwrite), when that copy is dead too; -1 when
	// the copy was removed or its successor is live. Following Next always
	// ends: a successor is written after the copy it replaces.
	Next int

	copyEv, nextEv int32 // the copy's event and its successor copy's (or none)
	killerEv       int32 // the event that killed it
}

// takeDeaths turns the copies the latest layer killed into waste records,
// and counts their bytes against the layers that made and killed them.
// Each copy is counted once: a copy dies when the last path that showed it
// (itself or a hardlink) shows something else.
func (img *Image) takeDeaths() {
	t := img.t
	// Room for the layer's deaths at once: growing a quarter at a time
	// would copy the list many times over.
	img.dead = slices.Grow(img.dead, len(t.deaths))
	for _, d := range t.deaths {
		w := t.deadCopy(d.copyEv, d.killerEv)
		img.dead = append(img.dead, dead{d, t.path(w.Node)})
		img.WastedBytes += w.Bytes
		img.WasteBy[w.Cause] += w.Bytes
		img.Layers[w.MadeBy].WastedMade += w.Bytes
		img.Layers[w.KilledBy].WastedKilled += w.Bytes
	}
	t.deaths = t.deaths[:0]
}

// dead is a copy that died while the image was built, with its path.
type dead struct {
	death
	path string
}

// wasteList is the waste list of the copies dead so far (as of the
// layers applied): biggest first, each linked to the successor that died
// too (Next) and to the layer its bytes came back in (ReturnedIn); and
// where each dead copy's record is, by its event (index+1; 0 for none).
// The records are made here, once, in their order: a list of 128-byte
// records grown as copies died was copied whole at every layer, and
// sorting it moved each record many times. Their making is split over
// two cores.
func (img *Image) wasteList() ([]Waste, []int32) {
	t, dead := img.t, img.dead
	// A path has one copy per layer, and the path order is total: an
	// unstable sort gives the one answer.
	// Paths compare by their rank in path order, worked out once by a walk
	// of the table, not by comparing path strings at every step.
	rank := make([]int32, t.nodeCount()) // 0: not a wasted path
	var nodes []NodeID
	for _, d := range dead {
		if n := t.events.at(d.copyEv).node; rank[n] == 0 {
			rank[n] = 1
			nodes = append(nodes, n)
		}
	}
	for i, n := range t.sortPaths(nodes) {
		rank[n] = int32(i)
	}
	keys := make([]wasteKey, len(dead))
	for i, d := range dead {
		c := t.events.at(d.copyEv)
		keys[i] = wasteKey{c.size, uint64(uint32(rank[c.node]))<<32 | uint64(uint32(c.layer)), int32(i)}
	}
	slices.SortFunc(keys, func(a, b wasteKey) int {
		if a.bytes != b.bytes {
			return cmp.Compare(b.bytes, a.bytes)
		}
		return cmp.Compare(a.order, b.order)
	})
	waste := make([]Waste, len(dead))
	at := make([]int32, t.events.len())
	halves(len(waste), func(lo, hi int) {
		for j := lo; j < hi; j++ {
			d := dead[keys[j].from]
			waste[j] = t.deadCopy(d.copyEv, d.killerEv)
			waste[j].Path = d.path
			at[d.copyEv] = int32(j + 1)
		}
	})
	halves(len(waste), func(lo, hi int) {
		for j := lo; j < hi; j++ {
			w := &waste[j]
			if w.nextEv != none && at[w.nextEv] > 0 {
				w.Next = int(at[w.nextEv]) - 1
			}
			if w.Cause == Removed {
				w.ReturnedIn = t.returnedIn(w.copyEv, w.killerEv, img.applied)
			}
		}
	})
	return waste, at
}

// wasteKey is a waste record's place in the list: bytes, biggest first,
// then path rank and maker (order holds both), and where it is in the
// list of dead copies.
type wasteKey struct {
	bytes int64
	order uint64
	from  int32
}

// halves runs f over [0, n) in two halves, one on another goroutine.
func halves(n int, f func(lo, hi int)) {
	if n < 1<<12 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	wg.Go(func() { f(n/2, n) })
	f(0, n/2)
	wg.Wait()
}

// deadCopy is the waste record of a dead copy, but for its path.
func (t *table) deadCopy(copyEv, killerEv int32) Waste {
	c, k := t.events.at(copyEv), t.events.at(killerEv)
	w := Waste{
		Node: c.node, Bytes: c.size,
		MadeBy: int(c.layer), KilledBy: int(k.layer), ReturnedIn: -1, Next: -1,
		copyEv: copyEv, nextEv: none, killerEv: killerEv,
	}
	switch {
	case k.op != opEntry || k.copyOf == none:
		w.Cause = Removed
	case k.size == c.size && k.digest == c.digest:
		w.nextEv = k.copyOf
		w.Cause = Recopied
		w.Meta = metaChange(c, k)
	default:
		w.nextEv = k.copyOf
		w.Cause = Overwritten
	}
	return w
}

// returnedIn finds the layer (before layer upto) where copy c's path shows
// the same bytes again after the event that killed them (which may be on
// another path, for a hardlinked copy), or -1.
func (t *table) returnedIn(c, killer int32, upto int) int {
	cp := t.events.at(c)
	for ev := cp.next; ev != none && int(t.events.at(ev).layer) < upto; ev = t.events.at(ev).next {
		e := t.events.at(ev)
		if ev > killer && e.op == opEntry && e.copyOf != none && e.size == cp.size && e.digest == cp.digest {
			return int(e.layer)
		}
	}
	return -1
}

// MetaChange is what a recopy changed of its path's metadata while the
// bytes stayed the same: the mode, the owner, the extended attributes, or
// only the modification time (nothing at all when none of them is set).
type MetaChange struct {
	Mode             bool
	FromMode, ToMode uint32
	Owner            bool
	FromUID, FromGID uint32
	ToUID, ToGID     uint32
	Xattrs           bool
	MTime            bool // the modification time moved
}

// OnlyMTime tells whether nothing but the modification time moved.
func (m MetaChange) OnlyMTime() bool { return m.MTime && !m.Mode && !m.Owner && !m.Xattrs }

// Nothing tells whether the recopy changed no metadata at all.
func (m MetaChange) Nothing() bool { return !m.MTime && !m.Mode && !m.Owner && !m.Xattrs }

// metaChange says what metadata a recopy changed; the from and to values
// are set only for what changed, so equal changes compare equal.
func metaChange(from, to *event) MetaChange {
	var m MetaChange
	if from.mode != to.mode {
		m.Mode, m.FromMode, m.ToMode = true, from.mode, to.mode
	}
	if from.uid != to.uid || from.gid != to.gid {
		m.Owner = true
		m.FromUID, m.FromGID, m.ToUID, m.ToGID = from.uid, from.gid, to.uid, to.gid
	}
	m.Xattrs = from.xattrs != to.xattrs
	m.MTime = from.mtime != to.mtime
	return m
}
