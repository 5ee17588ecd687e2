package ui

import (
	"fmt"
	"sort"
	"strings"

	"lx.dev/lx/model"
)

// setLayer shows the filesystem after layer k; own says whether the
// selected step made it (then its markers show). The directories holding
// the layer's changes open, and the cursor goes to the first change,
// unless the user has moved in the tree: then it keeps their place.
func (p *treePane) setLayer(k int, own bool) {
	if k == p.k && own == p.own {
		return
	}
	p.k, p.own = k, own
	p.arrive()
}

// grew follows the image as layers are applied (and once it is loaded):
// the layer shown arrives when it is in; a layer already shown keeps the
// user's place, open folders and scroll, and takes the waste notes so far.
func (p *treePane) grew() {
	img := p.img.view()
	if img == nil {
		return
	}
	if p.sizes == nil || p.sizesOf != img {
		p.sizes, p.sizesOf = img.DirSizes(), img
	}
	clear(p.children) // later layers may have put new paths in a directory
	if p.img.has(p.k) && p.layerOf != p.k {
		p.arrive()
		return
	}
	if p.killedFrom != p.img.snap {
		p.studyKills()
	}
	p.rebuild()
}

// arrive shows the layer now selected: its changes studied, their
// directories open, the cursor on the first unless the user has moved.
func (p *treePane) arrive() {
	p.studyLayer()
	first := p.autoOpen()
	p.rebuild()
	if first >= 0 && !p.moved {
		p.reselect(first)
	}
}

// studyLayer works out, once per layer, what it changed below each
// directory and what each directory it deleted held.
func (p *treePane) studyLayer() {
	img := p.img.view()
	if !p.img.has(p.k) || p.layerOf == p.k {
		return
	}
	p.studiedOn(img)
	p.layerOf = p.k
	below, ok := p.belowOf[p.k]
	if !ok && !p.studyLater(p.k) { // else its changes open when its study comes
		below = img.ChangesBelow(p.k)
		p.belowOf[p.k] = below
	}
	p.below = below
	p.studyKills()
}

// studyOnLoop is the most entries a layer may hold for its study to be
// worked out on the update loop, when it is shown before its study (off
// the loop, treestudy.go) is in: a bigger one shows at once, its changes
// open when the study comes. On the million-entry image, working it out
// on the loop took up to 24 ms for a layer switch, 34 ms to list a
// layer's changes only.
const studyOnLoop = 20_000

// studyLater tells whether layer k's study, not in yet, is left to the
// study off the update loop.
func (p *treePane) studyLater(k int) bool {
	img := p.img.view()
	return k < len(img.Layers) && img.Layers[k].Entries > p.loopStudy
}

// unstudied tells whether layer k is a big one whose study is not in
// yet: a visit leaves it to the study off the update loop.
func (p *treePane) unstudied(k int) bool {
	_, below := p.belowOf[k]
	_, changes := p.changesOf[k]
	return (!below || !changes) && p.studyLater(k)
}

// awaitsStudy tells whether the view shown needs the layer's study, not
// in yet: its changes only, or its changed paths only.
func (p *treePane) awaitsStudy() bool {
	return p.own && (p.changesOnly || p.hideUnchanged) && p.unstudied(p.k)
}

// studiedOn drops what was worked out per layer on another image.
func (p *treePane) studiedOn(img *model.Image) {
	if p.belowFrom != img {
		p.belowOf, p.changesOf, p.belowFrom = map[int]map[model.NodeID]model.Counts{}, map[int][]model.NodeID{}, img
		p.kindsOf = map[int][]model.Kind{}
	}
}

// studyKills works out what each directory every layer deleted held, from
// the figures so far (a copy's death is in them once its layer is applied
// and a snapshot taken), once per snapshot; and takes the layer shown.
func (p *treePane) studyKills() {
	img, snap := p.img.view(), p.img.snap
	if p.killedOf == nil || p.killedFrom != snap {
		p.killedFrom = snap
		p.killedOf = map[int]map[model.NodeID]int64{}
		if snap != nil {
			for _, w := range snap.Waste {
				if w.Cause != model.Removed {
					continue
				}
				m := p.killedOf[w.KilledBy]
				if m == nil {
					m = map[model.NodeID]int64{}
					p.killedOf[w.KilledBy] = m
				}
				for n := img.Parent(w.Node); n != model.Root; n = img.Parent(n) {
					m[n] += w.Bytes
				}
			}
		}
	}
	p.killedBelow = p.killedOf[p.layerOf]
}

// autoOpenRows bounds the rows that opening the changed directories may
// add: the directories above the layer's first change always open, then
// the others that hold changes, in tree order, while the bound allows.
const autoOpenRows = 500

