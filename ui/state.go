package ui

import (
	"iter"
	"sort"
	"strings"

	"lx.dev/lx/model"
	"lx.dev/lx/model/report"
)

// image is what the UI knows of the image so far: the outline from the
// config, then the image growing layer by layer as it streams (its trees
// final for the layers applied, its figures so far), then the analysed
// image. App owns it; screens read it.
type image struct {
	ref    string
	cfg    model.Config
	known  bool // a config has arrived
	layers []model.Layer
	steps  []model.Step
	rows   []stepRow // the layer list: every history step, then layers no step covers

	bound   map[int]bool // layers whose blob is in, waiting for the ones below
	applied int          // layers 0 … applied-1 are in live
	live    *model.Image // the image as it grows (final once loaded)
	snap    *model.Image // its figures so far: the waste list, totals (the final image once loaded)
	img     *model.Image // the analysed image, once the load is done
	err     error

	progress ProgressMsg
	status   string // what the source does before streaming (a pull)
	deferred string // why the layers are placed only once the manifest is read

	wasteOf wasteIndex    // snap.Waste's records, by path
	pull    []int64       // what each of snap.Waste costs a pull, estimated; nil when unknown
	hints   []report.Hint // fix hints (so far), biggest first
	biggest []pathWaste   // the paths whose copies waste the most, biggest first
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
	if cfg.Relations.Base == nil && cfg.Relations.SharedBy == nil {
		cfg.Relations = s.cfg.Relations // what the store said stays
	}
	s.cfg, s.known = cfg, true
	layers, steps, _ := model.Outline(cfg)
	// Keep the figures of layers already in (a preview refined by the config).
	for i := range layers {
		if i < len(s.layers) && i < s.applied {
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

// withFigures gives a layer of the outline the figures read.
func withFigures(outline, read model.Layer) model.Layer {
	outline.Entries, outline.SizeBytes = read.Entries, read.SizeBytes
	outline.Added, outline.Changed, outline.Deleted = read.Added, read.Changed, read.Deleted
	outline.WastedMade, outline.WastedKilled = read.WastedMade, read.WastedKilled
	outline.TarBytes = read.TarBytes
	return outline
}

// setBound notes that a layer's blob is in.
func (s *image) setBound(k int) {
	if s.bound == nil {
		s.bound = map[int]bool{}
	}
	s.bound[k] = true
}

// setApplied takes a grown image: the layers newly applied get their
// figures (final but for their wasted bytes), and a snapshot, when there
// is one, the figures so far.
func (s *image) setApplied(m AppliedMsg) {
	s.live = m.Image
	for k := s.applied; k < m.Applied && k < len(s.layers); k++ {
		s.layers[k] = withFigures(s.layers[k], m.Image.Layer(k))
		delete(s.bound, k)
	}
	s.applied = max(s.applied, m.Applied)
	if m.Snapshot != nil {
		s.setFigures(m.Snapshot, m.Hints)
	}
}

// setImage takes the analysed image.
func (s *image) setImage(img *model.Image, hints []report.Hint) {
	s.img, s.live = img, img
	s.cfg, s.known = img.Config, true
	s.layers, s.steps = img.Layers, img.Steps
	s.applied = len(img.Layers)
	s.bound = nil
	s.buildRows()
	s.setFigures(img, hints)
}

// setFigures takes the figures so far (or final): the waste by path and
// the biggest wasted paths.
func (s *image) setFigures(snap *model.Image, hints []report.Hint) {
	s.snap, s.hints = snap, hints
	s.pull = snap.WastePullEstimates()
	for k := range min(len(s.layers), len(snap.Layers), s.applied) {
		s.layers[k] = withFigures(s.layers[k], snap.Layers[k])
	}
	s.wasteOf = newWasteIndex(snap.Waste)
	s.biggest = s.biggest[:0]
	for n, first := range s.wasteOf.first {
		b := pathWaste{node: n, path: snap.Waste[first].Path}
		var top int64
		for i := range s.wasteOf.of(n) {
			b.bytes += snap.Waste[i].Bytes
			if snap.Waste[i].Bytes > top {
				top, b.cause = snap.Waste[i].Bytes, snap.Waste[i].Cause
			}
		}
		s.biggest = keepBiggest(s.biggest, b)
	}
}

// biggestKept is how many of the biggest wasted paths the image keeps:
// the summary lists a few, and a list of every path (300,000 on the
// million-entry image) would be held for nothing.
const biggestKept = 16

// keepBiggest adds b to the biggest paths, biggest first (a tie by path),
// keeping biggestKept of them.
func keepBiggest(big []pathWaste, b pathWaste) []pathWaste {
	before := func(x, y pathWaste) bool {
		if x.bytes != y.bytes {
			return x.bytes > y.bytes
		}
		return model.PathLess(x.path, y.path)
	}
	if len(big) == biggestKept && !before(b, big[len(big)-1]) {
		return big
	}
	i := sort.Search(len(big), func(i int) bool { return before(b, big[i]) })
	if len(big) < biggestKept {
		big = append(big, pathWaste{})
	}
	copy(big[i+1:], big[i:])
	big[i] = b
	return big
}

// wasteIndex finds a path's records in a waste list: each path's first
// record, and after each record the same path's next one (-1: none). A
// map of slices held 27 MB on the million-entry image's 300,000 copies;
// this holds about 5.
type wasteIndex struct {
	first map[model.NodeID]int32
	next  []int32
}

func newWasteIndex(waste []model.Waste) wasteIndex {
	x := wasteIndex{first: make(map[model.NodeID]int32), next: make([]int32, len(waste))}
	for i := len(waste) - 1; i >= 0; i-- {
		n := waste[i].Node
		x.next[i] = -1
		if f, ok := x.first[n]; ok {
			x.next[i] = f
		}
		x.first[n] = int32(i)
	}
	return x
}

// of yields the indexes of n's records, in the list's order.
func (x wasteIndex) of(n model.NodeID) iter.Seq[int] {
	return func(yield func(int) bool) {
		i, ok := x.first[n]
		for ok && i >= 0 {
			if !yield(int(i)) {
				return
			}
			i = x.next[i]
		}
	}
}

// loaded tells whether the analysis is complete.
func (s *image) loaded() bool { return s.img != nil }

// view is the image the screens query for paths, markers and sizes: the
// analysed one, or the one growing (for its layers applied).
func (s *image) view() *model.Image { return s.live }

// has tells whether layer k is in: its tree, markers and counts final.
func (s *image) has(k int) bool { return s.live != nil && k >= 0 && k < s.applied }

// soFar is " so far" while figures may still grow, "" once they are final.
func (s *image) soFar() string {
	if s.loaded() {
		return ""
	}
	return " so far"
}

// pullKnown tells whether every layer's pull size is known (a registry,
// an archive of compressed blobs).
func (s *image) pullKnown() bool {
	for _, l := range s.layers {
		if !l.PullKnown() {
			return false
		}
	}
	return len(s.layers) > 0
}

// baseBytes is the file bytes of the base's layers.
func (s *image) baseBytes() int64 {
	var n int64
	for k, l := range s.layers {
		if s.cfg.Relations.InBase(k) {
			n += l.SizeBytes
		}
	}
	return n
}

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

// instruction is a row's command on one line, as the Dockerfile step that
// made it, or for a container's writable layer, the container as it is
// named.
func (s *image) instruction(r stepRow) string {
	if r.step < 0 && r.layer >= 0 && r.layer < len(s.layers) {
		return layerInstruction(s.layers[r.layer])
	}
	return oneLine(s.command(r))
}

// layerInstruction names a layer by the step that made it, on one line.
func layerInstruction(l model.Layer) string {
	return strings.Join(strings.Fields(report.LayerInstruction(l.Command, l.Container)), " ")
}

// writableLayer is the container's writable layer (the last), or -1 for
// an image.
func (s *image) writableLayer() int {
	if n := len(s.layers); n > 0 && s.layers[n-1].Container {
		return n - 1
	}
	return -1
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
