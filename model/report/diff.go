package report

import (
	"fmt"
	"strings"

	"lx.dev/lx/model"
)

// Diff is the JSON document `lx diff --format json A B` writes: the
// layers the two images share, the change in their figures (B − A), and
// their final filesystems' differences. Schema 1, as the report's: fields
// are added, never renamed or removed.
type Diff struct {
	SchemaVersion int       `json:"schemaVersion"`
	A             DiffImage `json:"a"`
	B             DiffImage `json:"b"`
	// SharedLayers are the layers both hold (the same diffID): the common
	// prefix first, then any other, in A's order.
	SharedLayers []SharedLayer `json:"sharedLayers"`
	CommonPrefix int           `json:"commonPrefix"` // bottom layers the same in both, in order
	TotalDelta   int64         `json:"totalDelta"`   // B's totalBytes − A's
	WastedDelta  int64         `json:"wastedDelta"`  // B's wastedBytes − A's
	LayerDelta   int           `json:"layerDelta"`   // B's layerCount − A's
	FinalDelta   int64         `json:"finalDelta"`   // B's finalBytes − A's
	Added        int           `json:"added"`        // changes by marker
	Changed      int           `json:"changed"`
	Deleted      int           `json:"deleted"`
	Changes      []DiffChange  `json:"changes"`
	Warnings     []string      `json:"warnings"` // each image's, prefixed "A: " or "B: "
}

// DiffImage is one side of a comparison.
type DiffImage struct {
	Ref         string      `json:"ref"`
	ID          string      `json:"id"`
	LayerCount  int         `json:"layerCount"`
	TotalBytes  int64       `json:"totalBytes"`
	WastedBytes int64       `json:"wastedBytes"`
	Efficiency  float64     `json:"efficiency"`
	FinalBytes  int64       `json:"finalBytes"` // the final filesystem's file bytes, each inode once
	Base        *BaseReport `json:"base"`       // what the image is built on, as lx report says it; null when unknown
	Layers      []DiffLayer `json:"layers"`
}

// DiffLayer is one layer of a side.
type DiffLayer struct {
	Index     int    `json:"index"`
	DiffID    string `json:"diffID"`
	Command   string `json:"command"`
	SizeBytes int64  `json:"sizeBytes"`
	// OtherIndex is the same layer's index in the other image, or null.
	OtherIndex *int `json:"otherIndex"`
}

// SharedLayer is a layer both images hold.
type SharedLayer struct {
	DiffID    string `json:"diffID"`
	A         int    `json:"a"` // its index in A
	B         int    `json:"b"` // its index in B
	Prefix    bool   `json:"prefix"`
	SizeBytes int64  `json:"sizeBytes"`
	Command   string `json:"command"` // A's step that made it
}

// DiffChange is one path where the final filesystems differ.
type DiffChange struct {
	Path   string `json:"path"`
	Marker string `json:"marker"` // A: only in B; D: only in A (top of a removed subtree); C: differs
	Type   string `json:"type"`   // B's, or A's for D
	SizeA  int64  `json:"sizeA"`  // bytes the path shows in A (a directory: its files below)
	SizeB  int64  `json:"sizeB"`
	// Changed lists what differs, for C: kind, content, link, dev, mode,
	// owner, xattrs.
	Changed []string `json:"changed,omitempty"`
	// Detail says it with the values: "mode 0644→0777, owner 0:0→33:33".
	Detail string `json:"detail,omitempty"`
	// Entries is, for a removed directory (or one a file replaced), how
	// many paths were below it.
	Entries int `json:"entries,omitempty"`
}