// autoOpen opens the directories on the way to what the layer changed, in
// tree order, and returns the first change (-1 when there is none). The
// changes below each directory (p.below) say which directories to enter:
// it costs O(rows it opens), not O(changes in the layer).
func (p *treePane) autoOpen() model.NodeID {
	img := p.img.view()
	if !p.img.has(p.k) || !p.own {
		return -1
	}
	// What the previous layer's changes opened closes again, unless the
	// user has moved in the tree since.
	if !p.moved {
		for d := range p.auto {
			p.setOpen(d, false)
		}
	}
	clear(p.auto)
	first, rows := model.NodeID(-1), 0
	var visit func(dir model.NodeID) bool // false: the bound is reached
	visit = func(dir model.NodeID) bool {
		for _, c := range p.childrenOf(dir) {
			if first < 0 {
				switch img.Marker(c, p.k) {
				case model.Added, model.Changed, model.Deleted:
					first = c
				}
			}
			if p.below[c].Total() == 0 {
				continue
			}
			if !p.isOpen(c) {
				if first >= 0 && rows > autoOpenRows {
					return false
				}
				p.setOpen(c, true)
				p.auto[c] = true
				rows += len(p.childrenOf(c))
			}
			if !visit(c) {
				return false
			}
		}
		return true
	}
	visit(model.Root)
	return first
}

func (p *treePane) isOpen(n model.NodeID) bool {
	if p.filter.applied() {
		return true
	}
	if p.allOpen {
		return !p.shut[n]
	}
	return p.open[n]
}

// setOpen opens or closes directory n; what the user opens or closes is
// theirs, no longer the layer's to close.
func (p *treePane) setOpen(n model.NodeID, open bool) {
	if p.allOpen {
		p.shut[n] = !open
	} else {
		p.open[n] = open
	}
}

// selectedNode is the node under the cursor, if any.
func (p *treePane) selectedNode() (model.NodeID, bool) {
	if p.l.cursor < len(p.rows) {
		return p.rows[p.l.cursor].node, true
	}
	return 0, false
}

// rebuild recomputes the rows, keeping the cursor on the same path (or
// the nearest directory above it that is still shown).
func (p *treePane) rebuild() {
	sel, had := p.selectedNode()
	p.rows = p.rows[:0]
	if p.img.has(p.k) && !p.awaitsStudy() {
		p.sizesFollow()
		if p.changesOnly && p.own {
			p.buildChanges()
		} else {
			p.walk(model.Root, 0, 0)
		}
	}
	p.l.setHeight(p.listHeight())
	p.l.setLen(len(p.rows))
	if had {
		p.reselect(sel)
	}
}

func (p *treePane) reselect(n model.NodeID) {
	img := p.img.view()
	for {
		for i, r := range p.rows {
			if r.node == n {
				p.l.to(i)
				return
			}
		}
		if n == model.Root || img == nil {
			return
		}
		n = img.Parent(n)
	}
}

// shows tells whether a path is listed in the tree of layer k.
func (p *treePane) shows(n model.NodeID) bool {
	img := p.img.view()
	if p.own {
		if !img.Shown(n, p.k) {
			return false
		}
	} else if !img.Visible(n, p.k) {
		return false
	}
	return p.passes(n)
}

// passes tells whether a path the layer's view lists is kept by the
// narrowing the user asked for: changed paths only, the filter.
func (p *treePane) passes(n model.NodeID) bool {
	if p.hideUnchanged && p.own && p.img.view().Marker(n, p.k) == model.Unchanged && p.below[n].Total() == 0 {
		return false
	}
	if p.filter.applied() && !p.filter.keep[n] {
		return false
	}
	return true
}

// narrowed tells whether passes may drop a path.
func (p *treePane) narrowed() bool { return (p.hideUnchanged && p.own) || p.filter.applied() }

func (p *treePane) childrenOf(dir model.NodeID) []model.NodeID {
	kids, ok := p.children[dir]
	if !ok {
		kids = p.img.view().EveryChild(dir)
		p.children[dir] = kids
	}
	return kids
}

// walk lists the shown children of dir, and of its open directories
// below; last carries which ancestors are their directory's last entry,
// for the connector lines. What the layer's view lists of dir is asked of
// the model at once, one pass over the children. It tells whether dir
// lists anything: an open directory's emptiness is known from its walk.
// The shown children of every directory on the way down share one stack
// (p.walkStack), so a walk of 850,000 rows allocates nothing per
// directory.
func (p *treePane) walk(dir model.NodeID, depth int32, last uint64) bool {
	kids := p.childrenOf(dir)
	from := len(p.walkStack)
	p.kindsBuf = p.viewKinds(kids, p.kindsBuf)
	for i, c := range kids {
		if p.kindsBuf[i] != 0 && p.passes(c) {
			p.walkStack = append(p.walkStack, shownKid{c, p.kindsBuf[i] == model.KindDir})
		}
	}
	n := len(p.walkStack) - from
	if p.bySize {
		shown := p.walkStack[from:]
		sz := make(map[model.NodeID]int64, n)
		for _, c := range shown {
			sz[c.node] = p.sizeOf(c.node)
		}
		sort.SliceStable(shown, func(i, j int) bool { return sz[shown[i].node] > sz[shown[j].node] })
	}
	for i := range n {
		c := p.walkStack[from+i] // the stack may move as deeper directories push
		l := last
		if i == n-1 && depth < 64 {
			l |= 1 << depth
		}
		at := len(p.rows)
		p.rows = append(p.rows, treeRow{node: c.node, depth: depth, last: l})
		switch {
		case !c.dir:
		case p.isOpen(c.node):
			p.rows[at].empty = !p.walk(c.node, depth+1, l)
		default:
			p.rows[at].empty = !p.showsAny(c.node)
		}
	}
	p.walkStack = p.walkStack[:from]
	return n > 0
}

