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
