package model

import (
	"fmt"
	"strings"
)

// applyLayer applies one layer's entries as the OCI changeset rules say:
// every whiteout and opaque marker acts on the lower layers first, wherever
// it sits in the tar; then the entries apply in tar order.
// Every so many entries it calls yield, so a reader waiting for the image
// (the explorer, while the image streams in) can take a turn.
func (t *table) applyLayer(k int32, pieces [][]Entry, yield func()) []string {
	t.layerStart = append(t.layerStart, t.events.len())
	var warnings []string
	warn := func(format string, args ...any) {
		warnings = append(warnings, fmt.Sprintf("layer %d: ", k)+fmt.Sprintf(format, args...))
	}
	for _, entries := range pieces {
		for _, e := range entries {
			switch e.Kind {
			case KindWhiteout:
				if n, ok := t.lookup(e.Path); ok && n != Root {
					t.remove(n, k, ByWhiteout)
				}
			case KindOpaque:
				if n, ok := t.lookup(e.Path); ok {
					if _, vis := t.current(n); vis || n == Root {
						t.removeChildren(n, k, ByOpaque)
					}
				}
			}
		}
	}
	i := 0
	for _, entries := range pieces {
		for _, e := range entries {
			if i++; i%yieldEvery == 0 {
				yield()
			}
			if e.Kind == KindWhiteout || e.Kind == KindOpaque || e.Path == "" {
				continue
			}
			t.applyEntry(k, e, warn)
		}
	}
	return warnings
}

// yieldEvery is how many entries a writer applies before it lets readers
// in: a few milliseconds of work.
const yieldEvery = 4096

func (t *table) applyEntry(k int32, e Entry, warn func(string, ...any)) {
	dir, name := "", e.Path
	if i := strings.LastIndexByte(e.Path, '/'); i >= 0 {
		dir, name = e.Path[:i], e.Path[i+1:]
	}
	if c := &t.lastDir; c.layer == k && strings.HasPrefix(c.path, e.Path) && (len(c.path) == len(e.Path) || c.path[len(e.Path)] == '/') {
		c.layer = none // this entry is the directory or one above it: it may change
	}
	n := t.ensureChild(t.parentDir(k, dir, warn), name)

	ev := event{
		node: n, layer: k, op: opEntry, kind: e.Kind,
		mode: e.Mode, uid: e.UID, gid: e.GID,
		xattrs: e.Xattrs, mtime: e.MTime, copyOf: none,
	}
	t.setExtra(&ev, e.Link, e.Dev)
	if cur, vis := t.current(n); vis {
		c := t.events.at(cur)
		switch {
		case int32(c.layer) == k && c.implicit && e.Kind == KindDir:
			// The tar lists a directory after entries below it: it only
			// gives the implied directory its real metadata.
			c.implicit, c.mode, c.uid, c.gid, c.xattrs, c.mtime = false, e.Mode, e.UID, e.GID, e.Xattrs, e.MTime
			return
		case int32(c.layer) == k:
			warn("duplicate path %s in one layer; the later entry wins", DisplayPath(e.Path))
		}
		if c.kind == KindDir && e.Kind != KindDir {
			t.removeChildren(n, k, ByParentReplaced)
		}
	}
	switch e.Kind {
	case KindRegular:
		ev.size, ev.digest = e.Size, e.Digest
		ev.copyOf, ev.refs = t.events.len(), 1
	case KindHardlink:
		if target, ok := t.hardlinkTarget(e.Link, k); ok {
			ev.copyOf = target
			ev.size, ev.digest = t.events.at(target).size, t.events.at(target).digest
			t.links[target] = append(t.links[target], t.events.len())
			t.events.at(target).refs++
		} else {
			warn("hardlink %s names %s, which this layer does not hold; it counts as an empty file", DisplayPath(e.Path), DisplayPath(e.Link))
		}
	}
	t.appendEvent(ev)
}

// hardlinkTarget finds the regular copy a hardlink shares: its target must be
// a file (or another hardlink to one) written earlier in the same layer.
func (t *table) hardlinkTarget(link string, k int32) (int32, bool) {
	n, ok := t.lookup(link)
	if !ok {
		return none, false
	}
	cur, vis := t.current(n)
	if !vis || t.events.at(cur).layer != k || t.events.at(cur).copyOf == none {
		return none, false
	}
	return t.events.at(cur).copyOf, true
}

// ensureDir makes n a visible directory for an entry below it: a path the
// tar did not list, or one a deletion in this layer removed, is implied.
func (t *table) ensureDir(n NodeID, k int32, warn func(string, ...any)) NodeID {
	cur, vis := t.current(n)
	if vis && t.events.at(cur).kind == KindDir {
		return n
	}
	if vis {
		warn("%s is a %s but the layer puts entries below it; it becomes a directory", DisplayPath(t.path(n)), t.events.at(cur).kind)
	}
	t.appendEvent(event{node: n, layer: k, op: opEntry, kind: KindDir, mode: 0o755, implicit: true, copyOf: none})
	return n
}

// remove deletes a visible path and its whole visible subtree.
func (t *table) remove(n NodeID, k int32, cause DeleteCause) {
	cur, vis := t.current(n)
	if !vis {
		return
	}
	isDir := t.events.at(cur).kind == KindDir
	t.appendEvent(event{node: n, layer: k, op: opDelete, cause: cause, copyOf: none})
	if isDir {
		t.removeChildren(n, k, ByParentRemoved)
	}
}

func (t *table) removeChildren(dir NodeID, k int32, cause DeleteCause) {
	if cause == ByWhiteout {
		cause = ByParentRemoved
	}
	for c := t.node(dir).firstChild; c != 0; c = t.node(c).nextSibling {
		t.remove(c, k, cause)
	}
}

// lastDir is the directory the layer's last entry went into: a tar lists
// a directory's entries together, so the next entry's parent is most often
// the same, and its walk from the root (a lookup and a visibility check
// per level) is skipped. An entry that is that directory, or one above
// it, forgets it.
type lastDir struct {
	layer int32 // none: nothing kept
	path  string
	node  NodeID
}

// parentDir is the directory dir ("" for the root) as layer k sees it,
// each level made a directory (implied, if the tar never listed it).
func (t *table) parentDir(k int32, dir string, warn func(string, ...any)) NodeID {
	if dir == "" {
		return Root
	}
	if c := &t.lastDir; c.layer == k && c.path == dir {
		return c.node
	}
	parent := Root
	for rest := dir; ; {
		part, after, more := strings.Cut(rest, "/")
		parent = t.ensureDir(t.ensureChild(parent, part), k, warn)
		if !more {
			break
		}
		rest = after
	}
	t.lastDir = lastDir{layer: k, path: dir, node: parent}
	return parent
}
