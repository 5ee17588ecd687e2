package ui

import (
	"cmp"
	"slices"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"lx.dev/lx/model"
)

// diffTreePane shows the difference of the two final filesystems as a
// tree: what B adds (A), changes (C) and lacks (D), the directories on
// the way with the changes below them, and each path's size in A and in
// B. A directory only A has opens onto what it held.
//
// Its rows are the open directories' children, taken from the
// comparison's paths (a directory's subtree is a range of them, so a
// closed one is skipped whole); building them costs O(rows shown), moving
// O(rows on screen).
type diffTreePane struct {
	pathList
	c  *Common
	d  *diffState
	of *model.ImageDiff // the comparison the pane was set up for

	changesOnly bool // the changes as a flat list of paths
	bySize      bool // the biggest change in size first
	lines       bool

	allOpen bool
	open    map[diffKey]bool // directories opened (when !allOpen)
	shut    map[diffKey]bool // directories closed (when allOpen)
	kinds   []model.Kind     // each path's kind, worked out as rows need it
	sizesA  *model.DirSizes  // A's directory sizes, for what a removed directory held

	keep    map[int32]bool // the paths the filter keeps, and the directories above them
	keepFor string         // the text keep was found for
	matched int

	shown diffKey // what the details were last told of
	rows  []diffRow
}

// diffKey names a row: a path of the comparison (its index), or a path
// inside a directory only A has (i is -1, node is A's).
type diffKey struct {
	i    int32
	node model.NodeID
}

var noDiffKey = diffKey{i: -1, node: model.NoNode}

func (k diffKey) inRemoved() bool { return k.i < 0 && k.node != model.NoNode }

type diffRow struct {
	key   diffKey
	depth int32
	last  uint64 // bit d: the row's ancestor at depth d (or the row) is its directory's last
	empty bool   // a directory that lists nothing here
	flat  bool   // in the changes list: the whole path shows
}

// diffPathSelectedMsg says which row the diff tree's cursor is on, while
// the tree has the focus: the details describe it.
type diffPathSelectedMsg struct{ Key diffKey }

// diffFilterMsg brings the paths a filter text keeps.
type diffFilterMsg struct {
	text    string
	keep    map[int32]bool
	matched int
}

func newDiffTreePane(c *Common, d *diffState) *diffTreePane {
	return &diffTreePane{
		c: c, d: d, lines: !c.PlainTree, shown: noDiffKey,
		open: map[diffKey]bool{}, shut: map[diffKey]bool{},
		pathList: pathList{filter: newFilter(c)},
	}
}

func (p *diffTreePane) KeyHelp() []key.Binding {
	k := p.c.Keys
	if binds, ok := p.filterHelp(k); ok {
		return binds
	}
	return []key.Binding{relabel(k.Filter, "filter"), relabel(k.Toggle, "open"), relabel(k.ChangesOnly, "changes"), relabel(k.Sort, "sort")}
}

func (p *diffTreePane) Click(_, y int) tea.Cmd {
	p.clickRow(y)
	return p.announce()
}

func (p *diffTreePane) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case focusMsg:
		p.focused = msg.focused
		p.shown = noDiffKey // gaining the focus: tell the details again
	case themeChangedMsg:
		p.filter.input.restyle(p.c)
	case imageChangedMsg:
		if p.d.diff != nil && p.of != p.d.diff {
			p.arrive()
		}
	case diffFilterMsg:
		if msg.text == p.filter.text && p.filter.active() {
			p.keep, p.keepFor, p.matched = msg.keep, msg.text, msg.matched
			p.rebuild()
		}
	case tea.KeyPressMsg:
		if p.filter.editing() {
			return tea.Batch(p.typeFilter(msg), p.announce())
		}
		return tea.Batch(p.key(msg), p.announce())
	case tea.PasteMsg, tea.ClipboardMsg:
		if p.filter.editing() {
			return p.typeFilter(msg)
		}
	}
	return p.announce()
}

// arrive sets the pane up for a new comparison: the directories on the
// way to its changes open (every directory but removed ones, when the
// rows stay few), the cursor on the first row.
func (p *diffTreePane) arrive() {
	d := p.d.diff
	p.of, p.kinds, p.sizesA = d, make([]model.Kind, len(d.Paths)), nil
	clear(p.open)
	clear(p.shut)
	few := len(d.Paths) <= autoOpenRows
	rows := len(p.children(-1))
	for i, dp := range d.Paths {
		if rows > autoOpenRows {
			break
		}
		if dp.Marker == model.Deleted || (dp.Marker == model.Added && !few) || !p.isDir(int32(i)) {
			continue
		}
		p.open[diffKey{i: int32(i), node: model.NoNode}] = true
		rows += len(p.children(int32(i)))
	}
	p.rebuild()
	p.l.to(0)
}

