package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"lx.dev/lx/model"
	"lx.dev/lx/model/report"
)

func (v *historyView) View() string {
	if v.h < 2+historyHead+historyFoot+2 {
		return ""
	}
	s := v.c.Styles
	iw := v.w - 2
	title := "History of " + midTrunc(model.DisplayPath(v.from.Path(v.node)), max(iw-34, 12)) + v.img.soFar()
	if v.l.n > v.l.h {
		title += fmt.Sprintf(" · %d/%d", v.l.cursor+1, v.l.n)
	}
	fates := make([]string, len(v.events))
	copyW, whatW := len("COPY"), len("WHAT")
	for i, e := range v.events {
		fates[i], _ = copyFate(s, e, v.loaded)
		copyW = max(copyW, ansi.StringWidth(fates[i]))
		whatW = max(whatW, ansi.StringWidth(v.texts[i]))
	}
	// The columns sit by the text; what does not fit is cut, in full below.
	copyW = min(copyW, 28)
	whatW = max(min(whatW, iw-5-2-1-2-2-9-2-copyW), 12)
	body := []string{
		s.Text.Render(fit(v.summary(), iw)),
		s.Header.Render(fmt.Sprintf("%5s  %s  %s  %9s  %s", "LAYER", "M", fit("WHAT", whatW), "SIZE", "COPY")),
	}
	if len(v.events) == 0 {
		body = append(body, s.Dim.Render(fmt.Sprintf("No layer touched it%s.", v.img.soFar())))
	}
	lo, hi := v.l.visible()
	for i := lo; i < hi; i++ {
		e := v.events[i]
		ws := s.Text
		if e.Marker == model.Touched {
			ws = s.Dim
		}
		fate, fs := copyFate(s, e, v.loaded)
		sz := ""
		if e.Copy || e.Bytes > 0 && e.Marker != model.Deleted {
			sz = size(e.Bytes)
		}
		mark := " "
		if e.Layer == v.marked {
			mark = "•"
		}
		line := s.Text.Render(fmt.Sprintf("%s%4d  ", mark, e.Layer)) + markerStyle(s, e.Marker).Render(e.Marker.String()) +
			ws.Render("  "+fit(v.texts[i], whatW)) + s.Text.Render(fmt.Sprintf("  %9s  ", sz)) + fs.Render(ansiTrunc(fate, copyW))
		cmd := s.Dim.Render(strings.Repeat(" ", 10) + ansiTrunc(v.command(e.Layer), iw-10))
		body = append(body, v.c.cursorRow(line, iw, i == v.l.cursor, true), v.c.cursorRow(cmd, iw, i == v.l.cursor, true))
	}
	for len(body) < v.h-2-historyFoot {
		body = append(body, "")
	}
	body = body[:v.h-2-historyFoot]
	foot := wrapWords(v.footText(), iw)
	if len(foot) > historyFoot {
		foot[historyFoot-1] = ansiTrunc(strings.Join(foot[historyFoot-1:], " "), iw)
		foot = foot[:historyFoot]
	}
	for _, l := range foot {
		body = append(body, s.Dim.Render(l))
	}
	return v.c.frame(title, true, v.w, v.h, body)
}

// command is layer k's step, on one line.
func (v *historyView) command(k int) string {
	if k < 0 || k >= len(v.img.layers) {
		return ""
	}
	return layerInstruction(v.img.layers[k])
}

// summary is the line over the rows: what the path is, how many layers
// touched it, its copies and how many died, and where it stands.
func (v *historyView) summary() string {
	if len(v.events) == 0 {
		return ""
	}
	last := v.events[len(v.events)-1]
	parts := []string{report.KindName(last.Info.Kind), plural(len(v.events), "layer", "layers")}
	copies, dead := 0, 0
	var bytes int64
	for _, e := range v.events {
		if e.Copy {
			copies++
			bytes += e.Bytes
			if e.Cause != 0 {
				dead++
			}
		}
	}
	if copies > 0 {
		parts = append(parts, fmt.Sprintf("%s (%s), %d wasted", plural(copies, "copy", "copies"), size(bytes), dead))
	}
	switch {
	case last.Marker == model.Deleted:
		parts = append(parts, fmt.Sprintf("gone since layer %d", last.Layer))
	case v.loaded:
		parts = append(parts, "in the final image")
	default:
		parts = append(parts, fmt.Sprintf("so far: %d of %d layers in", v.applied, len(v.img.layers)))
	}
	return strings.Join(parts, " · ")
}

// footText is the cursor's line in full: what the layer did, its copy's
// bytes and fate, with the step that killed it.
func (v *historyView) footText() string {
	if v.l.cursor >= len(v.events) {
		return ""
	}
	e := v.events[v.l.cursor]
	text := fmt.Sprintf("layer %d: %s", e.Layer, v.texts[v.l.cursor])
	if e.Marker == model.Deleted && e.DeletedBy == model.ByWhiteout {
		text += " by a whiteout (.wh." + model.EscapeName(v.from.Name(v.node)) + ")"
	}
	switch {
	case e.Marker == model.Deleted && e.Info.Kind == model.KindRegular:
		text += "; it held " + report.BytesExact(e.Info.Size)
	case e.Copy && e.Cause != 0:
		text += fmt.Sprintf(" · its copy of %s was %s by layer %d: %s", report.BytesExact(e.Bytes), e.Cause, e.KilledBy, v.command(e.KilledBy))
	case e.Copy && v.loaded:
		text += fmt.Sprintf(" · its copy of %s is live: the final image shows it", report.BytesExact(e.Bytes))
	case e.Copy:
		text += fmt.Sprintf(" · its copy of %s is live so far (%d of %d layers in)", report.BytesExact(e.Bytes), v.applied, len(v.img.layers))
	}
	return text
}
