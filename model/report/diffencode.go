package report

import (
	"bufio"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
)

// EncodeDiff writes a comparison's report in this format.
func (f Format) EncodeDiff(w io.Writer, d Diff) error {
	switch f {
	case JSON:
		return EncodeJSONDiff(w, d)
	case Markdown:
		return EncodeMarkdownDiff(w, d)
	case HTML:
		return EncodeHTMLDiff(w, d)
	}
	return fmt.Errorf("no report format chosen (choose %s)", FormatNames())
}

// EncodeJSONDiff writes the comparison as JSON, indented, "→" kept as is.
func EncodeJSONDiff(w io.Writer, d Diff) error {
	return encodeJSON(w, d)
}

// MarkdownDiffRows is how many changes the Markdown comparison lists.
const MarkdownDiffRows = 200

// EncodeMarkdownDiff writes a comparison that reads well on its own and
// in a pull-request comment: the figures side by side with their change,
// the shared layers, the changed paths.
func EncodeMarkdownDiff(out io.Writer, d Diff) error {
	w := bufio.NewWriter(out)
	fmt.Fprintf(w, "# lx diff: %s → %s\n\n", inline(d.A.Ref), inline(d.B.Ref))
	fmt.Fprintf(w, "**%d added · %d changed · %d deleted** · %s\n\n", d.Added, d.Changed, d.Deleted, sharedText(d))
	fmt.Fprintf(w, "| | A | B | B − A |\n| --- | ---: | ---: | ---: |\n")
	fmt.Fprintf(w, "| image | `%s` | `%s` | |\n", shortID(d.A.ID), shortID(d.B.ID))
	fmt.Fprintf(w, "| layers | %d | %d | %s |\n", d.A.LayerCount, d.B.LayerCount, SignedCount(d.LayerDelta))
	fmt.Fprintf(w, "| shipped file bytes | %s | %s | %s |\n", BytesExact(d.A.TotalBytes), BytesExact(d.B.TotalBytes), Signed(d.TotalDelta))
	fmt.Fprintf(w, "| wasted bytes | %s | %s | %s |\n", BytesExact(d.A.WastedBytes), BytesExact(d.B.WastedBytes), Signed(d.WastedDelta))
	fmt.Fprintf(w, "| efficiency | %s | %s | |\n", Percent(d.A.Efficiency), Percent(d.B.Efficiency))
	fmt.Fprintf(w, "| final filesystem | %s | %s | %s |\n", BytesExact(d.A.FinalBytes), BytesExact(d.B.FinalBytes), Signed(d.FinalDelta))
	if d.A.Base != nil || d.B.Base != nil {
		fmt.Fprintf(w, "| base | %s | %s | |\n", baseCell(d.A.Base), baseCell(d.B.Base))
	}

	fmt.Fprint(w, "\n## Shared layers\n\n")
	table(w, "None: the two images hold no layer in common.", "| A | B | size | command |\n| ---: | ---: | ---: | --- |", len(d.SharedLayers), func(i int) string {
		s := d.SharedLayers[i]
		return fmt.Sprintf("| %d | %d | %s | %s |", s.A, s.B, BytesExact(s.SizeBytes), inline(Instruction(s.Command)))
	})
	fmt.Fprint(w, "\n## Changes\n\n")
	rows := folded(d.Changes)
	if len(rows) < len(d.Changes) {
		fmt.Fprint(w, "A directory B adds is one row here, with the paths it adds below it; the JSON report lists each.\n\n")
	}
	table(w, "None: the final filesystems hold the same paths, bytes and metadata (modification times aside).", "| | path | type | size A | size B | what differs |\n| --- | --- | --- | ---: | ---: | --- |", len(rows), func(i int) string {
		c := rows[i]
		return fmt.Sprintf("| %s | %s | %s | %s | %s | %s |", c.Marker, inline(c.Path), c.Type, sideSize(c.DiffChange, "A"), sideSize(c.DiffChange, "B"), escapeCell(c.note()))
	})
	if len(d.Warnings) > 0 {
		fmt.Fprint(w, "\n## Warnings\n\n")
		for _, s := range d.Warnings {
			fmt.Fprintf(w, "- %s\n", escapeCell(s))
		}
	}
	return w.Flush()
}

// foldedChange is a change with the paths added below it folded in.
type foldedChange struct {
	DiffChange
	addedBelow int
}

