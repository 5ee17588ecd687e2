package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"lx.dev/lx/model"
	"lx.dev/lx/model/report"
)

func (p *wasteList) View() string {
	if p.h < 5 {
		return ""
	}
	s := p.c.Styles
	img := p.img.snap
	inner := p.w - 2
	pullW := 0 // the ≈PULL column, when pull sizes are known
	if p.img.pull != nil {
		pullW = 13
	}
	rest := max(inner-9-2-11-2-4-pullW, 30)
	pathW := rest * 2 / 5
	layerW := (rest - pathW) / 2
	var body []string
	if p.showingGroups() {
		body = append(body, s.Header.Render(fmt.Sprintf("%9s  %-11s  %6s  %s", "SIZE", "CAUSE", "COPIES", strings.ToUpper(p.grouping.String()[3:]))))
	} else {
		body = append(body, s.Header.Render(fmt.Sprintf("%9s  %s%-11s  %s  %s  %s", "SIZE", p.pullHead(), "CAUSE", fit("PATH", pathW), fit("MADE BY", layerW), fit("KILLED BY", layerW))))
	}
	title := "Wasted copies"
	if img == nil {
		body = append(body, s.Dim.Render(fmt.Sprintf("The wasted copies list as layers come in (%d of %d in).", p.img.applied, len(p.img.layers))))
	} else {
		title = fmt.Sprintf("Wasted copies%s · %s, %s%s · %s", p.img.soFar(), plural(len(img.Waste), "copy", "copies"), size(img.WastedBytes), p.pullTotal(), p.grouping)
		if p.group >= 0 {
			title += " · " + midTrunc(p.groups[p.group].name, 40)
		}
		if p.l.n > p.l.h {
			title += fmt.Sprintf(" · %d/%d", p.l.cursor+1, p.l.n)
		}
		lo, hi := p.l.visible()
		for i := lo; i < hi; i++ {
			var line string
			if p.showingGroups() {
				line = p.groupRow(p.groups[i], inner)
			} else {
				line = p.copyRow(p.rows[i], pathW, layerW)
			}
			body = append(body, p.c.cursorRow(line, inner, i == p.l.cursor, !p.inHints))
		}
		switch {
		case len(img.Waste) == 0 && p.img.loaded():
			body = append(body, s.Good.Render("No waste: every copy this image ships is in its final filesystem."))
		case len(img.Waste) == 0:
			body = append(body, s.Dim.Render(fmt.Sprintf("No waste so far (%d of %d layers in).", p.img.applied, len(p.img.layers))))
		}
	}
	hints := p.hintLines(inner)
	for len(body) < p.h-3-len(hints) {
		body = append(body, "")
	}
	body = append(body[:p.h-3-len(hints)], hints...)
	body = append(body[:p.h-3], s.Dim.Render(p.footLine()))
	return p.c.frame(title, true, p.w, p.h, body)
}

// pullHead is the ≈PULL column's header: what each copy costs a pull, an
// estimate at its layer's compression ratio; "" without pull sizes.
func (p *wasteList) pullHead() string {
	if p.img.pull == nil {
		return ""
	}
	return fmt.Sprintf("%11s  ", "≈PULL")
}

// pullTotal is what the wasted copies cost a pull, estimated, for the
// title; "" without pull sizes.
func (p *wasteList) pullTotal() string {
	if p.img.pull == nil {
		return ""
	}
	var n int64
	for _, e := range p.img.pull {
		n += e
	}
	return " (≈ " + size(n) + " a pull, estimated)"
}

func (p *wasteList) copyRow(i int, pathW, layerW int) string {
	s := p.c.Styles
	w := p.img.snap.Waste[i]
	pull := ""
	if p.img.pull != nil {
		pull = s.Dim.Render(fmt.Sprintf("%11s  ", "≈"+size(p.img.pull[i])))
	}
	return s.Text.Render(fmt.Sprintf("%9s  ", size(w.Bytes))) + pull +
		causeStyle(s, w.Cause).Render(fmt.Sprintf("%-11s", w.Cause)) +
		s.Text.Render("  "+fit(midTrunc(model.DisplayPath(w.Path), pathW), pathW)+"  "+fit(p.layerName(w.MadeBy), layerW)+"  "+fit(p.layerName(w.KilledBy), layerW))
}

func (p *wasteList) groupRow(g wasteGroup, w int) string {
	s := p.c.Styles
	cause, st := "mixed", s.Text
	if c := g.cause(); c != 0 {
		cause, st = c.String(), causeStyle(s, c)
	}
	name := g.name
	if p.grouping == byDirectory {
		name = midTrunc(name+"/", max(w-33, 10))
	}
	return s.Text.Render(fmt.Sprintf("%9s  ", size(g.bytes))) + st.Render(fmt.Sprintf("%-11s", cause)) +
		s.Text.Render(fmt.Sprintf("  %6d  %s", len(g.members), name))
}

// footLine says what the cursor's copy changed, or where it came back.
func (p *wasteList) footLine() string {
	img := p.img.snap
	if img == nil || p.showingGroups() || p.l.cursor >= len(p.rows) {
		return ""
	}
	w := img.Waste[p.rows[p.l.cursor]]
	switch {
	case w.Cause == model.Recopied:
		return "changed: " + report.Change(w.Meta)
	case w.ReturnedIn >= 0:
		return fmt.Sprintf("came back in layer %d", w.ReturnedIn)
	}
	return model.DisplayPath(w.Path)
}

// hintLines renders the fix hints under the list: a heading that says how
// they relate to the list, then the lines in view.
func (p *wasteList) hintLines(w int) []string {
	n := p.hintsHeight()
	if n == 0 {
		return nil
	}
	s := p.c.Styles
	head := fmt.Sprintf("FIX HINTS · %d · the same %s as the list, grouped by the step to change", len(p.img.hints), size(p.img.snap.WastedBytes))
	if p.hints.n > p.hints.h {
		head += fmt.Sprintf(" · lines %d–%d of %d", p.hints.offset+1, min(p.hints.offset+p.hints.h, p.hints.n), p.hints.n)
	}
	st := s.Header
	if p.inHints {
		st = s.TitleFocus
	}
	out := []string{st.Render(fit(head, w))}
	lo, hi := p.hints.visible()
	for _, line := range p.wrapped[lo:hi] {
		out = append(out, s.Text.Render(line))
	}
	return out
}

// wrapHints wraps every fix hint to width w, plain; again only when the
// width or the hints change (SetSize, a new image), never in View.
func (p *wasteList) wrapHints(w int) {
	if p.wrapW == w && p.wrapped != nil {
		return
	}
	p.wrapped, p.wrapW = nil, w
	for i, h := range p.img.hints {
		cost := ""
		if h.PullCostEstimate != nil {
			cost = " (≈ " + size(*h.PullCostEstimate) + " a pull, estimated)"
		}
		text := strings.ReplaceAll(fmt.Sprintf("%d. %s%s %s: %s.", i+1, size(h.Bytes), cost, h.Text, h.Advice), "`", "")
		for j, line := range strings.Split(ansi.Wrap(text, w-3, " "), "\n") {
			if j > 0 {
				line = "   " + line
			}
			p.wrapped = append(p.wrapped, line)
		}
	}
}
