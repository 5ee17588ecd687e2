package report

import (
	"fmt"
	"sort"
	"time"

	"lx.dev/lx/model"
)

// SchemaVersion is the JSON contract's version. Fields are added, never
// renamed or removed, within one version.
const SchemaVersion = 1

// Report is the JSON document `lx report --format json` writes.
type Report struct {
	SchemaVersion int           `json:"schemaVersion"`
	Image         ImageSummary  `json:"image"`
	Layers        []LayerReport `json:"layers"`
	Steps         []StepReport  `json:"steps"`
	Waste         []WasteReport `json:"waste" jsonlines:"true"`
	Hints         []Hint        `json:"hints"`
	Warnings      []string      `json:"warnings"`
	Paths         []PathReport  `json:"paths,omitempty"` // only with Options.Paths
}

// ImageSummary is the image's totals.
type ImageSummary struct {
	Ref             string           `json:"ref"`
	ID              string           `json:"id"`
	OS              string           `json:"os,omitempty"`
	Architecture    string           `json:"architecture,omitempty"`
	Variant         string           `json:"variant,omitempty"`
	Created         string           `json:"created,omitempty"`
	LayerCount      int              `json:"layerCount"`
	TotalBytes      int64            `json:"totalBytes"`
	WastedBytes     int64            `json:"wastedBytes"`
	Efficiency      float64          `json:"efficiency"`
	WasteByCause    map[string]int64 `json:"wasteByCause"`
	CompressedBytes *int64           `json:"compressedBytes"`
	// WastedPullCostEstimate is what the wasted copies cost a pull, an
	// estimate: the sum of the waste entries' pullCostEstimate; null
	// when the pull sizes are not known.
	WastedPullCostEstimate *int64 `json:"wastedPullCostEstimate"`
	// Base is the image this one is built on, or null when none is known
	// (an archive without --base, or no local image below it).
	Base *BaseReport `json:"base"`
	// Container is the container whose filesystem this is (container:NAME);
	// omitted for an image.
	Container *ContainerReport `json:"container,omitempty"`
}

// BaseReport names the base image: its first Layers layers are this
// image's first, their files SizeBytes.
type BaseReport struct {
	Ref       string `json:"ref"`
	ID        string `json:"id,omitempty"`
	Layers    int    `json:"layers"`
	SizeBytes int64  `json:"sizeBytes"`
	// Given says the user named it (--base); otherwise the engine's image
	// list did.
	Given bool `json:"given,omitempty"`
}

// ContainerReport is the container whose writable layer is the last layer,
// as the engine described it when the read began.
type ContainerReport struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Image   string `json:"image"` // the image it was created from, as it was named
	State   string `json:"state"` // created, running, paused, restarting, exited, dead
	Created string `json:"created,omitempty"`
	// SizeBytes and VirtualSizeBytes are the engine's figures, as docker
	// ps -s shows them (SizeRw, SizeRootFs); null when it gave none.
	SizeBytes        *int64 `json:"sizeBytes"`
	VirtualSizeBytes *int64 `json:"virtualSizeBytes"`
}

// LayerReport is one layer, bottom first.
type LayerReport struct {
	Index             int    `json:"index"`
	DiffID            string `json:"diffID"`
	Digest            string `json:"digest,omitempty"`
	Command           string `json:"command"`
	Created           string `json:"created,omitempty"`
	Comment           string `json:"comment,omitempty"`
	Step              *int   `json:"step"`
	SizeBytes         int64  `json:"sizeBytes"`
	CompressedBytes   *int64 `json:"compressedBytes"`
	Entries           int    `json:"entries"`
	Added             int    `json:"added"`
	Changed           int    `json:"changed"`
	Deleted           int    `json:"deleted"`
	WastedBytesMade   int64  `json:"wastedBytesMade"`
	WastedBytesKilled int64  `json:"wastedBytesKilled"`
	// SharedWith is how many other local images hold this layer (the same
	// layer on the same layers below: one copy on disk); null when the
	// source cannot tell (an archive).
	SharedWith *int `json:"sharedWith"`
	// InBase says the layer is one of the base image's.
	InBase    bool           `json:"inBase"`
	Container bool           `json:"container,omitempty"` // a container's writable layer
	Changes   []ChangeReport `json:"changes,omitempty"`
}

