package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"lx.dev/lx/model"
)

// JumpMsg asks to show a path in the filesystem after a layer: the waste
// list's Enter.
type JumpMsg struct {
	Node  model.NodeID
	Layer int
}

// wasteList lists every wasted copy, biggest first (or grouped by
// directory or by killing step), with the fix hints under it. Its two
// parts scroll apart: the key that moves between panes moves between
// them.
type wasteList struct {
	c   *Common
	img *image

	from     *model.Image // the figures the rows were listed from
	grouping wasteGrouping
	groups   []wasteGroup // when grouped
	group    int          // the group shown copy by copy, -1 for none
	rows     []int        // the copies listed (indexes into img.Waste)
	l        list

	hints   list // the fix hints, as wrapped lines
	inHints bool // the hints have the keys
	wrapped []string
	wrapW   int

	w, h int
}

const wasteID OverlayID = "waste"

func newWasteList(c *Common, img *image) Overlay {
	p := &wasteList{c: c, img: img, group: -1}
	p.regroup()
	return p
}

func (p *wasteList) ID() OverlayID { return wasteID }

func (p *wasteList) Area(w, h int) (int, int) { return min(w-4, 120), h - 4 }

func (p *wasteList) Capturing() bool { return false }

func (p *wasteList) SetSize(w, h int) {
	p.w, p.h = w, h
	p.wrapHints(w - 2)
	p.hints.setHeight(p.hintsHeight() - 1)
	p.hints.setLen(len(p.wrapped))
	p.l.setHeight(p.listHeight())
}

// hintsHeight is the part of the pane under the list kept for the fix
// hints: at least a third of it, more when the list is short (no empty
// rows between the two), never more than the hints need.
func (p *wasteList) hintsHeight() int {
	if len(p.img.hints) == 0 || p.h < 14 {
		return 0
	}
	spare := p.h - 4 - p.l.n // what the list leaves
	return min(max(p.h/3, 4, spare), 1+len(p.wrapped))
}

// listHeight is the rows the list shows: the pane less its borders,
// header, footer and the hints.
func (p *wasteList) listHeight() int { return max(p.h-4-p.hintsHeight(), 1) }

// showingGroups tells whether the rows are groups (not yet opened).
func (p *wasteList) showingGroups() bool { return p.grouping != byCopy && p.group < 0 }

func (p *wasteList) KeyHelp() []key.Binding {
	k := p.c.Keys
	enter := relabel(k.Enter, "show in the tree")
	if p.showingGroups() {
		enter = relabel(k.Enter, "open the group")
	}
	back := relabel(k.Back, "close")
	if p.group >= 0 {
		back = relabel(k.Back, "back to the groups")
	}
	part := relabel(k.NextPane, "scroll the hints")
	if p.inHints {
		part = relabel(k.NextPane, "scroll the list")
	}
	return []key.Binding{enter, back, relabel(k.Group, "group"), part}
}

func (p *wasteList) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case imageChangedMsg:
		if p.img.snap != p.from {
			p.relist()
		}
	case tea.KeyPressMsg:
		return p.key(msg)
	}
	return nil
}

// relist takes newer figures (the load goes on under the list): the rows
// are listed again, the cursor kept on its row and an opened group open.
func (p *wasteList) relist() {
	name, cursor := "", p.l.cursor
	if p.group >= 0 && p.group < len(p.groups) {
		name = p.groups[p.group].name
	}
	p.group = -1
	p.regroupKeepCursor()
	for i, g := range p.groups {
		if name != "" && g.name == name {
			p.group, p.rows = i, g.members
			p.l.setLen(len(p.rows))
		}
	}
	p.l.to(min(cursor, max(p.l.n-1, 0)))
	p.wrapW = 0
	p.SetSize(p.w, p.h)
}

func (p *wasteList) key(msg tea.KeyPressMsg) tea.Cmd {
	k := p.c.Keys
	switch {
	case key.Matches(msg, k.Back):
		if g := p.group; g >= 0 {
			p.group = -1
			p.regroupKeepCursor()
			p.l.to(g)
			return nil
		}
		return closeOverlay(p.c, wasteID)
	case key.Matches(msg, k.NextPane, k.PrevPane):
		p.inHints = !p.inHints && len(p.wrapped) > 0
	case key.Matches(msg, k.Group):
		p.grouping = (p.grouping + 1) % groupingCount
		p.group = -1
		p.regroup()
	case p.inHints:
		p.hints.scrollKeys(k, msg)
	case p.l.navigate(k, msg):
	case key.Matches(msg, k.Enter):
		return p.enter()
	}
	return nil
}

// enter opens the group under the cursor, or shows the copy in the tree.
func (p *wasteList) enter() tea.Cmd {
	if p.showingGroups() {
		if p.l.cursor < len(p.groups) {
			p.group = p.l.cursor
			p.rows = p.groups[p.group].members
			p.l.setLen(len(p.rows))
			p.l.to(0)
		}
		return nil
	}
	if p.l.cursor >= len(p.rows) {
		return nil
	}
	w := p.img.snap.Waste[p.rows[p.l.cursor]]
	p.c.post(JumpMsg{Node: w.Node, Layer: w.MadeBy})
	return nil
}

func (p *wasteList) Scroll(d int) {
	if p.inHints {
		p.hints.scroll(d)
	} else {
		p.l.scroll(d)
	}
}

func (p *wasteList) Click(_, y int) tea.Cmd {
	if y >= 2 && y < 2+p.l.h {
		p.inHints = false
		p.l.to(p.l.offset + y - 2)
	}
	return nil
}
