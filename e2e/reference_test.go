package e2e

// A naive reading of SEMANTICS.md, written apart from lx's model: the
// filesystem is a tree of maps, changed entry by entry, and every copy a
// list entry that dies when no path shows it any more. It is slow and
// obvious on purpose; lx's figures on a hostile archive must equal its.

import (
	"archive/tar"
	"fmt"
	"path"
	"strings"

	"lx.dev/lx/internal/testarchive"
)

type refCopy struct {
	path    string
	size    int64
	content string
	made    int
	refs    int // paths that show it
	dead    bool
	cause   string
	killed  int
}

type refNode struct {
	kind     string // file, dir, symlink, hardlink, other
	copy     *refCopy
	layer    int // the layer whose entry (or implied parent) it is
	children map[string]*refNode
}

func newRefDir(layer int) *refNode {
	return &refNode{kind: "dir", layer: layer, children: map[string]*refNode{}}
}

type reference struct {
	root      *refNode
	copies    []*refCopy
	layerSize []int64
}

// refFigures is what the reference computes, in the report's terms.
type refFigures struct {
	total, wasted int64
	byCause       map[string]int64
	made, killed  []int64
	sizes         []int64
	waste         []string // "path bytes cause made killed", sorted by the caller
}

func runReference(layers [][]testarchive.Entry) (refFigures, error) {
	r := &reference{root: newRefDir(-1)}
	for k, es := range layers {
		if err := r.apply(k, es); err != nil {
			return refFigures{}, fmt.Errorf("layer %d: %w", k, err)
		}
	}
	f := refFigures{byCause: map[string]int64{"removed": 0, "recopied": 0, "overwritten": 0}, made: make([]int64, len(layers)), killed: make([]int64, len(layers)), sizes: r.layerSize}
	for _, c := range r.copies {
		f.total += c.size
		if !c.dead {
			continue
		}
		f.wasted += c.size
		f.byCause[c.cause] += c.size
		f.made[c.made] += c.size
		f.killed[c.killed] += c.size
		f.waste = append(f.waste, fmt.Sprintf("/%s %d %s %d %d", c.path, c.size, c.cause, c.made, c.killed))
	}
	return f, nil
}

// refEntry is a tar member as SEMANTICS.md reads it.
type refEntry struct {
	op      string // whiteout, opaque, entry, skip
	parts   []string
	kind    string
	size    int64
	content string
	link    []string // a hardlink's target
}

func refClean(raw string) ([]string, error) {
	switch {
	case raw == "" || strings.ContainsRune(raw, 0):
		return nil, fmt.Errorf("name %q", raw)
	case strings.HasPrefix(raw, "/") && path.Clean(raw) != "/":
		return nil, fmt.Errorf("absolute name %q", raw)
	}
	for _, p := range strings.Split(raw, "/") {
		if p == ".." {
			return nil, fmt.Errorf("name %q goes up", raw)
		}
	}
	name := path.Clean("/" + raw)[1:]
	if name == "" {
		return nil, nil
	}
	return strings.Split(name, "/"), nil
}

func refRead(e testarchive.Entry) (refEntry, error) {
	parts, err := refClean(e.Name)
	if err != nil || len(parts) == 0 {
		return refEntry{op: "skip"}, err
	}
	base := parts[len(parts)-1]
	switch {
	case base == ".wh..wh..opq":
		return refEntry{op: "opaque", parts: parts[:len(parts)-1]}, nil
	case strings.HasPrefix(base, ".wh..wh.") || strings.HasPrefix(parts[0], ".wh..wh."):
		return refEntry{op: "skip"}, nil
	case strings.HasPrefix(base, ".wh."):
		gone := strings.TrimPrefix(base, ".wh.")
		if gone == "" || gone == "." || gone == ".." {
			return refEntry{}, fmt.Errorf("whiteout %q", e.Name)
		}
		return refEntry{op: "whiteout", parts: append(parts[:len(parts)-1:len(parts)-1], gone)}, nil
	}
	re := refEntry{op: "entry", parts: parts}
	switch e.Type {
	case tar.TypeReg, tar.TypeRegA:
		re.kind, re.size, re.content = "file", e.Size(), fmt.Sprintf("%q+%d zeros", e.Body, e.Zeros)
	case tar.TypeDir:
		re.kind = "dir"
	case tar.TypeSymlink:
		re.kind = "symlink"
	case tar.TypeLink:
		re.kind = "hardlink"
		if re.link, err = refClean(e.Link); err != nil || len(re.link) == 0 {
			return refEntry{}, fmt.Errorf("hardlink target %q", e.Link)
		}
	default:
		re.kind = "other"
	}
	return re, nil
}

