package ui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	"lx.dev/lx/model"
	"lx.dev/lx/model/report"
	"lx.dev/lx/theme"
)

// wasteNote is what the waste accounting says of the copy path n shows in
// the filesystem after layer k (own: the selected step made layer k): that
// a later layer kills it, that this layer recopied or overwrote an older
// copy, or that this layer's deletion made a copy waste.
func wasteNote(s *theme.Styles, im *image, n model.NodeID, fi model.FileInfo, m model.Marker, k int, own bool) (string, lipgloss.Style, bool) {
	img := im.snap
	if fi.Kind != model.KindRegular {
		return "", lipgloss.Style{}, false
	}
	var fate, here []string // what becomes of the copy; what this layer did
	var style lipgloss.Style
	styled := false
	add := func(to *[]string, c model.Cause, text string) {
		if !styled || to == &fate {
			style, styled = causeStyle(s, c), true
		}
		*to = append(*to, text)
	}
	for wi := range im.wasteOf.of(n) {
		w := img.Waste[wi]
		switch {
		case m == model.Deleted:
			if w.MadeBy == fi.Layer && w.KilledBy == k {
				add(&here, w.Cause, fmt.Sprintf("wastes layer %d's copy (%s)", w.MadeBy, size(w.Bytes)))
			}
		case w.MadeBy == fi.Layer && w.KilledBy > k:
			text := fmt.Sprintf("%s by layer %d", w.Cause, w.KilledBy)
			if w.Cause == model.Recopied {
				text += " (" + report.Change(w.Meta) + ")"
			}
			add(&fate, w.Cause, text)
		case own && fi.Layer == k && w.KilledBy == k:
			switch w.Cause {
			case model.Recopied:
				add(&here, w.Cause, fmt.Sprintf("needless recopy of layer %d (%s)", w.MadeBy, report.Change(w.Meta)))
			case model.Overwritten:
				add(&here, w.Cause, fmt.Sprintf("overwrites layer %d's copy", w.MadeBy))
			}
		}
	}
	notes := append(fate, here...)
	if notes == nil {
		return "", style, false
	}
	return "✗ " + strings.Join(notes, " · "), style, true
}
