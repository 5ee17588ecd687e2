package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"lx.dev/lx/model"
)

// treePane shows the filesystem after the selected layer, or that layer's
// changes alone, with A/C/D markers, the changes below each directory and
// the waste highlights.
//
// Its rows are a flat list of the open directories' shown children; a row
// is rendered only while it is on screen. Rebuilding the list costs
// O(rows in open directories) (or O(changes in the layer)), and moving the
// cursor O(rows on screen): nothing walks the whole image but a filter.
type treePane struct {
	pathList
	c   *Common
	img *image

	k   int  // the layer whose filesystem is shown, -1 for none
	own bool // the selected step made layer k: its markers are shown

	changesOnly   bool // the layer's changes as a flat list
	hideUnchanged bool // only changed paths and their directories
	bySize        bool
	lines         bool // connector lines (├──) instead of a plain indent

	allOpen  bool                            // every directory open, but those in shut
	open     map[model.NodeID]bool           // directories opened (when !allOpen)
	auto     map[model.NodeID]bool           // directories a layer's changes opened, not the user
	shut     map[model.NodeID]bool           // directories closed (when allOpen)
	children map[model.NodeID][]model.NodeID // every child by name, per directory, while no layer comes in
	sizes    *model.DirSizes
	sizesOf  *model.Image // the image sizes follows

	// What layer k changed: the changes below each directory, and the
	// bytes each deleted directory's copies held. Both are worked out once
	// per layer and kept (a layer's changes are final once it is applied;
	// what it killed, until the figures grow).
	layerOf     int
	studying    bool // a layer's study is under way off the update loop (treestudy.go)
	loopStudy   int  // the most entries of a layer whose study a visit works out on the update loop
	below       map[model.NodeID]model.Counts
	killedBelow map[model.NodeID]int64
	belowOf     map[int]map[model.NodeID]model.Counts // every layer studied so far
	changesOf   map[int][]model.NodeID                // each layer's changes in path order, once asked
	kindsOf     map[int][]model.Kind                  // each layer's own view: the kind it lists each path with, by NodeID (treestudy.go)
	belowFrom   *model.Image                          // the image belowOf and changesOf were worked out on
	killedOf    map[int]map[model.NodeID]int64        // every layer's, from killedFrom
	killedFrom  *model.Image                          // the figures killedOf was worked out from

	moved bool         // the user moved in the tree: layer switches keep the place
	shown model.NodeID // the node details were last told of, -1 for none
	rows  []treeRow

	walkStack []shownKid   // the shown children of the directories a walk is in
	kindsBuf  []model.Kind // the kinds a walk asked of the model, reused
}

type treeRow struct {
	node  model.NodeID
	depth int32
	last  uint64 // bit d: the row's ancestor at depth d (or the row, at its depth) is its directory's last
	empty bool   // a directory that lists nothing in this view
	flat  bool   // the changes list shows whole paths
}

func newTreePane(c *Common, img *image) *treePane {
	return &treePane{
		c: c, img: img, k: -1, layerOf: -1, loopStudy: studyOnLoop, shown: -1, lines: !c.PlainTree,
		open: map[model.NodeID]bool{}, shut: map[model.NodeID]bool{}, auto: map[model.NodeID]bool{},
		children: map[model.NodeID][]model.NodeID{},
		pathList: pathList{filter: newFilter(c)},
	}
}

// revealMsg asks the tree to show path Node in the filesystem after
// layer Layer (the waste list's jump).
type revealMsg struct {
	Node  model.NodeID
	Layer int
}

// nodeSelectedMsg says which path the tree's cursor is on, while the tree
// has the focus: the details describe it.
type nodeSelectedMsg struct {
	Node  model.NodeID
	Layer int
	Own   bool
}

func (p *treePane) KeyHelp() []key.Binding {
	k := p.c.Keys
	if binds, ok := p.filterHelp(k); ok {
		return binds
	}
	return []key.Binding{relabel(k.Filter, "filter"), relabel(k.Toggle, "open"), relabel(k.ChangesOnly, "changes"), relabel(k.HideUnchanged, "changed only"), relabel(k.Sort, "sort")}
}

func (p *treePane) Scroll(d int) {
	p.pathList.Scroll(d)
	p.notePath()
}

func (p *treePane) Click(_, y int) tea.Cmd {
	if p.clickRow(y) {
		p.moved = true
	}
	return p.announce()
}

