package ui

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"lx.dev/lx/model"
	"lx.dev/lx/model/report"
)

// maxNotes is how many lines of notes the viewer gives over its content.
const maxNotes = 3

// headLines is how many lines go over the content: the notes, and the
// line that says what is shown.
func (v *viewer) headLines() int { return len(v.noteLines()) + 1 }

// noteLines are the notes wrapped to the width, at most maxNotes lines.
func (v *viewer) noteLines() []string {
	var out []string
	for _, n := range v.notes {
		out = append(out, wrapWords(n, max(v.w-2, 10))...)
	}
	if len(out) > maxNotes {
		out[maxNotes-1] = ansiTrunc(strings.Join(out[maxNotes-1:], " "), v.w-2)
		out = out[:maxNotes]
	}
	return out
}

// bodyHeight is how many rows of content fit: the frame, the head and
// the status line take the rest.
func (v *viewer) bodyHeight() int { return max(v.h-2-v.headLines()-1, 1) }

// refresh renders the rows on screen, for View to draw: Update calls it
// whenever they may change.
func (v *viewer) refresh() {
	v.clamp()
	v.rows = v.rows[:0]
	if v.doc == nil || v.w < 4 {
		return
	}
	iw := v.w - 2
	s := v.c.Styles
	for i := v.top; i < min(v.top+v.bodyHeight(), v.rowCount()); i++ {
		switch v.mode {
		case modeText:
			gw := len(strconv.Itoa(v.doc.lines()))
			num := s.Dim.Render(padLeft(strconv.Itoa(i+1), gw)) + " "
			v.rows = append(v.rows, num+v.textCells(v.doc.line(i), iw-gw-1, i == v.match))
		case modeDiff:
			v.rows = append(v.rows, v.diffLine(v.diff[i], iw, i == v.match))
		case modeHex:
			v.rows = append(v.rows, v.hexLine(i, i == v.match))
		}
	}
}

// textCells renders one line of a file in w cells from column v.left:
// tabs to the next stop of 8, control bytes and bytes that are not UTF-8
// as a dim "·", the search's matches highlighted.
func (v *viewer) textCells(line []byte, w int, current bool) string {
	text := expand(line)
	return ansi.Cut(v.highlight(text, current), v.left, v.left+max(w, 0))
}

// expand turns a line's bytes into cells: tabs expanded, what the terminal
// must not get replaced.
func expand(line []byte) string {
	var b strings.Builder
	col := 0
	for len(line) > 0 {
		r, n := utf8.DecodeRune(line)
		line = line[n:]
		switch {
		case r == '\t':
			pad := 8 - col%8
			b.WriteString(strings.Repeat(" ", pad))
			col += pad
		case r == utf8.RuneError && n == 1, r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
			b.WriteString("·")
			col++
		default:
			b.WriteRune(r)
			if r < 0x80 {
				col++
			} else {
				col += ansi.StringWidth(string(r))
			}
		}
	}
	return b.String()
}

// highlight marks the search's matches in a rendered line; the current
// match's line gets them selected.
func (v *viewer) highlight(text string, current bool) string {
	s := v.c.Styles
	if v.query == "" {
		return s.Text.Render(text)
	}
	q, fold := searchQuery(v.query)
	hay := []byte(text)
	if fold {
		hay = lowerASCII(hay)
	}
	st := s.Match
	if current {
		st = s.Selected
	}
	var b strings.Builder
	last := 0
	for i := 0; ; {
		j := bytes.Index(hay[i:], q)
		if j < 0 {
			break
		}
		at := i + j
		b.WriteString(s.Text.Render(text[last:at]))
		b.WriteString(st.Render(text[at : at+len(q)]))
		last, i = at+len(q), at+len(q)
	}
	b.WriteString(s.Text.Render(text[last:]))
	return b.String()
}

