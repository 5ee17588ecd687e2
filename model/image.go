package model

import (
	"fmt"
	"maps"
	"slices"
	"sync"
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
	// Container marks a container's writable layer (see Config.Container):
	// the last layer, made by no history step.
	Container bool

	Entries      int   // tar members, whiteouts included
	SizeBytes    int64 // sum of the regular files' sizes in this layer's tar
	TarBytes     int64 // bytes of the uncompressed layer tar; 0 when not known (see SetTarBytes)
	Added        int
	Changed      int
	Deleted      int   // tops of deleted subtrees, as docker diff lists them
	WastedMade   int64 // bytes this layer wrote that are dead in the final image
	WastedKilled int64 // bytes of earlier copies this layer killed
}

// Image is an analysed image: its layers, its history, the path table and
// the waste accounting. It fills in layer by layer while an image streams
// in (see Builder): its methods may be called meanwhile from other
// goroutines, for the layers applied so far; its exported fields are final
// once Finish has run, and before that are read through Snapshot.
type Image struct {
	Config   Config
	Layers   []Layer
	Steps    []Step
	Warnings []string

	TotalBytes  int64
	WastedBytes int64
	Waste       []Waste // biggest first; empty until Finish (a snapshot has its own)
	WasteBy     map[Cause]int64

	t               *table
	mu              *sync.RWMutex // shared by the image and its snapshots
	applied         int           // layers whose figures are in (all of them once finished)
	done            bool
	outlineWarnings int     // the first Warnings, from the config's outline (see Refine)
	wasteAt         []int32 // a dead copy's event → its index in Waste + 1; nil while building
	dead            []dead  // the copies dead so far, while building (Waste is made at Finish)
}

// read takes the image's read lock; call the function it returns to give
// it back: defer img.read()().
func (img *Image) read() func() {
	img.mu.RLock()
	return img.mu.RUnlock
}

// Builder applies layers one at a time, bottom first. Each layer is final
// (its tree, markers, counts) once AddLayer returns, and its waste so far
// is accounted: Image and Snapshot show the image as it stands.
type Builder struct {
	img *Image
}

// NewBuilder starts an image from its config: the layer list and history.
func NewBuilder(cfg Config) *Builder {
	img := &Image{Config: cfg, t: newTable(), mu: &sync.RWMutex{}, WasteBy: map[Cause]int64{}}
	img.Layers, img.Steps, img.Warnings = Outline(cfg)
	img.outlineWarnings = len(img.Warnings)
	return &Builder{img: img}
}

// Refine replaces the config the image was started from with a fuller one
// of the same layers: an engine's inspect and history come first, the
// saved config (exact history, empty-layer flags) with the stream. The
// layers' figures so far stay.
func (b *Builder) Refine(cfg Config) error {
	img := b.img
	img.mu.Lock()
	defer img.mu.Unlock()
	if !slices.Equal(cfg.DiffIDs, img.Config.DiffIDs) {
		return fmt.Errorf("the image's config lists %d layers, not the %d it was started with", len(cfg.DiffIDs), len(img.Config.DiffIDs))
	}
	if cfg.Relations.Base == nil && cfg.Relations.SharedBy == nil {
		cfg.Relations = img.Config.Relations // what the store said stays
	}
	layers, steps, warnings := Outline(cfg)
	for i, l := range img.Layers {
		f := &layers[i]
		f.Entries, f.SizeBytes, f.TarBytes, f.Added, f.Changed, f.Deleted = l.Entries, l.SizeBytes, l.TarBytes, l.Added, l.Changed, l.Deleted
		f.WastedMade, f.WastedKilled = l.WastedMade, l.WastedKilled
		if f.Blob.CompressedSize < 0 && l.Blob.CompressedSize >= 0 { // keep what the first config knew of the blobs
			f.Blob = l.Blob
		}
	}
	img.Config, img.Layers, img.Steps = cfg, layers, steps
	img.Warnings = append(warnings, img.Warnings[img.outlineWarnings:]...)
	img.outlineWarnings = len(warnings)
	return nil
}

// Image is the image being built, for readers that follow it as it grows:
// its methods answer for the layers applied so far (Applied).
func (b *Builder) Image() *Image { return b.img }

// Layer is a copy of layer k's figures as they stand.
func (b *Builder) Layer(k int) Layer {
	defer b.img.read()()
	return b.img.Layers[k]
}

// Applied is how many layers are in so far.
func (b *Builder) Applied() int {
	defer b.img.read()()
	return b.img.applied
}

// Layer is a copy of layer k's figures as they stand: final for its tree
// and counts once applied; its wasted bytes grow while later layers kill
// its copies.
func (img *Image) Layer(k int) Layer {
	defer img.read()()
	return img.Layers[k]
}

