package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// helpView lists every binding of the key map in force, by group:
// generated, never written by hand. Groups fill as many columns as the
// width holds; what the height cannot show scrolls.
type helpView struct {
	passive
	c     *Common
	lines []string // laid out for width lw
	lw    int
	l     list
	w, h  int
}

const helpID OverlayID = "help"

func newHelpView(c *Common, _ *image) Overlay { return &helpView{c: c} }

func (v *helpView) ID() OverlayID { return helpID }

// Area is as wide as the terminal allows (up to 120 cells) and as tall as
// the bindings need, up to the terminal's height less a margin.
func (v *helpView) Area(w, h int) (int, int) {
	bw := min(w-4, 120)
	v.layout(bw - 2)
	return bw, min(len(v.lines)+2, h-2)
}

func (v *helpView) SetSize(w, h int) {
	v.w, v.h = w, h
	v.layout(w - 2)
	v.l.setHeight(h - 2)
	v.l.setLen(len(v.lines))
}

func (v *helpView) KeyHelp() []key.Binding {
	k := v.c.Keys
	return []key.Binding{k.Up, k.Down, relabel(k.Back, "close")}
}

func (v *helpView) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case themeChangedMsg:
		v.lw = 0
		v.SetSize(v.w, v.h)
	case tea.KeyPressMsg:
		if key.Matches(msg, v.c.Keys.Back) {
			return closeOverlay(v.c, helpID)
		}
		v.l.scrollKeys(v.c.Keys, msg)
	}
	return nil
}

func (v *helpView) Scroll(d int) { v.l.scroll(d) }

// layout renders the groups in as many columns as width w holds.
func (v *helpView) layout(w int) {
	if v.lw == w && v.lines != nil {
		return
	}
	s := v.c.Styles
	groups := v.c.Keys.Groups()
	keyW := 0
	for _, g := range groups {
		for _, b := range g.Bindings {
			keyW = max(keyW, ansi.StringWidth(b.Help().Key))
		}
	}
	var blocks [][]string
	for _, g := range groups {
		block := []string{s.Bold.Render(g.Title)}
		for _, b := range g.Bindings {
			if !b.Enabled() {
				continue
			}
			h := b.Help()
			block = append(block, s.Key.Render(h.Key+strings.Repeat(" ", keyW-ansi.StringWidth(h.Key)))+"  "+s.Desc.Render(h.Desc))
		}
		blocks = append(blocks, block)
	}
	colW := 0
	for _, b := range blocks {
		for _, l := range b {
			colW = max(colW, ansi.StringWidth(l))
		}
	}
	// Each group goes to the shortest column so far, in order.
	cols := make([][]string, max(1, min(len(blocks), (w+4)/(colW+4))))
	for _, b := range blocks {
		c := 0
		for i := range cols {
			if len(cols[i]) < len(cols[c]) {
				c = i
			}
		}
		if len(cols[c]) > 0 {
			cols[c] = append(cols[c], "")
		}
		cols[c] = append(cols[c], b...)
	}
	rendered := make([]string, len(cols))
	for i, c := range cols {
		rendered[i] = lipgloss.NewStyle().Width(colW + 4).Render(strings.Join(c, "\n"))
	}
	out := strings.Split(lipgloss.JoinHorizontal(lipgloss.Top, rendered...), "\n")
	v.lines, v.lw = out, w
}

func (v *helpView) View() string {
	lo, hi := v.l.visible()
	title := "Keys · " + keyHint(v.c.Keys.Back, "closes")
	if len(v.lines) > v.l.h {
		title += " · " + keyHint(v.c.Keys.Down, "scrolls")
	}
	return v.c.frame(title, true, v.w, v.h, v.lines[lo:hi])
}