func (p *diffTreePane) key(msg tea.KeyPressMsg) tea.Cmd {
	k := p.c.Keys
	switch {
	case p.l.navigate(k, msg):
	case key.Matches(msg, k.Right):
		p.openSelected(true)
	case key.Matches(msg, k.Left):
		p.left()
	case key.Matches(msg, k.Toggle, k.Enter):
		if r, ok := p.selected(); ok {
			p.openSelected(!p.isOpen(r.key))
		}
	case key.Matches(msg, k.ExpandAll):
		p.allOpen, p.shut = true, map[diffKey]bool{}
		p.rebuild()
	case key.Matches(msg, k.CollapseAll):
		p.allOpen, p.open = false, map[diffKey]bool{}
		p.rebuild()
	case key.Matches(msg, k.ChangesOnly):
		p.changesOnly = !p.changesOnly
		p.rebuild()
	case key.Matches(msg, k.Sort):
		p.bySize = !p.bySize
		p.rebuild()
	case key.Matches(msg, k.Lines):
		p.lines = !p.lines
	case key.Matches(msg, k.Filter):
		p.filter.start()
		p.l.setHeight(p.listHeight())
	case key.Matches(msg, k.Back):
		if p.filter.shown() {
			p.clearFilter()
		}
	}
	return nil
}

// typeFilter edits the filter; a changed text asks for its matches.
func (p *diffTreePane) typeFilter(msg tea.Msg) tea.Cmd {
	changed, cmd := p.filter.update(p.c.Keys, msg)
	p.l.setHeight(p.listHeight())
	if !changed {
		return cmd
	}
	if !p.filter.active() {
		p.clearFilter()
		return cmd
	}
	return tea.Batch(cmd, p.search())
}

func (p *diffTreePane) clearFilter() {
	p.filter.clear()
	p.keep, p.keepFor, p.matched = nil, "", 0
	p.rebuild()
}

// search returns the command that finds the paths matching the filter,
// off the update loop: the rows follow when it answers.
func (p *diffTreePane) search() tea.Cmd {
	d := p.d.diff
	if d == nil || !p.filter.active() || p.keepFor == p.filter.text {
		return nil
	}
	match := filter{text: p.filter.text, re: p.filter.re}
	return func() tea.Msg {
		m := diffFilterMsg{text: match.text, keep: map[int32]bool{}}
		for i := range d.Paths {
			if !match.matchString(d.Path(i)) {
				continue
			}
			m.matched++
			for j := int32(i); j >= 0 && !m.keep[j]; j = d.Paths[j].Parent {
				m.keep[j] = true
			}
		}
		return m
	}
}

// filtered tells whether the rows are narrowed by the filter's answer.
func (p *diffTreePane) filtered() bool {
	return p.filter.active() && p.keep != nil && p.keepFor == p.filter.text
}

// announce tells the details which row the cursor is on, while the tree
// has the focus and the row changed.
func (p *diffTreePane) announce() tea.Cmd {
	r, ok := p.selected()
	if !p.focused || !ok || r.key == p.shown {
		return nil
	}
	p.shown = r.key
	p.c.post(diffPathSelectedMsg{Key: r.key})
	return nil
}

func (p *diffTreePane) selected() (diffRow, bool) {
	if p.l.cursor < len(p.rows) {
		return p.rows[p.l.cursor], true
	}
	return diffRow{}, false
}

func (p *diffTreePane) openSelected(open bool) {
	r, ok := p.selected()
	if !ok || r.empty || !p.keyIsDir(r.key) || p.isOpen(r.key) == open || p.filtered() || p.changesOnly {
		return
	}
	if p.allOpen {
		p.shut[r.key] = !open
	} else {
		p.open[r.key] = open
	}
	p.rebuild()
}

func (p *diffTreePane) left() {
	r, ok := p.selected()
	if !ok {
		return
	}
	if p.keyIsDir(r.key) && p.isOpen(r.key) && !r.empty && !p.filtered() && !p.changesOnly {
		p.openSelected(false)
		return
	}
	for i := p.l.cursor - 1; i >= 0; i-- {
		if p.rows[i].depth < r.depth {
			p.l.to(i)
			return
		}
	}
}

func (p *diffTreePane) isOpen(k diffKey) bool {
	switch {
	case p.filtered():
		return !k.inRemoved() && p.d.diff.Paths[k.i].Marker != model.Deleted
	case p.allOpen:
		return !p.shut[k]
	}
	return p.open[k]
}

// isDir tells whether path i of the comparison is a directory (B's kind,
// else A's).
func (p *diffTreePane) isDir(i int32) bool {
	if p.kinds[i] == 0 {
		p.kinds[i] = p.d.diff.Kind(int(i))
	}
	return p.kinds[i] == model.KindDir
}

func (p *diffTreePane) keyIsDir(k diffKey) bool {
	if k.inRemoved() {
		fi, _ := p.statA(k.node)
		return fi.Kind == model.KindDir
	}
	return p.isDir(k.i)
}