// shownKid is a child a walk lists, and whether it is a directory.
type shownKid struct {
	node model.NodeID
	dir  bool
}

// showsAny tells whether directory dir lists anything in this view: it
// stops at the first child shown.
func (p *treePane) showsAny(dir model.NodeID) bool {
	img := p.img.view()
	if !p.narrowed() {
		return p.listsAny(dir)
	}
	if !img.HasChildren(dir) {
		return false
	}
	for _, c := range p.childrenOf(dir) {
		if p.shows(c) {
			return true
		}
	}
	return false
}

// info is a row's state: after layer k, or before it for a path k deleted.
func (p *treePane) info(n model.NodeID) (model.FileInfo, bool) {
	img := p.img.view()
	if fi, ok := img.Stat(n, p.k); ok {
		return fi, true
	}
	return img.Stat(n, p.k-1)
}

func (p *treePane) isDir(n model.NodeID) bool {
	fi, ok := p.info(n)
	return ok && fi.Kind == model.KindDir
}

// sizeOf is a row's size: a directory's as of layer k (each inode once;
// -1 while the sizes wait for a study, see sizesFollow), else the bytes
// the path shows (a hardlink its copy's).
func (p *treePane) sizeOf(n model.NodeID) int64 {
	fi, _ := p.info(n)
	if fi.Kind == model.KindDir && p.img.view().Visible(n, p.k) {
		if p.sizes.Layer() != p.k {
			return -1
		}
		return p.sizes.Size(n)
	}
	return fi.Size
}

// sizesFollow moves the directory sizes to layer k, unless a layer they
// would cross is big and its crossing not worked out yet: its study
// brings it (on the million-entry image crossing a layer without it took
// 12 ms of a 20 ms switch), and the directories show no size meanwhile.
func (p *treePane) sizesFollow() {
	for j := range p.sizesCross() {
		if !p.sizes.Knows(j) && p.studyLater(j) {
			return
		}
	}
	p.sizes.At(p.k)
}

// sizesCross yields the layers the directory sizes cross from where they
// are to layer k, either way.
func (p *treePane) sizesCross() func(yield func(int) bool) {
	return func(yield func(int) bool) {
		if p.sizes == nil {
			return
		}
		from := p.sizes.Layer()
		for j := min(from, p.k) + 1; j <= max(from, p.k); j++ {
			if !yield(j) {
				return
			}
		}
	}
}

func (p *treePane) buildChanges() {
	img := p.img.view()
	for _, n := range p.changesInOrder() {
		if p.filter.active() && !p.filter.matchString(model.DisplayPath(img.Path(n))[1:]) {
			continue
		}
		p.rows = append(p.rows, treeRow{node: n, flat: true})
	}
	if p.bySize {
		sort.SliceStable(p.rows, func(i, j int) bool { return p.sizeOf(p.rows[i].node) > p.sizeOf(p.rows[j].node) })
	}
}

// changesInOrder is layer k's changes in path order, worked out once per
// layer (its changes are final once it is applied).
func (p *treePane) changesInOrder() []model.NodeID {
	img := p.img.view()
	p.studiedOn(img)
	cs, ok := p.changesOf[p.k]
	if !ok && !p.studyLater(p.k) { // else the list shows when the study comes
		cs = img.SortPaths(img.ChangedPaths(p.k))
		p.changesOf[p.k] = cs
	}
	return cs
}

// reveal shows path n in the filesystem after layer k (the waste list's
// jump): whole filesystem, no filter, its directories open, cursor on it.
func (p *treePane) reveal(n model.NodeID, k int, own bool) {
	p.changesOnly, p.hideUnchanged = false, false
	p.filter.clear()
	p.k, p.own = k, own
	p.studyLayer()
	img := p.img.view()
	for d := img.Parent(n); d != model.Root; d = img.Parent(d) {
		p.setOpen(d, true)
	}
	p.rebuild()
	p.reselect(n)
	p.moved = true
}

func (p *treePane) title() string {
	switch {
	case p.k < 0:
		return "Filesystem"
	case p.changesOnly && p.own:
		return fmt.Sprintf("Changes in layer %d%s", p.k, p.position())
	}
	var parts []string
	parts = append(parts, fmt.Sprintf("Filesystem after layer %d", p.k))
	if !p.own {
		parts = append(parts, "this step changes no files")
	}
	if p.hideUnchanged && p.own {
		parts = append(parts, "changed only")
	}
	if p.bySize {
		parts = append(parts, "by size")
	}
	return strings.Join(parts, " · ") + p.position()
}

// position is " · 12/100" when the rows do not all fit.
func (p *treePane) position() string {
	if len(p.rows) <= p.l.h {
		return ""
	}
	return fmt.Sprintf(" · %d/%d", p.l.cursor+1, len(p.rows))
}