func (p *treePane) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case focusMsg:
		p.focused = msg.focused
		p.shown = -1 // gaining the focus: tell the details again
	case themeChangedMsg:
		p.filter.input.restyle(p.c)
	case stepSelectedMsg:
		p.setLayer(msg.Layer, msg.Own)
		return tea.Batch(p.studyAhead(), p.search(), p.announce())
	case imageChangedMsg:
		p.grew()
		return tea.Batch(p.studyAhead(), p.search(), p.announce())
	case studiedMsg:
		return p.studied(msg)
	case revealMsg:
		p.reveal(msg.Node, msg.Layer, true)
	case filterMsg:
		if p.filter.take(msg, p.k) {
			p.rebuild()
		}
	case tea.KeyPressMsg:
		if p.filter.editing() {
			return tea.Batch(p.typeFilter(msg), p.announce())
		}
		return tea.Batch(p.key(msg), p.announce())
	case tea.PasteMsg, tea.ClipboardMsg:
		if p.filter.editing() {
			return p.typeFilter(msg)
		}
	}
	return tea.Batch(p.search(), p.announce())
}

// announce tells the details which path the cursor is on, while the tree
// has the focus and the path (or the layer) changed.
func (p *treePane) announce() tea.Cmd {
	p.notePath()
	n, ok := p.selectedNode()
	if !p.focused || !ok || n == p.shown {
		return nil
	}
	p.shown = n
	p.c.post(nodeSelectedMsg{Node: n, Layer: p.k, Own: p.own})
	return nil
}

// notePath tells Common which path the cursor is on, focused or not: the
// history overlay (H) tells that path's story.
func (p *treePane) notePath() {
	n, ok := p.selectedNode()
	p.c.Path = pathRef{node: n, layer: p.k, ok: ok}
}

// search asks for the filter's matches in the layer shown, when they are
// not in yet.
func (p *treePane) search() tea.Cmd {
	if img := p.img.view(); p.img.has(p.k) && p.filter.active() && !(p.changesOnly && p.own) {
		return p.filter.search(img, p.k)
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
		p.moved = true
	case key.Matches(msg, k.Right):
		p.openSelected(true)
	case key.Matches(msg, k.Left):
		p.left()
	case key.Matches(msg, k.Enter) && p.onFile():
		n, _ := p.selectedNode()
		p.c.post(openViewerMsg{Node: n, Layer: p.k, Own: p.own, Against: -1})
	case key.Matches(msg, k.Toggle, k.Enter):
		if n, ok := p.selectedNode(); ok {
			p.openSelected(!p.isOpen(n))
		}
	case key.Matches(msg, k.Extract) && p.img.has(p.k):
		if n, ok := p.selectedNode(); ok {
			p.c.post(openExtractMsg{Node: n, Layer: p.k})
		}
	case key.Matches(msg, k.CopyPath):
		if n, ok := p.selectedNode(); ok {
			path := model.DisplayPath(p.img.view().Path(n))
			return copyText(p.c, path, path)
		}
	case key.Matches(msg, k.CopyContent):
		if n, ok := p.selectedNode(); ok {
			return copyFile(p.c, p.img, n, p.k)
		}
	case key.Matches(msg, k.ExpandAll):
		p.moved = true
		p.allOpen, p.shut = true, map[model.NodeID]bool{}
		p.rebuild()
	case key.Matches(msg, k.CollapseAll):
		p.moved = true
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
	case key.Matches(msg, k.Lines):
		p.lines = !p.lines
	case key.Matches(msg, k.Filter):
		p.filter.start()
		p.l.setHeight(p.listHeight())
	case key.Matches(msg, k.Back):
		p.clearFilter()
	}
	return nil
}

// onFile tells whether the cursor is on a path that is no directory in
// the layer shown (or was one the layer deleted): Enter views it.
func (p *treePane) onFile() bool {
	n, ok := p.selectedNode()
	if !ok || !p.img.has(p.k) {
		return false
	}
	info, ok := p.info(n)
	return ok && info.Kind != model.KindDir
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
	if !p.img.has(p.k) || !p.filter.active() || (p.changesOnly && p.own) {
		p.rebuild()
		return nil
	}
	return p.filter.search(p.img.view(), p.k)
}

func (p *treePane) openSelected(open bool) {
	n, ok := p.selectedNode()
	if !ok || !p.isDir(n) || p.isOpen(n) == open || p.filter.applied() {
		return
	}
	p.moved = true
	p.setOpen(n, open)
	delete(p.auto, n)
	p.rebuild()
}

func (p *treePane) left() {
	n, ok := p.selectedNode()
	if !ok {
		return
	}
	p.moved = true
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
