package ui

import (
	"strconv"
	"strings"

	"github.com/aymanbagabas/go-udiff"

	"lx.dev/lx/model"
	"lx.dev/lx/model/report"
)

// lineRow is one line of a unified diff as the viewer draws it: a hunk's
// header, or a line kept (' '), added ('+') or removed ('-') with its
// numbers in the old and the new copy (0 where it has none).
type lineRow struct {
	kind     byte // '@', ' ', '+', '-'
	old, new int
	text     string
}

// diffContext is how many unchanged lines a hunk shows around a change.
const diffContext = 3

// lineDiff is the unified diff of two texts, by lines (go-udiff), as
// rows; added and removed count the lines.
func lineDiff(a, b string) (rows []lineRow, added, removed int, err error) {
	edits := udiff.Lines(a, b)
	u, err := udiff.ToUnifiedDiff("a", "b", a, edits, diffContext)
	if err != nil {
		return nil, 0, 0, err
	}
	for _, h := range u.Hunks {
		from, to := 0, 0
		for _, l := range h.Lines {
			if l.Kind != udiff.Insert {
				from++
			}
			if l.Kind != udiff.Delete {
				to++
			}
		}
		rows = append(rows, lineRow{kind: '@', text: hunkHeader(h.FromLine, from, h.ToLine, to)})
		o, n := h.FromLine, h.ToLine
		for _, l := range h.Lines {
			text := strings.TrimSuffix(strings.TrimSuffix(l.Content, "\n"), "\r")
			switch l.Kind {
			case udiff.Delete:
				rows = append(rows, lineRow{kind: '-', old: o, text: text})
				o++
				removed++
			case udiff.Insert:
				rows = append(rows, lineRow{kind: '+', new: n, text: text})
				n++
				added++
			default:
				rows = append(rows, lineRow{kind: ' ', old: o, new: n, text: text})
				o++
				n++
			}
		}
	}
	return rows, added, removed, nil
}

// hunkHeader is a hunk's "@@ -1,3 +1,4 @@", as diff -u writes it.
func hunkHeader(from, fromN, to, toN int) string {
	side := func(sign string, start, n int) string {
		if n == 0 {
			start-- // an empty side names the line before it
		}
		if n == 1 {
			return sign + strconv.Itoa(start)
		}
		return sign + strconv.Itoa(start) + "," + strconv.Itoa(n)
	}
	return "@@ " + side("-", from, fromN) + " " + side("+", to, toN) + " @@"
}

// sameContent says what a copy with identical bytes changed instead:
// "content unchanged; mode 0644→0777".
func sameContent(a, b model.FileInfo) string {
	m := model.MetaChange{Xattrs: a.Xattrs != b.Xattrs}
	if a.Mode != b.Mode {
		m.Mode, m.FromMode, m.ToMode = true, a.Mode, b.Mode
	}
	if a.UID != b.UID || a.GID != b.GID {
		m.Owner, m.FromUID, m.FromGID, m.ToUID, m.ToGID = true, a.UID, a.GID, b.UID, b.GID
	}
	if m.Nothing() {
		return "content unchanged; mode, owner and attributes too: the same file written again"
	}
	return "content unchanged; " + report.Change(m)
}