// ChangeReport is one path a layer changed (with --changes).
type ChangeReport struct {
	Path   string `json:"path"`
	Marker string `json:"marker"` // A, C or D, as docker diff says it
	Type   string `json:"type"`
	Size   int64  `json:"size"`
	// MetadataOnly marks a directory whose only change is its
	// modification time (a file was written inside it): docker diff's C,
	// not counted among the layer's changed paths.
	MetadataOnly bool `json:"metadataOnly,omitempty"`
}

// StepReport is one history entry, metadata-only steps included.
type StepReport struct {
	Index      int    `json:"index"`
	Created    string `json:"created,omitempty"`
	CreatedBy  string `json:"createdBy"`
	Comment    string `json:"comment,omitempty"`
	EmptyLayer bool   `json:"emptyLayer"`
	Layer      *int   `json:"layer"`
}

// WasteReport is one dead copy.
type WasteReport struct {
	Path       string `json:"path"`
	Bytes      int64  `json:"bytes"`
	Cause      string `json:"cause"`
	MadeBy     int    `json:"madeBy"`
	KilledBy   int    `json:"killedBy"`
	Changed    string `json:"changed,omitempty"`
	ReturnedIn *int   `json:"returnedIn,omitempty"`
	// PullCostEstimate is what this copy costs a pull, an estimate: its
	// bytes at the compression ratio of the layer that made it (the
	// layer's blob size over its uncompressed tar size); null when the
	// pull sizes are not known.
	PullCostEstimate *int64 `json:"pullCostEstimate"`
}

// Options choose what a report holds.
type Options struct {
	Changes bool // list every layer's changed paths
	// Paths asks for the history of these paths (with or without a
	// leading slash), in this order.
	Paths []string
}

