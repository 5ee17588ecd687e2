package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"lx.dev/lx/model/report"
)

// layersPane lists every history step; moving its cursor selects the
// step whose filesystem the tree shows and the details describe.
type layersPane struct {
	passive
	c       *Common
	img     *image
	l       list
	w, h    int
	focused bool
	sent    int // the row the last stepSelectedMsg named, -1 before any
}

func newLayersPane(c *Common, img *image) *layersPane {
	return &layersPane{c: c, img: img, sent: -1}
}

// stepSelectedMsg says which step the layer list selects; App passes it
// on to every screen. Layer is the filesystem the step sees (the last
// layer at or above it), Own whether the step made that layer.
type stepSelectedMsg struct {
	Row   stepRow
	Layer int
	Own   bool
}

// moveLayerMsg moves the selection to the next (Delta > 0) or previous row
// that owns a layer; selectLayerMsg to layer Layer's row.
type (
	moveLayerMsg   struct{ Delta int }
	selectLayerMsg struct{ Layer int }
)

func (p *layersPane) SetSize(w, h int) {
	p.w, p.h = w, h
	p.fit()
}

// fit sizes the list: the pane less its borders, the column header and,
// with a base, the line of its rule.
func (p *layersPane) fit() {
	rows := p.h - 3
	if p.img.cfg.Relations.Base != nil {
		rows--
	}
	p.l.setHeight(rows)
}

func (p *layersPane) KeyHelp() []key.Binding {
	k := p.c.Keys
	binds := []key.Binding{relabel(k.NextLayer, "next layer"), relabel(k.PrevLayer, "previous")}
	if p.img.cfg.Relations.SharedBy != nil {
		binds = append(binds, relabel(k.Enter, "images sharing it"))
	}
	return binds
}

func (p *layersPane) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case focusMsg:
		p.focused = msg.focused
		if msg.focused {
			p.sent = -1 // the details go back to the step
		}
	case imageChangedMsg:
		first := p.l.n == 0
		p.fit()
		p.l.setLen(len(p.img.rows))
		p.sent = -1 // the rows may be new: say the selection again
		if k := p.img.writableLayer(); first && k >= 0 {
			p.l.to(p.img.rowOfLayer(k)) // a container opens on its writable layer
		}
	case moveLayerMsg:
		p.stepLayer(msg.Delta)
	case selectLayerMsg:
		if i := p.img.rowOfLayer(msg.Layer); i >= 0 {
			p.l.to(i)
		}
	case tea.KeyPressMsg:
		if key.Matches(msg, p.c.Keys.Enter) {
			p.showSharers()
			return nil
		}
		if key.Matches(msg, p.c.Keys.CopyPath, p.c.Keys.CopyContent) && len(p.img.rows) > 0 {
			return p.copyCommand()
		}
		p.l.navigate(p.c.Keys, msg)
	}
	return p.announce()
}

// copyCommand puts the selected step's command on the clipboard, as the
// layer list shows it (RUN …).
func (p *layersPane) copyCommand() tea.Cmd {
	cmd := report.Instruction(p.img.command(p.img.rows[p.l.cursor]))
	if cmd == "" {
		p.c.post(noticeMsg("this step has no command"))
		return nil
	}
	return copyText(p.c, cmd, "the step's command")
}

// showSharers opens the list of the other images that hold the selected
// layer (Enter on the SHARED count).
func (p *layersPane) showSharers() {
	if len(p.img.rows) == 0 {
		return
	}
	if k := p.img.rows[p.l.cursor].layer; k >= 0 && p.img.cfg.Relations.Sharers(k) > 0 {
		p.c.post(openSharersMsg{Layer: k})
	}
}

// announce tells App when the selected row changed.
func (p *layersPane) announce() tea.Cmd {
	if len(p.img.rows) == 0 || p.l.cursor == p.sent {
		return nil
	}
	p.sent = p.l.cursor
	row := p.img.rows[p.l.cursor]
	p.c.post(stepSelectedMsg{Row: row, Layer: p.img.layerAsOf(p.l.cursor), Own: row.layer >= 0})
	return nil
}

