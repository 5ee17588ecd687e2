package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"
)

// HTMLChangesPerLayer bounds each layer's change list in the HTML report;
// the JSON report (--changes) lists every one.
const HTMLChangesPerLayer = 2000

//go:embed html.tmpl
var htmlTemplate string

var htmlPage = template.Must(template.New("report").Funcs(template.FuncMap{
	"bytes":       Bytes,
	"exact":       BytesExact,
	"commas":      Commas,
	"percent":     Percent,
	"instruction": Instruction,
	"short":       shorten,
	"code":        codeHTML,
	"builtOn":     BuiltOn,
	"copyText":    CopyText,
	"eventSize":   EventSize,
}).Parse(htmlTemplate))

// EncodeHTML writes one self-contained page: styles, script and charts
// inline, nothing fetched from anywhere, light and dark by the reader's
// colour scheme.
func EncodeHTML(w io.Writer, r Report) error {
	return htmlPage.Execute(w, newHTMLView(r))
}

type htmlView struct {
	Report
	Platform     string
	LayerChart   svgChart
	CauseChart   svgChart
	ByLayerChart svgChart
	Layers       []htmlLayer
	Causes       []causeRow
}

type htmlLayer struct {
	LayerReport
	Instruction string
	Live        int64
	Shown       []ChangeReport
	Hidden      int
	Listed      bool // the report was built with its changes
}

type causeRow struct {
	Cause string
	Bytes int64
	Class string
}

func newHTMLView(r Report) htmlView {
	v := htmlView{Report: r}
	if r.Image.OS != "" {
		v.Platform = r.Image.OS + "/" + r.Image.Architecture
		if r.Image.Variant != "" {
			v.Platform += "/" + r.Image.Variant
		}
	}
	for _, c := range []string{"removed", "recopied", "overwritten"} {
		v.Causes = append(v.Causes, causeRow{Cause: c, Bytes: r.Image.WasteByCause[c], Class: "c-" + c})
	}
	for _, l := range r.Layers {
		hl := htmlLayer{LayerReport: l, Instruction: l.instruction(), Live: max(l.SizeBytes-l.WastedBytesMade, 0)}
		hl.Listed = l.Changes != nil
		hl.Shown = l.Changes
		if len(hl.Shown) > HTMLChangesPerLayer {
			hl.Hidden = len(hl.Shown) - HTMLChangesPerLayer
			hl.Shown = hl.Shown[:HTMLChangesPerLayer]
		}
		v.Layers = append(v.Layers, hl)
	}
	v.LayerChart = layerChart(v.Layers)
	v.CauseChart = causeChart(v.Causes)
	v.ByLayerChart = byLayerChart(v.Layers)
	return v
}

// svgChart is a chart drawn here as SVG shapes, so the page needs no
// script to show it.
type svgChart struct {
	Width, Height int
	Title         string
	Bars          []svgBar
	Labels        []svgLabel
}

type svgBar struct {
	X, Y, W, H float64
	Class      string
	Tip        string
}

type svgLabel struct {
	X, Y   float64
	Text   string
	Anchor string
	Class  string
}

const (
	chartWidth = 760
	barHeight  = 18
	barGap     = 6
	labelWidth = 150
	labelGap   = 8 // between a label's end and its bar
	valueWidth = 110
)

// scale maps bytes onto the bar area; a non-zero value stays visible.
func scale(v, top int64) float64 {
	if top <= 0 || v <= 0 {
		return 0
	}
	w := float64(v) / float64(top) * (chartWidth - labelWidth - valueWidth)
	return math.Max(w, 1)
}

// barRow is one labelled bar made of segments laid end to end.
type barRow struct {
	label    string
	segments []svgBar // W holds the bytes until stackedBars scales it
	bytes    []int64
	total    int64
}

// stackedBars draws one bar per row, its segments end to end, the row's
// total after it.
func stackedBars(title string, rows []barRow) svgChart {
	c := svgChart{Width: chartWidth, Title: title, Height: max(len(rows)*(barHeight+barGap), barHeight)}
	var top int64
	for _, r := range rows {
		top = max(top, r.total)
	}
	for i, r := range rows {
		y := float64(i * (barHeight + barGap))
		c.Labels = append(c.Labels, svgLabel{X: labelWidth - labelGap, Y: y + 13, Text: r.label, Anchor: "end"})
		x := float64(labelWidth)
		for j, seg := range r.segments {
			seg.X, seg.Y, seg.W, seg.H = x, y, scale(r.bytes[j], top), barHeight
			c.Bars = append(c.Bars, seg)
			x += seg.W
		}
		c.Labels = append(c.Labels, svgLabel{X: x + 6, Y: y + 13, Text: Bytes(r.total), Anchor: "start", Class: "value"})
	}
	return c
}

