package ui

import (
	"strconv"

	"charm.land/lipgloss/v2"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"lx.dev/lx/model"
	"lx.dev/lx/model/report"
	"lx.dev/lx/theme"
)

// size renders bytes for a column: "1.0 MiB", "512 B".
func size(n int64) string { return report.Bytes(n) }

// count renders a count in at most 5 cells: 12345 → "12k".
func count(n int) string {
	switch {
	case n < 10000:
		return strconv.Itoa(n)
	case n < 1000000:
		return strconv.Itoa(n/1000) + "k"
	}
	return strconv.Itoa(n/1000000) + "M"
}

// modeString renders a kind and permission bits as ls does: "drwxr-xr-x".
func modeString(k model.Kind, mode uint32) string {
	b := []byte("?rwxrwxrwx")
	switch k {
	case model.KindDir:
		b[0] = 'd'
	case model.KindSymlink:
		b[0] = 'l'
	case model.KindCharDev:
		b[0] = 'c'
	case model.KindBlockDev:
		b[0] = 'b'
	case model.KindFIFO:
		b[0] = 'p'
	default:
		b[0] = '-'
	}
	for i := range 9 {
		if mode&(1<<(8-i)) == 0 {
			b[i+1] = '-'
		}
	}
	special := func(bit uint32, at int, set, unset byte) {
		if mode&bit != 0 {
			if b[at] == '-' {
				b[at] = unset
			} else {
				b[at] = set
			}
		}
	}
	special(0o4000, 3, 's', 'S')
	special(0o2000, 6, 's', 'S')
	special(0o1000, 9, 't', 'T')
	return string(b)
}

// oneLine is a command on one line, as the Dockerfile step that made it.
func oneLine(cmd string) string {
	return strings.Join(strings.Fields(report.Instruction(cmd)), " ")
}

// wrapCommand breaks a command for reading: one line per `&&` / `;` link
// of a chain, each wrapped to width with continuation lines indented.
func wrapCommand(cmd string, width int) []string {
	cmd = strings.Join(strings.Fields(cmd), " ")
	var parts []string
	for rest := cmd; rest != ""; {
		i := strings.Index(rest, " && ")
		j := strings.Index(rest, "; ")
		switch {
		case i >= 0 && (j < 0 || i < j):
			parts = append(parts, rest[:i+3])
			rest = rest[i+4:]
		case j >= 0:
			parts = append(parts, rest[:j+1])
			rest = rest[j+2:]
		default:
			parts = append(parts, rest)
			rest = ""
		}
	}
	var out []string
	w := max(width-4, 8)
	for _, p := range parts {
		for _, line := range strings.Split(ansi.Wrap(p, w, " -=,"), "\n") {
			if len(out) > 0 {
				line = "    " + line
			}
			out = append(out, line)
		}
	}
	return out
}

// padLeft right-aligns s in w cells.
func padLeft(s string, w int) string {
	if n := ansi.StringWidth(s); n < w {
		return strings.Repeat(" ", w-n) + s
	}
	return s
}

// causeStyle is the highlight of a wasted copy's cause.
func causeStyle(s *theme.Styles, c model.Cause) lipgloss.Style {
	switch c {
	case model.Recopied:
		return s.Recopied
	case model.Overwritten:
		return s.Overwritten
	}
	return s.Removed
}

// markerStyle is a change marker's style.
func markerStyle(s *theme.Styles, m model.Marker) lipgloss.Style {
	switch m {
	case model.Added:
		return s.Added
	case model.Changed:
		return s.Changed
	case model.Deleted:
		return s.Deleted
	}
	return s.Dim
}

// compactSize renders bytes in at most 6 cells, for narrow columns:
// "512B", "9.8K", "198K", "1.9M", "12G".
func compactSize(n int64) string {
	if n < 1024 {
		return strconv.FormatInt(n, 10) + "B"
	}
	v := float64(n)
	for _, u := range []string{"K", "M", "G", "T", "P"} {
		v /= 1024
		switch {
		case v < 9.95:
			return strconv.FormatFloat(v, 'f', 1, 64) + u
		case v < 1023.5:
			return strconv.FormatFloat(v, 'f', 0, 64) + u
		}
	}
	return strconv.FormatFloat(v/1024, 'f', 0, 64) + "E"
}

// midTrunc fits a path in w cells by cutting its middle: the base name
// stays whole as long as it fits, then whole directories from both ends
// ("/opt/app/…/c/lib/big.bin"), cut inside a name only when none fits.
func midTrunc(p string, w int) string {
	if ansi.StringWidth(p) <= w {
		return p
	}
	if w <= 1 {
		return ansi.Truncate(p, w, "")
	}
	base := p[strings.LastIndexByte(p, '/')+1:]
	bw := ansi.StringWidth(base)
	if bw+1 >= w { // not even the name fits: keep its end
		return "…" + ansi.TruncateLeft(base, bw-(w-1), "")
	}
	dir := p[:len(p)-len(base)] // "/opt/app/…/lib/"
	keep := w - 2 - bw          // cells for the directories around the "…/"
	parts := strings.SplitAfter(dir, "/")
	head, tail := "", ""
	for i, j := 0, len(parts)-1; i <= j; {
		switch {
		case ansi.StringWidth(head+tail+parts[j]) <= keep && (len(tail) <= len(head) || ansi.StringWidth(head+tail+parts[i]) > keep):
			tail = parts[j] + tail
			j--
		case ansi.StringWidth(head+tail+parts[i]) <= keep:
			head += parts[i]
			i++
		default:
			i = j + 1 // nothing else fits
		}
	}
	if head == "" && tail == "" {
		return ansi.Truncate(dir, keep+1, "") + "…" + base
	}
	return head + "…/" + tail + base
}

// plural is "1 step", "2 steps".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// ansiTrunc cuts a plain line to w cells with an ellipsis.
func ansiTrunc(s string, w int) string { return ansi.Truncate(s, max(w, 1), "…") }