// stepLayer moves to the next (d > 0) or previous row that owns a layer,
// staying put at the ends.
func (p *layersPane) stepLayer(d int) {
	for i := p.l.cursor + d; i >= 0 && i < len(p.img.rows); i += d {
		if p.img.rows[i].layer >= 0 {
			p.l.to(i)
			return
		}
	}
}

func (p *layersPane) Scroll(d int) { p.l.scroll(d) }

func (p *layersPane) Click(_, y int) tea.Cmd {
	if i, ok := p.rowAt(y); ok {
		p.l.to(i)
	}
	return p.announce()
}

// rowAt is the row drawn at line y of the pane (the base rule is no row).
func (p *layersPane) rowAt(y int) (int, bool) {
	line := y - 2 // the border and the column header
	lo, hi := p.l.visible()
	if rule := p.baseRow(); rule >= 0 && rule < hi {
		if rule <= lo || line > rule-lo {
			line-- // the rule is above this line
		} else if line == rule-lo {
			return 0, false
		}
	}
	i := lo + line
	return i, line >= 0 && i < hi
}

// layerCols lays out the layer list's columns: full sizes when wide, a
// compact form when narrow (80 columns keep every column). PULL shows
// only when the source knows the blobs' pull sizes (a registry, an archive
// of compressed blobs), SHARED only when it knows the other images (an
// engine).
type layerCols struct {
	head   string
	lead   string // index, size
	counts string // A, C, D
	waste  string // the two waste cells
	pull   string // the PULL cell, "" when the column is hidden
	shared string // the SHARED cell, "" when the column is hidden
	size   func(int64) string
}

var (
	wideLayerCols = layerCols{
		head:   "  #       SIZE     A     C     D     WASTED     KILLED  ",
		lead:   "%3s  %9s  ",
		counts: "%4s  %4s  %4s  ",
		waste:  "%9s  %9s  ",
		size:   size,
	}
	narrowLayerCols = layerCols{
		head:   "  #   SIZE    A    C    D WASTED KILLED ",
		lead:   "%3s %6s ",
		counts: "%4s %4s %4s ",
		waste:  "%6s %6s ",
		size:   compactSize,
	}
	narrowLayers = 100 // below this pane width, the compact columns
)

func (p *layersPane) cols() layerCols {
	c := wideLayerCols
	if p.w < narrowLayers {
		c = narrowLayerCols
	}
	if p.img.pullKnown() {
		if p.w < narrowLayers {
			c.head, c.pull = strings.Replace(c.head, "SIZE ", "SIZE   PULL ", 1), "%6s "
		} else {
			c.head, c.pull = strings.Replace(c.head, "SIZE  ", "SIZE       PULL  ", 1), "%9s  "
		}
	}
	if p.img.cfg.Relations.SharedBy != nil {
		if p.w < narrowLayers {
			c.head, c.shared = c.head+"SHR ", "%3s "
		} else {
			c.head, c.shared = c.head+"SHARED  ", "%6s  "
		}
	}
	c.head += "COMMAND"
	return c
}

// baseRow is the row before which the base boundary is drawn: the first
// step after the base's own (the image's history starts with its base's),
// else the first row of the layer above the base; -1 without a base.
func (p *layersPane) baseRow() int {
	b := p.img.cfg.Relations.Base
	switch {
	case b == nil:
		return -1
	case b.Steps > 0 && b.Steps <= len(p.img.steps):
		return b.Steps
	}
	return p.img.rowOfLayer(b.Layers)
}

// baseRule is the line drawn at the base boundary: what the image is built
// on, and where the rule is when it is scrolled out of view.
func (p *layersPane) baseRule(where string) string {
	b := p.img.cfg.Relations.Base
	text := "built on " + b.Ref + " (" + plural(b.Layers, "layer", "layers")
	if p.img.has(b.Layers - 1) {
		text += ", " + size(p.img.baseBytes())
	}
	text += ")" + where
	w := p.w - 2
	line := "── " + text + " "
	if n := w - ansi.StringWidth(line); n > 0 {
		line += strings.Repeat("─", n)
	}
	return p.c.Styles.Dim.Render(ansiTrunc(line, w))
}

