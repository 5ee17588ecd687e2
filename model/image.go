package model

import (
	"fmt"
	"time"
)

// Step is one entry of the image history. Metadata-only steps (ENV, CMD...)
// own no layer: Layer is -1 for them.
type Step struct {
	Index     int
	Created   time.Time
	CreatedBy string
	Comment   string
	Empty     bool
	Layer     int
}

// Layer is one diffID of the image, bottom first, with its figures.
type Layer struct {
	Index   int
	DiffID  string
	Blob    LayerBlob
	Step    int // index into Image.Steps, -1 when the history does not cover it
	Command string
	Created time.Time
	Comment string

	Entries      int   // tar members, whiteouts included
	SizeBytes    int64 // sum of the regular files' sizes in this layer's tar
	Added        int
	Changed      int
	Deleted      int   // tops of deleted subtrees, as docker diff lists them
	WastedMade   int64 // bytes this layer wrote that are dead in the final image
	WastedKilled int64 // bytes of earlier copies this layer killed
}

// Image is an analysed image: its layers, its history, the path table and,
// once every layer is in, the waste accounting.
type Image struct {
	Config   Config
	Layers   []Layer
	Steps    []Step
	Warnings []string

	TotalBytes  int64
	WastedBytes int64
	Waste       []Waste // biggest first
	WasteBy     map[Cause]int64

	t       *table
	wasteAt map[int32]int // a dead copy's event → its index in Waste
}

// Builder applies layers one at a time, bottom first.
type Builder struct {
	img *Image
}

// NewBuilder starts an image from its config: the layer list and history.
func NewBuilder(cfg Config) *Builder {
	img := &Image{Config: cfg, t: newTable()}
	img.Layers, img.Steps, img.Warnings = Outline(cfg)
	return &Builder{img: img}
}

// Layer is a copy of layer k's figures as they stand (final once Finish
// has run).
func (b *Builder) Layer(k int) Layer { return b.img.Layers[k] }

// Applied is how many layers are in so far.
func (b *Builder) Applied() int { return len(b.img.t.layerStart) }

// AddLayer applies the next layer's entries. It returns the warnings the
// layer raised (they are also kept on the image).
func (b *Builder) AddLayer(entries []Entry) ([]string, error) {
	k := b.Applied()
	if k >= len(b.img.Layers) {
		return nil, fmt.Errorf("layer %d is one more than the %d the config lists", k, len(b.img.Layers))
	}
	warnings := b.img.t.applyLayer(int32(k), entries)
	l := &b.img.Layers[k]
	l.Entries = len(entries)
	for _, e := range entries {
		if e.Kind == KindRegular && e.Path != "" { // the root is no file: its entry is skipped
			l.SizeBytes += e.Size
		}
	}
	b.img.Warnings = append(b.img.Warnings, warnings...)
	return warnings, nil
}

// Warn keeps a warning a reader raised about the image (e.g. a name that
// is not UTF-8), so reports show it beside the model's own.
func (b *Builder) Warn(msg string) { b.img.Warnings = append(b.img.Warnings, msg) }

// Finish runs the waste accounting once every layer is in.
func (b *Builder) Finish() (*Image, error) {
	img := b.img
	if k := b.Applied(); k != len(img.Layers) {
		return nil, fmt.Errorf("only %d of %d layers were read", k, len(img.Layers))
	}
	img.t.layerStart = append(img.t.layerStart, int32(len(img.t.events)))
	for k := range img.Layers {
		img.countChanges(k)
	}
	img.accountWaste()
	return img, nil
}

func (img *Image) countChanges(k int) {
	var c Counts
	img.eachChange(k, func(_ NodeID, m Marker) { c.add(m) })
	l := &img.Layers[k]
	l.Added, l.Changed, l.Deleted = c.Added, c.Changed, c.Deleted
}

// Efficiency is (total − wasted) / total: the share of shipped file bytes
// the final image still shows. 1.0 for an image with no file bytes.
func (img *Image) Efficiency() float64 {
	if img.TotalBytes == 0 {
		return 1
	}
	return float64(img.TotalBytes-img.WastedBytes) / float64(img.TotalBytes)
}
