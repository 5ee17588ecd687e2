package model

import "strings"

// NoNode stands for a path that one image of a comparison does not have.
const NoNode NodeID = -1

// SharedLayer is a layer two images both hold: the same diffID.
type SharedLayer struct {
	DiffID string
	A, B   int // its index in each image
	// Prefix says it is one of the common prefix: layers 0…n of both
	// images are the same, so the second is built on the first's bottom.
	Prefix bool
}

// SharedLayers pairs the layers two layer lists (diffIDs, bottom first)
// hold in common: first the common prefix, then every other layer of a
// whose diffID b holds above the prefix, in a's order, each layer of b
// paired once (a diffID listed twice pairs twice, in order).
func SharedLayers(a, b []string) []SharedLayer {
	var out []SharedLayer
	n := 0
	// A container's writable layer (diffID "") is in no store: never shared.
	for n < len(a) && n < len(b) && a[n] == b[n] && a[n] != "" {
		out = append(out, SharedLayer{DiffID: a[n], A: n, B: n, Prefix: true})
		n++
	}
	free := map[string][]int{} // b's layers above the prefix, by diffID, bottom first
	for j := n; j < len(b); j++ {
		if b[j] != "" {
			free[b[j]] = append(free[b[j]], j)
		}
	}
	for i := n; i < len(a); i++ {
		if js := free[a[i]]; len(js) > 0 {
			out = append(out, SharedLayer{DiffID: a[i], A: i, B: js[0]})
			free[a[i]] = js[1:]
		}
	}
	return out
}

// CommonPrefix is how many bottom layers both images share, in order.
func CommonPrefix(shared []SharedLayer) int {
	n := 0
	for _, s := range shared {
		if s.Prefix {
			n++
		}
	}
	return n
}

// DiffChange says what differs between the states of a path that both
// final filesystems hold. A hardlink is the regular file it shows; the
// modification time is not compared (a rebuild moves every one).
type DiffChange struct {
	Kind    bool // another kind of entry (a directory became a file…); nothing else is compared then
	Content bool // a file's bytes: its size or its content hash
	Link    bool // a symlink's target
	Dev     bool // a device's number
	Mode    bool
	Owner   bool
	Xattrs  bool
}

// Any tells whether anything differs.
func (c DiffChange) Any() bool {
	return c.Kind || c.Content || c.Link || c.Dev || c.Mode || c.Owner || c.Xattrs
}

// Names lists what differs, as reports name it: "kind", "content",
// "link", "dev", "mode", "owner", "xattrs", in that order.
func (c DiffChange) Names() []string {
	var out []string
	for _, x := range []struct {
		on   bool
		name string
	}{{c.Kind, "kind"}, {c.Content, "content"}, {c.Link, "link"}, {c.Dev, "dev"}, {c.Mode, "mode"}, {c.Owner, "owner"}, {c.Xattrs, "xattrs"}} {
		if x.on {
			out = append(out, x.name)
		}
	}
	return out
}

// MetadataOnly tells whether only the mode, owner or attributes differ:
// the bytes are the same.
func (c DiffChange) MetadataOnly() bool {
	return c.Any() && !c.Kind && !c.Content && !c.Link && !c.Dev
}

// DiffPath is one path of the difference of two final filesystems: a
// change, or a directory on the way to changes (marker Unchanged).
type DiffPath struct {
	NodeA, NodeB NodeID // the path in each image's path table, NoNode where it is absent
	// Marker is Added for a path only the second image has, Deleted for
	// one only the first has (the top of a removed subtree), Changed for
	// one both have that differs, Unchanged for a directory that only
	// holds changes.
	Marker Marker
	Change DiffChange // for Changed
	Depth  int32      // 0 for a path in the root
	Parent int32      // index of the directory above in ImageDiff.Paths, -1 for the root
	End    int32      // Paths[i+1:End] are the paths below it
	// SizeA and SizeB are the bytes the path shows in each image: a
	// file's size, a directory's files below it (each inode once); 0
	// where it is absent.
	SizeA, SizeB int64
	Below        Counts // the changes below a directory
	// Entries is, for a directory only the first image has (or that a
	// non-directory replaces in the second), how many paths were below it:
	// they are gone with it and not listed.
	Entries int
}

