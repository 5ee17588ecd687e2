package ui

import (
	"context"
	"runtime/debug"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"lx.dev/lx/theme"
)

// Options configure the explorer.
type Options struct {
	Ref     string       // what the user asked for, until the config names it
	Theme   theme.Choice // auto follows the terminal's background
	Profile colorprofile.Profile
	Now     func() time.Time // the clock (export file names); time.Now when nil
	Cancel  context.CancelFunc
	Keys    *KeyMap // DefaultKeyMap when nil

	ExportFormat string // the export dialog's first choice; markdown when ""
	ExportDir    string // where the export dialog proposes to write; "." when ""
	PlainTree    bool   // the tree without connector lines (the L key toggles them)

	// Settle runs off the update loop once the image is read, before what
	// the load left behind goes back to the system (main tunes the
	// collector for the image that now only lives on); nil: nothing.
	Settle func()

	// Contents reads the image's files (the viewer, x, Y); nil: none can
	// be read.
	Contents Contents
}

// opener is a key that opens an overlay: registering a new overlay is one
// line here. needsImage says the overlay shows the analysis, so it opens
// once the image is read (until then the footer says so).
type opener struct {
	binding    func(*KeyMap) key.Binding
	id         OverlayID
	what       string // for "… is available once the image is read"
	needsImage bool
	open       func(*Common, *image) Overlay
}

var openers = []opener{
	{func(k *KeyMap) key.Binding { return k.Help }, helpID, "help", false, newHelpView},
	{func(k *KeyMap) key.Binding { return k.Waste }, wasteID, "the waste list", false, newWasteList},
	{func(k *KeyMap) key.Binding { return k.Export }, exportID, "the export", true, newExportDialog},
	{func(k *KeyMap) key.Binding { return k.History }, historyID, "the path's history", false, newHistoryView},
}

// App is the explorer's root model: layout, focus, routing and the
// overlay stack. It holds no analysis state beyond what the messages
// bring, and knows its screens only by the Screen contract.
type App struct {
	c     *Common
	opts  Options
	dark  bool
	img   *image
	diff  *diffState // lx diff: the comparison explored instead (see NewDiff)
	panes []Screen   // in focus order: layers, tree, details
	rects []rect
	tabs  rect // the narrow layout's tab bar; empty when wide
	focus int

	overlays []placed // the topmost last

	notice        string // a one-line answer in the footer, until the next key
	quitting      bool   // the user quit: what the cancelled load answers is not news
	width, height int
	exitCode      int
}

// placed is an overlay on the stack with the rectangle it draws in.
type placed struct {
	Overlay
	r rect
}

type rect struct{ x, y, w, h int }

func (r rect) has(x, y int) bool { return x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h }

// The panes, by their place in App.panes.
const (
	paneLayers = iota
	paneTree
	paneDetails
)

// New makes the explorer; feed it the loader's messages (see Load).
func New(opts Options) *App {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Keys == nil {
		opts.Keys = DefaultKeyMap()
	}
	a := &App{opts: opts, dark: opts.Theme != theme.LightTheme, img: &image{ref: opts.Ref}}
	a.c = &Common{Keys: opts.Keys, Now: opts.Now, ExportFormat: opts.ExportFormat, ExportDir: opts.ExportDir, PlainTree: opts.PlainTree, Contents: opts.Contents}
	a.c.Styles = theme.New(a.dark, a.opts.Profile)
	a.panes = []Screen{newLayersPane(a.c, a.img), newTreePane(a.c, a.img), newDetailsPane(a.c, a.img)}
	a.rects = make([]rect, len(a.panes))
	a.setFocus(paneLayers)
	return a
}

// ExitCode is what the process should exit with: 2 after a failed load.
func (a *App) ExitCode() int { return a.exitCode }

// Err is why the load failed, if it did.
func (a *App) Err() error { return a.failed() }

func (a *App) Init() tea.Cmd {
	if a.opts.Theme == theme.Auto || a.opts.Theme == "" {
		return tea.RequestBackgroundColor
	}
	return nil
}

func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmds := []tea.Cmd{a.update(msg)}
	// What the screens posted meanwhile, in order; it may post more.
	for len(a.c.outbox) > 0 {
		next := a.c.outbox[0]
		a.c.outbox = a.c.outbox[1:]
		cmds = append(cmds, a.update(next))
	}
	return a, tea.Batch(cmds...)
}

