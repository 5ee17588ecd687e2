package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"lx.dev/lx/model"
	"lx.dev/lx/model/report"
)

// openViewerMsg asks App to open the file viewer on path Node in the
// filesystem after layer Layer. Against, when it is not -1, is the layer
// whose copy of the path it diffs against; with -1 the viewer diffs a
// path the layer changed (Own: the selected step made it) against the
// copy before.
type openViewerMsg struct {
	Node    model.NodeID
	Layer   int
	Own     bool
	Against int
}

const viewerID OverlayID = "viewer"

// viewMode is what the viewer shows of a file.
type viewMode int

const (
	modeText viewMode = iota // its lines, numbered
	modeDiff                 // a unified diff against an earlier copy
	modeHex                  // a binary's first bytes
	modeNone                 // no content: a symlink, a device, a directory
)

// viewer is a file of the image as of a layer, read off the update loop
// (kept bytes at once, others from the source, with a spinner and the
// read's progress; Esc cancels): its lines numbered, with search and
// sideways scrolling; a binary's first 64 KiB in hex; on a path the layer
// changed, the unified diff against the copy before, d switching to the
// whole file. A symlink shows where it leads (Enter follows it), a
// hardlink the paths of its inode group.
type viewer struct {
	c   *Common
	img *image
	at  openViewerMsg

	path   string         // the path shown, as people read it
	info   model.FileInfo // its state
	gone   bool           // the layer deleted it: its state before is shown
	notes  []string       // what is said over the content
	target model.NodeID   // a symlink's destination in the image
	follow bool           // …which Enter can show

	load    *fileLoad
	loading bool
	err     error
	readProgress

	doc      *doc // the file as of the layer
	old      *doc // the copy it is diffed against
	oldLayer int  // the filesystem it is taken from
	oldInfo  model.FileInfo
	diff     []lineRow
	added    int
	removed  int
	same     string // a copy with identical bytes: what changed instead
	noDiff   string // why there is no diff where one was wanted
	mode     viewMode

	top, left int
	rows      []string // the lines on screen, made by Update for View

	search    textField
	searching bool
	query     string
	match     int    // the line of the match shown, -1 for none
	searchMsg string // what the last search found
	w, h      int
}

// viewerLoadedMsg ends a viewer's read.
type viewerLoadedMsg struct {
	v        *viewer
	doc, old *doc
	diff     []lineRow
	added    int
	removed  int
	noDiff   string
	err      error
}

// newViewer opens the viewer on a path; its read starts with Init.
func newViewer(c *Common, img *image, at openViewerMsg) *viewer {
	v := &viewer{c: c, img: img, readProgress: newReadProgress(), match: -1}
	v.search = newTextField(c, "")
	v.open(at)
	return v
}

func (v *viewer) ID() OverlayID { return viewerID }

// Area is the whole terminal but a margin.
func (v *viewer) Area(w, h int) (int, int) { return w - 4, h - 2 }

func (v *viewer) SetSize(w, h int) {
	v.w, v.h = w, h
	v.search.setWidth(w - 6)
	v.clamp()
}

// Capturing: the search text is typed.
func (v *viewer) Capturing() bool { return v.searching }

// closed lets the file go (App calls it however the viewer is closed).
func (v *viewer) closed() { v.load.close() }

func (v *viewer) KeyHelp() []key.Binding {
	k := v.c.Keys
	if v.searching {
		return []key.Binding{relabel(k.Enter, "search"), relabel(k.Back, "cancel")}
	}
	binds := []key.Binding{relabel(k.Back, "close")}
	switch {
	case v.loading:
		return []key.Binding{relabel(k.Back, "cancel")}
	case v.follow:
		binds = append(binds, relabel(k.Enter, "follow the link"))
	case v.diff != nil || v.same != "":
		what := "whole file"
		if v.mode != modeDiff {
			what = "diff"
		}
		binds = append(binds, relabel(k.Diff, what))
	}
	if v.mode != modeNone {
		binds = append(binds, relabel(k.Search, "search"), relabel(k.NextMatch, "next"), relabel(k.PrevMatch, "previous"))
	}
	if v.doc != nil {
		binds = append(binds, relabel(k.Extract, "extract"), relabel(k.CopyContent, "copy"))
	}
	return append(binds, relabel(k.CopyPath, "copy path"))
}