// Applied is how many layers this image (or snapshot) holds so far.
func (img *Image) Applied() int {
	defer img.read()()
	return img.applied
}

// AddLayer applies the next layer's entries: its events, its change counts
// and the copies it kills. It returns the warnings the layer raised (they
// are also kept on the image). Readers wait at most a few milliseconds at
// a time: the lock is given up every few thousand entries.
func (b *Builder) AddLayer(entries []Entry) ([]string, error) {
	return b.AddLayerPieces([][]Entry{entries})
}

// AddLayerPieces is AddLayer for a layer's entries in consecutive pieces,
// as a reader gathers them: a big layer's entries are never copied into
// one slice.
func (b *Builder) AddLayerPieces(pieces [][]Entry) ([]string, error) {
	img := b.img
	img.mu.Lock()
	defer img.mu.Unlock()
	k := img.applied
	if k >= len(img.Layers) {
		return nil, fmt.Errorf("layer %d is one more than the %d the config lists", k, len(img.Layers))
	}
	if img.done {
		return nil, fmt.Errorf("layer %d arrived after the image was finished", k)
	}
	yield := func() { img.mu.Unlock(); img.mu.Lock() }
	warnings := img.t.applyLayer(int32(k), pieces, yield)
	l := &img.Layers[k]
	for _, entries := range pieces {
		l.Entries += len(entries)
		for _, e := range entries {
			if e.Kind == KindRegular && e.Path != "" { // the root is no file: its entry is skipped
				l.SizeBytes += e.Size
			}
		}
	}
	img.TotalBytes += l.SizeBytes
	img.countChanges(k)
	img.takeDeaths()
	img.Warnings = append(img.Warnings, warnings...)
	img.applied = k + 1
	return warnings, nil
}

// SetTarBytes records the size of layer k's uncompressed tar, which the
// source measured while decoding it: with the blob's size it gives the
// layer's compression ratio (Layer.PullEstimate).
func (b *Builder) SetTarBytes(k int, n int64) {
	b.img.mu.Lock()
	defer b.img.mu.Unlock()
	if k >= 0 && k < len(b.img.Layers) {
		b.img.Layers[k].TarBytes = n
	}
}

// Warn keeps a warning a reader raised about the image (e.g. a name that
// is not UTF-8), so reports show it beside the model's own.
func (b *Builder) Warn(msg string) {
	b.img.mu.Lock()
	defer b.img.mu.Unlock()
	b.img.Warnings = append(b.img.Warnings, msg)
}

// Finish completes the image once every layer is in: the waste list
// biggest first, each dead copy linked to its successor and to the layer
// its bytes came back in.
func (b *Builder) Finish() (*Image, error) {
	img := b.img
	img.mu.Lock()
	defer img.mu.Unlock()
	if img.applied != len(img.Layers) {
		return nil, fmt.Errorf("only %d of %d layers were read", img.applied, len(img.Layers))
	}
	if !img.done {
		img.t.layerStart = append(img.t.layerStart, img.t.events.len())
		img.Waste, img.wasteAt = img.wasteList()
		img.dead = nil
		img.done = true
	}
	return img, nil
}

func (img *Image) countChanges(k int) {
	var c Counts
	img.eachChange(k, func(_ NodeID, m Marker) { c.add(m) })
	l := &img.Layers[k]
	l.Added, l.Changed, l.Deleted = c.Added, c.Changed, c.Deleted
}

// Snapshot is the image as it stands: its figures after the layers applied
// so far, exactly those of the image cut after them (a copy), sharing the
// path table. Reports and screens read a growing image through it.
func (img *Image) Snapshot() *Image {
	defer img.read()()
	s := &Image{
		Config: img.Config, Steps: img.Steps, t: img.t, mu: img.mu, applied: img.applied, done: img.done,
		Layers:     append([]Layer(nil), img.Layers...),
		Warnings:   append([]string(nil), img.Warnings...),
		TotalBytes: img.TotalBytes, WastedBytes: img.WastedBytes,
		WasteBy: maps.Clone(img.WasteBy),
	}
	if !img.done {
		s.Waste, s.wasteAt = img.wasteList()
	} else {
		s.Waste = append([]Waste(nil), img.Waste...)
		s.wasteAt = img.wasteAt
	}
	return s
}

// Done tells whether every layer is in and the figures are final.
func (img *Image) Done() bool {
	defer img.read()()
	return img.done
}

// Efficiency is (total − wasted) / total: the share of shipped file bytes
// the final image still shows. 1.0 for an image with no file bytes.
func (img *Image) Efficiency() float64 {
	defer img.read()()
	return img.efficiency()
}

func (img *Image) efficiency() float64 {
	if img.TotalBytes == 0 {
		return 1
	}
	return float64(img.TotalBytes-img.WastedBytes) / float64(img.TotalBytes)
}
