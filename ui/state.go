package ui

import (
	"sort"

	"lx.dev/lx/model"
	"lx.dev/lx/model/report"
)

// image is what the UI knows of the image so far: the outline from the
// config, each layer's figures as it streams, then the analysed image.
// App owns it; components read it.
type image struct {
	ref    string
	cfg    model.Config
	known  bool // a config has arrived
	layers []model.Layer
	steps  []model.Step
	rows   []stepRow // the layer list: every history step, then layers no step covers
	read   int       // layers read so far
	img    *model.Image
	err    error

	progress ProgressMsg
	status   string // what the source does before streaming (a pull)

	wasteOf map[model.NodeID][]int // indexes into img.Waste, by path
	hints   []report.Hint          // fix hints, biggest first
	biggest []pathWaste            // the paths whose copies waste the most, biggest first
}

// pathWaste is the bytes one path's dead copies hold, with the cause of
// most of them.
type pathWaste struct {
	node  model.NodeID
	path  string
	bytes int64
	cause model.Cause
}

// stepRow is one row of the layer list.
type stepRow struct {
	step  int // index into steps, -1 for a layer the history does not cover
	layer int // the layer the step made, -1 for a metadata-only step
}

func (s *image) setConfig(cfg model.Config) {
	s.cfg, s.known = cfg, true
	layers, steps, _ := model.Outline(cfg)
	// Keep figures of layers already read (a preview refined by the config).
	for i := range layers {
		if i < len(s.layers) && i < s.read {
			layers[i] = withFigures(layers[i], s.layers[i])
		}
	}
	s.layers, s.steps = layers, steps
	s.buildRows()
}

func (s *image) buildRows() {
	s.rows = s.rows[:0]
	for i, st := range s.steps {
		s.rows = append(s.rows, stepRow{step: i, layer: st.Layer})
	}
	for i, l := range s.layers {
		if l.Step < 0 {
			s.rows = append(s.rows, stepRow{step: -1, layer: i})
		}
	}
}

func withFigures(outline, read model.Layer) model.Layer {
	outline.Entries, outline.SizeBytes = read.Entries, read.SizeBytes
	return outline
}

func (s *image) setLayer(l model.Layer, done int) {
	if l.Index >= 0 && l.Index < len(s.layers) {
		s.layers[l.Index] = withFigures(s.layers[l.Index], l)
	}
	s.read = max(s.read, done)
}

func (s *image) setImage(img *model.Image, hints []report.Hint) {
	s.img, s.hints = img, hints
	s.cfg, s.known = img.Config, true
	s.layers, s.steps = img.Layers, img.Steps
	s.read = len(img.Layers)
	s.buildRows()
	s.wasteOf = map[model.NodeID][]int{}
	for i, w := range img.Waste {
		s.wasteOf[w.Node] = append(s.wasteOf[w.Node], i)
	}
	s.biggest = s.biggest[:0]
	for n, ws := range s.wasteOf {
		b := pathWaste{node: n, path: img.Waste[ws[0]].Path}
		var top int64
		for _, i := range ws {
			b.bytes += img.Waste[i].Bytes
			if img.Waste[i].Bytes > top {
				top, b.cause = img.Waste[i].Bytes, img.Waste[i].Cause
			}
		}
		s.biggest = append(s.biggest, b)
	}
	sort.Slice(s.biggest, func(i, j int) bool {
		if s.biggest[i].bytes != s.biggest[j].bytes {
			return s.biggest[i].bytes > s.biggest[j].bytes
		}
		return model.PathLess(s.biggest[i].path, s.biggest[j].path)
	})
}

// loaded tells whether the analysis is complete.
func (s *image) loaded() bool { return s.img != nil }

// layerRead tells whether layer k's figures have arrived.
func (s *image) layerRead(k int) bool { return k < s.read }

// command is the history command of a row.
func (s *image) command(r stepRow) string {
	switch {
	case r.step >= 0 && r.step < len(s.steps):
		return s.steps[r.step].CreatedBy
	case r.layer >= 0 && r.layer < len(s.layers):
		return s.layers[r.layer].Command
	}
	return ""
}

// rowOfLayer is the row that shows layer k, or -1.
func (s *image) rowOfLayer(k int) int {
	for i, r := range s.rows {
		if r.layer == k {
			return i
		}
	}
	return -1
}

// layerAsOf is the last layer at or above row i: the filesystem a
// metadata-only step sees.
func (s *image) layerAsOf(i int) int {
	for ; i >= 0; i-- {
		if i < len(s.rows) && s.rows[i].layer >= 0 {
			return s.rows[i].layer
		}
	}
	return -1
}
