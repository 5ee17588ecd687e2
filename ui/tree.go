package ui

import (
	"fmt"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"lx.dev/lx/model"
)

// treePane shows the filesystem after the selected layer, or that layer's
// changes alone, with A/C/D markers and the waste highlights.
//
// Its rows are a flat list of the open directories' shown children; a row
// is rendered only while it is on screen. Rebuilding the list costs
// O(rows in open directories) (or O(changes in the layer)), and moving the
// cursor O(rows on screen): nothing walks the whole image but a filter.
type treePane struct {
	c   *Common
	img *image

	k   int  // the layer whose filesystem is shown, -1 for none
	own bool // the selected step made layer k: its markers are shown

	changesOnly   bool // the layer's changes as a flat list
	hideUnchanged bool // only changed paths and their directories
	bySize        bool

	allOpen  bool                            // every directory open, but those in shut
	open     map[model.NodeID]bool           // directories opened (when !allOpen)
	shut     map[model.NodeID]bool           // directories closed (when allOpen)
	children map[model.NodeID][]model.NodeID // every child by name, per directory, once
	sizes    *model.DirSizes
	touched  map[model.NodeID]bool // layer k's changed paths and their ancestors, when needed
	touchedK int

	filter filter

	rows    []treeRow
	l       list
	w, h    int
	focused bool
}

type treeRow struct {
	node  model.NodeID
	depth int32
	path  string // the changes list shows whole paths
}

func newTreePane(c *Common, img *image) *treePane {
	return &treePane{
		c: c, img: img, k: -1, touchedK: -1,
		open: map[model.NodeID]bool{}, shut: map[model.NodeID]bool{},
		children: map[model.NodeID][]model.NodeID{},
		filter:   newFilter(c),
	}
}

// revealMsg asks the tree to show path Node in the filesystem after
// layer Layer (the waste list's jump).
type revealMsg struct {
	Node  model.NodeID
	Layer int
}

func (p *treePane) SetSize(w, h int) {
	p.w, p.h = w, h
	p.l.setHeight(p.listHeight())
	p.filter.input.setWidth(w - 20)
}

func (p *treePane) listHeight() int {
	h := p.h - 3 // borders and the column header
	if p.filter.shown() {
		h--
	}
	return max(h, 1)
}

func (p *treePane) KeyHelp() []key.Binding {
	k := p.c.Keys
	if p.filter.editing() {
		return []key.Binding{relabel(k.Enter, "keep the filter"), relabel(k.Back, "clear it")}
	}
	return []key.Binding{k.Filter, k.Toggle, k.ChangesOnly, k.HideUnchanged, k.Sort}
}

// Capturing tells whether the pane takes every key (the filter is typed).
func (p *treePane) Capturing() bool { return p.filter.editing() }

func (p *treePane) Scroll(d int) { p.l.scroll(d) }

func (p *treePane) Click(_, y int) tea.Cmd {
	if y >= 2 && y < 2+p.l.h {
		p.l.to(p.l.offset + y - 2)
	}
	return nil
}

// setLayer shows the filesystem after layer k; own says whether the
// selected step made it (then its markers show).
func (p *treePane) setLayer(k int, own bool) tea.Cmd {
	if k == p.k && own == p.own {
		return nil
	}
	p.k, p.own = k, own
	p.autoOpen()
	p.rebuild()
	if img := p.img.img; img != nil && k >= 0 && p.filter.active() && !(p.changesOnly && p.own) {
		return p.filter.search(img, k)
	}
	return nil
}

// imageLoaded is called once the analysis is complete.
func (p *treePane) imageLoaded() {
	p.sizes = p.img.img.DirSizes()
	p.autoOpen()
	p.rebuild()
}

// autoOpen opens the directories on the way to what the layer changed,
// when it changed few enough paths for that to help.
func (p *treePane) autoOpen() {
	img := p.img.img
	if img == nil || p.k < 0 || !p.own {
		return
	}
	l := img.Layers[p.k]
	if l.Added+l.Changed+l.Deleted > autoOpenLimit {
		return
	}
	for _, ch := range img.Changes(p.k) {
		for n := img.Parent(ch.Node); n != model.Root; n = img.Parent(n) {
			p.open[n] = true
			delete(p.shut, n)
		}
	}
}