func (c foldedChange) note() string {
	if c.addedBelow > 0 {
		return plural(c.addedBelow, "path", "paths") + " added below it"
	}
	return changeNote(c.DiffChange)
}

// folded lists the changes with every path below an added directory
// folded into it (changes come in path order, a directory before what is
// below it).
func folded(changes []DiffChange) []foldedChange {
	var out []foldedChange
	top := -1 // the added directory the changes are below, in out
	for _, c := range changes {
		if top >= 0 && strings.HasPrefix(c.Path, out[top].Path+"/") {
			out[top].addedBelow++
			continue
		}
		top = -1
		if c.Marker == "A" && c.Type == "dir" {
			top = len(out)
		}
		out = append(out, foldedChange{DiffChange: c})
	}
	return out
}

// table writes a Markdown table of n rows (at most MarkdownDiffRows), or
// none when there are none.
func table(w io.Writer, none, head string, n int, row func(int) string) {
	if n == 0 {
		fmt.Fprintln(w, none)
		return
	}
	fmt.Fprintln(w, head)
	for i := range min(n, MarkdownDiffRows) {
		fmt.Fprintln(w, row(i))
	}
	if n > MarkdownDiffRows {
		fmt.Fprintf(w, "\n…and %d more (the JSON report lists every one).\n", n-MarkdownDiffRows)
	}
}

// sharedText says how many layers the images share: "shares 1 layer (the
// bottom 1, in order)".
func sharedText(d Diff) string {
	n := len(d.SharedLayers)
	switch {
	case n == 0:
		return "no shared layer"
	case d.CommonPrefix == n:
		return fmt.Sprintf("shares %s, the bottom %d in order", plural(n, "layer", "layers"), n)
	case d.CommonPrefix == 0:
		return fmt.Sprintf("shares %s, none of them at the bottom of both", plural(n, "layer", "layers"))
	}
	return fmt.Sprintf("shares %s: the bottom %d in order, and %d more", plural(n, "layer", "layers"), d.CommonPrefix, n-d.CommonPrefix)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// sideSize is a change's size on one side, "—" where the path is absent.
func sideSize(c DiffChange, side string) string {
	switch {
	case side == "A" && c.Marker == "A", side == "B" && c.Marker == "D":
		return "—"
	case side == "A":
		return BytesExact(c.SizeA)
	}
	return BytesExact(c.SizeB)
}

// changeNote is what a change's row says beyond its sizes.
func changeNote(c DiffChange) string {
	switch {
	case c.Detail != "" && c.Entries > 0:
		return fmt.Sprintf("%s (%s below it gone)", c.Detail, plural(c.Entries, "path", "paths"))
	case c.Detail != "":
		return c.Detail
	case c.Entries > 0:
		return "and the " + plural(c.Entries, "path", "paths") + " below it"
	}
	return ""
}

// baseCell names a side's base in a table cell: "busybox:latest (1 layer,
// 1.9 MiB)", or "—" when none is known.
func baseCell(b *BaseReport) string {
	if b == nil {
		return "—"
	}
	return escapeCell(strings.TrimPrefix(BuiltOn(*b), "built on "))
}

func shortID(id string) string {
	if len(id) > 19 {
		return id[:19]
	}
	return id
}

//go:embed diff.tmpl
var diffTemplate string

var diffPage = template.Must(template.New("diff").Funcs(template.FuncMap{
	"bytes":       Bytes,
	"exact":       BytesExact,
	"commas":      Commas,
	"percent":     Percent,
	"signed":      Signed,
	"signedCount": SignedCount,
	"instruction": Instruction,
	"short":       shorten,
	"shortID":     shortID,
	"side":        sideSize,
	"note":        changeNote,
}).Parse(diffTemplate))

// HTMLDiffRows bounds the changes the HTML comparison lists; the JSON
// report lists every one.
const HTMLDiffRows = 5000

// EncodeHTMLDiff writes the comparison as one self-contained page
// (nothing fetched from anywhere, light and dark by the reader's colour
// scheme), its change list filterable.
func EncodeHTMLDiff(w io.Writer, d Diff) error {
	v := struct {
		Diff
		Shared string
		Shown  []DiffChange
		Hidden int
	}{Diff: d, Shared: sharedText(d), Shown: d.Changes}
	if len(v.Shown) > HTMLDiffRows {
		v.Shown, v.Hidden = v.Shown[:HTMLDiffRows], len(v.Shown)-HTMLDiffRows
	}
	return diffPage.Execute(w, v)
}