// layerChart: one bar per layer, live bytes then the bytes that die later.
func layerChart(layers []htmlLayer) svgChart {
	rows := make([]barRow, len(layers))
	for i, l := range layers {
		rows[i] = barRow{
			label: layerLabel(l),
			segments: []svgBar{
				{Class: "live", Tip: fmt.Sprintf("layer %d: %s live", l.Index, BytesExact(l.Live))},
				{Class: "dead", Tip: fmt.Sprintf("layer %d: %s wasted (a later layer kills it)", l.Index, BytesExact(l.WastedBytesMade))},
			},
			bytes: []int64{l.Live, l.WastedBytesMade},
			total: l.SizeBytes,
		}
	}
	return stackedBars("Layer sizes: live and wasted bytes", rows)
}

// causeChart: one bar per cause.
func causeChart(causes []causeRow) svgChart {
	rows := make([]barRow, len(causes))
	for i, r := range causes {
		rows[i] = barRow{label: r.Cause, segments: []svgBar{{Class: r.Class, Tip: r.Cause + ": " + BytesExact(r.Bytes)}},
			bytes: []int64{r.Bytes}, total: r.Bytes}
	}
	return stackedBars("Wasted bytes by cause", rows)
}

// byLayerChart: per layer, the bytes it made that die (above the axis
// line) and the bytes it killed, side by side.
func byLayerChart(layers []htmlLayer) svgChart {
	c := svgChart{Width: chartWidth, Title: "Waste by layer: bytes wasted, bytes killed"}
	var top int64
	for _, l := range layers {
		top = max(top, l.WastedBytesMade, l.WastedBytesKilled)
	}
	half := float64(barHeight) / 2
	for i, l := range layers {
		y := float64(i * (barHeight + barGap))
		made, killed := scale(l.WastedBytesMade, top), scale(l.WastedBytesKilled, top)
		c.Labels = append(c.Labels, svgLabel{X: labelWidth - labelGap, Y: y + 13, Text: layerLabel(l), Anchor: "end"})
		c.Bars = append(c.Bars, svgBar{X: labelWidth, Y: y, W: made, H: half - 1, Class: "dead",
			Tip: fmt.Sprintf("layer %d: %s wasted (a later layer kills it)", l.Index, BytesExact(l.WastedBytesMade))})
		c.Bars = append(c.Bars, svgBar{X: labelWidth, Y: y + half, W: killed, H: half - 1, Class: "killed",
			Tip: fmt.Sprintf("layer %d: killed %s of older copies", l.Index, BytesExact(l.WastedBytesKilled))})
		if l.WastedBytesMade > 0 || l.WastedBytesKilled > 0 {
			c.Labels = append(c.Labels, svgLabel{X: labelWidth + math.Max(made, killed) + 6, Y: y + 13,
				Text: Bytes(l.WastedBytesMade) + " / " + Bytes(l.WastedBytesKilled), Anchor: "start", Class: "value"})
		}
	}
	c.Height = max(len(layers)*(barHeight+barGap), barHeight)
	return c
}

// layerLabel names a layer's bar: "3 RUN chmod -R…", short enough to end
// before the bar (12 px text, about 7 px a character).
func layerLabel(l htmlLayer) string {
	return fmt.Sprintf("%d %s", l.Index, shorten(l.Instruction, 16))
}

// codeHTML renders the Markdown-style `code` spans of a hint as <code>.
func codeHTML(s string) template.HTML {
	var b strings.Builder
	parts := strings.Split(s, "`")
	for i, p := range parts {
		esc := template.HTMLEscapeString(p)
		if i%2 == 1 && i < len(parts)-1 {
			b.WriteString("<code>" + esc + "</code>")
		} else {
			b.WriteString(esc)
		}
	}
	return template.HTML(b.String())
}
