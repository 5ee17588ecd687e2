package model

import "time"

// Config is what a source knows about an image before any layer byte is
// read: the image config's rootfs and history, plus where it came from.
type Config struct {
	Ref          string // what the user asked for, e.g. "nginx:latest" or an archive path
	ID           string // image ID: "sha256:" + hex of the config blob
	OS           string
	Architecture string
	Variant      string
	Created      time.Time
	DiffIDs      []string    // rootfs.diff_ids, bottom to top
	History      []History   // oldest first, empty-layer entries included
	Layers       []LayerBlob // optional, parallel to DiffIDs: what the source knows of each blob
	// Relations is what the image's store says of the images around it.
	Relations Relations
}

// Relations is what a store of images (an engine's image list) says of
// those around one image: its base, and the other images that hold each
// of its layers. The zero value knows nothing.
type Relations struct {
	// Base is the image this one is built on: the one whose whole layer
	// list is the longest proper prefix of this image's; nil when none is
	// known.
	Base *BaseImage
	// SharedBy lists, per layer, the other images that hold it: the same
	// layer on the same layers below (one copy on disk for them all). Nil
	// when the source cannot tell.
	SharedBy [][]string
}

// BaseImage names an image's base and how many of its layers are the
// base's.
type BaseImage struct {
	Ref    string // the base's name (a tag, or its ID when it has none)
	ID     string
	Layers int
	// Steps is how many history steps are the base's (the image's first
	// ones: a config inherits its base's history); 0 when unknown.
	Steps int
	// Given says the user named it (--base), not the store.
	Given bool
}

// InBase tells whether layer k is one of the base's.
func (r Relations) InBase(k int) bool { return r.Base != nil && k < r.Base.Layers }

// Sharers is how many other images hold layer k; -1 when unknown.
func (r Relations) Sharers(k int) int {
	if r.SharedBy == nil || k >= len(r.SharedBy) {
		return -1
	}
	return len(r.SharedBy[k])
}

// History is one entry of the image config's history.
type History struct {
	Created    time.Time
	CreatedBy  string
	Comment    string
	EmptyLayer bool
}

// LayerBlob is what the source knows of a layer's blob as shipped.
type LayerBlob struct {
	Digest         string // digest of the blob as stored (compressed digest for OCI), "" if unknown
	MediaType      string
	CompressedSize int64 // pull size; -1 when the source does not know it
}