// ImageDiff is the difference of two analysed images: the layers they
// share, and their final filesystems compared path by path.
type ImageDiff struct {
	A, B   *Image
	Shared []SharedLayer
	// Paths are the differences and the directories above them, in path
	// order: every path the second image adds (a new directory's contents
	// too, as docker diff lists them), the top of every subtree it lacks,
	// every path both hold that differs.
	Paths          []DiffPath
	Counts         Counts // the changes listed: added, changed, deleted
	BytesA, BytesB int64  // the final filesystems' file bytes, each inode once
}

// Changes is how many paths of the difference are changes.
func (d *ImageDiff) Changes() int { return d.Counts.Total() }

// Path is the path of Paths[i], relative, as the image that has it names it.
func (d *ImageDiff) Path(i int) string {
	p := d.Paths[i]
	if p.NodeB != NoNode {
		return d.B.Path(p.NodeB)
	}
	return d.A.Path(p.NodeA)
}

// Name is the last element of Paths[i]'s path.
func (d *ImageDiff) Name(i int) string {
	p := d.Paths[i]
	if p.NodeB != NoNode {
		return d.B.Name(p.NodeB)
	}
	return d.A.Name(p.NodeA)
}

// States is what Paths[i] is in each final filesystem; ok is false on the
// side that lacks it.
func (d *ImageDiff) States(i int) (a FileInfo, okA bool, b FileInfo, okB bool) {
	p := d.Paths[i]
	if p.NodeA != NoNode {
		a, okA = d.A.Stat(p.NodeA, d.A.Applied()-1)
	}
	if p.NodeB != NoNode {
		b, okB = d.B.Stat(p.NodeB, d.B.Applied()-1)
	}
	return a, okA, b, okB
}

// Kind is the kind of entry Paths[i] is: the second image's, else the first's.
func (d *ImageDiff) Kind(i int) Kind {
	a, _, b, okB := d.States(i)
	if okB {
		return b.Kind
	}
	return a.Kind
}

// Compare compares two analysed images: the layers they share, and their
// final filesystems, walked together path by path in path order. It costs
// O(paths of both final filesystems), and keeps nothing per path but the
// differences.
func Compare(a, b *Image) *ImageDiff {
	defer a.read()()
	if b.mu != a.mu {
		defer b.read()()
	}
	d := &ImageDiff{A: a, B: b, Shared: SharedLayers(a.Config.DiffIDs, b.Config.DiffIDs)}
	c := &comparer{d: d, a: newDiffSide(a), b: newDiffSide(b)}
	c.a.enter(0)
	c.b.enter(0)
	c.dir(Root, Root, 0, -1)
	d.BytesA, d.BytesB = c.a.leave(0), c.b.leave(0)
	for i := range d.Paths {
		p := &d.Paths[i]
		if p.Marker == Unchanged {
			continue
		}
		d.Counts.add(p.Marker)
		for up := p.Parent; up >= 0; up = d.Paths[up].Parent {
			d.Paths[up].Below.add(p.Marker)
		}
	}
	return d
}

// nameCompare orders the names of one directory as the tree lists them:
// naturally, and bytewise between names that count as equal.
func nameCompare(a, b string) int {
	if c := naturalCompare(a, b); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// fileKind is the kind a path is in a filesystem: a hardlink is a file.
func fileKind(k Kind) Kind {
	if k == KindHardlink {
		return KindRegular
	}
	return k
}

// diffChange says what differs between two final states of a path.
func diffChange(ta *table, ea *event, tb *table, eb *event) DiffChange {
	kind := fileKind(ea.kind)
	if kind != fileKind(eb.kind) {
		return DiffChange{Kind: true}
	}
	c := DiffChange{
		Mode:   ea.mode != eb.mode,
		Owner:  ea.uid != eb.uid || ea.gid != eb.gid,
		Xattrs: ea.xattrs != eb.xattrs,
	}
	switch kind {
	case KindRegular:
		c.Content = ea.size != eb.size || ea.digest != eb.digest
	case KindSymlink:
		c.Link = ta.link(ea) != tb.link(eb)
	case KindCharDev, KindBlockDev:
		c.Dev = ta.extras[ea.extra].dev != tb.extras[eb.extra].dev
	}
	return c
}
