package model

import (
	"encoding/binary"
	"hash/maphash"
	"strings"
	"unsafe"
)

// NodeID names one path in the image's path table. The root is 0.
type NodeID int32

// Root is the image's root directory.
const Root NodeID = 0

const none = -1

// node is one interned path: its name, its parent, its children as a linked
// list, and the first and last of its events. It holds no pointer (its
// name is in the table's names), so the collector never scans the nodes.
type node struct {
	name        nameRef
	parent      NodeID
	firstChild  NodeID // 0: none (the root is nobody's child)
	nextSibling NodeID
	firstEv     int32 // index into table.events, none when the path never appeared
	lastEv      int32
}

// childIndex finds a directory's child by name: an open-addressing table
// of 64-bit words, each the high half of a hash of (parent, name) beside
// the node, which holds the name to check. A lookup reads one word where
// a map reads a control group and a slot, and a miss tells where to add:
// at a million paths, half the time of a map and 8 bytes a slot.
type childIndex struct {
	seed  maphash.Seed
	slots []uint64 // tag<<32 | node; 0 is empty (the root is nobody's child)
	n     int
}

func newChildIndex() childIndex {
	return childIndex{seed: maphash.MakeSeed(), slots: make([]uint64, 1024)}
}

func (c *childIndex) hash(parent NodeID, name string) uint64 {
	var h maphash.Hash
	h.SetSeed(c.seed)
	var p [4]byte
	binary.LittleEndian.PutUint32(p[:], uint32(parent))
	h.Write(p[:])
	h.WriteString(name)
	return h.Sum64()
}

// probe finds (parent, name), whose hash is h: its node, or 0 and the
// empty slot where it goes. The tag places a word and tells most others
// apart; the node's name and parent settle it.
func (t *table) probe(parent NodeID, name string, h uint64) (NodeID, int) {
	c := &t.children
	tag := h >> 32
	mask := len(c.slots) - 1
	for i := int(tag) & mask; ; i = (i + 1) & mask {
		s := c.slots[i]
		if s == 0 {
			return 0, i
		}
		if s>>32 == tag {
			if id := NodeID(uint32(s)); t.node(id).parent == parent && t.name(id) == name {
				return id, i
			}
		}
	}
}

// put fills the empty slot i with node id of hash h, growing the table
// past three quarters full.
func (c *childIndex) put(i int, h uint64, id NodeID) {
	c.slots[i] = h>>32<<32 | uint64(uint32(id))
	if c.n++; c.n*4 > len(c.slots)*3 {
		c.grow()
	}
}

// grow doubles the table; a word's place comes from its tag alone, so no
// name is hashed again.
func (c *childIndex) grow() {
	slots := make([]uint64, 2*len(c.slots))
	mask := len(slots) - 1
	for _, s := range c.slots {
		if s == 0 {
			continue
		}
		i := int(s>>32) & mask
		for slots[i] != 0 {
			i = (i + 1) & mask
		}
		slots[i] = s
	}
	c.slots = slots
}

// names holds the nodes' names end to end in large blocks: a million
// names are a few blocks to the collector, not a million strings, and the
// nodes naming them hold no pointers.
type names struct{ blocks [][]byte }

// nameRef is a name's place in names.
type nameRef struct{ block, off, len uint32 }

const nameBlock = 1 << 20

// add copies s in, never moving a name already there.
func (ns *names) add(s string) nameRef {
	last := len(ns.blocks) - 1
	if last < 0 || cap(ns.blocks[last])-len(ns.blocks[last]) < len(s) {
		ns.blocks = append(ns.blocks, make([]byte, 0, max(nameBlock, len(s))))
		last++
	}
	b := &ns.blocks[last]
	off := len(*b)
	*b = append(*b, s...)
	return nameRef{uint32(last), uint32(off), uint32(len(s))}
}

func (ns *names) get(r nameRef) string {
	if r.len == 0 {
		return ""
	}
	return unsafe.String(&ns.blocks[r.block][r.off], r.len)
}

