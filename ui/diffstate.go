package ui

import (
	tea "charm.land/bubbletea/v2"

	"lx.dev/lx/model"
	"lx.dev/lx/model/report"
)

// The two sides of a comparison: lx diff A B.
const (
	sideA = iota
	sideB
)

var sideNames = [2]string{"A", "B"}

// diffImage is what the diff explorer knows of one side so far: its
// config's layers, how far its load has come, and the image once read.
type diffImage struct {
	ref      string
	cfg      model.Config
	known    bool // a config has arrived
	layers   []model.Layer
	applied  int
	progress ProgressMsg
	status   string
	img      *model.Image // the analysed image, once read
}

// name is what the user asked for, until the config names it.
func (s *diffImage) name() string {
	if s.cfg.Ref != "" {
		return s.cfg.Ref
	}
	return s.ref
}

// layerPair is one row of the diff's layer list: a layer of A, of B, or
// the same layer in both (-1 where a side lacks it).
type layerPair struct {
	a, b   int
	prefix bool // one of the common prefix
}

func (r layerPair) shared() bool { return r.a >= 0 && r.b >= 0 }

// diffState is what the diff explorer knows: both sides as they load,
// the layers they share, and the comparison once both are read. App owns
// it; the diff screens read it.
type diffState struct {
	side   [2]diffImage
	shared []model.SharedLayer
	rows   []layerPair
	diff   *model.ImageDiff
	report *report.Diff // built for the export, once compared
	err    error
}

func newDiffState(refA, refB string) *diffState {
	return &diffState{side: [2]diffImage{{ref: refA}, {ref: refB}}}
}

// The messages a comparison's load sends the explorer.
type (
	// DiffSideMsg is one side's load message (see Feed), tagged with the
	// side: 0 for A, 1 for B.
	DiffSideMsg struct {
		Side int
		Msg  tea.Msg
	}
	// DiffLoadedMsg ends a comparison's load: the difference of the two
	// images, or why there is none.
	DiffLoadedMsg struct {
		Diff *model.ImageDiff
		Err  error
	}
)

// DiffFeed is the feed of one side of a comparison (0: A, 1: B), for the
// caller's analysis of it; send is the program's Send.
func DiffFeed(send func(tea.Msg), side int) *Feed {
	f := newFeed(func(m tea.Msg) { send(DiffSideMsg{Side: side, Msg: m}) })
	f.figuresOff = true // the comparison needs the final figures only
	return f
}

// DiffLoaded makes the message that ends a comparison's load: the two
// images compared (here, on the loading goroutine, not in Update).
func DiffLoaded(a, b *model.Image, err error) DiffLoadedMsg {
	if err != nil || a == nil || b == nil {
		return DiffLoadedMsg{Err: err}
	}
	return DiffLoadedMsg{Diff: model.Compare(a, b)}
}

// take takes a load's message; it tells whether what the screens show
// changed.
func (d *diffState) take(msg tea.Msg) bool {
	switch msg := msg.(type) {
	case DiffLoadedMsg:
		if msg.Err != nil {
			d.err = msg.Err
			return false
		}
		d.diff = msg.Diff
		rep := report.BuildDiff(msg.Diff)
		d.report = &rep
		for i, img := range [2]*model.Image{msg.Diff.A, msg.Diff.B} {
			s := &d.side[i]
			s.img, s.cfg, s.known, s.layers, s.applied = img, img.Config, true, img.Layers, len(img.Layers)
		}
		d.pair()
		return true
	case DiffSideMsg:
		s := &d.side[msg.Side]
		switch m := msg.Msg.(type) {
		case ConfigMsg:
			s.cfg, s.known = m.Config, true
			layers, _, _ := model.Outline(m.Config)
			for i := range min(s.applied, len(layers), len(s.layers)) {
				layers[i] = withFigures(layers[i], s.layers[i])
			}
			s.layers = layers
			d.pair()
			return true
		case AppliedMsg:
			for k := s.applied; k < m.Applied && k < len(s.layers); k++ {
				s.layers[k] = withFigures(s.layers[k], m.Image.Layer(k))
			}
			s.applied = max(s.applied, m.Applied)
			return true
		case ProgressMsg:
			s.progress = m
		case StatusMsg:
			s.status = m.Text
		}
	}
	return false
}

// pair lays out the layer list from the two layer lists known: the
// common prefix, then A's other layers (with B's index of those B holds
// too), then the layers only B holds.
func (d *diffState) pair() {
	a, b := &d.side[sideA], &d.side[sideB]
	d.rows = d.rows[:0]
	if !a.known || !b.known {
		d.shared = nil
		for i, s := range d.side {
			for k := range s.layers {
				r := layerPair{a: -1, b: -1}
				if i == sideA {
					r.a = k
				} else {
					r.b = k
				}
				d.rows = append(d.rows, r)
			}
		}
		return
	}
	d.shared = model.SharedLayers(a.cfg.DiffIDs, b.cfg.DiffIDs)
	inB := map[int]int{}
	taken := map[int]bool{}
	for _, s := range d.shared {
		inB[s.A], taken[s.B] = s.B, true
		if s.Prefix {
			d.rows = append(d.rows, layerPair{a: s.A, b: s.B, prefix: true})
		}
	}
	prefix := model.CommonPrefix(d.shared)
	for k := prefix; k < len(a.layers); k++ {
		r := layerPair{a: k, b: -1}
		if j, ok := inB[k]; ok {
			r.b = j
		}
		d.rows = append(d.rows, r)
	}
	for k := prefix; k < len(b.layers); k++ {
		if !taken[k] {
			d.rows = append(d.rows, layerPair{a: -1, b: k})
		}
	}
}

// layer is a row's layer: A's, else B's (a shared layer is the same in
// both).
func (d *diffState) layer(r layerPair) model.Layer {
	if r.a >= 0 {
		return d.side[sideA].layers[r.a]
	}
	return d.side[sideB].layers[r.b]
}

// has tells whether a row's layer is read (its figures in) on a side
// that holds it.
func (d *diffState) has(r layerPair) bool {
	return (r.a >= 0 && r.a < d.side[sideA].applied) || (r.b >= 0 && r.b < d.side[sideB].applied)
}

// loaded tells whether the comparison is made.
func (d *diffState) loaded() bool { return d.diff != nil }
