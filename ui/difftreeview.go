package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"lx.dev/lx/model"
	"lx.dev/lx/model/report"
)

// diffCells lays out a diff tree row's size columns: the path's size in
// A, in B, and the change; full sizes when the pane is wide, compact ones
// when narrow.
type diffCells struct {
	format string
	sizeOf func(int64) string
	signed func(int64) string
}

var (
	wideDiffCells   = diffCells{"  %10s %10s %11s  ", size, report.Signed}
	narrowDiffCells = diffCells{" %6s %6s %7s  ", compactSize, compactSigned}
)

func (p *diffTreePane) cells() diffCells {
	if p.w < narrowLayers {
		return narrowDiffCells
	}
	return wideDiffCells
}

func (p *diffTreePane) View() string {
	s := p.c.Styles
	cells := p.cells()
	body := []string{s.Header.Render("M" + fmt.Sprintf(cells.format, "SIZE A", "SIZE B", "CHANGE") + "NAME")}
	switch {
	case p.d.err != nil:
		body = append(body, s.Error.Render("the images could not be compared"))
	case p.d.diff == nil:
		for _, l := range wrapWords(p.waitingText(), max(p.w-3, 10)) {
			body = append(body, s.Dim.Render(l))
		}
	case len(p.rows) == 0:
		body = append(body, s.Dim.Render(p.emptyText()))
	}
	lo, hi := p.l.visible()
	for i := lo; i < hi && p.d.diff != nil; i++ {
		body = append(body, p.c.cursorRow(p.row(i, cells), p.w-2, i == p.l.cursor, p.focused))
	}
	if p.filter.shown() {
		for len(body) < p.h-3 {
			body = append(body, "")
		}
		line := s.Key.Render("/") + " " + p.filter.input.view()
		if p.filtered() {
			line += s.Dim.Render(fmt.Sprintf("  %d matching", p.matched))
		}
		if p.filter.err != "" {
			line += "  " + s.Error.Render(p.filter.err)
		}
		body = append(body, line)
	}
	return p.c.frame(p.title(), p.focused, p.w, p.h, body)
}

// waitingText says what the tree waits for: both images read.
func (p *diffTreePane) waitingText() string {
	var parts []string
	for i, sd := range p.d.side {
		switch {
		case sd.img != nil:
			parts = append(parts, sideNames[i]+" is read")
		case sd.known:
			parts = append(parts, fmt.Sprintf("%s has %d of %d layers in", sideNames[i], sd.applied, len(sd.layers)))
		default:
			parts = append(parts, sideNames[i]+" is opening")
		}
	}
	return "The difference of the final filesystems shows once both images are read: " + strings.Join(parts, ", ") + "."
}

func (p *diffTreePane) emptyText() string {
	if p.filter.active() {
		return "no path matches the filter"
	}
	return "no difference: both final filesystems hold the same paths, bytes and metadata (modification times aside)"
}

func (p *diffTreePane) title() string {
	var parts []string
	if p.changesOnly {
		parts = append(parts, "Changes, B against A")
	} else {
		parts = append(parts, "Final filesystems, B against A")
	}
	if d := p.d.diff; d != nil {
		parts = append(parts, fmt.Sprintf("%d added, %d changed, %d deleted", d.Counts.Added, d.Counts.Changed, d.Counts.Deleted))
	}
	if p.bySize {
		parts = append(parts, "by size change")
	}
	t := strings.Join(parts, " · ")
	if len(p.rows) > p.l.h {
		t += fmt.Sprintf(" · %d/%d", p.l.cursor+1, len(p.rows))
	}
	return t
}

// row renders one row: marker, the sizes in A and B and the change, then
// the name (its place in the tree) and what differs.
func (p *diffTreePane) row(i int, cells diffCells) string {
	s := p.c.Styles
	r := p.rows[i]
	var (
		m            model.Marker
		sizeA, sizeB string
		delta        int64
		name         string
		dir          bool
		below        model.Counts
		tail         []string
	)
	if r.key.inRemoved() {
		fi, _ := p.statA(r.key.node)
		m, dir, name = model.Deleted, fi.Kind == model.KindDir, p.d.diff.A.Name(r.key.node)
		n := p.removedSize(r.key.node, fi)
		sizeA, sizeB, delta = cells.sizeOf(n), "—", -n
	} else {
		dp := p.d.diff.Paths[r.key.i]
		m, dir, below, name = dp.Marker, p.isDir(r.key.i), dp.Below, p.d.diff.Name(int(r.key.i))
		sizeA, sizeB, delta = cells.sizeOf(dp.SizeA), cells.sizeOf(dp.SizeB), dp.SizeB-dp.SizeA
		switch m {
		case model.Added:
			sizeA = "—"
		case model.Deleted:
			sizeB = "—"
		case model.Changed:
			a, _, b, _ := p.d.diff.States(int(r.key.i))
			tail = append(tail, s.Changed.Render(report.ChangeDetail(dp.Change, a, b)))
		}
		if m == model.Deleted && dp.Entries > 0 {
			tail = append(tail, s.Dim.Render("and "+plural(dp.Entries, "path", "paths")+" below"))
		}
		if below.Total() > 0 && dir {
			tail = append([]string{countsText(s, below)}, tail...)
		}
	}
	mark := " "
	if m != model.Unchanged {
		mark = markerStyle(s, m).Render(m.String())
	}
	change := ""
	if delta != 0 {
		change = cells.signed(delta)
	}
	cols := fmt.Sprintf(cells.format, sizeA, sizeB, change)
	nameStyle := rowNameStyle(s, m, dir, below.Total() > 0)
	avail := p.w - 2 - 1 - ansi.StringWidth(cols)
	var shown string
	if r.flat {
		shown = nameStyle.Render(midTrunc(model.DisplayPath(p.d.diff.Path(int(r.key.i))), avail))
	} else {
		name = model.EscapeName(name)
		glyph := " "
		switch {
		case !dir:
		case r.empty:
			name += "/"
		case p.isOpen(r.key):
			glyph = "▾"
		default:
			glyph = "▸"
		}
		shown = treeLine(s, p.lines, r.depth, r.last, glyph, name, nameStyle, avail)
	}
	line := mark + s.Dim.Render(cols) + shown
	if len(tail) > 0 {
		line += " " + strings.Join(tail, " ")
	}
	return line
}

// removedSize is what a path inside a removed directory held in A: a
// file's bytes, a directory's files below it (walkRemoved set up A's
// directory sizes).
func (p *diffTreePane) removedSize(n model.NodeID, fi model.FileInfo) int64 {
	if fi.Kind != model.KindDir || p.sizesA == nil {
		return fi.Size
	}
	return p.sizesA.Size(n)
}