const autoOpenLimit = 200

func (p *treePane) isOpen(n model.NodeID) bool {
	if p.filter.applied() {
		return true
	}
	if p.allOpen {
		return !p.shut[n]
	}
	return p.open[n]
}

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
	img := p.img.img
	if img != nil && p.k >= 0 {
		if p.sizes != nil {
			p.sizes.At(p.k)
		}
		if p.changesOnly && p.own {
			p.buildChanges()
		} else {
			if p.hideUnchanged && p.own {
				p.touch()
			}
			p.walk(model.Root, 0)
		}
	}
	p.l.setHeight(p.listHeight())
	p.l.setLen(len(p.rows))
	if had {
		p.reselect(sel)
	}
}

func (p *treePane) reselect(n model.NodeID) {
	img := p.img.img
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
	img := p.img.img
	if p.own {
		if !img.Shown(n, p.k) {
			return false
		}
	} else if !img.Visible(n, p.k) {
		return false
	}
	if p.hideUnchanged && p.own && !p.touched[n] {
		return false
	}
	if p.filter.applied() && !p.filter.keep[n] {
		return false
	}
	return true
}

func (p *treePane) walk(dir model.NodeID, depth int32) {
	img := p.img.img
	kids, ok := p.children[dir]
	if !ok {
		kids = img.EveryChild(dir)
		p.children[dir] = kids
	}
	var shown []model.NodeID
	for _, c := range kids {
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
	for _, c := range shown {
		p.rows = append(p.rows, treeRow{node: c, depth: depth})
		if img.HasChildren(c) && p.isOpen(c) && p.isDir(c) {
			p.walk(c, depth+1)
		}
	}
}

// info is a row's state: after layer k, or before it for a path k deleted.
func (p *treePane) info(n model.NodeID) (model.FileInfo, bool) {
	img := p.img.img
	if fi, ok := img.Stat(n, p.k); ok {
		return fi, true
	}
	return img.Stat(n, p.k-1)
}

func (p *treePane) isDir(n model.NodeID) bool {
	fi, ok := p.info(n)
	return ok && fi.Kind == model.KindDir
}

// sizeOf is a row's size: a directory's as of layer k, else the bytes
// the path shows (a hardlink its target's).
func (p *treePane) sizeOf(n model.NodeID) int64 {
	fi, _ := p.info(n)
	if fi.Kind == model.KindDir && p.img.img.Visible(n, p.k) {
		return p.sizes.Size(n)
	}
	return fi.Size
}

// touch marks layer k's changed paths and every directory above them.
func (p *treePane) touch() {
	if p.touchedK == p.k && p.touched != nil {
		return
	}
	img := p.img.img
	p.touched = map[model.NodeID]bool{}
	p.touchedK = p.k
	for _, ch := range img.Changes(p.k) {
		for n := ch.Node; n != model.Root && !p.touched[n]; n = img.Parent(n) {
			p.touched[n] = true
		}
	}
}

func (p *treePane) buildChanges() {
	img := p.img.img
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
		sort.Slice(p.rows, func(i, j int) bool { return p.rows[i].path < p.rows[j].path })
	}
}

// reveal shows path n in the filesystem after layer k (the waste list's
// jump): whole filesystem, no filter, its directories open, cursor on it.
func (p *treePane) reveal(n model.NodeID, k int, own bool) {
	p.changesOnly, p.hideUnchanged = false, false
	p.filter.clear()
	p.k, p.own = k, own
	img := p.img.img
	for d := img.Parent(n); d != model.Root; d = img.Parent(d) {
		p.setOpen(d, true)
	}
	p.rebuild()
	p.reselect(n)
}

