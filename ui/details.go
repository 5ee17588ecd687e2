package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"lx.dev/lx/model"
	"lx.dev/lx/model/report"
	"lx.dev/lx/theme"
)

// detailsPane describes what the user is looking at: the selected step,
// or, once the tree's cursor speaks, the selected path's whole story; and
// under it the image's summary. Its text is made when something it shows
// changes, never in View.
type detailsPane struct {
	page
	c   *Common
	img *image
	row stepRow

	// The path the tree's cursor is on, while it is the subject.
	path     bool
	node     model.NodeID
	nodeK    int
	nodeOwn  bool
	biggestN int // how many of the biggest wasted paths the summary lists
}

func newDetailsPane(c *Common, img *image) *detailsPane {
	return &detailsPane{c: c, img: img, row: stepRow{step: -1, layer: -1}, biggestN: 5}
}

func (p *detailsPane) SetSize(w, h int) {
	p.setSize(w, h)
	p.refresh()
}

func (p *detailsPane) KeyHelp() []key.Binding {
	k := p.c.Keys
	return []key.Binding{relabel(k.NextLayer, "next layer"), relabel(k.PrevLayer, "previous")}
}

func (p *detailsPane) Update(msg tea.Msg) tea.Cmd {
	if p.take(p.c.Keys, msg) {
		return nil
	}
	switch msg := msg.(type) {
	case stepSelectedMsg:
		if msg.Row != p.row || p.path {
			p.row, p.path = msg.Row, false
			p.l.to(0)
		}
	case nodeSelectedMsg:
		if !p.path || msg.Node != p.node || msg.Layer != p.nodeK {
			p.path, p.node, p.nodeK, p.nodeOwn = true, msg.Node, msg.Layer, msg.Own
			p.l.to(0)
		}
	case imageChangedMsg, themeChangedMsg:
	default:
		return nil
	}
	p.refresh()
	return nil
}

// refresh rebuilds the text: on a new subject, a resize, a theme, or news
// of the load. It costs O(the text and the path's history), not O(the
// image).
func (p *detailsPane) refresh() {
	w := max(p.w-2, 10)
	var lines []string
	if p.path && p.img.has(p.nodeK) {
		lines = p.pathText(w)
	} else {
		lines = p.stepText(w)
	}
	lines = append(lines, "", p.c.Styles.Bold.Render("Image"))
	p.setLines(append(lines, p.summary(w)...))
}

func (p *detailsPane) View() string { return p.view(p.c, p.path) }

func (p *detailsPane) stepText(w int) []string {
	s := p.c.Styles
	var out []string
	label := p.labeler(&out, w)
	r := p.row
	if r.step < 0 && r.layer < 0 {
		return append(out, s.Dim.Render("no step selected"))
	}
	head := ""
	if r.step >= 0 {
		head = fmt.Sprintf("Step %d", r.step)
	}
	if r.layer >= 0 {
		head = strings.TrimPrefix(head+fmt.Sprintf(" · layer %d", r.layer), " · ")
	} else {
		head += " · metadata only, no layer"
	}
	out = append(out, s.Bold.Render(head))
	cmd := p.img.instruction(r)
	if strings.TrimSpace(cmd) == "" {
		out = append(out, s.Dim.Render("(the history gives no command)"))
	}
	for _, line := range wrapCommand(cmd, w) {
		out = append(out, s.Text.Render(line))
	}
	out = append(out, "")
	if r.step >= 0 && r.step < len(p.img.steps) {
		st := p.img.steps[r.step]
		if !st.Created.IsZero() {
			label("created", st.Created.UTC().Format(time.RFC3339))
		}
		if st.Comment != "" {
			label("comment", st.Comment)
		}
	}
	if r.layer >= 0 {
		p.layerText(r.layer, label)
	}
	return out
}

// labeler returns a function that adds "label     value" lines to out,
// the value wrapped at word boundaries under itself when it is too long
// for the pane (a word longer than the line is cut).
func (p *detailsPane) labeler(out *[]string, w int) func(k, v string) {
	return labeler(p.c.Styles, out, w)
}

func labeler(s *theme.Styles, out *[]string, w int) func(k, v string) {
	const indent = 11
	return func(k, v string) {
		for i, l := range wrapWords(v, max(w-indent, 10)) {
			head := fmt.Sprintf("%-10s ", k)
			if i > 0 {
				head = strings.Repeat(" ", indent)
			}
			*out = append(*out, s.Dim.Render(head)+s.Text.Render(l))
		}
	}
}

// wrapWords wraps text at spaces and after path separators, breaking a
// word only when it is longer than the line.
func wrapWords(v string, w int) []string {
	return strings.Split(ansi.Wrap(v, w, "/-,"), "\n")
}

