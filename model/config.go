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