func (p *treePane) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case focusMsg:
		p.focused = msg.focused
	case themeChangedMsg:
		p.filter.input.restyle(p.c)
	case stepSelectedMsg:
		return p.setLayer(msg.Layer, msg.Own)
	case imageChangedMsg:
		if msg.loaded && p.sizes == nil {
			p.imageLoaded()
		}
	case revealMsg:
		p.reveal(msg.Node, msg.Layer, true)
	case filterMsg:
		if msg.k == p.k && p.filter.take(msg) {
			p.rebuild()
		}
	case tea.KeyPressMsg:
		if p.filter.editing() {
			return p.typeFilter(msg)
		}
		return p.key(msg)
	case tea.PasteMsg, tea.ClipboardMsg:
		if p.filter.editing() {
			return p.typeFilter(msg)
		}
	}
	return nil
}

// typeFilter edits the filter; a changed text asks for its matches.
func (p *treePane) typeFilter(msg tea.Msg) tea.Cmd {
	changed, cmd := p.filter.update(p.c.Keys, msg)
	p.l.setHeight(p.listHeight())
	if changed {
		return tea.Batch(cmd, p.applyFilter())
	}
	return cmd
}

func (p *treePane) key(msg tea.KeyPressMsg) tea.Cmd {
	k := p.c.Keys
	switch {
	case p.l.navigate(k, msg):
	case key.Matches(msg, k.Right):
		p.openSelected(true)
	case key.Matches(msg, k.Left):
		p.left()
	case key.Matches(msg, k.Toggle, k.Enter):
		if n, ok := p.selectedNode(); ok {
			p.openSelected(!p.isOpen(n))
		}
	case key.Matches(msg, k.ExpandAll):
		p.allOpen, p.shut = true, map[model.NodeID]bool{}
		p.rebuild()
	case key.Matches(msg, k.CollapseAll):
		p.allOpen, p.open = false, map[model.NodeID]bool{}
		p.rebuild()
	case key.Matches(msg, k.ChangesOnly):
		p.changesOnly = !p.changesOnly
		p.rebuild()
		return p.applyFilter()
	case key.Matches(msg, k.HideUnchanged):
		p.hideUnchanged = !p.hideUnchanged
		p.rebuild()
	case key.Matches(msg, k.Sort):
		p.bySize = !p.bySize
		p.rebuild()
	case key.Matches(msg, k.Filter):
		p.filter.start()
		p.l.setHeight(p.listHeight())
	case key.Matches(msg, k.Back):
		p.clearFilter()
	}
	return nil
}

// clearFilter drops the filter; it tells whether there was one.
func (p *treePane) clearFilter() bool {
	if !p.filter.shown() {
		return false
	}
	p.filter.clear()
	p.rebuild()
	return true
}

// applyFilter asks for the new filter's matches: the scan runs as a
// command, off the update loop; the rows follow when it answers.
func (p *treePane) applyFilter() tea.Cmd {
	img := p.img.img
	if img == nil || p.k < 0 || !p.filter.active() || (p.changesOnly && p.own) {
		p.rebuild()
		return nil
	}
	return p.filter.search(img, p.k)
}

func (p *treePane) openSelected(open bool) {
	n, ok := p.selectedNode()
	if !ok || !p.isDir(n) || p.isOpen(n) == open || p.filter.applied() {
		return
	}
	p.setOpen(n, open)
	p.rebuild()
}

func (p *treePane) left() {
	n, ok := p.selectedNode()
	if !ok {
		return
	}
	if p.isDir(n) && p.isOpen(n) && !p.filter.applied() {
		p.openSelected(false)
		return
	}
	depth := p.rows[p.l.cursor].depth
	for i := p.l.cursor - 1; i >= 0; i-- {
		if p.rows[i].depth < depth {
			p.l.to(i)
			return
		}
	}
}

func (p *treePane) title() string {
	switch {
	case p.k < 0:
		return "Filesystem"
	case p.changesOnly && p.own:
		return fmt.Sprintf("Changes in layer %d", p.k)
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
	return strings.Join(parts, " · ")
}