// open shows path at.Node after layer at.Layer, as the tree (or the
// history, or a link followed) asks: its state, what is said over it, and
// the read to come.
func (v *viewer) open(at openViewerMsg) {
	v.load.close()
	*v = viewer{c: v.c, img: v.img, readProgress: newReadProgress(), search: v.search, w: v.w, h: v.h, at: at, match: -1, oldLayer: -1}
	img := v.img.view()
	n, k := at.Node, at.Layer
	v.path = model.DisplayPath(img.Path(n))
	info, ok := img.Stat(n, k)
	if !ok {
		// The layer deleted it: what it was before.
		if info, ok = img.Stat(n, k-1); !ok {
			v.mode, v.notes = modeNone, []string{fmt.Sprintf("Nothing is at %s after layer %d.", v.path, k)}
			return
		}
		v.gone = true
		v.notes = append(v.notes, fmt.Sprintf("Layer %d deleted it: this is what it held before.", k))
		k--
	}
	v.info = info
	switch info.Kind {
	case model.KindRegular, model.KindHardlink:
		v.mode = modeText
		v.notes = append(v.notes, v.linkNotes(n, k)...)
		v.chooseAgainst(n, k)
	case model.KindSymlink:
		v.mode = modeNone
		v.notes = append(v.notes, v.symlinkNotes(n, k)...)
	default:
		v.mode = modeNone
		v.notes = append(v.notes, fmt.Sprintf("%s is %s: it has no content to show.", v.path, kindPhrase(info)))
	}
}

// linkNotes say what a hardlink links to and its inode group.
func (v *viewer) linkNotes(n model.NodeID, k int) []string {
	img := v.img.view()
	var notes []string
	if v.info.Kind == model.KindHardlink {
		notes = append(notes, "A hardlink to "+model.DisplayPath(v.info.Link)+": the same file, its bytes stored once.")
	}
	if group := img.Hardlinks(n, k); len(group) > 0 {
		var names []string
		for _, m := range group {
			names = append(names, model.DisplayPath(img.Path(m)))
		}
		notes = append(notes, fmt.Sprintf("Inode group of %d paths: %s", len(group), strings.Join(names, ", ")))
	}
	return notes
}

// symlinkNotes say where a symlink points and where that leads inside
// the image; the destination is kept for Enter.
func (v *viewer) symlinkNotes(n model.NodeID, k int) []string {
	img := v.img.view()
	notes := []string{"Symlink → " + model.EscapeName(v.info.Link)}
	dest, m, ok, err := img.Resolve(img.Path(n), k)
	switch {
	case err != nil:
		return append(notes, "It leads nowhere: "+err.Error()+".")
	case !ok:
		return append(notes, fmt.Sprintf("It leads to %s, which is not in the filesystem after layer %d.", model.DisplayPath(dest), k))
	}
	info, _ := img.Stat(m, k)
	v.target, v.follow = m, true
	what := "opens it"
	if info.Kind == model.KindDir {
		what = "shows it in the tree"
	}
	return append(notes, fmt.Sprintf("It leads to %s, %s, inside the image. %s %s.", model.DisplayPath(dest), kindPhrase(info), shortKey(v.c.Keys.Enter), what))
}

