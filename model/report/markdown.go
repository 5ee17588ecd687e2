package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// MarkdownWasteRows is how many wasted copies the Markdown report lists.
const MarkdownWasteRows = 20

// MarkdownHints is how many fix hints the Markdown report lists.
const MarkdownHints = 10

// EncodeMarkdown writes a summary that reads well on its own and in a
// pull-request comment: totals, the fix hints, the layer table, the biggest
// wasted copies.
func EncodeMarkdown(out io.Writer, r Report) error {
	w := bufio.NewWriter(out)
	img := r.Image
	fmt.Fprintf(w, "# lx report: %s\n\n", inline(img.Ref))
	fmt.Fprintf(w, "**Efficiency %s** · wasted %s of %s shipped · %d layers",
		Percent(img.Efficiency), BytesExact(img.WastedBytes), BytesExact(img.TotalBytes), img.LayerCount)
	if img.CompressedBytes != nil {
		fmt.Fprintf(w, " · pull size %s", BytesExact(*img.CompressedBytes))
		if e := img.WastedPullCostEstimate; e != nil && img.WastedBytes > 0 {
			fmt.Fprintf(w, ", wasted ≈ %s of it (estimated)", Bytes(*e))
		}
	}
	fmt.Fprintf(w, "\n\nImage ID `%s`", img.ID)
	if img.OS != "" {
		fmt.Fprintf(w, " · %s/%s", img.OS, img.Architecture)
		if img.Variant != "" {
			fmt.Fprintf(w, "/%s", img.Variant)
		}
	}
	if img.Base != nil {
		fmt.Fprintf(w, " · %s", BuiltOn(*img.Base))
	}
	if c := img.Container; c != nil {
		fmt.Fprintf(w, "\n\nContainer %s (%s) of %s, id `%s` · size %s · virtual size %s", inline(c.Name), c.State, inline(c.Image), c.ID,
			knownBytes(c.SizeBytes), knownBytes(c.VirtualSizeBytes))
	}
	fmt.Fprint(w, "\n\n| wasted by cause | bytes |\n| --- | ---: |\n")
	for _, c := range []string{"removed", "recopied", "overwritten"} {
		fmt.Fprintf(w, "| %s | %s |\n", c, BytesExact(img.WasteByCause[c]))
	}

	if len(r.Hints) > 0 {
		fmt.Fprint(w, "\n## Fix hints\n\n")
		for i, h := range r.Hints {
			if i == MarkdownHints {
				fmt.Fprintf(w, "\n…and %d more (the JSON report lists every one).\n", len(r.Hints)-i)
				break
			}
			fmt.Fprintf(w, "%d. **%s** (%s bytes%s) %s: %s.\n", i+1, Bytes(h.Bytes), Commas(h.Bytes), PullCost(h.PullCostEstimate), h.Text, h.Advice)
		}
	}

	fmt.Fprint(w, "\n## Layers\n\n| # | size | A | C | D | wasted | killed | command |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n")
	for _, l := range r.Layers {
		fmt.Fprintf(w, "| %d | %s | %d | %d | %d | %s | %s | %s |\n", l.Index, BytesExact(l.SizeBytes),
			l.Added, l.Changed, l.Deleted, BytesExact(l.WastedBytesMade), BytesExact(l.WastedBytesKilled), inline(l.instruction()))
	}

	fmt.Fprint(w, "\n## Biggest wasted copies\n\n")
	if len(r.Waste) == 0 {
		fmt.Fprint(w, "None: every copy this image ships is visible in its final filesystem.\n")
	} else {
		fmt.Fprint(w, "| path | size | cause | made by | killed by | what changed |\n| --- | ---: | --- | --- | --- | --- |\n")
		for i, x := range r.Waste {
			if i == MarkdownWasteRows {
				fmt.Fprintf(w, "\n…and %d more (the JSON report lists every one).\n", len(r.Waste)-i)
				break
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", inline(x.Path), BytesExact(x.Bytes), x.Cause,
				layerRef(r, x.MadeBy), layerRef(r, x.KilledBy), changedNote(r, x))
		}
	}
	writePathsMarkdown(w, r)
	if len(r.Warnings) > 0 {
		fmt.Fprint(w, "\n## Warnings\n\n")
		for _, s := range r.Warnings {
			fmt.Fprintf(w, "- %s\n", escapeCell(s))
		}
	}
	return w.Flush()
}

// PullCost says what copies cost a pull, when it is known: ", ≈ 1.2 MiB
// per pull, estimated".
func PullCost(e *int64) string {
	if e == nil {
		return ""
	}
	return ", ≈ " + Bytes(*e) + " per pull, estimated"
}

// knownBytes is a size the engine may not have given.
func knownBytes(n *int64) string {
	if n == nil {
		return "unknown"
	}
	return BytesExact(*n)
}

func changedNote(r Report, x WasteReport) string {
	switch {
	case x.Changed != "":
		return escapeCell(x.Changed)
	case x.ReturnedIn != nil:
		return fmt.Sprintf("came back in layer %d", *x.ReturnedIn)
	}
	return ""
}

func layerRef(r Report, i int) string {
	if i < 0 || i >= len(r.Layers) {
		return fmt.Sprintf("layer %d", i)
	}
	return fmt.Sprintf("%d: %s", i, inline(shorten(r.Layers[i].instruction(), 60)))
}

// inline renders text as a code span that cannot break the table.
func inline(s string) string {
	if s == "" {
		return "—"
	}
	return codeSpan(escapeCell(s))
}

// codeSpan renders text as a code span on one line, outside tables.
func codeSpan(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " " // CommonMark strips one space each side
	}
	return fence + s + fence
}

func escapeCell(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.ReplaceAll(s, "|", `\|`)
}

func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// writePathsMarkdown writes the history of each path asked (--path): a
// table per path, one row per layer that touched it.
func writePathsMarkdown(w io.Writer, r Report) {
	for _, p := range r.Paths {
		fmt.Fprintf(w, "\n## History of %s\n\n", inline(p.Path))
		if len(p.History) == 0 {
			fmt.Fprint(w, "No layer has this path.\n")
			continue
		}
		fmt.Fprint(w, "| layer | | what | size | copy | step |\n| ---: | --- | --- | ---: | --- | --- |\n")
		for _, e := range p.History {
			copied := CopyText(e)
			if copied == "" {
				copied = "—"
			}
			fmt.Fprintf(w, "| %d | %s | %s | %s | %s | %s |\n", e.Layer, e.Marker, escapeCell(e.Text), EventSize(e), copied, inline(shorten(commandOf(r, e.Layer), 60)))
		}
	}
}

// commandOf is layer i's step (or container), "" when the report has no
// such layer.
func commandOf(r Report, i int) string {
	if i < 0 || i >= len(r.Layers) {
		return ""
	}
	return r.Layers[i].instruction()
}
