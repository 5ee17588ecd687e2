package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// helpView lists every binding of the key map, by group: generated, never
// written by hand.
type helpView struct {
	c    *Common
	w, h int
}

func newHelpView(c *Common) *helpView { return &helpView{c: c} }

func (v *helpView) SetSize(w, h int)          { v.w, v.h = w, h }
func (v *helpView) Update(tea.Msg) tea.Cmd    { return nil }
func (v *helpView) ShortHelp() []key.Binding  { return []key.Binding{v.c.Keys.Back} }
func (v *helpView) FullHelp() [][]key.Binding { return [][]key.Binding{v.ShortHelp()} }

func (v *helpView) View() string {
	s := v.c.Styles
	keyW := 0
	for _, g := range v.c.Keys.Groups() {
		for _, b := range g.Bindings {
			keyW = max(keyW, ansi.StringWidth(b.Help().Key))
		}
	}
	// Groups fill columns top to bottom; a group that does not fit below
	// the previous one starts the next column.
	avail := max(v.h-2, 1)
	var cols [][]string
	var col []string
	for _, g := range v.c.Keys.Groups() {
		block := []string{s.Bold.Render(g.Title)}
		for _, b := range g.Bindings {
			if !b.Enabled() {
				continue
			}
			h := b.Help()
			block = append(block, s.Key.Render(h.Key+strings.Repeat(" ", keyW-ansi.StringWidth(h.Key)))+"  "+s.Desc.Render(h.Desc))
		}
		if len(col) > 0 && len(col)+1+len(block) > avail {
			cols = append(cols, col)
			col = nil
		}
		if len(col) > 0 {
			col = append(col, "")
		}
		col = append(col, block...)
	}
	cols = append(cols, col)
	var rendered []string
	for _, c := range cols {
		rendered = append(rendered, lipgloss.NewStyle().PaddingRight(4).Render(strings.Join(c, "\n")))
	}
	body := strings.Split(lipgloss.JoinHorizontal(lipgloss.Top, rendered...), "\n")
	h := v.h
	if h > len(body)+2 {
		h = len(body) + 2
	}
	return v.c.frame("Keys · esc closes", true, v.w, h, body)
}