// diffLine renders a diff row: both copies' line numbers, then the line
// with its +, - or space, or a hunk's header.
func (v *viewer) diffLine(r lineRow, w int, current bool) string {
	s := v.c.Styles
	gw := max(len(strconv.Itoa(v.old.lines())), len(strconv.Itoa(v.doc.lines())), 1)
	num := func(n int) string {
		if n == 0 {
			return strings.Repeat(" ", gw)
		}
		return padLeft(strconv.Itoa(n), gw)
	}
	if r.kind == '@' {
		return s.Dim.Render(strings.Repeat(" ", 2*gw+2)) + s.Key.Render(r.text)
	}
	gutter := s.Dim.Render(num(r.old) + " " + num(r.new) + " ")
	tw := max(w-2*gw-3, 0)
	text := ansi.Cut(v.highlight(expand([]byte(r.text)), current), v.left, v.left+tw)
	switch r.kind {
	case '+':
		return gutter + s.Added.Render("+") + lipgloss.NewStyle().Foreground(s.Palette.Added).Render(ansi.Strip(text))
	case '-':
		return gutter + s.Deleted.Render("-") + lipgloss.NewStyle().Foreground(s.Palette.Deleted).Render(ansi.Strip(text))
	}
	return gutter + " " + text
}

// hexLine renders 16 bytes of a binary: their offset, their hex and the
// printable ones.
func (v *viewer) hexLine(row int, current bool) string {
	s := v.c.Styles
	b := v.doc.hex[row*16 : min(row*16+16, len(v.doc.hex))]
	var hx, asc strings.Builder
	for i := range 16 {
		if i >= len(b) {
			hx.WriteString("   ")
			continue
		}
		fmt.Fprintf(&hx, "%02x ", b[i])
		if b[i] >= 0x20 && b[i] < 0x7f {
			asc.WriteByte(b[i])
		} else {
			asc.WriteByte('.')
		}
	}
	line := s.Dim.Render(fmt.Sprintf("%08x ", row*16)) + s.Text.Render(hx.String()) + s.Text.Render(asc.String())
	if current {
		return s.Selected.Render(ansi.Strip(line))
	}
	return line
}

func (v *viewer) View() string {
	if v.w < 10 || v.h < 6 {
		return ""
	}
	s := v.c.Styles
	iw := v.w - 2
	var body []string
	for _, n := range v.noteLines() {
		body = append(body, s.Text.Render(n))
	}
	body = append(body, v.what())
	if v.mode == modeDiff && v.diff == nil && v.same != "" {
		body = append(body, "", s.Good.Render(ansiTrunc(v.same, iw)))
	}
	body = append(body, v.rows...)
	for len(body) < v.h-3 {
		body = append(body, "")
	}
	body = append(body[:v.h-3], v.status())
	return v.c.frame(v.title(iw), true, v.w, v.h, body)
}

// title names the file, the layer and the size.
func (v *viewer) title(w int) string {
	t := fmt.Sprintf(" · layer %d", v.at.Layer)
	if v.info.Kind == 0 {
		return midTrunc(v.path, max(w-20, 12)) + t
	}
	if v.info.Kind == model.KindRegular || v.info.Kind == model.KindHardlink {
		t += " · " + size(v.info.Size)
	}
	return midTrunc(v.path, max(w-ansi.StringWidth(t)-6, 12)) + t
}

