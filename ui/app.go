package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"lx.dev/lx/model/report"
	"lx.dev/lx/theme"
)

// Minimum terminal size; below it the app says so instead of drawing.
const (
	MinWidth  = 80
	MinHeight = 24
	wideWidth = 120 // side by side from here, stacked below
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
}

type pane int

const (
	paneLayers pane = iota
	paneTree
	paneDetails
	paneCount
)

type rect struct{ x, y, w, h int }

func (r rect) has(x, y int) bool { return x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h }

// App is the explorer's root model: layout, focus, routing and overlays.
// It holds no analysis state of its own beyond what the messages bring.
type App struct {
	c     *Common
	opts  Options
	dark  bool
	img   *image
	focus pane

	layers  *layersPane
	details *detailsPane
	tree    *treePane

	overlays []Component // the topmost last
	rects    [paneCount]rect
	overlay  rect

	width, height int
	exitCode      int
}

// New makes the explorer; feed it the loader's messages (see Load).
func New(opts Options) *App {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	a := &App{opts: opts, dark: opts.Theme != theme.LightTheme, img: &image{ref: opts.Ref}}
	if opts.Keys == nil {
		opts.Keys = DefaultKeyMap()
	}
	a.c = &Common{Keys: opts.Keys, Now: opts.Now, ExportFormat: opts.ExportFormat, ExportDir: opts.ExportDir}
	a.restyle()
	a.layers = newLayersPane(a.c, a.img)
	a.details = newDetailsPane(a.c, a.img)
	a.tree = newTreePane(a.c, a.img)
	a.setFocus(paneLayers)
	return a
}

// ExitCode is what the process should exit with: 2 after a failed load.
func (a *App) ExitCode() int { return a.exitCode }

// Err is why the load failed, if it did.
func (a *App) Err() error { return a.img.err }

func (a *App) restyle() {
	a.c.Styles = theme.New(a.dark, a.opts.Profile)
}

func (a *App) Init() tea.Cmd {
	if a.opts.Theme == theme.Auto || a.opts.Theme == "" {
		return tea.RequestBackgroundColor
	}
	return nil
}

func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := a.update(msg)
	return a, tea.Batch(cmd, a.sync())
}

func (a *App) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.resize(msg.Width, msg.Height)
	case tea.BackgroundColorMsg:
		if a.opts.Theme == theme.Auto || a.opts.Theme == "" {
			a.dark = msg.IsDark()
			a.restyle()
			a.details.refresh()
		}
	case tea.ColorProfileMsg:
		a.opts.Profile = msg.Profile
		a.restyle()
		a.details.refresh()
	case ConfigMsg:
		a.img.setConfig(msg.Config)
		a.details.refresh()
	case LayerMsg:
		a.img.setLayer(msg.Layer, msg.Done)
		a.details.refresh()
	case ProgressMsg:
		a.img.progress = msg
	case StatusMsg:
		a.img.status = msg.Text
	case LoadedMsg:
		if msg.Err != nil {
			a.img.err, a.exitCode = msg.Err, 2
			return nil
		}
		a.img.setImage(msg.Image, msg.Hints)
		a.tree.imageLoaded()
		a.details.refresh()
	case filterMsg:
		return a.tree.Update(msg)
	case JumpMsg:
		a.overlays = nil
		a.layers.selectLayer(msg.Layer)
		a.tree.reveal(msg.Node, msg.Layer, true)
		a.setFocus(paneTree)
	case ExportedMsg:
		for _, o := range a.overlays {
			if d, ok := o.(*exportDialog); ok {
				return d.Update(msg)
			}
		}
	case tea.KeyPressMsg:
		return a.key(msg)
	case tea.MouseClickMsg:
		a.click(msg.Mouse())
	case tea.MouseWheelMsg:
		a.wheel(msg.Mouse())
	}
	return nil
}

func (a *App) quit() tea.Cmd {
	if a.opts.Cancel != nil {
		a.opts.Cancel()
	}
	return tea.Quit
}

