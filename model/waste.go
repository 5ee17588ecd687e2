package model

import (
	"fmt"
	"sort"
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
}

// accountWaste classifies every copy once: live, or dead with its cause.
// One pass over the events; hardlinks keep a copy alive through other paths.
func (img *Image) accountWaste() {
	t := img.t
	img.WasteBy = map[Cause]int64{}
	for i := range t.events {
		c := &t.events[i]
		if c.kind != KindRegular || c.op != opEntry {
			continue
		}
		img.TotalBytes += c.size
		killer := c.next
		for _, h := range t.links[int32(i)] {
			end := t.events[h].next
			if killer == none || end == none {
				killer = none
				break
			}
			killer = max(killer, end)
		}
		if killer == none {
			continue
		}
		w := img.deadCopy(int32(i), killer)
		img.Waste = append(img.Waste, w)
		img.WastedBytes += w.Bytes
		img.WasteBy[w.Cause] += w.Bytes
		img.Layers[w.MadeBy].WastedMade += w.Bytes
		img.Layers[w.KilledBy].WastedKilled += w.Bytes
	}
	sort.SliceStable(img.Waste, func(i, j int) bool {
		a, b := img.Waste[i], img.Waste[j]
		if a.Bytes != b.Bytes {
			return a.Bytes > b.Bytes
		}
		if a.Path != b.Path {
			return PathLess(a.Path, b.Path)
		}
		return a.MadeBy < b.MadeBy
	})
	img.wasteAt = make(map[int32]int, len(img.Waste))
	for i, w := range img.Waste {
		img.wasteAt[w.copyEv] = i
	}
	for i := range img.Waste {
		w := &img.Waste[i]
		w.Next = -1
		if j, ok := img.wasteAt[w.nextEv]; ok && w.nextEv != none {
			w.Next = j
		}
	}
}

func (img *Image) deadCopy(copyEv, killerEv int32) Waste {
	t := img.t
	c, k := &t.events[copyEv], &t.events[killerEv]
	w := Waste{
		Node: c.node, Path: t.path(c.node), Bytes: c.size,
		MadeBy: int(c.layer), KilledBy: int(k.layer), ReturnedIn: -1,
		copyEv: copyEv, nextEv: none,
	}
	switch {
	case k.op != opEntry || k.copyOf == none:
		w.Cause = Removed
		w.ReturnedIn = t.returnedIn(c.node, killerEv, c)
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

// returnedIn finds the layer where the path shows the same bytes again
// after the event that removed them, or -1.
func (t *table) returnedIn(n NodeID, after int32, c *event) int {
	for ev := t.events[after].next; ev != none; ev = t.events[ev].next {
		e := &t.events[ev]
		if e.op == opEntry && e.copyOf != none && e.size == c.size && e.digest == c.digest {
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
