package ui

import (
	"fmt"

	"charm.land/lipgloss/v2"
	"strconv"
	"strings"

	"lx.dev/lx/model"
	"lx.dev/lx/model/report"
)

// treeColumns heads the tree; treeCells lays out a row the same way.
var treeColumns = "M" + treeCells("MODE", "UID:GID", "SIZE") + "NAME"

func treeCells(mode, owner, size string) string {
	return fmt.Sprintf("  %-10s %9s %10s  ", mode, owner, size)
}

func (p *treePane) View() string {
	s := p.c.Styles
	body := []string{s.Header.Render(treeColumns)}
	switch {
	case p.img.err != nil:
		body = append(body, s.Error.Render("the image could not be read"))
	case p.img.img == nil:
		body = append(body, s.Dim.Render(fmt.Sprintf("the filesystem shows once every layer is read (%d of %d)", p.img.read, len(p.img.layers))))
	case p.k < 0:
		body = append(body, s.Dim.Render("select a layer"))
	case len(p.rows) == 0:
		body = append(body, s.Dim.Render(p.emptyText()))
	}
	lo, hi := p.l.visible()
	for i := lo; i < hi && p.img.img != nil; i++ {
		body = append(body, p.c.cursorRow(p.row(i), p.w-2, i == p.l.cursor, p.focused))
	}
	if p.filter.shown() {
		for len(body) < p.h-3 {
			body = append(body, "")
		}
		body = append(body, p.filterLine())
	}
	return p.c.frame(p.title(), p.focused, p.w, p.h, body)
}

func (p *treePane) emptyText() string {
	switch {
	case p.filter.active():
		return "no path matches the filter"
	case p.changesOnly && p.own, p.hideUnchanged && p.own:
		return "this layer changes no path"
	}
	return "the filesystem is empty"
}

func (p *treePane) filterLine() string {
	s := p.c.Styles
	line := s.Key.Render("/") + " " + p.filter.input.view()
	if p.filter.active() {
		n := len(p.filter.matched)
		if p.changesOnly && p.own {
			n = len(p.rows)
		}
		line += s.Dim.Render(fmt.Sprintf("  %d matching", n))
	}
	if p.filter.err != "" {
		line += "  " + s.Error.Render(p.filter.err)
	}
	return line
}

// row renders one tree row: marker, mode, owner, size, name, and what the
// waste accounting says of the copy it shows.
func (p *treePane) row(i int) string {
	s := p.c.Styles
	img := p.img.img
	r := p.rows[i]
	fi, _ := p.info(r.node)
	m := model.Unchanged
	if p.own {
		m = img.Marker(r.node, p.k)
	}
	mark := " "
	if m != model.Unchanged {
		mark = markerStyle(s, m).Render(m.String())
	}
	sz := ""
	switch {
	case m == model.Deleted && fi.Kind == model.KindDir:
		sz = "—"
	case fi.Kind == model.KindDir || fi.Kind == model.KindRegular || fi.Kind == model.KindHardlink:
		sz = size(p.sizeOf(r.node))
	}
	owner := strconv.FormatUint(uint64(fi.UID), 10) + ":" + strconv.FormatUint(uint64(fi.GID), 10)
	cols := treeCells(modeString(fi.Kind, fi.Mode), owner, sz)

	name := r.path
	if name == "" {
		glyph := "  "
		if fi.Kind == model.KindDir {
			glyph = "▸ "
			if p.isOpen(r.node) {
				glyph = "▾ "
			}
		}
		name = strings.Repeat("  ", int(r.depth)) + glyph + model.EscapeName(img.Name(r.node))
	}
	nameStyle := s.Text
	switch {
	case m == model.Deleted:
		nameStyle = s.DeletedRow
	case fi.Kind == model.KindDir:
		nameStyle = s.Bold
	}
	line := mark + s.Dim.Render(cols) + nameStyle.Render(name)
	switch fi.Kind {
	case model.KindSymlink:
		line += s.Dim.Render(" -> " + model.EscapeName(fi.Link))
	case model.KindHardlink:
		line += s.Dim.Render(" -> " + model.DisplayPath(fi.Link))
	}
	if note, st, ok := p.note(r.node, fi, m); ok {
		line += "  " + st.Render(note)
	}
	return line
}

// note is what the waste accounting says of the copy a row shows: that a
// later layer kills it, that this layer recopied or overwrote an older
// copy, or that this layer's deletion made a copy waste.
func (p *treePane) note(n model.NodeID, fi model.FileInfo, m model.Marker) (string, lipgloss.Style, bool) {
	img := p.img.img
	if fi.Kind != model.KindRegular {
		return "", lipgloss.Style{}, false
	}
	var fate, here []string // what becomes of the copy; what this layer did
	var style lipgloss.Style
	styled := false
	add := func(to *[]string, c model.Cause, text string) {
		if !styled || to == &fate {
			style, styled = causeStyle(p.c.Styles, c), true
		}
		*to = append(*to, text)
	}
	for _, wi := range p.img.wasteOf[n] {
		w := img.Waste[wi]
		switch {
		case m == model.Deleted:
			if w.MadeBy == fi.Layer && w.KilledBy == p.k {
				add(&here, w.Cause, fmt.Sprintf("wastes layer %d's copy (%s)", w.MadeBy, size(w.Bytes)))
			}
		case w.MadeBy == fi.Layer && w.KilledBy > p.k:
			text := fmt.Sprintf("%s by layer %d", w.Cause, w.KilledBy)
			if w.Cause == model.Recopied {
				text += " (" + report.Change(w.Meta) + ")"
			}
			add(&fate, w.Cause, text)
		case p.own && fi.Layer == p.k && w.KilledBy == p.k:
			switch w.Cause {
			case model.Recopied:
				add(&here, w.Cause, fmt.Sprintf("needless recopy of layer %d (%s)", w.MadeBy, report.Change(w.Meta)))
			case model.Overwritten:
				add(&here, w.Cause, fmt.Sprintf("overwrites layer %d's copy", w.MadeBy))
			}
		}
	}
	notes := append(fate, here...)
	if notes == nil {
		return "", style, false
	}
	return "✗ " + strings.Join(notes, " · "), style, true
}