func (a *App) key(msg tea.KeyPressMsg) tea.Cmd {
	k := a.c.Keys
	if msg.String() == "ctrl+c" || a.img.err != nil {
		return a.quit() // after a failed load any key ends the program
	}
	if a.tooSmall() {
		if key.Matches(msg, k.Quit) {
			return a.quit()
		}
		return nil
	}
	if n := len(a.overlays); n > 0 {
		top := a.overlays[n-1]
		_, typing := top.(*exportDialog)
		switch {
		case key.Matches(msg, k.Back):
			a.overlays = a.overlays[:n-1]
			return nil
		case typing:
			return top.Update(msg)
		case key.Matches(msg, k.Quit):
			return a.quit()
		case key.Matches(msg, k.Help):
			a.toggle(newHelpView(a.c))
			return nil
		case key.Matches(msg, k.Waste):
			a.toggle(newWasteList(a.c, a.img))
			return nil
		}
		return top.Update(msg)
	}
	if a.tree.capturing() {
		return a.tree.Update(msg)
	}
	switch {
	case key.Matches(msg, k.Quit):
		return a.quit()
	case key.Matches(msg, k.Help):
		a.push(newHelpView(a.c))
	case key.Matches(msg, k.Waste):
		if a.img.loaded() {
			a.push(newWasteList(a.c, a.img))
		}
	case key.Matches(msg, k.Export):
		if a.img.loaded() {
			a.push(newExportDialog(a.c, a.img))
		}
	case key.Matches(msg, k.NextPane):
		a.setFocus((a.focus + 1) % paneCount)
	case key.Matches(msg, k.PrevPane):
		a.setFocus((a.focus + paneCount - 1) % paneCount)
	case key.Matches(msg, k.NextLayer):
		a.layers.stepLayer(1)
	case key.Matches(msg, k.PrevLayer):
		a.layers.stepLayer(-1)
	case key.Matches(msg, k.Back):
		a.tree.clearFilter()
	default:
		return a.pane(a.focus).Update(msg)
	}
	return nil
}

// toggle closes the topmost overlay if it is of the same kind, else opens c.
func (a *App) toggle(c Component) {
	if n := len(a.overlays); n > 0 && fmt.Sprintf("%T", a.overlays[n-1]) == fmt.Sprintf("%T", c) {
		a.overlays = a.overlays[:n-1]
		return
	}
	a.push(c)
}

func (a *App) push(c Component) {
	a.overlays = append(a.overlays, c)
	a.layoutOverlays()
}

func (a *App) pane(p pane) Component {
	switch p {
	case paneTree:
		return a.tree
	case paneDetails:
		return a.details
	}
	return a.layers
}

func (a *App) setFocus(p pane) {
	a.focus = p
	a.layers.focused = p == paneLayers
	a.tree.focused = p == paneTree
	a.details.focused = p == paneDetails
}

// sync points the details and the tree at the selected step.
func (a *App) sync() tea.Cmd {
	row, i := a.layers.selected()
	a.details.show(row)
	if i < 0 {
		return nil
	}
	return a.tree.setLayer(a.img.layerAsOf(i), row.layer >= 0)
}

func (a *App) click(m tea.Mouse) {
	if a.tooSmall() || m.Button != tea.MouseLeft {
		return
	}
	if n := len(a.overlays); n > 0 {
		if w, ok := a.overlays[n-1].(*wasteList); ok && a.overlay.has(m.X, m.Y) {
			w.click(m.Y - a.overlay.y)
		}
		return
	}
	for p := range paneCount {
		r := a.rects[p]
		if !r.has(m.X, m.Y) {
			continue
		}
		a.setFocus(p)
		switch p {
		case paneLayers:
			a.layers.click(m.Y - r.y)
		case paneTree:
			a.tree.click(m.Y - r.y)
		}
	}
}

func (a *App) wheel(m tea.Mouse) {
	d := 3
	if m.Button == tea.MouseWheelUp {
		d = -3
	} else if m.Button != tea.MouseWheelDown {
		return
	}
	if n := len(a.overlays); n > 0 {
		if w, ok := a.overlays[n-1].(*wasteList); ok {
			w.l.scroll(d)
		}
		return
	}
	for p := range paneCount {
		if !a.rects[p].has(m.X, m.Y) {
			continue
		}
		switch p {
		case paneLayers:
			a.layers.l.scroll(d)
		case paneTree:
			a.tree.l.scroll(d)
		case paneDetails:
			a.details.l.scroll(d)
		}
	}
}

func (a *App) tooSmall() bool { return a.width < MinWidth || a.height < MinHeight }

