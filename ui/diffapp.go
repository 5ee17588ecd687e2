package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"lx.dev/lx/internal/reportfile"
	"lx.dev/lx/model/report"
	"lx.dev/lx/theme"
)

// NewDiff makes the explorer of the difference of two images (lx diff A
// B): the layers of both, which they share, and the tree of their final
// filesystems' differences. Feed it DiffFeed's messages and DiffLoaded.
func NewDiff(opts Options, refA, refB string) *App {
	a := New(opts)
	// The keys of what one image has and a comparison has not (the waste
	// list and its grouping, hiding a layer's unchanged paths, a path's
	// history through the layers of one image) are off:
	// help and the footers leave them out.
	keys := *a.c.Keys
	for _, b := range []*key.Binding{&keys.Waste, &keys.Group, &keys.HideUnchanged, &keys.History,
		&keys.Extract, &keys.CopyPath, &keys.CopyContent, &keys.Diff, &keys.Search, &keys.NextMatch, &keys.PrevMatch} {
		b.SetEnabled(false)
	}
	a.c.Keys = &keys
	a.diff = newDiffState(refA, refB)
	a.panes = []Screen{newDiffLayersPane(a.c, a.diff), newDiffTreePane(a.c, a.diff), newDiffDetailsPane(a.c, a.diff)}
	a.setFocus(paneLayers)
	return a
}

// diffOpeners are the overlays of the diff explorer: help and the export
// of the comparison's report.
func diffOpeners(d *diffState) []opener {
	return []opener{
		openers[0], // help
		{func(k *KeyMap) key.Binding { return k.Export }, exportID, "the export", true, func(c *Common, _ *image) Overlay { return newDiffExport(c, d) }},
	}
}

// openers are the overlays the keys open: the explorer's, or the diff's.
func (a *App) openers() []opener {
	if a.diff != nil {
		return diffOpeners(a.diff)
	}
	return openers
}

// loaded tells whether the analysis (or the comparison) is complete.
func (a *App) loaded() bool {
	if a.diff != nil {
		return a.diff.loaded()
	}
	return a.img.loaded()
}

// failed is why the load failed, if it did.
func (a *App) failed() error {
	if a.diff != nil {
		return a.diff.err
	}
	return a.img.err
}

// listRows is how many rows the layer list across the top would show.
func (a *App) listRows() int {
	if a.diff != nil {
		return len(a.diff.rows)
	}
	return len(a.img.rows)
}

// globalKeys are the keys the footer offers wherever the focus is.
func (a *App) globalKeys(k *KeyMap) []key.Binding {
	if a.diff != nil {
		return []key.Binding{k.Help, k.Quit, relabel(k.NextPane, "pane"), relabel(k.Export, "export")}
	}
	return []key.Binding{k.Help, k.Quit, relabel(k.NextPane, "pane"), relabel(k.Waste, "waste"), relabel(k.Export, "export")}
}

// diffUpdate takes a comparison's load message.
func (a *App) diffUpdate(msg tea.Msg) tea.Cmd {
	if a.diff == nil {
		return nil
	}
	if m, ok := msg.(DiffLoadedMsg); ok {
		switch {
		case a.quitting:
			return nil // the load the user left ends cancelled: no failure
		case m.Err != nil:
			a.exitCode = 2
		}
	}
	if a.diff.take(msg) {
		_, done := msg.(DiffLoadedMsg)
		return a.imageChanged(done)
	}
	return nil
}

// diffHeader is the diff explorer's top line: the two images, then how
// far each load has come, or the comparison's summary, as much of it as
// leaves the names room.
func (a *App) diffHeader() string {
	s := a.c.Styles
	d := a.diff
	nameA, nameB := d.side[sideA].name(), d.side[sideB].name()
	var parts []string
	if d.loaded() {
		parts = diffSummary(s, d, a.width < wideWidth)
	} else {
		parts = []string{a.diffProgress()}
	}
	right := strings.Join(parts, s.Dim.Render(" · "))
	wA, wB := ansi.StringWidth(nameA), ansi.StringWidth(nameB)
	room := func() int { return a.width - ansi.StringWidth(right) - len("lx diff ") - 2 }
	for len(parts) > 1 && room() < min(wA+wB+3, 48) {
		parts = parts[:len(parts)-1]
		right = strings.Join(parts, s.Dim.Render(" · "))
	}
	// Each name gets half the room, and what the other leaves of its half.
	half := max(room()-3, 16) / 2
	cutA, cutB := max(half, 2*half-wB), max(half, 2*half-wA)
	names := midTrunc(nameA, cutA) + " → " + midTrunc(nameB, cutB)
	left := s.TitleFocus.Render("lx diff") + " " + s.Bold.Render(names)
	gap := a.width - ansi.StringWidth(left) - ansi.StringWidth(right) - 1
	if gap < 1 {
		return fit(left+" "+right, a.width)
	}
	return fit(left+strings.Repeat(" ", gap)+right+" ", a.width)
}

// diffProgress is how far each side's load has come: its layers in, or
// what its source does first.
func (a *App) diffProgress() string {
	s := a.c.Styles
	var parts []string
	for i, sd := range a.diff.side {
		text := ""
		switch {
		case sd.img != nil || (sd.known && sd.applied == len(sd.layers) && len(sd.layers) > 0):
			text = "done"
		case sd.applied > 0 || sd.progress.Read > 0:
			text = fmt.Sprintf("%d/%d layers", sd.applied, len(sd.layers))
			if sd.progress.Read > 0 {
				text = size(sd.progress.Read) + ", " + text
			}
		case sd.status != "":
			text = sd.status
		case sd.known:
			text = "waiting for its first bytes"
		default:
			text = "opening…"
		}
		parts = append(parts, s.Key.Render(sideNames[i])+" "+s.Dim.Render(text))
	}
	return s.Dim.Render("reading ") + strings.Join(parts, s.Dim.Render(" · "))
}

// diffSummary is the comparison in a few words, most telling first: the
// changes by marker, the change in shipped bytes and in wasted bytes, the
// layers shared, the change in layer count (B − A); short says them in
// fewer cells.
func diffSummary(s *theme.Styles, d *diffState, short bool) []string {
	r := d.report
	counts := countsText(s, d.diff.Counts)
	if counts == "" {
		counts = s.Text.Render("no change")
	}
	total, wasted := report.Signed(r.TotalDelta), report.Signed(r.WastedDelta)
	if short {
		total, wasted = compactSigned(r.TotalDelta), compactSigned(r.WastedDelta)
	}
	return []string{
		counts,
		s.Text.Render("size " + total),
		s.Text.Render("waste " + wasted),
		s.Text.Render(plural(len(r.SharedLayers), "layer", "layers") + " shared"),
		s.Text.Render("layers " + report.SignedCount(r.LayerDelta)),
	}
}

// compactSigned is a byte delta in few cells: "+4.0M", "−512B".
func compactSigned(n int64) string {
	switch {
	case n > 0:
		return "+" + compactSize(n)
	case n < 0:
		return "−" + compactSize(-n)
	}
	return "0"
}

// newDiffExport is the export dialog of the comparison's report.
func newDiffExport(c *Common, d *diffState) Overlay {
	stem := "lx-diff-" + fileStem(d.side[sideA].name()) + "-vs-" + fileStem(d.side[sideB].name())
	return newExport(c, stem, func(path string, f report.Format, replace bool) (int64, error) {
		return reportfile.WriteDiff(path, d.diff, f, reportfile.Options{Ask: !replace})
	})
}
