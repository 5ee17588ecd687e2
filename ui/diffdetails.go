package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"lx.dev/lx/model"
	"lx.dev/lx/model/report"
)

// diffDetailsPane describes what the user looks at in the diff explorer:
// the selected layer (which image holds it, its command and figures), or,
// once the tree's cursor speaks, the selected path in A and in B side by
// side; under it the comparison's figures. Its text is made when
// something it shows changes, never in View.
type diffDetailsPane struct {
	page
	c    *Common
	d    *diffState
	row  layerPair
	path bool // the subject is the tree's path, not the layer
	key  diffKey
}

func newDiffDetailsPane(c *Common, d *diffState) *diffDetailsPane {
	return &diffDetailsPane{c: c, d: d, row: layerPair{a: -1, b: -1}, key: noDiffKey}
}

func (p *diffDetailsPane) SetSize(w, h int) {
	p.setSize(w, h)
	p.refresh()
}

func (p *diffDetailsPane) KeyHelp() []key.Binding {
	k := p.c.Keys
	return []key.Binding{relabel(k.Down, "scroll")}
}

func (p *diffDetailsPane) Update(msg tea.Msg) tea.Cmd {
	if p.take(p.c.Keys, msg) {
		return nil
	}
	switch msg := msg.(type) {
	case diffLayerSelectedMsg:
		p.row, p.path = msg.Row, false
		p.l.to(0)
	case diffPathSelectedMsg:
		p.key, p.path = msg.Key, true
		p.l.to(0)
	case imageChangedMsg, themeChangedMsg:
	default:
		return nil
	}
	p.refresh()
	return nil
}

func (p *diffDetailsPane) View() string { return p.view(p.c, p.path) }

// refresh rebuilds the text: on a new subject, a resize, a theme, or news
// of the load.
func (p *diffDetailsPane) refresh() {
	w := max(p.w-2, 10)
	var lines []string
	if p.path && p.d.diff != nil && p.key != noDiffKey {
		lines = p.pathText(w)
	} else {
		lines = p.layerText(w)
	}
	lines = append(lines, "", p.c.Styles.Bold.Render("Comparison"))
	p.setLines(append(lines, p.summary(w)...))
}

// columns lays out a label and values in columns of equal width after it,
// each value cut to fit.
func columns(w int, right bool, label string, values ...string) string {
	cw := max((w-11)/len(values), 4)
	line := fmt.Sprintf("%-10s ", label)
	for _, v := range values {
		v = ansiTrunc(v, cw-1)
		if right {
			line += padLeft(v, cw-1) + " "
		} else {
			line += fmt.Sprintf("%-*s", cw, v)
		}
	}
	return strings.TrimRight(line, " ")
}

func (p *diffDetailsPane) layerText(w int) []string {
	s := p.c.Styles
	var out []string
	r := p.row
	if r.a < 0 && r.b < 0 {
		return append(out, s.Dim.Render("no layer selected"))
	}
	var head []string
	for i, k := range [2]int{r.a, r.b} {
		if k >= 0 {
			head = append(head, fmt.Sprintf("layer %d of %s", k, sideNames[i]))
		}
	}
	out = append(out, s.Bold.Render(strings.Join(head, " · ")))
	switch {
	case r.prefix:
		out = append(out, s.Text.Render("in both, at the bottom: B is built on it"))
	case r.shared():
		out = append(out, s.Changed.Render("in both, at another place in each"))
	case r.a >= 0:
		out = append(out, s.Deleted.Render("only in A"))
	default:
		out = append(out, s.Added.Render("only in B"))
	}
	l := p.d.layer(r)
	cmd := report.LayerInstruction(l.Command, l.Container)
	if strings.TrimSpace(cmd) == "" {
		out = append(out, s.Dim.Render("(the history gives no command)"))
	}
	for _, line := range wrapCommand(cmd, w) {
		out = append(out, s.Text.Render(line))
	}
	out = append(out, "")
	label := labeler(s, &out, w)
	label("diffID", l.DiffID)
	if !p.d.has(r) {
		label("size", "not read yet")
		return out
	}
	label("size", report.BytesExact(l.SizeBytes))
	label("changes", fmt.Sprintf("A %d · C %d · D %d", l.Added, l.Changed, l.Deleted))
	return out
}

