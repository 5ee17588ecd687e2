package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"

	"lx.dev/lx/model/report"
)

// header is the top line: the image, then the load's progress or the
// image's verdict.
func (a *App) header() string {
	s := a.c.Styles
	left := s.TitleFocus.Render("lx") + " " + s.Bold.Render(a.ref())
	var right string
	switch img := a.img; {
	case img.img != nil:
		i := img.img
		right = s.Text.Render(fmt.Sprintf("efficiency %s · wasted %s of %s", report.Percent(i.Efficiency()), size(i.WastedBytes), size(i.TotalBytes)))
	default:
		right = a.progress(max(a.width-ansi.StringWidth(left)-4, 20))
	}
	gap := a.width - ansi.StringWidth(left) - ansi.StringWidth(right) - 1
	if gap < 1 {
		return fit(left+" "+right, a.width)
	}
	return fit(left+strings.Repeat(" ", gap)+right+" ", a.width)
}

// progress is the load's bar: bytes read, of how many, how fast, layers.
func (a *App) progress(width int) string {
	s := a.c.Styles
	p := a.img.progress
	if p.Read == 0 && a.img.status != "" {
		return s.Dim.Render(a.img.status)
	}
	text := fmt.Sprintf(" %s", size(p.Read))
	if p.Total > 0 {
		text += " of " + size(p.Total)
	}
	if p.Rate > 0 {
		text += fmt.Sprintf(" · %s/s", size(int64(p.Rate)))
	}
	if n := len(a.img.layers); n > 0 {
		text += fmt.Sprintf(" · layer %d/%d", a.img.read, n)
	}
	barW := min(max(width-ansi.StringWidth(text)-10, 10), 40)
	frac := 0.0
	switch {
	case p.Total > 0:
		frac = float64(p.Read) / float64(p.Total)
	case len(a.img.layers) > 0:
		frac = float64(a.img.read) / float64(len(a.img.layers))
	}
	full := min(int(frac*float64(barW)+0.5), barW)
	bar := s.BarFull.Render(strings.Repeat("█", full)) + s.BarEmpty.Render(strings.Repeat("░", barW-full))
	return s.Dim.Render("reading ") + bar + s.Text.Render(text)
}

// footer is the bottom line: the keys that matter where the focus is.
func (a *App) footer() string {
	s := a.c.Styles
	k := a.c.Keys
	var binds []key.Binding
	if n := len(a.overlays); n > 0 {
		binds = a.overlays[n-1].ShortHelp()
	} else {
		binds = append([]key.Binding{k.Help, k.Quit, k.NextPane, k.Waste, k.Export}, a.pane(a.focus).ShortHelp()...)
	}
	var parts []string
	for _, b := range binds {
		if b.Enabled() {
			parts = append(parts, s.Key.Render(b.Help().Key)+" "+s.Desc.Render(b.Help().Desc))
		}
	}
	return fit(" "+strings.Join(parts, s.Dim.Render(" · ")), a.width)
}
