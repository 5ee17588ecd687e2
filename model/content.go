package model

import (
	"errors"
	"fmt"
	"strings"
)

// FileRef names where the bytes a path shows are held: the regular file
// Path of layer Layer's tar, Size bytes that hash to Digest. A hardlink
// holds no bytes of its own: its FileRef is the file it links to, an
// earlier member of the same layer.
type FileRef struct {
	Layer  int
	Path   string // clean and relative, as Entry.Path
	Size   int64
	Digest uint64
}

// FileRef is where the bytes path n shows after layer k are held; ok is
// false when n is not a regular file there (nor a hardlink to one).
func (img *Image) FileRef(n NodeID, k int) (FileRef, bool) {
	defer img.read()()
	t := img.t
	ev := t.at(n, k)
	if n == Root || ev == none {
		return FileRef{}, false
	}
	e := t.events.at(ev)
	if e.op != opEntry || e.copyOf == none {
		return FileRef{}, false
	}
	c := t.events.at(e.copyOf)
	return FileRef{Layer: int(c.layer), Path: t.path(c.node), Size: c.size, Digest: c.digest}, true
}

// Hardlinks is the inode group of path n after layer k: every path that
// shows the same file (n among them, by path), or nil when n shares its
// bytes with no other path.
func (img *Image) Hardlinks(n NodeID, k int) []NodeID {
	defer img.read()()
	t := img.t
	ev := t.at(n, k)
	if n == Root || ev == none || t.events.at(ev).op != opEntry || t.events.at(ev).copyOf == none {
		return nil
	}
	c := t.events.at(ev).copyOf
	var group []NodeID
	for _, l := range append([]int32{c}, t.links[c]...) {
		m := t.events.at(l).node
		if at := t.at(m, k); at != none && t.events.at(at).op == opEntry && t.events.at(at).copyOf == c {
			group = append(group, m)
		}
	}
	if len(group) < 2 {
		return nil
	}
	paths := make([]string, len(group))
	for i, m := range group {
		paths[i] = t.path(m)
	}
	sortByPath(group, paths)
	return group
}

// sortByPath orders nodes by their paths (given alongside), as PathLess does.
func sortByPath(nodes []NodeID, paths []string) {
	for i := 1; i < len(nodes); i++ {
		for j := i; j > 0 && PathLess(paths[j], paths[j-1]); j-- {
			nodes[j], nodes[j-1] = nodes[j-1], nodes[j]
			paths[j], paths[j-1] = paths[j-1], paths[j]
		}
	}
}

// maxLinks is how many symlinks Resolve follows before it calls it a loop,
// as Linux does.
const maxLinks = 40

// ErrLinkLoop is Resolve's answer for a path whose symlinks go round.
var ErrLinkLoop = errors.New("too many levels of symbolic links")

// Resolve follows the symlinks of path p (its parents' and its own) in the
// filesystem after layer k, as a process inside the image sees them: an
// absolute target starts at the image's root and ".." stops there, so a
// link never leads out of the image. It returns the path reached (clean
// and relative) and its node; ok is false when nothing is there (the path
// says how far it got, the rest appended).
func (img *Image) Resolve(p string, k int) (path string, n NodeID, ok bool, err error) {
	defer img.read()()
	t := img.t
	var at []NodeID // the directories walked to, root excluded
	todo := splitPath(p)
	links := 0
	for len(todo) > 0 {
		name := todo[0]
		todo = todo[1:]
		switch name {
		case "", ".":
			continue
		case "..":
			if len(at) > 0 {
				at = at[:len(at)-1]
			}
			continue
		}
		dir := Root
		if len(at) > 0 {
			dir = at[len(at)-1]
		}
		c, found := t.child(dir, name)
		if !found || !t.visibleAt(c, k) {
			return joinWalk(t, at, name, todo), 0, false, nil
		}
		ev := t.events.at(t.at(c, k))
		if ev.kind != KindSymlink {
			at = append(at, c)
			continue
		}
		if links++; links > maxLinks {
			return "", 0, false, fmt.Errorf("%s: %w", DisplayPath(strings.TrimPrefix(p, "/")), ErrLinkLoop)
		}
		target := t.link(ev)
		if strings.HasPrefix(target, "/") {
			at = at[:0]
		}
		todo = append(splitPath(target), todo...)
	}
	if len(at) == 0 {
		return "", Root, true, nil
	}
	return joinWalk(t, at, "", nil), at[len(at)-1], true, nil
}

func splitPath(p string) []string {
	return strings.Split(strings.Trim(p, "/"), "/")
}

// joinWalk is the path of the directories walked, then name and the parts
// not walked yet.
func joinWalk(t *table, at []NodeID, name string, rest []string) string {
	var parts []string
	for _, n := range at {
		parts = append(parts, t.name(n))
	}
	for _, s := range append([]string{name}, rest...) {
		if s != "" && s != "." {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "/")
}

// FileName is the name a path's file takes when it is written out (lx
// extract, the explorer's x): its last element, never a path. It refuses
// the root, and the names that are no file's: "." and "..".
func FileName(p string) (string, error) {
	name := p
	if i := strings.LastIndexByte(strings.TrimRight(p, "/"), '/'); i >= 0 {
		name = strings.TrimRight(p, "/")[i+1:]
	}
	name = strings.TrimRight(name, "/")
	switch {
	case name == "" || name == "." || name == "..":
		return "", fmt.Errorf("%s names no file to write", DisplayPath(strings.TrimPrefix(p, "/")))
	case strings.ContainsRune(name, 0):
		return "", fmt.Errorf("%s: the name holds a NUL byte", DisplayPath(strings.TrimPrefix(p, "/")))
	}
	return name, nil
}
