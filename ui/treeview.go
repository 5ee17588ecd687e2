package ui

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"lx.dev/lx/model"
	"lx.dev/lx/theme"
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
	case p.k < 0:
		body = append(body, s.Dim.Render("select a layer"))
	case !p.img.has(p.k):
		for _, l := range wrapWords(p.waitingText(), max(p.w-3, 10)) {
			body = append(body, s.Dim.Render(l))
		}
	case p.awaitsStudy():
		body = append(body, s.Dim.Render(fmt.Sprintf("working out what layer %d changed…", p.k)))
	case len(p.rows) == 0:
		body = append(body, s.Dim.Render(p.emptyText()))
	}
	lo, hi := p.l.visible()
	for i := lo; i < hi && p.img.has(p.k); i++ {
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

// waitingText says why the selected layer's tree is not shown yet: its
// bytes are still streaming, or they are in and wait for the layers below.
func (p *treePane) waitingText() string {
	n := len(p.img.layers)
	if p.k == p.img.writableLayer() {
		return fmt.Sprintf("the container's writable layer shows once the engine has listed its changes and sent what they hold, and the image's layers are in (%d of %d applied)", p.img.applied, n)
	}
	if p.img.bound[p.k] {
		return fmt.Sprintf("layer %d is read; it shows once the layers below it are in (%d of %d applied)", p.k, p.img.applied, n)
	}
	if p.img.deferred != "" && len(p.img.bound) == 0 {
		return fmt.Sprintf("layer %d shows once the manifest is read (%s; it is often the last member)", p.k, p.img.deferred)
	}
	return fmt.Sprintf("layer %d is not read yet; its tree shows as soon as it is (%d of %d applied)", p.k, p.img.applied, n)
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

// row renders one tree row: marker, mode, owner, size, then the name
// (its place in the tree, a link's target, the changes below a directory)
// and what the waste accounting says of the copy it shows.
func (p *treePane) row(i int) string {
	s := p.c.Styles
	img := p.img.view()
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
		sz = size(p.killedBelow[r.node])
	case fi.Kind == model.KindDir || fi.Kind == model.KindRegular || fi.Kind == model.KindHardlink:
		if n := p.sizeOf(r.node); n >= 0 { // a directory's is unknown while its layer's study is not in
			sz = size(n)
		}
	}
	owner := strconv.FormatUint(uint64(fi.UID), 10) + ":" + strconv.FormatUint(uint64(fi.GID), 10)
	cols := treeCells(modeString(fi.Kind, fi.Mode), owner, sz)

	var tail []string // what follows the name
	switch fi.Kind {
	case model.KindSymlink:
		tail = append(tail, s.Dim.Render("-> "+model.EscapeName(fi.Link)))
	case model.KindHardlink:
		tail = append(tail, s.Dim.Render("=> "+model.DisplayPath(fi.Link)))
	}
	below := p.below[r.node]
	if p.own && fi.Kind == model.KindDir && below.Total() > 0 && m != model.Deleted {
		tail = append(tail, countsText(s, below))
	}
	if note, st, ok := wasteNote(p.c.Styles, p.img, r.node, fi, m, p.k, p.own); ok {
		tail = append(tail, st.Render(note))
	} else if m == model.Deleted && fi.Kind == model.KindDir && p.killedBelow[r.node] > 0 {
		tail = append(tail, s.Removed.Render(fmt.Sprintf("✗ deletes %s of shipped copies", size(p.killedBelow[r.node]))))
	}

	nameStyle := rowNameStyle(s, m, fi.Kind == model.KindDir, p.own && below.Total() > 0)
	avail := p.w - 2 - 1 - ansi.StringWidth(cols)
	var name string
	if r.flat {
		name = nameStyle.Render(midTrunc(model.DisplayPath(img.Path(r.node)), avail))
	} else {
		name = p.treeName(r, fi, nameStyle, avail)
	}
	line := mark + s.Dim.Render(cols) + name
	if len(tail) > 0 {
		line += " " + strings.Join(tail, " ")
	}
	return line
}

// rowNameStyle is how a tree row's name is drawn: a deleted path
// struck, a directory holding changes in the accent, another in bold.
func rowNameStyle(s *theme.Styles, m model.Marker, dir, changesBelow bool) lipgloss.Style {
	switch {
	case m == model.Deleted:
		return s.DeletedRow
	case dir && changesBelow:
		return s.Key
	case dir:
		return s.Bold
	}
	return s.Text
}

// treeName is a row's name in the tree, after its connectors (or indent)
// and its open/closed sign.
func (p *treePane) treeName(r treeRow, fi model.FileInfo, st lipgloss.Style, avail int) string {
	name := model.EscapeName(p.img.view().Name(r.node))
	glyph := " "
	switch {
	case fi.Kind != model.KindDir:
	case r.empty:
		name += "/"
	case p.isOpen(r.node):
		glyph = "▾"
	default:
		glyph = "▸"
	}
	return treeLine(p.c.Styles, p.lines, r.depth, r.last, glyph, name, st, avail)
}

// treeLine draws a name at its place in a tree: connector lines (or a
// plain indent), the open/closed glyph, the name in st. However deep the
// row (depth; last's bit d says the ancestor at depth d is its
// directory's last), the name stays visible: the levels nearest the root
// give way to a "…" first.
func treeLine(s *theme.Styles, lines bool, depth int32, last uint64, glyph, name string, st lipgloss.Style, avail int) string {
	var levels []string // one per depth above the row, then the row's own
	for d := range int(depth) {
		switch {
		case !lines:
			levels = append(levels, "  ")
		case d < 64 && last&(1<<d) != 0:
			levels = append(levels, "  ")
		default:
			levels = append(levels, "│ ")
		}
	}
	own := glyph + " "
	if lines {
		branch := "├"
		if depth < 64 && last&(1<<depth) != 0 {
			branch = "└"
		}
		if glyph == " " {
			glyph = "─"
		}
		own = branch + glyph + " "
	}
	nameW := min(ansi.StringWidth(name), max(avail-4, 8))
	drop := 0
	for drop < len(levels) && 2*(len(levels)-drop)+3+nameW > avail {
		drop++
	}
	prefix := strings.Join(levels[drop:], "")
	if drop > 0 {
		prefix = "…" + prefix[len(levels[drop]):]
		if drop == len(levels) {
			prefix = "…"
		}
	}
	return s.Dim.Render(prefix+own) + st.Render(midTrunc(name, max(avail-ansi.StringWidth(prefix+own), 1)))
}

// countsText is the changes below a directory: "+300 ~2 -1", each in its
// marker's colour, the zero ones left out.
func countsText(s *theme.Styles, c model.Counts) string {
	var parts []string
	for _, x := range []struct {
		n    int
		sign string
		m    model.Marker
	}{{c.Added, "+", model.Added}, {c.Changed, "~", model.Changed}, {c.Deleted, "-", model.Deleted}} {
		if x.n > 0 {
			parts = append(parts, markerStyle(s, x.m).Render(x.sign+strconv.Itoa(x.n)))
		}
	}
	return strings.Join(parts, " ")
}