func (p *detailsPane) layerText(k int, label func(k, v string)) {
	l := p.img.layers[k]
	if c := p.img.cfg.Container; l.Container && c != nil {
		label("container", c.ID)
		label("image", c.Image)
		label("state", c.State)
		label("ps -s", "size "+sizeOrUnknown(c.SizeRw, report.Bytes)+" · virtual "+sizeOrUnknown(c.SizeRootFs, report.Bytes))
	} else {
		label("diffID", l.DiffID)
	}
	if l.Blob.Digest != "" && l.Blob.Digest != l.DiffID {
		label("digest", l.Blob.Digest)
	}
	if !p.img.has(k) {
		label("size", "not read yet")
		return
	}
	sz := report.BytesExact(l.SizeBytes)
	if l.Blob.CompressedSize >= 0 && l.Blob.Digest != "" {
		sz += " · pull " + report.Bytes(l.Blob.CompressedSize)
	}
	label("size", sz)
	label("entries", count(l.Entries))
	label("changes", fmt.Sprintf("A %d · C %d · D %d", l.Added, l.Changed, l.Deleted))
	rel := p.img.cfg.Relations
	if rel.InBase(k) {
		label("base", "one of "+rel.Base.Ref+"'s layers")
	}
	if n := rel.Sharers(k); n > 0 {
		label("shared", "held by "+plural(n, "other image", "other images")+" (Enter in the layer list names them)")
	} else if n == 0 {
		label("shared", "by no other image here")
	}
	soFar := p.img.soFar()
	label("wasted", report.Bytes(l.WastedMade)+" of this layer's copies a later layer kills"+soFar)
	label("killed", report.Bytes(l.WastedKilled)+" of older copies this layer kills")
}

// sizeOrUnknown is a size the engine may not have given (-1).
func sizeOrUnknown(n int64, format func(int64) string) string {
	if n < 0 {
		return "unknown"
	}
	return format(n)
}

func (p *detailsPane) summary(w int) []string {
	s := p.c.Styles
	var out []string
	add := p.labeler(&out, w)
	ref := p.img.ref
	if p.img.cfg.Ref != "" {
		ref = p.img.cfg.Ref
	}
	add("ref", ref)
	if p.img.cfg.ID != "" {
		add("id", p.img.cfg.ID)
	}
	if p.img.cfg.OS != "" {
		plat := p.img.cfg.OS + "/" + p.img.cfg.Architecture
		if p.img.cfg.Variant != "" {
			plat += "/" + p.img.cfg.Variant
		}
		add("platform", plat)
	}
	add("layers", fmt.Sprintf("%d (%s)", len(p.img.layers), plural(len(p.img.steps), "history step", "history steps")))
	if b := p.img.cfg.Relations.Base; b != nil {
		how := ""
		if b.Given {
			how = ", as --base says"
		}
		add("base", report.BuiltOn(report.BaseReport{Ref: b.Ref, Layers: b.Layers, SizeBytes: p.img.baseBytes()})+how)
	}
	if c := p.img.cfg.Container; c != nil {
		add("container", fmt.Sprintf("%s (%s), of %s", c.Name, c.State, c.Image))
		add("size", sizeOrUnknown(c.SizeRw, report.BytesExact)+", docker ps -s")
		add("virtual", sizeOrUnknown(c.SizeRootFs, report.BytesExact)+", with the image")
	}
	img := p.img.snap
	if img == nil {
		add("waste", fmt.Sprintf("counted as layers come in (%d of %d)", p.img.applied, len(p.img.layers)))
		return out
	}
	soFar := p.img.soFar()
	if soFar != "" {
		add("read", fmt.Sprintf("%d of %d layers; figures so far", p.img.applied, len(p.img.layers)))
	}
	add("total", report.BytesExact(img.TotalBytes)+soFar)
	add("wasted", report.BytesExact(img.WastedBytes)+soFar)
	for _, c := range model.Causes {
		out = append(out, s.Dim.Render(fmt.Sprintf("  %-12s ", c))+causeStyle(s, c).Render(report.BytesExact(img.WasteBy[c])))
	}
	add("efficiency", report.Percent(img.Efficiency()))
	if n := len(img.Warnings); n > 0 {
		out = append(out, "", s.Bold.Render("Warnings")+s.Dim.Render(fmt.Sprintf(" · %d, every one in lx report", n)))
		for _, wr := range img.Warnings[:min(n, 5)] {
			for i, l := range wrapWords(wr, w-2) {
				lead := "! "
				if i > 0 {
					lead = "  "
				}
				out = append(out, s.Error.Render(lead)+s.Text.Render(l))
			}
		}
	}
	if big := p.img.biggest; len(big) > 0 {
		out = append(out, "", s.Bold.Render("Biggest wasted paths")+s.Dim.Render(" · "+keyHint(p.c.Keys.Waste, "lists every copy")))
		for _, b := range big[:min(len(big), p.biggestN)] {
			sz := fmt.Sprintf("%9s  ", size(b.bytes))
			out = append(out, causeStyle(s, b.cause).Render(sz)+s.Text.Render(midTrunc(model.DisplayPath(b.path), max(w-len(sz), 8))))
		}
	}
	return out
}
