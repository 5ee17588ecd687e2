package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"lx.dev/lx/model/report"
)

// View draws the whole screen. It changes nothing: every size and every
// text was settled by Update.
func (a *App) View() tea.View {
	v := tea.NewView(a.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "lx " + a.ref()
	return v
}

func (a *App) ref() string {
	if a.diff != nil {
		return a.diff.side[sideA].name() + " → " + a.diff.side[sideB].name()
	}
	if a.img.cfg.Ref != "" {
		return a.img.cfg.Ref
	}
	return a.opts.Ref
}

func (a *App) render() string {
	s := a.c.Styles
	switch {
	case a.width == 0:
		return ""
	case a.tooSmall():
		msg := fmt.Sprintf("lx needs at least %d×%d;\nthis terminal is %d×%d.\n\nEnlarge it,\nor press %s to quit.", MinWidth, MinHeight, a.width, a.height, shortKey(a.c.Keys.Quit))
		lines := strings.Split(msg, "\n")
		for i, l := range lines {
			lines[i] = s.Bold.Render(ansi.Truncate(l, a.width, "…"))
		}
		return lipgloss.Place(a.width, a.height, lipgloss.Center, lipgloss.Center, strings.Join(lines, "\n"))
	case a.failed() != nil:
		return a.failure()
	}
	// Every pane draws lines of exactly its width, so the screen is their
	// lines side by side: no cell buffer needed.
	lines := make([]string, a.height)
	lines[0] = a.header()
	if a.tabs.h > 0 {
		lines[a.tabs.y] = a.tabBar()
	}
	for i, p := range a.panes {
		if a.hidden(i) {
			continue
		}
		r := a.rects[i]
		for j, l := range strings.Split(p.View(), "\n") {
			if y := r.y + j; y > 0 && y < a.height-1 && j < r.h {
				lines[y] += l
			}
		}
	}
	lines[a.height-1] = a.footer()
	for _, o := range a.overlays {
		for j, l := range strings.Split(o.View(), "\n") {
			if y := o.r.y + j; y >= 0 && y < a.height && j < o.r.h {
				lines[y] = overlay(lines[y], l, o.r.x, a.width)
			}
		}
	}
	return strings.Join(lines, "\n")
}

// overlay draws box over a line of width w from column x.
func overlay(line, box string, x, w int) string {
	line = fit(line, w)
	bw := ansi.StringWidth(box)
	return ansi.Truncate(line, x, "") + "\x1b[m" + box + "\x1b[m" + ansi.TruncateLeft(line, x+bw, "")
}

func (a *App) failure() string {
	s := a.c.Styles
	w := min(a.width-4, 100)
	body := []string{s.Error.Render("lx could not read the image:"), ""}
	for _, line := range wrapCommand(a.failed().Error(), w-4) {
		body = append(body, s.Text.Render(line))
	}
	body = append(body, "", s.Dim.Render("Press any key to exit."))
	box := a.c.frame("Error", true, w, len(body)+2, body)
	return lipgloss.Place(a.width, a.height, lipgloss.Center, lipgloss.Center, box)
}

// header is the top line: the image, then the load's progress or the
// image's verdict.
func (a *App) header() string {
	if a.diff != nil {
		return a.diffHeader()
	}
	s := a.c.Styles
	left := s.TitleFocus.Render("lx") + " " + s.Bold.Render(a.ref())
	var right string
	switch img := a.img; {
	case img.img != nil:
		i := img.img
		right = s.Text.Render(fmt.Sprintf("efficiency %s · wasted %s of %s", report.Percent(i.Efficiency()), size(i.WastedBytes), size(i.TotalBytes)))
		if n := len(i.Warnings); n > 0 {
			right += s.Error.Render(" · " + plural(n, "warning", "warnings"))
		}
	default:
		right = a.progress(max(a.width-ansi.StringWidth(left)-4, 20))
	}
	gap := a.width - ansi.StringWidth(left) - ansi.StringWidth(right) - 1
	if gap < 1 {
		return fit(left+" "+right, a.width)
	}
	return fit(left+strings.Repeat(" ", gap)+right+" ", a.width)
}

// progress is the load's bar: bytes read, of how many, how fast, and the
// layers applied. It says only what is known: before the first bytes, what
// the source is doing; a total the stream passed (an engine's is an
// estimate) is dropped rather than shown smaller than what was read.
func (a *App) progress(width int) string {
	s := a.c.Styles
	p := a.img.progress
	if p.Read == 0 && a.img.applied == 0 {
		status := a.img.status
		switch {
		case status != "":
		case a.img.known:
			// The layer list is in; an engine may take seconds to start its
			// save (Docker 20.10 writes it whole first).
			status = "waiting for the first bytes of " + a.ref() + "…"
		default:
			status = "opening " + a.ref() + "…"
		}
		return s.Dim.Render(status)
	}
	known := p.Total > 0 && p.Read <= p.Total
	text := ""
	if p.Read > 0 {
		text = " " + size(p.Read)
	}
	if known {
		if p.Approximate {
			text += " of ~" + size(p.Total)
		} else {
			text += " of " + size(p.Total)
		}
	}
	if p.Rate > 0 {
		text += fmt.Sprintf(" · %s/s", size(int64(p.Rate)))
	}
	if n := len(a.img.layers); n > 0 && a.img.applied > 0 {
		text += fmt.Sprintf(" · %d/%d layers in", a.img.applied, n)
	}
	text = " " + strings.TrimPrefix(strings.TrimPrefix(text, " "), "· ") // no bytes yet: the layers lead
	barW := min(max(width-ansi.StringWidth(text)-10, 10), 40)
	frac := 1.0 // a total passed: the end is near but not known
	switch {
	case known:
		frac = float64(p.Read) / float64(p.Total)
	case p.Total <= 0 && len(a.img.layers) > 0:
		frac = float64(a.img.applied) / float64(len(a.img.layers))
	}
	full := min(int(frac*float64(barW)+0.5), barW)
	bar := s.BarFull.Render(strings.Repeat("█", full)) + s.BarEmpty.Render(strings.Repeat("░", barW-full))
	return s.Dim.Render("reading ") + bar + s.Text.Render(text)
}

// footer is the bottom line: a notice, or the keys that matter where the
// focus is (the top overlay's, else help, quit and the focused pane's).
func (a *App) footer() string {
	s := a.c.Styles
	if a.notice != "" {
		return fit(" "+s.Dim.Render(a.notice), a.width)
	}
	k := a.c.Keys
	var binds []key.Binding
	switch {
	case len(a.overlays) > 0:
		binds = a.overlays[len(a.overlays)-1].KeyHelp()
	case a.panes[a.focus].Capturing():
		binds = a.panes[a.focus].KeyHelp()
	default:
		binds = append(a.globalKeys(k), a.panes[a.focus].KeyHelp()...)
	}
	var parts []string
	for _, b := range binds {
		if b.Enabled() {
			parts = append(parts, s.Key.Render(shortKey(b))+" "+s.Desc.Render(b.Help().Desc))
		}
	}
	return fit(" "+strings.Join(parts, s.Dim.Render(" · ")), a.width)
}

// keyHint is "KEY does" for a hint line, with the binding's first key.
func keyHint(b key.Binding, does string) string { return shortKey(b) + " " + does }