// kindPhrase names what a path is, with its size or device: "a file of
// 1.2 KiB", "a character device 1:3".
func kindPhrase(info model.FileInfo) string {
	switch info.Kind {
	case model.KindRegular, model.KindHardlink:
		return "a file of " + size(info.Size)
	case model.KindCharDev, model.KindBlockDev:
		return fmt.Sprintf("a %s device %d:%d", map[model.Kind]string{model.KindCharDev: "character", model.KindBlockDev: "block"}[info.Kind], info.Dev>>32, info.Dev&0xffffffff)
	}
	name := report.KindName(info.Kind)
	if strings.IndexAny(name, "aeiou") == 0 {
		return "an " + name
	}
	return "a " + name
}

// chooseAgainst picks the copy to diff against: the one asked for, or,
// on a path the layer's own step changed, the copy before.
func (v *viewer) chooseAgainst(n model.NodeID, k int) {
	img := v.img.view()
	against := v.at.Against
	if against < 0 {
		if !v.at.Own || v.gone || img.Marker(n, k) != model.Changed {
			return
		}
		against = k - 1
	}
	before, ok := img.Stat(n, against)
	if !ok || before.Kind != model.KindRegular && before.Kind != model.KindHardlink {
		v.noDiff = fmt.Sprintf("After layer %d no file was here to diff against.", against)
		return
	}
	v.oldLayer, v.oldInfo = against, before
}

// Init starts the read.
func (v *viewer) Init() tea.Cmd {
	if v.mode == modeNone {
		return nil
	}
	img := v.img.view()
	k := v.at.Layer
	if v.gone {
		k--
	}
	ref, ok := img.FileRef(v.at.Node, k)
	if !ok {
		v.mode = modeNone
		v.notes = append(v.notes, "Its bytes are held by no file of the layer.")
		return nil
	}
	var oldRef *model.FileRef
	if v.oldLayer >= 0 {
		r, _ := img.FileRef(v.at.Node, v.oldLayer)
		oldRef = &r
		if r == ref || r.Size == ref.Size && r.Digest == ref.Digest {
			v.same = sameContent(v.oldInfo, v.info)
		}
	}
	v.load, v.loading = newFileLoad(), true
	load, contents, same := v.load, v.c.Contents, v.same != ""
	read := func() tea.Msg {
		msg := viewerLoadedMsg{v: v}
		msg.doc, msg.err = openDoc(load, contents, ref)
		if msg.err != nil || oldRef == nil || same {
			return msg
		}
		if msg.old, msg.err = openDoc(load, contents, *oldRef); msg.err != nil {
			return msg
		}
		a, errA := msg.old.text()
		b, errB := msg.doc.text()
		switch {
		case errA == errBinary || errB == errBinary:
			msg.noDiff = "A binary file: no line diff."
		case errA != nil || errB != nil:
			msg.noDiff = fmt.Sprintf("Too big to diff (each side at most %s).", size(diffBytes))
		default:
			msg.diff, msg.added, msg.removed, msg.err = lineDiff(a, b)
		}
		return msg
	}
	return tea.Batch(read, v.spin.Tick)
}

func (v *viewer) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case viewerLoadedMsg:
		if msg.v == v {
			v.loaded(msg)
		}
	case viewerSearchMsg:
		if msg.v == v && msg.query == v.query {
			v.found(msg)
		}
	case spinner.TickMsg:
		if v.loading {
			return v.tick(msg, v.load)
		}
	case themeChangedMsg:
		v.search.restyle(v.c)
		v.refresh()
	case tea.KeyPressMsg:
		if v.searching {
			return v.typeSearch(msg)
		}
		return v.key(msg)
	case tea.PasteMsg, tea.ClipboardMsg:
		if v.searching {
			return v.typeSearch(msg)
		}
	}
	return nil
}

// loaded takes the read's result: the view opens on the diff when there
// is one (or on the note that the bytes did not change).
func (v *viewer) loaded(msg viewerLoadedMsg) {
	v.loading = false
	v.doc, v.old, v.err = msg.doc, msg.old, msg.err
	if v.err != nil {
		return
	}
	v.diff, v.added, v.removed = msg.diff, msg.added, msg.removed
	if msg.noDiff != "" {
		v.noDiff = msg.noDiff
	}
	switch {
	case v.doc.binary:
		v.mode = modeHex
	case v.diff != nil || v.same != "":
		v.mode = modeDiff
	default:
		v.mode = modeText
	}
	v.refresh()
}

