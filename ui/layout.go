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
// side by side when wide, stacked when narrow. Every overlay is placed
// again in its own rectangle.
func (a *App) layout() {
	if a.tooSmall() {
		return
	}
	w, h := a.width, a.height
	rows := len(a.img.rows)
	bodyY, bodyH := 1, h-2
	if w >= wideWidth {
		lh := min(max(rows+3, 8), bodyH*2/5)
		dw := min(max(w/3, 44), 64)
		a.rects[paneLayers] = rect{0, bodyY, w, lh}
		a.rects[paneTree] = rect{0, bodyY + lh, w - dw, bodyH - lh}
		a.rects[paneDetails] = rect{w - dw, bodyY + lh, dw, bodyH - lh}
	} else {
		lh := min(max(rows+3, 6), bodyH/3)
		dh := max(bodyH/4, 5)
		a.rects[paneLayers] = rect{0, bodyY, w, lh}
		a.rects[paneTree] = rect{0, bodyY + lh, w, bodyH - lh - dh}
		a.rects[paneDetails] = rect{0, bodyY + bodyH - dh, w, dh}
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
