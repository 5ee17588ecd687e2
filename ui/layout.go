package ui

// Minimum terminal size; below it the app says so instead of drawing.
const (
	MinWidth  = 80
	MinHeight = 24
	wideWidth = 120 // side by side from here, stacked below
)

func (a *App) tooSmall() bool { return a.width < MinWidth || a.height < MinHeight }

func (a *App) resize(w, h int) {
	a.width, a.height = w, h
	a.layout()
}

// layout gives the panes their rectangles: the layer list across the top
// (as tall as its rows, within limits); below it the tree and the details
// side by side when wide. When narrow (80×24 is the common size) they
// share the space below a tab bar, the tree shown unless the details have
// the focus: each gets the whole height instead of a sliver. Every overlay
// is placed again in its own rectangle.
func (a *App) layout() {
	if a.tooSmall() {
		return
	}
	w, h := a.width, a.height
	rows := a.listRows()
	bodyY, bodyH := 1, h-2
	if w >= wideWidth {
		lh := min(max(rows+3, 8), bodyH*2/5)
		dw := min(max(w/3, 44), 64)
		a.rects[paneLayers] = rect{0, bodyY, w, lh}
		a.rects[paneTree] = rect{0, bodyY + lh, w - dw, bodyH - lh}
		a.rects[paneDetails] = rect{w - dw, bodyY + lh, dw, bodyH - lh}
		a.tabs = rect{}
	} else {
		lh := min(max(rows+3, 6), bodyH/3)
		a.rects[paneLayers] = rect{0, bodyY, w, lh}
		a.tabs = rect{0, bodyY + lh, w, 1}
		below := rect{0, bodyY + lh + 1, w, bodyH - lh - 1}
		a.rects[paneTree], a.rects[paneDetails] = below, below
	}
	for i, p := range a.panes {
		p.SetSize(a.rects[i].w, a.rects[i].h)
	}
	for i, o := range a.overlays {
		a.overlays[i] = a.place(o.Overlay)
	}
}

// place centres an overlay in the area it asks for and gives it its size.
func (a *App) place(o Overlay) placed {
	w, h := o.Area(a.width, a.height)
	w, h = max(min(w, a.width), 0), max(min(h, a.height), 0)
	r := rect{(a.width - w) / 2, (a.height - h) / 2, w, h}
	o.SetSize(w, h)
	return placed{Overlay: o, r: r}
}

// hidden tells whether pane i gives way to the other tab of the narrow
// layout.
func (a *App) hidden(i int) bool {
	if a.tabs.h == 0 {
		return false
	}
	switch i {
	case paneTree:
		return a.focus == paneDetails
	case paneDetails:
		return a.focus != paneDetails
	}
	return false
}

// tabNames are the tab bar's names of the panes it switches between.
var tabNames = []struct {
	pane int
	name string
}{{paneTree, "Filesystem"}, {paneDetails, "Details"}}

// tabBar draws the narrow layout's tab bar: the pane shown, the other one,
// and the key that switches.
func (a *App) tabBar() string {
	s := a.c.Styles
	line := " "
	for _, t := range tabNames {
		if a.hidden(t.pane) {
			line += s.Dim.Render(" "+t.name+" ") + " "
		} else {
			line += s.Selected.Render(" "+t.name+" ") + " "
		}
	}
	return fit(line+s.Dim.Render(" "+keyHint(a.c.Keys.NextPane, "switches")), a.width)
}

// tabAt is the pane whose name the tab bar shows at column x, or -1.
func (a *App) tabAt(x int) int {
	at := 1
	for _, t := range tabNames {
		w := len(t.name) + 2
		if x >= at && x < at+w {
			return t.pane
		}
		at += w + 1
	}
	return -1
}
