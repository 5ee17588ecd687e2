package ui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"lx.dev/lx/model"
	"lx.dev/lx/model/report"
)

// historyView is a path's history, git log for one path: every layer
// that touched it, in order (added, changed and what, deleted and how,
// came back), each with its step's command, its size and the fate of the
// copy it wrote. Enter shows the path in the tree after that layer. While
// the image loads it lists the layers in so far, and grows with them.
type historyView struct {
	c    *Common
	img  *image
	node model.NodeID
	at   int // the layer the tree showed: the cursor starts on its line

	from    *model.Image // the image the events were listed from
	applied int          // …and how many layers it had
	loaded  bool         // …and whether it was whole
	events  []model.PathEvent
	texts   []string // what each event did, in words

	l      list // one row per event, two lines each
	marked int  // the layer whose copy d diffs against, -1 for none
	w, h   int
}

const historyID OverlayID = "history"

// historyHead and historyFoot are the lines a history view gives to
// its summary and column header, and to the cursor's line in full.
const (
	historyHead = 2
	historyFoot = 2
)

// newHistoryView opens the history of the path under the tree's cursor;
// with no path there it says so in the footer and opens nothing.
func newHistoryView(c *Common, img *image) Overlay {
	if !c.Path.ok || img.view() == nil {
		c.post(noticeMsg("no path to tell the history of: choose one in the tree"))
		return nil
	}
	v := &historyView{c: c, img: img, node: c.Path.node, at: c.Path.layer, marked: -1}
	v.sync()
	for i, e := range v.events {
		if e.Layer <= v.at {
			v.l.to(i)
		}
	}
	return v
}

func (v *historyView) ID() OverlayID { return historyID }

// Area is as wide as the terminal allows (up to 120 cells) and as tall as
// the history needs, up to the terminal's height less a margin.
func (v *historyView) Area(w, h int) (int, int) {
	v.sync()
	need := 2 + historyHead + 2*max(len(v.events), 1) + historyFoot
	return min(w-4, 120), min(max(need, 10), h-4)
}

func (v *historyView) SetSize(w, h int) {
	v.w, v.h = w, h
	v.l.setHeight((h - 2 - historyHead - historyFoot) / 2)
}

func (v *historyView) Capturing() bool { return false }

func (v *historyView) KeyHelp() []key.Binding {
	k := v.c.Keys
	return []key.Binding{relabel(k.Enter, "show in the tree"), relabel(k.Diff, "diff copies"), relabel(k.Toggle, "mark"), relabel(k.Up, "move"), relabel(k.Back, "close")}
}

// sync lists the events again when the image moved on (a layer came in,
// the analysis ended), the cursor kept on its layer.
func (v *historyView) sync() {
	img := v.img.view()
	if img == v.from && v.img.applied == v.applied && v.img.loaded() == v.loaded {
		return
	}
	layer := -1
	if v.l.cursor < len(v.events) {
		layer = v.events[v.l.cursor].Layer
	}
	v.from, v.applied, v.loaded = img, v.img.applied, v.img.loaded()
	v.events = img.History(v.node)
	v.texts = make([]string, len(v.events))
	back := false // a deletion came before: an A is a return
	for i, e := range v.events {
		v.texts[i] = report.EventText(e, back)
		back = back || e.Marker == model.Deleted
	}
	v.l.setLen(len(v.events))
	for i, e := range v.events {
		if e.Layer == layer {
			v.l.to(i)
		}
	}
}

func (v *historyView) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case imageChangedMsg:
		v.sync()
	case tea.KeyPressMsg:
		k := v.c.Keys
		switch {
		case key.Matches(msg, k.Back):
			return closeOverlay(v.c, historyID)
		case v.l.navigate(k, msg):
		case key.Matches(msg, k.Enter):
			if v.l.cursor < len(v.events) {
				v.c.post(JumpMsg{Node: v.node, Layer: v.events[v.l.cursor].Layer})
			}
		case key.Matches(msg, k.Toggle):
			if v.l.cursor < len(v.events) {
				if l := v.events[v.l.cursor].Layer; v.marked != l {
					v.marked = l
				} else {
					v.marked = -1
				}
			}
		case key.Matches(msg, k.Diff):
			v.diffCopies()
		}
	}
	return nil
}

// diffCopies opens the viewer on the diff of the cursor's copy against
// the marked one, or the one before it: the older on the left.
func (v *historyView) diffCopies() {
	if v.l.cursor >= len(v.events) {
		return
	}
	e := v.events[v.l.cursor]
	if !holdsBytes(e) {
		v.c.post(noticeMsg(fmt.Sprintf("layer %d leaves no file here to diff: choose a row with a copy", e.Layer)))
		return
	}
	against := -1
	for i, o := range v.events {
		switch {
		case v.marked >= 0 && o.Layer == v.marked && o.Layer != e.Layer && holdsBytes(o):
			against = o.Layer
		case v.marked < 0 && i < v.l.cursor && holdsBytes(o):
			against = o.Layer // the last copy before the cursor's
		}
	}
	if against < 0 {
		v.c.post(noticeMsg(fmt.Sprintf("no other copy to diff against: %s marks one", shortKey(v.c.Keys.Toggle))))
		return
	}
	older, newer := min(against, e.Layer), max(against, e.Layer)
	v.c.post(openViewerMsg{Node: v.node, Layer: newer, Against: older})
}

// holdsBytes tells whether a layer left a file at the path: a copy to
// read.
func holdsBytes(e model.PathEvent) bool {
	return e.Marker != model.Deleted && (e.Info.Kind == model.KindRegular || e.Info.Kind == model.KindHardlink)
}

func (v *historyView) Scroll(d int) { v.l.scroll(d) }

// Click puts the cursor on the row clicked; its two lines are one row.
func (v *historyView) Click(_, y int) tea.Cmd {
	top := 1 + historyHead
	if i := v.l.offset + (y-top)/2; y >= top && y < top+2*v.l.h && i < v.l.n {
		v.l.to(i)
	}
	return nil
}