// op says whether an event makes a path visible or removes it.
type op uint8

const (
	opEntry op = iota + 1
	opDelete
)

// DeleteCause says how a path stopped being visible.
type DeleteCause uint8

const (
	ByWhiteout       DeleteCause = iota + 1 // DIR/.wh.NAME
	ByOpaque                                // the parent's .wh..wh..opq
	ByParentRemoved                         // an ancestor was removed
	ByParentReplaced                        // an ancestor directory was replaced by a non-directory
)

// event is one thing a layer did to one path. Events are appended in layer
// order, so one layer's events form a contiguous range of table.events.
type event struct {
	node     NodeID
	next     int32 // the same node's next event, none if last
	layer    int32
	op       op
	cause    DeleteCause // opDelete only
	implicit bool        // a parent directory the tar never listed
	kind     Kind
	mode     uint32
	uid, gid uint32
	copyOf   int32 // regular: itself; hardlink: the regular event it shares bytes with; else none
	refs     int32 // a regular copy's paths that still show it (itself and its hardlinks)
	extra    int32 // index into table.extras of a link target or device number; 0 for none
	size     int64
	digest   uint64
	xattrs   uint64
	mtime    int64
}

// eventExtra is what few events carry: a link's target, a device's
// number. Kept aside, it spares every other event 24 bytes.
type eventExtra struct {
	link string
	dev  uint64
}

// eventList holds the table's events in chunks of a fixed size, so that
// appending never copies the events already there: a flat slice of a
// million events (~90 MB) would be copied whole each time it grew, and
// held twice meanwhile.
type eventList struct {
	chunks [][]event
	n      int32
}

const (
	eventChunkBits = 14 // 16,384 events, about 1.5 MB a chunk
	eventChunk     = 1 << eventChunkBits
)

func (l *eventList) len() int32 { return l.n }

// at is event i; the pointer stays valid as events are appended.
func (l *eventList) at(i int32) *event { return &l.chunks[i>>eventChunkBits][i&(eventChunk-1)] }

func (l *eventList) append(ev event) {
	if int(l.n)>>eventChunkBits == len(l.chunks) {
		l.chunks = append(l.chunks, make([]event, eventChunk))
	}
	*l.at(l.n) = ev
	l.n++
}

// setExtra keeps an event's link target and device number, if any.
func (t *table) setExtra(ev *event, link string, dev uint64) {
	if link == "" && dev == 0 {
		return
	}
	ev.extra = int32(len(t.extras))
	t.extras = append(t.extras, eventExtra{link: link, dev: dev})
}

// link is an event's link target ("" for none).
func (t *table) link(ev *event) string { return t.extras[ev.extra].link }

// table is the one path table of an image: every path any layer touched,
// interned once, with its event list. No per-layer tree is ever built.
type table struct {
	nodes      nodeList
	names      names
	children   childIndex
	events     eventList
	extras     []eventExtra // extras[0] is none
	layerStart []int32      // layerStart[k]: index of layer k's first event
	// links holds, for a copy that hardlinks share, the hardlink events
	// naming it (all in the copy's layer); most copies have none.
	links   map[int32][]int32
	lastDir lastDir
	// deaths are the copies whose last path stopped showing them since the
	// waste accounting last took them, with the event that did it.
	deaths []death
}

// death is a copy (its regular event) and the event that killed it.
type death struct{ copyEv, killerEv int32 }

func newTable() *table {
	t := &table{
		extras:   []eventExtra{{}},
		children: newChildIndex(),
		links:    make(map[int32][]int32),
		lastDir:  lastDir{layer: none},
	}
	t.nodes.append(node{parent: Root, firstEv: none, lastEv: none})
	return t
}

// nodeList holds the nodes in chunks of a fixed size, as eventList holds
// the events: appending never moves the nodes already there (a flat
// slice of a million, growing a quarter at a time, was copied five times
// over, each time into memory touched for the first time).
type nodeList struct {
	chunks [][]node
	n      int32
}