// pathText shows the selected path in A and in B, side by side.
func (p *diffDetailsPane) pathText(w int) []string {
	s := p.c.Styles
	d := p.d.diff
	var out []string
	var a, b model.FileInfo
	var okA, okB bool
	var path string
	if p.key.inRemoved() {
		a, okA = d.A.Stat(p.key.node, d.A.Applied()-1)
		path = d.A.Path(p.key.node)
	} else {
		a, okA, b, okB = d.States(int(p.key.i))
		path = d.Path(int(p.key.i))
	}
	for _, l := range wrapWords(model.DisplayPath(path), w) {
		out = append(out, s.Bold.Render(l))
	}
	out = append(out, p.verdict(a, b)...)
	out = append(out, "", s.Header.Render(columns(w, false, "", "A", "B")))
	cell := func(ok bool, v string) string {
		if !ok {
			return "—"
		}
		return v
	}
	both := func(label string, f func(model.FileInfo) string) {
		out = append(out, s.Text.Render(columns(w, false, label, cell(okA, f(a)), cell(okB, f(b)))))
	}
	both("type", func(fi model.FileInfo) string { return report.KindName(fi.Kind) })
	both("mode", func(fi model.FileInfo) string {
		if (w-11)/2 <= len("drwxr-xr-x 0755") { // a narrow column: the letters alone
			return modeString(fi.Kind, fi.Mode)
		}
		return fmt.Sprintf("%s %04o", modeString(fi.Kind, fi.Mode), fi.Mode)
	})
	both("owner", func(fi model.FileInfo) string { return fmt.Sprintf("%d:%d", fi.UID, fi.GID) })
	if !p.key.inRemoved() {
		dp := d.Paths[p.key.i]
		out = append(out, s.Text.Render(columns(w, false, "size", cell(okA, size(dp.SizeA)), cell(okB, size(dp.SizeB)))))
	} else if a.Kind != model.KindDir {
		both("size", func(fi model.FileInfo) string { return size(fi.Size) })
	}
	if a.Kind == model.KindSymlink || b.Kind == model.KindSymlink {
		both("link", func(fi model.FileInfo) string { return model.EscapeName(fi.Link) })
	}
	both("layer", func(fi model.FileInfo) string {
		if fi.Layer < 0 {
			return "—"
		}
		return fmt.Sprint(fi.Layer)
	})
	// Where each side's state comes from, in full.
	for i, st := range [2]struct {
		ok bool
		fi model.FileInfo
	}{{okA, a}, {okB, b}} {
		img := d.A
		if i == sideB {
			img = d.B
		}
		if st.ok && st.fi.Layer >= 0 && st.fi.Layer < len(img.Layers) {
			out = append(out, "", s.Dim.Render(fmt.Sprintf("%s, layer %d:", sideNames[i], st.fi.Layer)))
			for _, line := range wrapCommand(layerInstruction(img.Layers[st.fi.Layer]), w) {
				out = append(out, s.Text.Render(line))
			}
		}
	}
	return out
}

// verdict says how the path differs, in its marker's colour.
func (p *diffDetailsPane) verdict(a, b model.FileInfo) []string {
	s := p.c.Styles
	if p.key.inRemoved() {
		return []string{s.Deleted.Render("only in A: a directory above it is gone from B")}
	}
	dp := p.d.diff.Paths[p.key.i]
	var text string
	switch dp.Marker {
	case model.Added:
		text = "added: only in B"
	case model.Deleted:
		text = "deleted: only in A"
		if dp.Entries > 0 {
			text += ", with the " + plural(dp.Entries, "path", "paths") + " below it"
		}
	case model.Changed:
		text = "changed: " + report.ChangeDetail(dp.Change, a, b)
		if dp.Entries > 0 {
			text += "; the " + plural(dp.Entries, "path", "paths") + " below it in A are gone"
		}
	default:
		text = "the same in both"
	}
	out := []string{}
	for _, l := range wrapWords(text, max(p.w-2, 10)) {
		out = append(out, markerStyle(s, dp.Marker).Render(l))
	}
	if dp.Below.Total() > 0 {
		out = append(out, s.Dim.Render("below it: ")+countsText(s, dp.Below))
	}
	return out
}

// summary is the comparison's figures: each side's and the change.
func (p *diffDetailsPane) summary(w int) []string {
	s := p.c.Styles
	var out []string
	label := labeler(s, &out, w)
	for i, sd := range p.d.side {
		label(sideNames[i], sd.name())
	}
	r := p.d.report
	if r == nil {
		for i, sd := range p.d.side {
			label("read "+sideNames[i], fmt.Sprintf("%d of %d layers", sd.applied, len(sd.layers)))
		}
		return out
	}
	out = append(out, s.Header.Render(columns(w, true, "", "A", "B", "B − A")))
	row := func(name, a, b, delta string) { out = append(out, s.Text.Render(columns(w, true, name, a, b, delta))) }
	sz, signed := size, report.Signed
	if (w-11)/3 <= len("−1023.9 MiB") { // a narrow pane: sizes that fit their column
		sz, signed = compactSize, compactSigned
	}
	row("layers", fmt.Sprint(r.A.LayerCount), fmt.Sprint(r.B.LayerCount), report.SignedCount(r.LayerDelta))
	row("shipped", sz(r.A.TotalBytes), sz(r.B.TotalBytes), signed(r.TotalDelta))
	row("wasted", sz(r.A.WastedBytes), sz(r.B.WastedBytes), signed(r.WastedDelta))
	row("efficiency", report.Percent(r.A.Efficiency), report.Percent(r.B.Efficiency), "")
	row("final fs", sz(r.A.FinalBytes), sz(r.B.FinalBytes), signed(r.FinalDelta))
	out = append(out, "")
	label("shared", fmt.Sprintf("%s of A's %d, B's %d", plural(len(r.SharedLayers), "layer", "layers"), r.A.LayerCount, r.B.LayerCount))
	if r.CommonPrefix > 0 {
		label("prefix", fmt.Sprintf("the bottom %d: B is built on them", r.CommonPrefix))
	}
	out = append(out, s.Dim.Render(fmt.Sprintf("%-10s ", "changes"))+countsText(s, p.d.diff.Counts))
	if r.Added+r.Changed+r.Deleted == 0 {
		out[len(out)-1] += s.Text.Render("none")
	}
	if n := len(r.Warnings); n > 0 {
		label("warnings", fmt.Sprintf("%d, every one in lx diff --format json", n))
	}
	return out
}
