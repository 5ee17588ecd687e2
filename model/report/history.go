package report

import (
	"fmt"
	"path"
	"strings"

	"lx.dev/lx/model"
)

// PathReport is one path's history (lx report --path): every layer that
// touched it, bottom first.
type PathReport struct {
	Path    string            `json:"path"`
	History []PathEventReport `json:"history"`
}

// PathEventReport is one layer's doing to a path.
type PathEventReport struct {
	Layer  int    `json:"layer"`
	Marker string `json:"marker"` // A, C or D, as docker diff says it
	// Type is the entry's type after the layer (before it, for D).
	Type string `json:"type"`
	// Change is what the layer changed: set on every C and D, and on an
	// A that brings a deleted path back; null on a first A.
	Change *PathChangeReport `json:"change"`
	Text   string            `json:"text"` // the same in words: "mode 0644→0777"
	// Bytes is what the path holds after the layer (a hardlink: the bytes
	// it shows); 0 for D and for entries that are not files.
	Bytes int64 `json:"bytes"`
	// Live says whether the copy of the bytes this layer wrote is in the
	// final filesystem; null when the layer wrote no copy here (a D, a
	// directory, a link).
	Live     *bool  `json:"live"`
	Cause    string `json:"cause,omitempty"`    // a dead copy: removed, recopied or overwritten
	KilledBy *int   `json:"killedBy,omitempty"` // a dead copy: the layer that killed it
	// MetadataOnly marks a directory listed again with its metadata
	// unchanged (a change below it): docker diff's C, not counted.
	MetadataOnly bool `json:"metadataOnly,omitempty"`
}

// PathChangeReport is the typed change of one history entry. An empty
// change on a C of a file is a pure recopy: nothing differs.
type PathChangeReport struct {
	Content bool    `json:"content,omitempty"` // a file's bytes differ
	Kind    *FromTo `json:"kind,omitempty"`    // another type of entry took the path
	Link    *FromTo `json:"link,omitempty"`    // a symlink's or hardlink's target moved
	Mode    *FromTo `json:"mode,omitempty"`    // octal: "0644"
	Owner   *FromTo `json:"owner,omitempty"`   // "uid:gid"
	Xattrs  bool    `json:"xattrs,omitempty"`
	MTime   bool    `json:"mtime,omitempty"` // the modification time moved
	// DeletedBy is how a D went: whiteout, opaque (its directory's opaque
	// marker), parentRemoved (deleted with a directory above it) or
	// parentReplaced (a directory above it became a non-directory).
	DeletedBy string `json:"deletedBy,omitempty"`
	CameBack  bool   `json:"cameBack,omitempty"`  // an A after a D: the path returned
	SameBytes bool   `json:"sameBytes,omitempty"` // …with the bytes it had when deleted
}

// FromTo is a value before and after a layer.
type FromTo struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// deleteCauses name a model.DeleteCause in the JSON.
var deleteCauses = map[model.DeleteCause]string{
	model.ByWhiteout:       "whiteout",
	model.ByOpaque:         "opaque",
	model.ByParentRemoved:  "parentRemoved",
	model.ByParentReplaced: "parentReplaced",
}

// LookupPath finds a path as a user gives it: with or without a leading
// slash, "./", doubled or trailing slashes; "/" is the root.
func LookupPath(img *model.Image, p string) (model.NodeID, bool) {
	return img.Lookup(CleanPath(p))
}

// CleanPath is a user's path as the model names it: relative, without a
// leading slash ("" for the root).
func CleanPath(p string) string {
	return strings.TrimPrefix(path.Clean("/"+p), "/")
}

// pathReports is the history of each path asked, in the order asked,
// each path once; a path the image does not have gets an empty history.
func pathReports(img *model.Image, paths []string) []PathReport {
	var out []PathReport
	seen := map[string]bool{}
	for _, p := range paths {
		rel := CleanPath(p)
		if seen[rel] {
			continue
		}
		seen[rel] = true
		pr := PathReport{Path: model.DisplayPath(rel), History: []PathEventReport{}}
		if n, ok := img.Lookup(rel); ok {
			pr.History = PathHistory(img, img.History(n))
		}
		out = append(out, pr)
	}
	return out
}

// PathHistory is a path's history (model.Image.History) as the report
// says it.
func PathHistory(img *model.Image, hist []model.PathEvent) []PathEventReport {
	out := make([]PathEventReport, 0, len(hist))
	back := false // a deletion came before: an A is a return
	for i, e := range hist {
		r := PathEventReport{Layer: e.Layer, Marker: e.Marker.String(), Type: e.Info.Kind.String(), Text: EventText(e, back)}
		if e.Marker != model.Deleted {
			r.Bytes = e.Bytes
		}
		var before *model.PathEvent
		if i > 0 {
			before = &hist[i-1]
		}
		r.Change = pathChange(e, before, back)
		if e.Marker == model.Touched {
			r.Marker, r.MetadataOnly = model.Changed.String(), true
		}
		if e.Copy {
			live := e.Cause == 0 && img.Done()
			r.Live = &live
			if e.Cause != 0 {
				r.Cause, r.KilledBy = e.Cause.String(), index(e.KilledBy)
			}
		}
		back = back || e.Marker == model.Deleted
		out = append(out, r)
	}
	return out
}

