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
	p.layerOf = p.k
	p.below = img.ChangesBelow(p.k)
	p.studyKills()
}

// studyKills works out what each directory the layer deleted held, from
// the figures so far (a copy's death is in them once its layer is
// applied and a snapshot taken).
func (p *treePane) studyKills() {
	img, snap := p.img.view(), p.img.snap
	p.killedFrom = snap
	p.killedBelow = map[model.NodeID]int64{}
	if snap == nil || p.layerOf < 0 {
		return
	}
	for _, w := range snap.Waste {
		if w.KilledBy != p.layerOf || w.Cause != model.Removed {
			continue
		}
		for n := img.Parent(w.Node); n != model.Root; n = img.Parent(n) {
			p.killedBelow[n] += w.Bytes
		}
	}
}

// autoOpenRows bounds the rows that opening the changed directories may
// add: the tops of the layer's changes always show, then the directories
// on the way to deeper changes open while the bound allows.
const autoOpenRows = 500

// autoOpen opens the directories on the way to what the layer changed and
// returns the first change in tree order (-1 when there is none).
func (p *treePane) autoOpen() model.NodeID {
	img := p.img.view()
	if !p.img.has(p.k) || !p.own {
		return -1
	}
	var tops, deeper []model.NodeID // changes whose directory did not change; the others
	paths := map[model.NodeID]string{}
	for _, ch := range img.Changes(p.k) {
		if ch.Marker == model.Touched {
			continue
		}
		paths[ch.Node] = img.Path(ch.Node)
		switch img.Marker(img.Parent(ch.Node), p.k) {
		case model.Added, model.Changed:
			deeper = append(deeper, ch.Node)
		default:
			tops = append(tops, ch.Node)
		}
	}
	// What the previous layer's changes opened closes again, unless the
	// user has moved in the tree since.
	if !p.moved {
		for d := range p.auto {
			p.setOpen(d, false)
		}
	}
	clear(p.auto)
	if len(tops) == 0 {
		return -1
	}
	byPath := func(ns []model.NodeID) {
		sort.Slice(ns, func(i, j int) bool { return model.PathLess(paths[ns[i]], paths[ns[j]]) })
	}
	byPath(tops)
	byPath(deeper)
	rows := 0
	for i, n := range append(tops, deeper...) {
		for d := img.Parent(n); d != model.Root && !p.isOpen(d); d = img.Parent(d) {
			if i >= len(tops) && rows > autoOpenRows {
				return tops[0]
			}
			p.setOpen(d, true)
			p.auto[d] = true
			rows += len(p.childrenOf(d))
		}
	}
	return tops[0]
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
	if p.img.has(p.k) {
		p.sizes.At(p.k)
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
	if p.hideUnchanged && p.own && img.Marker(n, p.k) == model.Unchanged && p.below[n].Total() == 0 {
		return false
	}
	if p.filter.applied() && !p.filter.keep[n] {
		return false
	}
	return true
}

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
// for the connector lines.
func (p *treePane) walk(dir model.NodeID, depth int32, last uint64) {
	var shown []model.NodeID
	for _, c := range p.childrenOf(dir) {
		if p.shows(c) {
			shown = append(shown, c)
		}
	}
	if p.bySize {
		sz := make(map[model.NodeID]int64, len(shown))
		for _, c := range shown {
			sz[c] = p.sizeOf(c)
		}
		sort.SliceStable(shown, func(i, j int) bool { return sz[shown[i]] > sz[shown[j]] })
	}
	for i, c := range shown {
		l := last
		if i == len(shown)-1 && depth < 64 {
			l |= 1 << depth
		}
		row := treeRow{node: c, depth: depth, last: l}
		dir := p.isDir(c)
		if dir {
			row.empty = !p.showsAny(c)
		}
		p.rows = append(p.rows, row)
		if dir && !row.empty && p.isOpen(c) {
			p.walk(c, depth+1, l)
		}
	}
}

// showsAny tells whether directory dir lists anything in this view: it
// stops at the first child shown.
func (p *treePane) showsAny(dir model.NodeID) bool {
	if !p.img.view().HasChildren(dir) {
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

// sizeOf is a row's size: a directory's as of layer k (each inode once),
// else the bytes the path shows (a hardlink its copy's).
func (p *treePane) sizeOf(n model.NodeID) int64 {
	fi, _ := p.info(n)
	if fi.Kind == model.KindDir && p.img.view().Visible(n, p.k) {
		return p.sizes.Size(n)
	}
	return fi.Size
}

func (p *treePane) buildChanges() {
	img := p.img.view()
	for _, ch := range img.Changes(p.k) {
		path := model.DisplayPath(img.Path(ch.Node))
		if p.filter.active() && !p.filter.matchString(path[1:]) {
			continue
		}
		p.rows = append(p.rows, treeRow{node: ch.Node, path: path})
	}
	if p.bySize {
		sort.SliceStable(p.rows, func(i, j int) bool { return p.sizeOf(p.rows[i].node) > p.sizeOf(p.rows[j].node) })
	} else {
		sort.Slice(p.rows, func(i, j int) bool { return model.PathLess(p.rows[i].path[1:], p.rows[j].path[1:]) })
	}
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