func (a *App) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.resize(msg.Width, msg.Height)
	case tea.BackgroundColorMsg:
		if a.opts.Theme == theme.Auto || a.opts.Theme == "" {
			a.dark = msg.IsDark()
			return a.restyle()
		}
	case tea.ColorProfileMsg:
		a.opts.Profile = msg.Profile
		return a.restyle()
	case ConfigMsg:
		a.img.setConfig(msg.Config)
		return a.imageChanged(false)
	case DeferredMsg:
		a.img.deferred = msg.Why
		return a.imageChanged(false)
	case BoundMsg:
		a.img.setBound(msg.Index)
		return a.imageChanged(false)
	case AppliedMsg:
		a.img.setApplied(msg)
		return a.imageChanged(false)
	case ProgressMsg:
		a.img.progress = msg
	case StatusMsg:
		a.img.status = msg.Text
	case LoadedMsg:
		if a.quitting {
			return nil // the load the user left ends cancelled: no failure
		}
		if msg.Err != nil {
			a.img.err, a.exitCode = msg.Err, 2
			return nil
		}
		a.img.setImage(msg.Image, msg.Hints)
		return tea.Batch(a.imageChanged(true), releaseLoadMemory(a.opts.Settle))
	case DiffSideMsg, DiffLoadedMsg:
		return a.diffUpdate(msg)
	case stepSelectedMsg:
		return a.broadcast(msg)
	case openSharersMsg:
		a.overlays = append(a.overlays, a.place(newSharersList(a.c, a.img, msg.Layer)))
	case openViewerMsg:
		if n := len(a.overlays); n > 0 && a.overlays[n-1].ID() == viewerID {
			a.popOverlay() // one viewer at a time: the new file takes its place
		}
		v := newViewer(a.c, a.img, msg)
		a.overlays = append(a.overlays, a.place(v))
		return v.Init()
	case openExtractMsg:
		if d := newExtract(a.c, a.img, msg); d != nil {
			a.overlays = append(a.overlays, a.place(d))
		}
	case JumpMsg:
		a.dropOverlays()
		return tea.Batch(a.setFocus(paneTree), a.panes[paneLayers].Update(selectLayerMsg{msg.Layer}), a.panes[paneTree].Update(revealMsg(msg)))
	case noticeMsg:
		a.notice = string(msg)
	case closeOverlayMsg:
		if n := len(a.overlays); n > 0 && a.overlays[n-1].ID() == msg.id {
			a.popOverlay()
		}
	case tea.KeyPressMsg:
		a.notice = ""
		return a.key(msg)
	case tea.PasteMsg, tea.ClipboardMsg:
		if s := a.typing(); s != nil {
			return s.Update(msg)
		}
	case tea.MouseClickMsg:
		return a.click(msg.Mouse())
	case tea.MouseWheelMsg:
		a.wheel(msg.Mouse())
	default:
		// Answers to a screen's own commands (a search, an export) go to
		// every screen; each takes its own.
		return a.broadcast(msg)
	}
	return nil
}

// releaseLoadMemory hands back to the system what the load left behind (each
// layer's entries, the snapshots of the figures so far), off the update
// loop: the explorer lives on for hours with only the image.
func releaseLoadMemory(settle func()) tea.Cmd {
	return func() tea.Msg {
		if settle != nil {
			settle()
		}
		debug.FreeOSMemory()
		return nil
	}
}

// imageChanged tells every screen the image grew; the layer list may
// need more room.
func (a *App) imageChanged(loaded bool) tea.Cmd {
	a.layout()
	return a.broadcast(imageChangedMsg{loaded: loaded})
}

func (a *App) restyle() tea.Cmd {
	a.c.Styles = theme.New(a.dark, a.opts.Profile)
	return a.broadcast(themeChangedMsg{})
}

// broadcast gives msg to every pane and overlay.
func (a *App) broadcast(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	for _, p := range a.panes {
		cmds = append(cmds, p.Update(msg))
	}
	for _, o := range a.overlays {
		cmds = append(cmds, o.Update(msg))
	}
	return tea.Batch(cmds...)
}

// typing is the screen that owns the keyboard, if one does: the top
// overlay, else the focused pane.
func (a *App) typing() Screen {
	var s Screen = a.panes[a.focus]
	if n := len(a.overlays); n > 0 {
		s = a.overlays[n-1]
	}
	if s.Capturing() {
		return s
	}
	return nil
}

func (a *App) quit() tea.Cmd {
	a.quitting = true
	if a.opts.Cancel != nil {
		a.opts.Cancel()
	}
	return tea.Quit
}