func (p *layersPane) View() string {
	s := p.c.Styles
	cols := p.cols()
	body := []string{s.Header.Render(cols.head)}
	lo, hi := p.l.visible()
	rule := p.baseRow()
	if rule >= 0 && rule < lo {
		body = append(body, p.baseRule(" ▲"))
	}
	for i := lo; i < hi; i++ {
		if i == rule {
			body = append(body, p.baseRule(""))
		}
		body = append(body, p.row(i, cols))
	}
	if rule >= hi {
		body = append(body, p.baseRule(" ▼"))
	}
	title := "Layers · " + plural(len(p.img.steps), "step", "steps") + ", " + plural(len(p.img.layers), "layer", "layers")
	if len(p.img.rows) > p.l.h {
		title += fmt.Sprintf(" · %d/%d", p.l.cursor+1, len(p.img.rows))
	}
	if len(p.img.rows) == 0 {
		body = append(body, s.Dim.Render("  reading the image config…"))
	}
	return p.c.frame(title, p.focused, p.w, p.h, body)
}

func (p *layersPane) row(i int, cols layerCols) string {
	s := p.c.Styles
	r := p.img.rows[i]
	cmd := p.img.instruction(r)
	var line string
	if r.layer < 0 {
		line = s.Dim.Render(fmt.Sprintf(cols.lead, "", "—") + p.pullCell(cols, -1) + fmt.Sprintf(cols.counts+cols.waste, "", "", "", "", "") + p.sharedCell(cols, -1) + cmd)
	} else {
		l := p.img.layers[r.layer]
		sz, a, c, d, made, killed := "…", "…", "…", "…", "…", "…"
		waste := s.Text
		if p.img.has(r.layer) {
			sz = cols.size(l.SizeBytes)
			a, c, d = count(l.Added), count(l.Changed), count(l.Deleted)
			made, killed = wasteCell(l.WastedMade, cols.size), wasteCell(l.WastedKilled, cols.size)
			if l.WastedMade > 0 || l.WastedKilled > 0 {
				waste = s.Removed
			}
		}
		line = s.Text.Render(fmt.Sprintf(cols.lead, fmt.Sprint(r.layer), sz)+p.pullCell(cols, r.layer)+fmt.Sprintf(cols.counts, a, c, d)) +
			waste.Render(fmt.Sprintf(cols.waste, made, killed)) + s.Text.Render(p.sharedCell(cols, r.layer)+cmd)
	}
	return p.c.cursorRow(line, p.w-2, i == p.l.cursor, p.focused)
}

func wasteCell(n int64, size func(int64) string) string {
	if n == 0 {
		return "·"
	}
	return size(n)
}

// pullCell is layer k's PULL cell: its blob's size as a pull transfers
// it (blank for a metadata step, k < 0).
func (p *layersPane) pullCell(cols layerCols, k int) string {
	if cols.pull == "" {
		return ""
	}
	v := ""
	if k >= 0 {
		v = cols.size(p.img.layers[k].Blob.CompressedSize)
	}
	return fmt.Sprintf(cols.pull, v)
}

// sharedCell is layer k's SHARED cell: how many other images hold it ("·"
// for none; blank for a metadata step, k < 0).
func (p *layersPane) sharedCell(cols layerCols, k int) string {
	if cols.shared == "" {
		return ""
	}
	v := ""
	if k >= 0 {
		if n := p.img.cfg.Relations.Sharers(k); n >= 0 { // none for a layer no store lists (a container's)
			v = wasteCell(int64(n), func(n int64) string { return fmt.Sprint(n) })
		}
	}
	return fmt.Sprintf(cols.shared, v)
}