func (r *reference) apply(k int, es []testarchive.Entry) error {
	var read []refEntry
	var size int64
	for _, e := range es {
		re, err := refRead(e)
		if err != nil {
			return err
		}
		if re.kind == "file" {
			size += re.size
		}
		read = append(read, re)
	}
	r.layerSize = append(r.layerSize, size)
	// Whiteouts and opaque markers act on the lower layers first.
	for _, re := range read {
		switch re.op {
		case "whiteout":
			if dir := r.dir(re.parts[:len(re.parts)-1]); dir != nil {
				name := re.parts[len(re.parts)-1]
				if n := dir.children[name]; n != nil {
					r.drop(n, k, "removed")
					delete(dir.children, name)
				}
			}
		case "opaque":
			if dir := r.dir(re.parts); dir != nil {
				for name, n := range dir.children {
					r.drop(n, k, "removed")
					delete(dir.children, name)
				}
			}
		}
	}
	for _, re := range read {
		if re.op == "entry" {
			r.put(k, re)
		}
	}
	return nil
}

// dir finds a visible directory, or nil.
func (r *reference) dir(parts []string) *refNode {
	n := r.root
	for _, p := range parts {
		n = n.children[p]
		if n == nil || n.kind != "dir" {
			return nil
		}
	}
	return n
}

// find finds a visible path, or nil.
func (r *reference) find(parts []string) *refNode {
	dir := r.dir(parts[:len(parts)-1])
	if dir == nil {
		return nil
	}
	return dir.children[parts[len(parts)-1]]
}

// drop takes n and everything below it out of the filesystem.
func (r *reference) drop(n *refNode, k int, cause string) {
	if n.copy != nil {
		r.release(n.copy, k, cause)
	}
	for _, c := range n.children {
		r.drop(c, k, "removed")
	}
}

// release is one path less showing c; the last one kills it.
func (r *reference) release(c *refCopy, k int, cause string) {
	c.refs--
	if c.refs == 0 {
		c.dead, c.cause, c.killed = true, cause, k
	}
}

func (r *reference) put(k int, re refEntry) {
	dir := r.root
	for _, p := range re.parts[:len(re.parts)-1] {
		n := dir.children[p]
		if n == nil || n.kind != "dir" {
			if n != nil {
				r.drop(n, k, "removed") // a file or link below which the layer writes becomes a directory
			}
			n = newRefDir(k)
			dir.children[p] = n
		}
		dir = n
	}
	name := re.parts[len(re.parts)-1]
	old := dir.children[name]
	if re.kind == "dir" && old != nil && old.kind == "dir" {
		old.layer = k // dir over dir: metadata only
		return
	}
	n := &refNode{kind: re.kind, layer: k}
	switch re.kind {
	case "dir":
		n.children = map[string]*refNode{}
	case "file":
		n.copy = &refCopy{path: strings.Join(re.parts, "/"), size: re.size, content: re.content, made: k, refs: 1}
		r.copies = append(r.copies, n.copy)
	case "hardlink":
		// Its target must be a file (or a link to one) of this very layer.
		if t := r.find(re.link); t != nil && t.copy != nil && t.layer == k {
			n.copy = t.copy
			n.copy.refs++
		}
	}
	if old != nil {
		if old.copy != nil {
			cause := "removed"
			if n.copy != nil {
				cause = "overwritten"
				if n.copy.size == old.copy.size && n.copy.content == old.copy.content {
					cause = "recopied"
				}
			}
			r.release(old.copy, k, cause)
		}
		for _, c := range old.children {
			r.drop(c, k, "removed")
		}
	}
	dir.children[name] = n
}
