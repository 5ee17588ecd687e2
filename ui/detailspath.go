package ui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	"lx.dev/lx/model"
	"lx.dev/lx/model/report"
	"lx.dev/lx/theme"
)

// pathText is the selected path's whole story: where it is, what it is
// after the layer shown, what the waste accounting says of it, and every
// layer that touched it.
func (p *detailsPane) pathText(w int) []string {
	s := p.c.Styles
	img := p.img.view()
	var out []string
	label := p.labeler(&out, w)
	for _, l := range wrapWords(model.DisplayPath(img.Path(p.node)), w) {
		out = append(out, s.Bold.Render(l))
	}
	fi, ok := img.Stat(p.node, p.nodeK)
	m := model.Unchanged
	if p.nodeOwn {
		m = img.Marker(p.node, p.nodeK)
	}
	if !ok { // deleted by this layer: what it was
		fi, _ = img.Stat(p.node, p.nodeK-1)
		out = append(out, s.Deleted.Render(fmt.Sprintf("deleted by layer %d; before it:", p.nodeK)))
	}
	label("type", report.KindName(fi.Kind))
	label("mode", fmt.Sprintf("%s (%04o)", modeString(fi.Kind, fi.Mode), fi.Mode))
	label("owner", fmt.Sprintf("%d:%d", fi.UID, fi.GID))
	if fi.Kind == model.KindRegular || fi.Kind == model.KindHardlink {
		label("size", report.BytesExact(fi.Size))
	}
	switch fi.Kind {
	case model.KindSymlink:
		label("symlink", "-> "+model.EscapeName(fi.Link))
	case model.KindHardlink:
		label("hardlink", "=> "+model.DisplayPath(fi.Link)+" (the same inode: its bytes count once)")
	}
	if fi.Layer >= 0 {
		label("written", fmt.Sprintf("by layer %d: %s", fi.Layer, layerInstruction(p.img.layers[fi.Layer])))
	}
	if note, st, ok := wasteNote(s, p.img, p.node, fi, m, p.nodeK, p.nodeOwn); ok {
		for _, l := range wrapWords(note, w) {
			out = append(out, st.Render(l))
		}
	}
	hist := img.History(p.node)
	out = append(out, "", s.Bold.Render("History")+s.Dim.Render(" · "+plural(len(hist), "layer touched it", "layers touched it")))
	back := false // a deletion came before: an A is a return
	for _, e := range hist {
		out = append(out, p.historyLines(e, back, w)...)
		back = back || e.Marker == model.Deleted
	}
	return out
}

// historyLines is one layer of a path's history: the layer, its marker,
// what it did and what became of its copy; then its step.
func (p *detailsPane) historyLines(e model.PathEvent, back bool, w int) []string {
	s := p.c.Styles
	parts := []string{report.EventText(e, back)}
	if e.Bytes > 0 && e.Marker != model.Deleted {
		parts = append(parts, size(e.Bytes))
	}
	fate, fateStyle := copyFate(s, e, p.img.loaded())
	// The layer and marker, then what happened and the copy's fate,
	// wrapped under themselves.
	text := strings.Join(parts, " · ")
	if fate != "" {
		text += " · " + fate
	}
	var out []string
	for i, l := range wrapWords(text, max(w-6, 10)) {
		lead := fmt.Sprintf("%3d ", e.Layer) + markerStyle(s, e.Marker).Render(e.Marker.String()) + " "
		if i > 0 {
			lead = "      "
		}
		if fate != "" && strings.HasSuffix(l, fate) {
			l = s.Text.Render(strings.TrimSuffix(l, fate)) + fateStyle.Render(fate)
		} else {
			l = s.Text.Render(l)
		}
		out = append(out, lead+l)
	}
	if cmd := layerInstruction(p.img.layers[e.Layer]); cmd != "" {
		out = append(out, s.Dim.Render("      "+ansiTrunc(cmd, w-6)))
	}
	return out
}

// copyFate says what became of the copy a history line wrote, and how to
// style it: "✗ recopied by layer 3", "live", "live so far" while the
// image loads; "" when the layer wrote no copy.
func copyFate(s *theme.Styles, e model.PathEvent, loaded bool) (string, lipgloss.Style) {
	switch {
	case e.Copy && e.Cause != 0:
		return fmt.Sprintf("✗ %s by layer %d", e.Cause, e.KilledBy), causeStyle(s, e.Cause)
	case e.Copy && loaded:
		return "live", s.Good
	case e.Copy:
		return "live so far", s.Text
	}
	return "", s.Text
}