// resize lays the panes out: the layer list across the top; below it the
// tree and the details side by side when wide, stacked when narrow.
func (a *App) resize(w, h int) {
	a.width, a.height = w, h
	if a.tooSmall() {
		return
	}
	bodyY, bodyH := 1, h-2
	if w >= wideWidth {
		lh := min(max(len(a.img.rows)+3, 8), bodyH*2/5)
		dw := min(max(w/3, 44), 64)
		a.rects[paneLayers] = rect{0, bodyY, w, lh}
		a.rects[paneTree] = rect{0, bodyY + lh, w - dw, bodyH - lh}
		a.rects[paneDetails] = rect{w - dw, bodyY + lh, dw, bodyH - lh}
	} else {
		lh := min(max(len(a.img.rows)+3, 6), bodyH/3)
		dh := max(bodyH/4, 5)
		a.rects[paneLayers] = rect{0, bodyY, w, lh}
		a.rects[paneTree] = rect{0, bodyY + lh, w, bodyH - lh - dh}
		a.rects[paneDetails] = rect{0, bodyY + bodyH - dh, w, dh}
	}
	for p := range paneCount {
		a.pane(p).SetSize(a.rects[p].w, a.rects[p].h)
	}
	a.layoutOverlays()
}

func (a *App) layoutOverlays() {
	if a.tooSmall() {
		return
	}
	for _, o := range a.overlays {
		w, h := min(a.width-4, 120), a.height-4
		switch o := o.(type) {
		case *exportDialog:
			w, h = min(a.width-8, 76), min(a.height-4, 12+len(report.Formats))
		case *helpView:
			o.SetSize(w, h)
			h = strings.Count(o.View(), "\n") + 1
		}
		a.overlay = rect{(a.width - w) / 2, (a.height - h) / 2, w, h}
		o.SetSize(w, h)
	}
}

// View draws the whole screen.
func (a *App) View() tea.View {
	v := tea.NewView(a.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "lx " + a.ref()
	return v
}

func (a *App) ref() string {
	if a.img.cfg.Ref != "" {
		return a.img.cfg.Ref
	}
	return a.opts.Ref
}

func (a *App) render() string {
	s := a.c.Styles
	if a.width == 0 {
		return ""
	}
	if a.tooSmall() {
		msg := fmt.Sprintf("lx needs at least %d×%d;\nthis terminal is %d×%d.\n\nEnlarge it,\nor press q to quit.", MinWidth, MinHeight, a.width, a.height)
		lines := strings.Split(msg, "\n")
		for i, l := range lines {
			lines[i] = s.Bold.Render(ansi.Truncate(l, a.width, "…"))
		}
		return lipgloss.Place(a.width, a.height, lipgloss.Center, lipgloss.Center, strings.Join(lines, "\n"))
	}
	if a.img.err != nil {
		return a.failure()
	}
	// A layer list that grew since the last layout (the config arrived)
	// gets its height.
	if lh := a.rects[paneLayers].h; lh < min(len(a.img.rows)+3, a.height/3) {
		a.resize(a.width, a.height)
	}
	// Every pane draws lines of exactly its width, so the screen is their
	// lines side by side: no cell buffer needed.
	lines := make([]string, a.height)
	lines[0] = a.header()
	for p := range paneCount {
		r := a.rects[p]
		for i, l := range strings.Split(a.pane(p).View(), "\n") {
			if y := r.y + i; y > 0 && y < a.height-1 && i < r.h {
				lines[y] += l
			}
		}
	}
	lines[a.height-1] = a.footer()
	for _, o := range a.overlays {
		for i, l := range strings.Split(o.View(), "\n") {
			if y := a.overlay.y + i; y >= 0 && y < a.height {
				lines[y] = overlay(lines[y], l, a.overlay.x, a.width)
			}
		}
	}
	return strings.Join(lines, "\n")
}

// overlay draws box over a line of width w from column x.
func overlay(line, box string, x, w int) string {
	line = fit(line, w)
	bw := ansi.StringWidth(box)
	return ansi.Truncate(line, x, "") + "\x1b[m" + box + "\x1b[m" + ansi.TruncateLeft(line, x+bw, "")
}

func (a *App) failure() string {
	s := a.c.Styles
	w := min(a.width-4, 100)
	body := []string{s.Error.Render("lx could not read the image:"), ""}
	for _, line := range wrapCommand(a.img.err.Error(), w-4) {
		body = append(body, s.Text.Render(line))
	}
	body = append(body, "", s.Dim.Render("Press any key to exit."))
	box := a.c.frame("Error", true, w, len(body)+2, body)
	return lipgloss.Place(a.width, a.height, lipgloss.Center, lipgloss.Center, box)
}