const nodeChunkBits = 14 // 16,384 nodes, 512 KB a chunk

func (l *nodeList) append(nd node) {
	if int(l.n)>>nodeChunkBits == len(l.chunks) {
		l.chunks = append(l.chunks, make([]node, 1<<nodeChunkBits))
	}
	l.chunks[l.n>>nodeChunkBits][l.n&(1<<nodeChunkBits-1)] = nd
	l.n++
}

// node is node n; the pointer stays valid as nodes are added.
func (t *table) node(n NodeID) *node {
	return &t.nodes.chunks[n>>nodeChunkBits][n&(1<<nodeChunkBits-1)]
}

// nodeCount is how many paths the table holds, the root included.
func (t *table) nodeCount() int { return int(t.nodes.n) }

func (t *table) child(parent NodeID, name string) (NodeID, bool) {
	id, _ := t.probe(parent, name, t.children.hash(parent, name))
	return id, id != 0
}

// name is the last element of n's path.
func (t *table) name(n NodeID) string { return t.names.get(t.node(n).name) }

func (t *table) ensureChild(parent NodeID, name string) NodeID {
	h := t.children.hash(parent, name)
	id, slot := t.probe(parent, name, h)
	if id != 0 {
		return id
	}
	id = NodeID(t.nodeCount())
	t.nodes.append(node{
		name:        t.names.add(name),
		parent:      parent,
		nextSibling: t.node(parent).firstChild,
		firstEv:     none,
		lastEv:      none,
	})
	t.node(parent).firstChild = id
	t.children.put(slot, h, id)
	return id
}

func (t *table) lookup(path string) (NodeID, bool) {
	n := Root
	if path == "" {
		return n, true
	}
	for _, part := range strings.Split(path, "/") {
		c, ok := t.child(n, part)
		if !ok {
			return 0, false
		}
		n = c
	}
	return n, true
}

func (t *table) path(n NodeID) string {
	if n == Root {
		return ""
	}
	size := -1
	for m := n; m != Root; m = t.node(m).parent {
		size += int(t.node(m).name.len) + 1
	}
	// Written from the end, in one allocation.
	b := make([]byte, size)
	i := size
	for m := n; m != Root; m = t.node(m).parent {
		name := t.name(m)
		i -= copy(b[i-len(name):], name)
		if i > 0 {
			i--
			b[i] = '/'
		}
	}
	return unsafe.String(unsafe.SliceData(b), size)
}

// appendEvent records what a layer did to a path. The event the path
// showed before gives up its copy: a copy no path shows any more is dead,
// killed by this event.
func (t *table) appendEvent(ev event) int32 {
	idx := t.events.len()
	ev.next = none
	n := t.node(ev.node)
	if n.lastEv == none {
		n.firstEv = idx
	} else {
		prev := t.events.at(n.lastEv)
		prev.next = idx
		if prev.op == opEntry && prev.copyOf != none {
			t.release(prev.copyOf, idx)
		}
	}
	n.lastEv = idx
	t.events.append(ev)
	return idx
}

// release takes one path from copy c; the last one kills it.
func (t *table) release(c, killer int32) {
	if t.events.at(c).refs--; t.events.at(c).refs == 0 {
		t.deaths = append(t.deaths, death{c, killer})
	}
}

// current is the node's latest event while layers are still being applied.
func (t *table) current(n NodeID) (int32, bool) {
	ev := t.node(n).lastEv
	return ev, ev != none && t.events.at(ev).op == opEntry
}

// at is the node's latest event in layers 0..k, or none.
func (t *table) at(n NodeID, k int) int32 {
	found := int32(none)
	for ev := t.node(n).firstEv; ev != none && int(t.events.at(ev).layer) <= k; ev = t.events.at(ev).next {
		found = ev
	}
	return found
}

func (t *table) visibleAt(n NodeID, k int) bool {
	if n == Root {
		return true
	}
	ev := t.at(n, k)
	return ev != none && t.events.at(ev).op == opEntry
}
