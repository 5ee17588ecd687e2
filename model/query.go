package model

// Marker is a path's change in one layer against the layer below, as
// docker diff says it.
type Marker uint8

const (
	Unchanged Marker = iota
	Added
	Changed
	Deleted
	// Touched is a directory the layer lists again with the same mode,
	// owner and attributes: a parent of a change, its modification time
	// new or not. docker diff prints C there; lx shows it apart from a real
	// change and does not count it.
	Touched
)

var markerNames = [...]string{Unchanged: "", Added: "A", Changed: "C", Deleted: "D", Touched: "c"}

// String is the marker's letter; Touched is a lowercase "c".
func (m Marker) String() string {
	if int(m) < len(markerNames) {
		return markerNames[m]
	}
	return "?"
}

// FileInfo is a path's state after some layer.
type FileInfo struct {
	Kind     Kind
	Mode     uint32
	UID, GID uint32
	Size     int64 // regular files and hardlinks: the bytes they show
	Link     string
	Xattrs   uint64
	Dev      uint64
	Digest   uint64
	Layer    int  // the layer that wrote this state
	Implicit bool // a directory the layer's tar implied but never listed
	// Inode names the copy of a file's bytes a regular file or hardlink
	// shows: paths with the same Inode are one file (hardlinks); 0 for
	// anything else.
	Inode int64
}

// Lookup finds a path ("data/one"; "" is the root).
func (img *Image) Lookup(path string) (NodeID, bool) {
	defer img.read()()
	return img.t.lookup(path)
}

// Path is a node's path, relative, without a leading slash.
func (img *Image) Path(n NodeID) string {
	defer img.read()()
	return img.t.path(n)
}

// Name is the last element of a node's path.
func (img *Image) Name(n NodeID) string {
	defer img.read()()
	return img.t.name(n)
}

// Parent is a node's parent directory (the root is its own parent).
func (img *Image) Parent(n NodeID) NodeID {
	defer img.read()()
	return img.t.node(n).parent
}

// Nodes is how many distinct paths the image's layers touch, root included.
func (img *Image) Nodes() int {
	defer img.read()()
	return img.t.nodeCount()
}

// Stat is the path's state in the filesystem after layer k.
func (img *Image) Stat(n NodeID, k int) (FileInfo, bool) {
	defer img.read()()
	return img.stat(n, k)
}

func (img *Image) stat(n NodeID, k int) (FileInfo, bool) {
	if n == Root {
		return FileInfo{Kind: KindDir, Mode: 0o755, Layer: -1}, true
	}
	ev := img.t.at(n, k)
	if ev == none || img.t.events.at(ev).op != opEntry {
		return FileInfo{}, false
	}
	return img.t.info(ev), true
}

func (t *table) info(i int32) FileInfo {
	e := t.events.at(i)
	return FileInfo{
		Kind: e.kind, Mode: e.mode, UID: e.uid, GID: e.gid, Size: e.size,
		Link: t.link(e), Xattrs: e.xattrs, Dev: t.extras[e.extra].dev, Digest: e.digest,
		Layer: int(e.layer), Implicit: e.implicit,
		Inode: int64(e.copyOf) + 1, // none (-1) is 0
	}
}

// Children lists the paths visible in directory dir after layer k, by name.
func (img *Image) Children(dir NodeID, k int) []NodeID {
	defer img.read()()
	var out []NodeID
	for c := img.t.node(dir).firstChild; c != 0; c = img.t.node(c).nextSibling {
		if img.t.visibleAt(c, k) {
			out = append(out, c)
		}
	}
	img.t.sortByName(out)
	return out
}

// Marker is the path's change in layer k against the filesystem after k-1.
func (img *Image) Marker(n NodeID, k int) Marker {
	defer img.read()()
	return img.marker(n, k)
}

func (img *Image) marker(n NodeID, k int) Marker {
	if n == Root {
		return Unchanged
	}
	t := img.t
	before, after := t.at(n, k-1), t.at(n, k)
	if before == after {
		return Unchanged
	}
	visBefore := before != none && t.events.at(before).op == opEntry
	visAfter := t.events.at(after).op == opEntry
	switch {
	case !visBefore && visAfter:
		return Added
	case visBefore && !visAfter:
		return Deleted
	case visBefore && visAfter:
		b, a := t.events.at(before), t.events.at(after)
		if a.kind == KindDir && b.kind == KindDir && sameDirMeta(a, b) && !t.reappearedIn(n, k) {
			if !a.implicit {
				return Touched
			}
			return Unchanged
		}
		return Changed
	}
	return Unchanged
}

// reappearedIn tells whether the path was deleted and recreated within
// layer k (an opaque parent, or a whiteout plus a new entry).
func (t *table) reappearedIn(n NodeID, k int) bool {
	for ev := t.node(n).firstEv; ev != none && int(t.events.at(ev).layer) <= k; ev = t.events.at(ev).next {
		if int(t.events.at(ev).layer) == k && t.events.at(ev).op == opDelete {
			return true
		}
	}
	return false
}

func sameDirMeta(a, b *event) bool {
	return a.mode == b.mode && a.uid == b.uid && a.gid == b.gid && a.xattrs == b.xattrs
}

// Change is one path a layer changed.
type Change struct {
	Node   NodeID
	Marker Marker
	Info   FileInfo // the state after the layer; for Deleted, the state before it
}

// Changes lists what layer k changed, in path-table order: every added or
// changed path, and the top of every deleted subtree (docker diff's view).
func (img *Image) Changes(k int) []Change {
	defer img.read()()
	var out []Change
	img.eachChange(k, func(n NodeID, m Marker) {
		info, _ := img.stat(n, k)
		if m == Deleted {
			info, _ = img.stat(n, k-1)
		}
		out = append(out, Change{Node: n, Marker: m, Info: info})
	})
	return out
}

// ChangedPaths lists the paths layer k changed, as Changes does, without
// their state.
func (img *Image) ChangedPaths(k int) []NodeID {
	defer img.read()()
	var out []NodeID
	img.eachChange(k, func(n NodeID, _ Marker) { out = append(out, n) })
	return out
}

// eachChange calls fn once per path with a marker in layer k, deleted
// subtrees reported by their top only. Like docker diff, the children of a
// directory that a file, symlink or other non-directory replaced are not
// listed: the replaced path's C says it all. It costs O(events in layer k).
func (img *Image) eachChange(k int, fn func(NodeID, Marker)) {
	t := img.t
	lo, hi := t.layerRange(k)
	for i := lo; i < hi; i++ {
		ev := t.events.at(i)
		if ev.next != none && int(t.events.at(ev.next).layer) == k {
			continue // the node's last event in this layer decides
		}
		m := img.marker(ev.node, k)
		if m == Unchanged {
			continue
		}
		if m == Deleted && img.parentGone(ev.node, k) {
			continue
		}
		fn(ev.node, m)
	}
}

// parentGone tells whether n's parent was deleted in layer k, or replaced
// by something that is not a directory.
func (img *Image) parentGone(n NodeID, k int) bool {
	p := img.t.node(n).parent
	switch img.marker(p, k) {
	case Deleted:
		return true
	case Changed:
		info, ok := img.stat(p, k)
		return ok && info.Kind != KindDir
	}
	return false
}

// layerRange is the index range of layer k's events.
func (t *table) layerRange(k int) (int32, int32) {
	if k < 0 || k >= len(t.layerStart) {
		return 0, 0
	}
	if k+1 < len(t.layerStart) {
		return t.layerStart[k], t.layerStart[k+1]
	}
	return t.layerStart[k], t.events.len()
}