// what is the line that says what is shown, or how the read goes.
func (v *viewer) what() string {
	s := v.c.Styles
	iw := v.w - 2
	k := v.c.Keys
	var line string
	switch {
	case v.loading:
		line = v.spin.View() + " reading " + v.path + v.progress()
		if v.doc == nil && v.total != 0 {
			line += " · " + keyHint(k.Back, "cancels")
		}
		return s.Dim.Render(ansiTrunc(line, iw))
	case v.err != nil:
		return s.Error.Render(ansiTrunc("Cannot show it: "+v.err.Error(), iw))
	case v.doc == nil:
		return ""
	case v.mode == modeDiff && v.diff != nil:
		line = fmt.Sprintf("Diff against %s: +%d −%d lines · %s", v.against(), v.added, v.removed, keyHint(k.Diff, "shows the whole file"))
	case v.mode == modeDiff:
		line = fmt.Sprintf("Against %s: the same bytes · %s", v.against(), keyHint(k.Diff, "shows the whole file"))
	case v.mode == modeHex && v.doc.n > hexBytes:
		line = fmt.Sprintf("Binary: its first %s of %s in hex · %s", size(int64(len(v.doc.hex))), size(v.doc.ref.Size), keyHint(k.Extract, "writes it out whole"))
	case v.mode == modeHex:
		line = "Binary, in hex"
	default:
		line = report.Commas(int64(v.doc.lines())) + " lines"
		if v.diff != nil || v.same != "" {
			line += " · " + keyHint(k.Diff, "diffs against "+v.against())
		}
		if v.doc.cut != "" {
			line += " · " + v.doc.cut
		}
		if v.noDiff != "" {
			line += " · " + v.noDiff
		}
	}
	return s.Dim.Render(ansiTrunc(line, iw))
}

// against names the copy diffed against: the layer that wrote it.
func (v *viewer) against() string {
	return fmt.Sprintf("layer %d's copy", v.oldInfo.Layer)
}

// progress is how far a read from the source has come.
func (v *viewer) progress() string {
	switch {
	case v.read <= 0:
		return "…"
	case v.total > 0 && v.read <= v.total:
		return fmt.Sprintf(": %s of ~%s", size(v.read), size(v.total))
	}
	return ": " + size(v.read)
}

// status is the bottom line: the search being typed, what it found, or
// where the view is.
func (v *viewer) status() string {
	s := v.c.Styles
	if v.searching {
		return s.Key.Render("/") + v.search.view()
	}
	if v.searchMsg != "" {
		return s.Dim.Render(v.searchMsg)
	}
	n := v.rowCount()
	if n == 0 {
		return ""
	}
	pos := fmt.Sprintf("%d–%d of %d", v.top+1, min(v.top+v.bodyHeight(), n), n)
	if v.left > 0 {
		pos += fmt.Sprintf(" · from column %d", v.left+1)
	}
	return s.Dim.Render(pos)
}

// viewerSearchMsg is a search's answer: the row of the match, or -1.
type viewerSearchMsg struct {
	v       *viewer
	query   string
	row     int
	wrapped bool
}

// typeSearch edits the search; Enter searches from the top of the view.
func (v *viewer) typeSearch(msg tea.Msg) tea.Cmd {
	k := v.c.Keys
	if m, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(m, k.Enter):
			v.searching = false
			v.search.blur()
			v.query, v.match = v.search.value(), -1
			v.refresh()
			return v.searchFrom(v.query, 1)
		case key.Matches(m, k.Back):
			v.searching = false
			v.search.blur()
			return nil
		}
	}
	_, cmd := v.search.update(k, msg)
	return cmd
}

// searchFrom looks for query after the current match (or from the top of
// the view) going down, or before it going up, round the end: off the
// update loop for a file's text, which may be large.
func (v *viewer) searchFrom(query string, dir int) tea.Cmd {
	if query == "" || v.doc == nil || v.mode == modeNone {
		return nil
	}
	from := v.match
	if from < 0 {
		from = v.top
		if dir > 0 {
			from--
		}
	}
	q, fold := searchQuery(query)
	switch v.mode {
	case modeText:
		d, view := v.doc, v
		return func() tea.Msg {
			row, wrapped := d.find(q, fold, from, dir)
			return viewerSearchMsg{v: view, query: query, row: row, wrapped: wrapped}
		}
	case modeDiff:
		row, wrapped := findRow(len(v.diff), from, dir, func(i int) []byte { return []byte(expand([]byte(v.diff[i].text))) }, q, fold)
		v.found(viewerSearchMsg{v: v, query: query, row: row, wrapped: wrapped})
	case modeHex:
		row, wrapped := findRow(v.rowCount(), from, dir, func(i int) []byte { return v.doc.hex[i*16 : min(i*16+16, len(v.doc.hex))] }, q, fold)
		v.found(viewerSearchMsg{v: v, query: query, row: row, wrapped: wrapped})
	}
	return nil
}