// BuildDiff makes the report of a comparison.
func BuildDiff(d *model.ImageDiff) Diff {
	r := Diff{
		SchemaVersion: SchemaVersion,
		A:             diffImage(d.A, d.BytesA), B: diffImage(d.B, d.BytesB),
		CommonPrefix: model.CommonPrefix(d.Shared),
		Added:        d.Counts.Added, Changed: d.Counts.Changed, Deleted: d.Counts.Deleted,
		SharedLayers: []SharedLayer{}, Changes: []DiffChange{}, Warnings: []string{},
	}
	for _, s := range d.Shared {
		a, b := s.A, s.B
		r.A.Layers[a].OtherIndex, r.B.Layers[b].OtherIndex = &b, &a
		r.SharedLayers = append(r.SharedLayers, SharedLayer{
			DiffID: s.DiffID, A: a, B: b, Prefix: s.Prefix,
			SizeBytes: r.A.Layers[a].SizeBytes, Command: r.A.Layers[a].Command,
		})
	}
	r.TotalDelta = r.B.TotalBytes - r.A.TotalBytes
	r.WastedDelta = r.B.WastedBytes - r.A.WastedBytes
	r.LayerDelta = r.B.LayerCount - r.A.LayerCount
	r.FinalDelta = r.B.FinalBytes - r.A.FinalBytes
	for i, p := range d.Paths {
		if p.Marker == model.Unchanged {
			continue
		}
		a, _, b, okB := d.States(i)
		c := DiffChange{
			Path: model.DisplayPath(d.Path(i)), Marker: p.Marker.String(),
			SizeA: p.SizeA, SizeB: p.SizeB, Entries: p.Entries,
		}
		c.Type = a.Kind.String()
		if okB {
			c.Type = b.Kind.String()
		}
		if p.Marker == model.Changed {
			c.Changed = p.Change.Names()
			c.Detail = ChangeDetail(p.Change, a, b)
		}
		r.Changes = append(r.Changes, c)
	}
	for _, w := range d.A.Warnings {
		r.Warnings = append(r.Warnings, "A: "+w)
	}
	for _, w := range d.B.Warnings {
		r.Warnings = append(r.Warnings, "B: "+w)
	}
	return r
}

func diffImage(img *model.Image, final int64) DiffImage {
	cfg := img.Config
	out := DiffImage{
		Ref: cfg.Ref, ID: cfg.ID, LayerCount: len(img.Layers),
		TotalBytes: img.TotalBytes, WastedBytes: img.WastedBytes, Efficiency: img.Efficiency(),
		FinalBytes: final, Base: baseOf(img), Layers: make([]DiffLayer, 0, len(img.Layers)),
	}
	for _, l := range img.Layers {
		out.Layers = append(out.Layers, DiffLayer{Index: l.Index, DiffID: l.DiffID, Command: l.Command, SizeBytes: l.SizeBytes})
	}
	return out
}

// ChangeDetail says what differs between a path's two states, with the
// values where they are short: "type dir→file", "content", "link a→b",
// "device", "mode 0644→0777", "owner 0:0→33:33", "xattrs".
func ChangeDetail(c model.DiffChange, a, b model.FileInfo) string {
	var parts []string
	if c.Kind {
		parts = append(parts, fmt.Sprintf("type %s→%s", a.Kind, b.Kind))
	}
	if c.Content {
		parts = append(parts, "content")
	}
	if c.Link {
		parts = append(parts, fmt.Sprintf("link %s→%s", model.EscapeName(a.Link), model.EscapeName(b.Link)))
	}
	if c.Dev {
		parts = append(parts, "device")
	}
	meta := model.MetaChange{Xattrs: c.Xattrs}
	if c.Mode {
		meta.Mode, meta.FromMode, meta.ToMode = true, a.Mode, b.Mode
	}
	if c.Owner {
		meta.Owner, meta.FromUID, meta.FromGID, meta.ToUID, meta.ToGID = true, a.UID, a.GID, b.UID, b.GID
	}
	if !meta.Nothing() {
		parts = append(parts, Change(meta))
	}
	return strings.Join(parts, ", ")
}

// Signed renders a byte delta for people: "+1.0 MiB", "−512 B", "0 B".
func Signed(n int64) string {
	switch {
	case n > 0:
		return "+" + Bytes(n)
	case n < 0:
		return "−" + Bytes(-n)
	}
	return "0 B"
}

// SignedCount renders a count delta: "+6", "−2", "0".
func SignedCount(n int) string {
	switch {
	case n > 0:
		return fmt.Sprintf("+%d", n)
	case n < 0:
		return fmt.Sprintf("−%d", -n)
	}
	return "0"
}