// statA is a path's state in A's final filesystem.
func (p *diffTreePane) statA(n model.NodeID) (model.FileInfo, bool) {
	a := p.d.diff.A
	return a.Stat(n, a.Applied()-1)
}

// children lists the paths of the comparison directly below Paths[i] (-1:
// the root) that the view shows.
func (p *diffTreePane) children(i int32) []int32 {
	d := p.d.diff
	lo, hi := i+1, int32(len(d.Paths))
	if i >= 0 {
		hi = d.Paths[i].End
	}
	var out []int32
	for j := lo; j < hi; j = d.Paths[j].End {
		if !p.filtered() || p.keep[j] {
			out = append(out, j)
		}
	}
	if p.bySize {
		sortBySize(p, out, func(i int32) int32 { return i })
	}
	return out
}

// sortBySize orders rows (or paths) by how much their path's size moved,
// the most first, path order breaking ties; index says a row's path.
func sortBySize[T any](p *diffTreePane, rows []T, index func(T) int32) {
	paths := p.d.diff.Paths
	slices.SortFunc(rows, func(x, y T) int {
		i, j := index(x), index(y)
		if c := cmp.Compare(sizeChange(paths[j]), sizeChange(paths[i])); c != 0 {
			return c
		}
		return cmp.Compare(i, j)
	})
}

// sizeChange is how much a path's size moved, either way.
func sizeChange(dp model.DiffPath) int64 {
	if n := dp.SizeB - dp.SizeA; n >= 0 {
		return n
	}
	return dp.SizeA - dp.SizeB
}

// rebuild recomputes the rows, keeping the cursor on the same row (or the
// nearest directory above it still shown).
func (p *diffTreePane) rebuild() {
	sel, had := p.selected()
	p.rows = p.rows[:0]
	if d := p.d.diff; d != nil {
		if p.changesOnly {
			p.buildChanges()
		} else {
			p.walk(-1, 0, 0)
		}
	}
	p.l.setHeight(p.listHeight())
	p.l.setLen(len(p.rows))
	if had {
		p.reselect(sel.key)
	}
}

func (p *diffTreePane) reselect(k diffKey) {
	for {
		for i, r := range p.rows {
			if r.key == k {
				p.l.to(i)
				return
			}
		}
		if k.inRemoved() || k.i < 0 {
			return
		}
		k = diffKey{i: p.d.diff.Paths[k.i].Parent, node: model.NoNode}
	}
}

// walk lists the shown children of Paths[parent] and of its open
// directories below; last carries which ancestors are their directory's
// last entry, for the connector lines.
func (p *diffTreePane) walk(parent int32, depth int32, last uint64) {
	kids := p.children(parent)
	for n, i := range kids {
		l := last
		if n == len(kids)-1 && depth < 64 {
			l |= 1 << depth
		}
		k := diffKey{i: i, node: model.NoNode}
		dp := p.d.diff.Paths[i]
		row := diffRow{key: k, depth: depth, last: l}
		removed := dp.Marker == model.Deleted
		if p.isDir(i) {
			row.empty = dp.End == i+1 && (!removed || dp.Entries == 0)
		}
		p.rows = append(p.rows, row)
		switch {
		case row.empty || !p.isDir(i) || !p.isOpen(k):
		case removed:
			p.walkRemoved(dp.NodeA, depth+1, l)
		default:
			p.walk(i, depth+1, l)
		}
	}
}

// walkRemoved lists what directory n of A held: B has none of it.
func (p *diffTreePane) walkRemoved(n model.NodeID, depth int32, last uint64) {
	a := p.d.diff.A
	if p.sizesA == nil {
		p.sizesA = a.DirSizes()
		p.sizesA.At(a.Applied() - 1)
	}
	kids := a.Children(n, a.Applied()-1)
	for j, c := range kids {
		l := last
		if j == len(kids)-1 && depth < 64 {
			l |= 1 << depth
		}
		k := diffKey{i: -1, node: c}
		row := diffRow{key: k, depth: depth, last: l}
		fi, _ := p.statA(c)
		if fi.Kind == model.KindDir {
			row.empty = len(a.Children(c, a.Applied()-1)) == 0
		}
		p.rows = append(p.rows, row)
		if fi.Kind == model.KindDir && !row.empty && p.isOpen(k) {
			p.walkRemoved(c, depth+1, l)
		}
	}
}

// buildChanges lists every change, in path order (or the biggest change
// in size first); a row's path is made when it is drawn.
func (p *diffTreePane) buildChanges() {
	d := p.d.diff
	for i, dp := range d.Paths {
		if dp.Marker == model.Unchanged || (p.filtered() && !p.keep[int32(i)]) {
			continue
		}
		p.rows = append(p.rows, diffRow{key: diffKey{i: int32(i), node: model.NoNode}, flat: true})
	}
	if p.bySize {
		sortBySize(p, p.rows, func(r diffRow) int32 { return r.key.i })
	}
}