func (v *viewer) key(msg tea.KeyPressMsg) tea.Cmd {
	k := v.c.Keys
	switch {
	case key.Matches(msg, k.Back):
		return closeOverlay(v.c, viewerID)
	case v.loading:
		return nil
	case key.Matches(msg, k.Enter):
		return v.followLink()
	case key.Matches(msg, k.Diff):
		v.toggleDiff()
	case key.Matches(msg, k.Search) && v.mode != modeNone && v.doc != nil:
		v.searching = true
		v.search.set("")
		v.search.focus()
	case key.Matches(msg, k.NextMatch):
		return v.searchFrom(v.query, 1)
	case key.Matches(msg, k.PrevMatch):
		return v.searchFrom(v.query, -1)
	case key.Matches(msg, k.CopyPath):
		return copyText(v.c, v.path, v.path)
	case key.Matches(msg, k.CopyContent):
		return copyFile(v.c, v.img, v.at.Node, v.fileLayer())
	case key.Matches(msg, k.Extract):
		v.c.post(openExtractMsg{Node: v.at.Node, Layer: v.fileLayer()})
	case key.Matches(msg, k.Left):
		v.left = max(v.left-8, 0)
		v.refresh()
	case key.Matches(msg, k.Right):
		v.left += 8
		v.refresh()
	default:
		v.move(msg)
	}
	return nil
}

// fileLayer is the layer whose filesystem holds the file shown.
func (v *viewer) fileLayer() int {
	if v.gone {
		return v.at.Layer - 1
	}
	return v.at.Layer
}

// move scrolls by the movement keys.
func (v *viewer) move(msg tea.KeyPressMsg) {
	l := list{n: v.rowCount(), h: v.bodyHeight(), offset: v.top, cursor: v.top}
	if d, ok := l.delta(v.c.Keys, msg); ok {
		v.scrollTo(v.top + d)
	}
}

func (v *viewer) Scroll(d int) { v.scrollTo(v.top + d) }

func (v *viewer) Click(int, int) tea.Cmd { return nil }

func (v *viewer) scrollTo(top int) {
	v.top = top
	v.clamp()
	v.refresh()
}

func (v *viewer) clamp() {
	v.top = min(max(v.top, 0), max(v.rowCount()-v.bodyHeight(), 0))
}

// rowCount is how many rows the mode has.
func (v *viewer) rowCount() int {
	switch {
	case v.doc == nil:
		return 0
	case v.mode == modeDiff && v.diff != nil:
		return len(v.diff)
	case v.mode == modeText:
		return v.doc.lines()
	case v.mode == modeHex:
		return (len(v.doc.hex) + 15) / 16
	}
	return 0
}

// toggleDiff switches between the diff and the whole file.
func (v *viewer) toggleDiff() {
	if v.doc == nil || v.doc.binary || v.diff == nil && v.same == "" {
		return
	}
	if v.mode == modeDiff {
		v.mode = modeText
	} else {
		v.mode = modeDiff
	}
	v.top, v.match, v.searchMsg = 0, -1, ""
	v.refresh()
}

// followLink shows a symlink's destination: a file in the viewer, a
// directory in the tree.
func (v *viewer) followLink() tea.Cmd {
	if !v.follow {
		return nil
	}
	img := v.img.view()
	k := v.at.Layer
	if info, _ := img.Stat(v.target, k); info.Kind == model.KindDir {
		v.c.post(JumpMsg{Node: v.target, Layer: k})
		return nil
	}
	v.open(openViewerMsg{Node: v.target, Layer: k, Against: -1})
	return v.Init()
}