func (a *App) key(msg tea.KeyPressMsg) tea.Cmd {
	k := a.c.Keys
	switch {
	case key.Matches(msg, k.ForceQuit), a.failed() != nil:
		return a.quit() // after a failed load any key ends the program
	case a.tooSmall():
		if key.Matches(msg, k.Quit) {
			return a.quit()
		}
		return nil
	}
	if s := a.typing(); s != nil {
		return s.Update(msg)
	}
	if n := len(a.overlays); n > 0 {
		// Quit closes the top overlay; Back is the overlay's own (it may
		// step back inside itself before it asks to close).
		top := a.overlays[n-1]
		if key.Matches(msg, k.Quit) {
			a.popOverlay()
			return nil
		}
		if cmd, ok := a.openOverlay(msg); ok {
			return cmd
		}
		return top.Update(msg)
	}
	if cmd, ok := a.openOverlay(msg); ok {
		return cmd
	}
	switch {
	case key.Matches(msg, k.Quit):
		return a.quit()
	case key.Matches(msg, k.NextPane):
		return a.setFocus((a.focus + 1) % len(a.panes))
	case key.Matches(msg, k.PrevPane):
		return a.setFocus((a.focus + len(a.panes) - 1) % len(a.panes))
	case key.Matches(msg, k.NextLayer):
		return a.panes[paneLayers].Update(moveLayerMsg{1})
	case key.Matches(msg, k.PrevLayer):
		return a.panes[paneLayers].Update(moveLayerMsg{-1})
	case key.Matches(msg, k.Back):
		return a.broadcast(msg) // clears what each pane narrowed (the filter)
	}
	return a.panes[a.focus].Update(msg)
}

// openOverlay opens (or, when it is on top, closes) the overlay a key
// names; it tells whether the key named one.
func (a *App) openOverlay(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	for _, o := range a.openers() {
		if !key.Matches(msg, o.binding(a.c.Keys)) {
			continue
		}
		if o.needsImage && !a.loaded() {
			a.notice = o.what + " is available once the image is read"
			return nil, true
		}
		if n := len(a.overlays); n > 0 && a.overlays[n-1].ID() == o.id {
			a.popOverlay()
			return nil, true
		}
		if ov := o.open(a.c, a.img); ov != nil { // nil: nothing to show (it posts why)
			a.overlays = append(a.overlays, a.place(ov))
		}
		return nil, true
	}
	return nil, false
}

// popOverlay closes the top overlay, telling it when it holds something
// to let go of (a file, a read under way).
func (a *App) popOverlay() {
	n := len(a.overlays)
	if c, ok := a.overlays[n-1].Overlay.(closing); ok {
		c.closed()
	}
	a.overlays = a.overlays[:n-1]
}

// dropOverlays closes every overlay.
func (a *App) dropOverlays() {
	for len(a.overlays) > 0 {
		a.popOverlay()
	}
}

// setFocus gives pane p the focus; each pane hears whether it has it (the
// one gaining it may tell the details what it shows).
func (a *App) setFocus(p int) tea.Cmd {
	a.focus = p
	var cmds []tea.Cmd
	for i, s := range a.panes {
		cmds = append(cmds, s.Update(focusMsg{focused: i == p}))
	}
	return tea.Batch(cmds...)
}

func (a *App) click(m tea.Mouse) tea.Cmd {
	if a.tooSmall() || m.Button != tea.MouseLeft {
		return nil
	}
	if n := len(a.overlays); n > 0 {
		if top := a.overlays[n-1]; top.r.has(m.X, m.Y) {
			return top.Click(m.X-top.r.x, m.Y-top.r.y)
		}
		return nil
	}
	if a.tabs.has(m.X, m.Y) {
		if p := a.tabAt(m.X); p >= 0 {
			return a.setFocus(p)
		}
		return nil
	}
	for i, r := range a.rects {
		if r.has(m.X, m.Y) && !a.hidden(i) {
			return tea.Batch(a.setFocus(i), a.panes[i].Click(m.X-r.x, m.Y-r.y))
		}
	}
	return nil
}

func (a *App) wheel(m tea.Mouse) {
	d := 3
	switch m.Button {
	case tea.MouseWheelUp:
		d = -3
	case tea.MouseWheelDown:
	default:
		return
	}
	if n := len(a.overlays); n > 0 {
		if top := a.overlays[n-1]; top.r.has(m.X, m.Y) {
			top.Scroll(d)
		}
		return
	}
	for i, r := range a.rects {
		if r.has(m.X, m.Y) && !a.hidden(i) {
			a.panes[i].Scroll(d)
		}
	}
}