// found shows a search's answer: the match a third down the view.
func (v *viewer) found(msg viewerSearchMsg) {
	if msg.row < 0 {
		v.searchMsg = fmt.Sprintf("no match for %q", msg.query)
		v.refresh()
		return
	}
	v.match = msg.row
	v.searchMsg = fmt.Sprintf("%q at %d", msg.query, msg.row+1)
	if msg.wrapped {
		v.searchMsg += " · searched round the end"
	}
	if msg.row < v.top || msg.row >= v.top+v.bodyHeight() {
		v.top = msg.row - v.bodyHeight()/3
	}
	v.refresh()
}

// searchQuery is the bytes to look for and whether case is ignored: it
// is, unless the query has a capital letter.
func searchQuery(query string) ([]byte, bool) {
	fold := strings.ToLower(query) == query
	return []byte(query), fold
}

// lowerASCII lower-cases ASCII letters, keeping every byte's place.
func lowerASCII(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}

// findRow finds the next row (dir 1) after from, or the one before (dir
// -1), whose bytes hold q, going round the end; -1 when none does.
func findRow(n, from, dir int, row func(int) []byte, q []byte, fold bool) (int, bool) {
	for step := 1; step <= n; step++ {
		i := ((from+dir*step)%n + n) % n
		b := row(i)
		if fold {
			b = lowerASCII(b)
		}
		if bytes.Contains(b, q) {
			return i, dir > 0 && i <= from || dir < 0 && i >= from
		}
	}
	return -1, false
}

// find is findRow over a text's lines, read in large chunks (the file
// may be big and not in memory): the line of the next match after line
// from (dir 1), or of the last one before it (dir -1), round the end.
func (d *doc) find(q []byte, fold bool, from, dir int) (int, bool) {
	n := d.lines()
	if n == 0 {
		return -1, false
	}
	at := func(i int) int64 {
		if i >= n {
			return d.n
		}
		return d.starts[max(i, 0)]
	}
	var first, second [2]int64 // the ranges searched, then searched round the end
	if dir > 0 {
		first, second = [2]int64{at(from + 1), d.n}, [2]int64{0, at(from + 1)}
	} else {
		first, second = [2]int64{0, at(from)}, [2]int64{at(from), d.n}
	}
	for i, span := range [][2]int64{first, second} {
		if off, ok := d.scan(q, fold, span[0], span[1], dir < 0); ok {
			line := sort.Search(n, func(j int) bool { return d.starts[j] > off }) - 1
			return line, i == 1
		}
	}
	return -1, false
}

// scan finds q in bytes lo…hi: the first match, or the last.
func (d *doc) scan(q []byte, fold bool, lo, hi int64, last bool) (int64, bool) {
	const chunk = 1 << 20
	buf := make([]byte, chunk+len(q))
	found, ok := int64(0), false
	for off := lo; off < hi; off += chunk {
		n, err := d.r.ReadAt(buf[:min(int64(len(buf)), hi-off)], off)
		if n == 0 && err != nil {
			break
		}
		b := buf[:n]
		if fold {
			b = lowerASCII(b)
		}
		for i := 0; ; {
			j := bytes.Index(b[i:], q)
			if j < 0 || off+int64(i+j) >= min(off+chunk, hi) {
				break
			}
			found, ok = off+int64(i+j), true
			if !last {
				return found, true
			}
			i += j + 1
		}
	}
	return found, ok
}
