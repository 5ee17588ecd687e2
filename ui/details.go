package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"lx.dev/lx/model"
	"lx.dev/lx/model/report"
)

// detailsPane shows the selected step in full and the image's summary.
// Its text is made when something it shows changes, never in View.
type detailsPane struct {
	passive
	c       *Common
	img     *image
	row     stepRow
	l       list
	lines   []string
	w, h    int
	focused bool
}

func newDetailsPane(c *Common, img *image) *detailsPane {
	return &detailsPane{c: c, img: img, row: stepRow{step: -1, layer: -1}}
}

func (p *detailsPane) SetSize(w, h int) {
	p.w, p.h = w, h
	p.l.setHeight(h - 2)
	p.refresh()
}

func (p *detailsPane) KeyHelp() []key.Binding {
	k := p.c.Keys
	return []key.Binding{k.Up, k.Down, k.NextLayer, k.PrevLayer}
}

func (p *detailsPane) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case focusMsg:
		p.focused = msg.focused
	case stepSelectedMsg:
		if msg.Row != p.row {
			p.row = msg.Row
			p.l.to(0)
		}
		p.refresh()
	case imageChangedMsg, themeChangedMsg:
		p.refresh()
	case tea.KeyPressMsg:
		p.l.scrollKeys(p.c.Keys, msg)
	}
	return nil
}

func (p *detailsPane) Scroll(d int) { p.l.scroll(d) }

// refresh rebuilds the text: on a new selection, a resize, a theme, or
// news of the load. It costs O(the text), not O(the image).
func (p *detailsPane) refresh() {
	p.lines = p.text(max(p.w-2, 10))
	p.l.setLen(len(p.lines))
}

func (p *detailsPane) View() string {
	return p.c.frame("Details", p.focused, p.w, p.h, p.lines[p.l.offset:])
}

func (p *detailsPane) text(w int) []string {
	s := p.c.Styles
	var out []string
	label := p.labeler(&out, w)
	r := p.row
	switch {
	case r.step < 0 && r.layer < 0:
		out = append(out, s.Dim.Render("no step selected"))
	default:
		head := ""
		if r.step >= 0 {
			head = fmt.Sprintf("Step %d", r.step)
		}
		if r.layer >= 0 {
			head = strings.TrimPrefix(head+fmt.Sprintf(" · layer %d", r.layer), " · ")
		} else {
			head += " · metadata only, no layer"
		}
		out = append(out, s.Bold.Render(head))
		cmd := report.Instruction(p.img.command(r))
		if strings.TrimSpace(cmd) == "" {
			out = append(out, s.Dim.Render("(the history gives no command)"))
		}
		for _, line := range wrapCommand(cmd, w) {
			out = append(out, s.Text.Render(line))
		}
		out = append(out, "")
		if r.step >= 0 && r.step < len(p.img.steps) {
			st := p.img.steps[r.step]
			if !st.Created.IsZero() {
				label("created", st.Created.UTC().Format(time.RFC3339))
			}
			if st.Comment != "" {
				label("comment", st.Comment)
			}
		}
		if r.layer >= 0 {
			p.layerText(r.layer, label)
		}
	}
	out = append(out, "", s.Bold.Render("Image"))
	return append(out, p.summary(w)...)
}

// labeler returns a function that adds "label     value" lines to out,
// the value wrapped under itself when it is too long for the pane.
func (p *detailsPane) labeler(out *[]string, w int) func(k, v string) {
	s := p.c.Styles
	const indent = 11
	return func(k, v string) {
		lines := strings.Split(ansi.Hardwrap(v, max(w-indent, 10), true), "\n")
		for i, l := range lines {
			head := fmt.Sprintf("%-10s ", k)
			if i > 0 {
				head = strings.Repeat(" ", indent)
			}
			*out = append(*out, s.Dim.Render(head)+s.Text.Render(l))
		}
	}
}

func (p *detailsPane) layerText(k int, label func(k, v string)) {
	l := p.img.layers[k]
	label("diffID", l.DiffID)
	if l.Blob.Digest != "" && l.Blob.Digest != l.DiffID {
		label("digest", l.Blob.Digest)
	}
	if !p.img.layerRead(k) {
		label("size", "not read yet")
		return
	}
	sz := report.BytesExact(l.SizeBytes)
	if l.Blob.CompressedSize >= 0 && l.Blob.Digest != "" {
		sz += " · pull " + report.Bytes(l.Blob.CompressedSize)
	}
	label("size", sz)
	label("entries", count(l.Entries))
	if p.img.loaded() {
		label("changes", fmt.Sprintf("A %d · C %d · D %d", l.Added, l.Changed, l.Deleted))
		label("dies", report.Bytes(l.WastedMade)+" of this layer's copies die later")
		label("kills", report.Bytes(l.WastedKilled)+" of older copies")
	}
}

func (p *detailsPane) summary(w int) []string {
	s := p.c.Styles
	var out []string
	add := p.labeler(&out, w)
	ref := p.img.ref
	if p.img.cfg.Ref != "" {
		ref = p.img.cfg.Ref
	}
	add("ref", ref)
	if p.img.cfg.ID != "" {
		add("id", p.img.cfg.ID)
	}
	if p.img.cfg.OS != "" {
		plat := p.img.cfg.OS + "/" + p.img.cfg.Architecture
		if p.img.cfg.Variant != "" {
			plat += "/" + p.img.cfg.Variant
		}
		add("platform", plat)
	}
	add("layers", fmt.Sprintf("%d (%d history steps)", len(p.img.layers), len(p.img.steps)))
	img := p.img.img
	if img == nil {
		add("waste", fmt.Sprintf("known once every layer is read (%d/%d)", p.img.read, len(p.img.layers)))
		return out
	}
	add("total", report.BytesExact(img.TotalBytes))
	add("wasted", report.BytesExact(img.WastedBytes))
	for _, c := range model.Causes {
		out = append(out, s.Dim.Render(fmt.Sprintf("  %-12s ", c))+causeStyle(s, c).Render(report.BytesExact(img.WasteBy[c])))
	}
	add("efficiency", report.Percent(img.Efficiency()))
	if n := len(img.Warnings); n > 0 {
		add("warnings", fmt.Sprintf("%d (see lx report)", n))
	}
	return out
}