// Build makes the report of an analysed image.
func Build(img *model.Image, opts Options) Report {
	r := Report{SchemaVersion: SchemaVersion, Warnings: append([]string{}, img.Warnings...)}
	cfg := img.Config
	r.Image = ImageSummary{
		Ref: cfg.Ref, ID: cfg.ID, OS: cfg.OS, Architecture: cfg.Architecture, Variant: cfg.Variant,
		Created: stamp(cfg.Created), LayerCount: len(img.Layers),
		TotalBytes: img.TotalBytes, WastedBytes: img.WastedBytes, Efficiency: img.Efficiency(),
		WasteByCause: map[string]int64{},
	}
	for _, c := range model.Causes {
		r.Image.WasteByCause[c.String()] = img.WasteBy[c]
	}
	if c := cfg.Container; c != nil {
		r.Image.Container = &ContainerReport{
			ID: c.ID, Name: c.Name, Image: c.Image, State: c.State, Created: stamp(c.Created),
			SizeBytes: known(c.SizeRw), VirtualSizeBytes: known(c.SizeRootFs),
		}
	}
	rel := cfg.Relations
	r.Image.Base = baseOf(img)
	var pullBytes int64
	pullKnown := len(img.Layers) > 0
	for _, l := range img.Layers {
		lr := LayerReport{
			Index: l.Index, DiffID: l.DiffID, Digest: l.Blob.Digest, Command: l.Command,
			Created: stamp(l.Created), Comment: l.Comment, Step: index(l.Step),
			SizeBytes: l.SizeBytes, Entries: l.Entries,
			Added: l.Added, Changed: l.Changed, Deleted: l.Deleted,
			WastedBytesMade: l.WastedMade, WastedBytesKilled: l.WastedKilled,
			Container: l.Container,
			InBase:    rel.InBase(l.Index),
		}
		if n := rel.Sharers(l.Index); n >= 0 {
			lr.SharedWith = &n
		}
		if l.PullKnown() {
			size := l.Blob.CompressedSize
			lr.CompressedBytes = &size
			pullBytes += size
		} else if !l.Container { // a writable layer is never pulled: the pull size is the image's
			pullKnown = false
		}
		if opts.Changes {
			lr.Changes = changes(img, l.Index)
		}
		r.Layers = append(r.Layers, lr)
	}
	if pullKnown {
		r.Image.CompressedBytes = &pullBytes
	}
	for _, s := range img.Steps {
		r.Steps = append(r.Steps, StepReport{
			Index: s.Index, Created: stamp(s.Created), CreatedBy: s.CreatedBy,
			Comment: s.Comment, EmptyLayer: s.Empty, Layer: index(s.Layer),
		})
	}
	r.Waste = make([]WasteReport, 0, len(img.Waste))
	pull := img.WastePullEstimates()
	// The hints read what the waste list's records do not: they are made
	// on another core meanwhile.
	hinted := make(chan []Hint, 1)
	go func() { hinted <- hints(img, r.Layers, pull) }()
	changed := map[model.MetaChange]string{} // a few kinds of recopy: each text made once
	for i, w := range img.Waste {
		var text string
		if w.Cause == model.Recopied {
			var ok bool
			if text, ok = changed[w.Meta]; !ok {
				text = ChangeText(w)
				changed[w.Meta] = text
			}
		}
		r.Waste = append(r.Waste, WasteReport{
			Path: model.DisplayPath(w.Path), Bytes: w.Bytes, Cause: w.Cause.String(),
			MadeBy: w.MadeBy, KilledBy: w.KilledBy, Changed: text, ReturnedIn: index(w.ReturnedIn),
			PullCostEstimate: estimate(pull, i),
		})
	}
	if pull != nil {
		var sum int64
		for _, e := range pull {
			sum += e
		}
		r.Image.WastedPullCostEstimate = &sum
	}
	r.Hints = <-hinted
	r.Paths = pathReports(img, opts.Paths)
	return r
}

func changes(img *model.Image, k int) []ChangeReport {
	cs := img.Changes(k)
	out := make([]ChangeReport, 0, len(cs))
	for _, c := range cs {
		cr := ChangeReport{
			Path: model.DisplayPath(img.Path(c.Node)), Marker: c.Marker.String(),
			Type: c.Info.Kind.String(), Size: c.Info.Size,
		}
		if c.Marker == model.Touched {
			cr.Marker, cr.MetadataOnly = model.Changed.String(), true
		}
		out = append(out, cr)
	}
	sort.Slice(out, func(i, j int) bool { return model.PathLess(out[i].Path[1:], out[j].Path[1:]) })
	return out
}

// estimate is copy i's pull cost estimate, or null when there are none.
func estimate(pull []int64, i int) *int64 {
	if pull == nil {
		return nil
	}
	return &pull[i]
}

// index turns a "-1 means none" index into a JSON null.
func index(i int) *int {
	if i < 0 {
		return nil
	}
	return &i
}

// known turns a "-1 means unknown" size into a JSON null.
func known(n int64) *int64 {
	if n < 0 {
		return nil
	}
	return &n
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// baseOf names the image img is built on, or nil when none is known.
func baseOf(img *model.Image) *BaseReport {
	b := img.Config.Relations.Base
	if b == nil {
		return nil
	}
	return &BaseReport{Ref: b.Ref, ID: b.ID, Layers: b.Layers, SizeBytes: img.BaseBytes(), Given: b.Given}
}

// BuiltOn says what an image is built on: "built on busybox:latest
// (1 layer, 1.9 MiB)".
func BuiltOn(b BaseReport) string {
	layers := "layers"
	if b.Layers == 1 {
		layers = "layer"
	}
	return fmt.Sprintf("built on %s (%d %s, %s)", b.Ref, b.Layers, layers, Bytes(b.SizeBytes))
}