// pathChange types what one layer changed of a path; before is the entry
// above it in the history (the path's state before the layer, for a C).
func pathChange(e model.PathEvent, before *model.PathEvent, back bool) *PathChangeReport {
	switch e.Marker {
	case model.Added:
		if !back {
			return nil
		}
		return &PathChangeReport{CameBack: true, SameBytes: e.CameBack}
	case model.Deleted:
		return &PathChangeReport{DeletedBy: deleteCauses[e.DeletedBy]}
	case model.Touched:
		return &PathChangeReport{}
	}
	c, m := e.Change, e.Change.Meta
	r := &PathChangeReport{Content: c.Content, Xattrs: m.Xattrs, MTime: m.MTime}
	if m.Mode {
		r.Mode = &FromTo{fmt.Sprintf("%04o", m.FromMode), fmt.Sprintf("%04o", m.ToMode)}
	}
	if m.Owner {
		r.Owner = &FromTo{fmt.Sprintf("%d:%d", m.FromUID, m.FromGID), fmt.Sprintf("%d:%d", m.ToUID, m.ToGID)}
	}
	if before != nil {
		if c.Kind {
			r.Kind = &FromTo{before.Info.Kind.String(), e.Info.Kind.String()}
		}
		if c.Link {
			r.Link = &FromTo{LinkText(before.Info), LinkText(e.Info)}
		}
	}
	return r
}

// LinkText is where a link points, as people read it: a symlink's target
// as written, a hardlink's path; "" for other entries.
func LinkText(fi model.FileInfo) string {
	switch fi.Kind {
	case model.KindSymlink:
		return model.EscapeName(fi.Link)
	case model.KindHardlink:
		return model.DisplayPath(fi.Link)
	}
	return ""
}

// EventText says what one layer did to a path, in words: "added",
// "mode 0644→0777", "deleted", "came back with the same bytes". back says
// a deletion came before it (an A is then a return).
func EventText(e model.PathEvent, back bool) string {
	switch e.Marker {
	case model.Added:
		switch {
		case e.CameBack:
			return "came back with the same bytes"
		case back && e.Info.Kind == model.KindRegular:
			return "came back with other bytes"
		case back:
			return "came back"
		}
		return "added"
	case model.Deleted:
		switch e.DeletedBy {
		case model.ByOpaque:
			return "hidden by an opaque directory"
		case model.ByParentRemoved:
			return "deleted with its directory"
		case model.ByParentReplaced:
			return "gone: its directory was replaced"
		}
		return "deleted"
	case model.Touched:
		return "listed again: a change below it"
	}
	c := e.Change
	var what []string
	if c.Kind {
		what = append(what, "now a "+KindName(e.Info.Kind))
	}
	if c.Content {
		what = append(what, "new content")
	}
	if c.Link {
		what = append(what, "new target")
	}
	if m := Change(c.Meta); m != "nothing" && m != "mtime only" {
		what = append(what, m)
	}
	if len(what) == 0 {
		if e.Info.Kind == model.KindRegular {
			return "recopied, content unchanged (" + Change(c.Meta) + ")"
		}
		return "written again unchanged"
	}
	return strings.Join(what, ", ")
}

// KindName says what an entry is, in words: "file", "directory",
// "character device".
func KindName(k model.Kind) string {
	switch k {
	case model.KindRegular:
		return "file"
	case model.KindDir:
		return "directory"
	case model.KindCharDev:
		return "character device"
	case model.KindBlockDev:
		return "block device"
	}
	return k.String()
}

// CopyText is the fate of the copy a history entry wrote: "live",
// "wasted: recopied by layer 3"; "" when it wrote none.
func CopyText(e PathEventReport) string {
	switch {
	case e.Live == nil:
		return ""
	case *e.Live:
		return "live"
	case e.KilledBy != nil:
		return fmt.Sprintf("wasted: %s by layer %d", e.Cause, *e.KilledBy)
	}
	return "not final" // a report of an image not yet whole
}

// EventSize is a history entry's bytes for people, exact; "—" where the
// entry holds no bytes of a file.
func EventSize(e PathEventReport) string {
	if e.Live == nil && e.Bytes == 0 {
		return "—"
	}
	return BytesExact(e.Bytes)
}
