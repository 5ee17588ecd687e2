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
	// Container is set when the filesystem is a container's: the image's
	// layers, then the container's writable layer as the last of DiffIDs
	// (its diffID empty: no tar of it exists). Nil for an image.
	Container *Container
}

// Container is what the engine says of a container whose filesystem is
// read (its image's layers and its writable layer on top), as it stood
// when the read began.
type Container struct {
	ID      string // the full container ID
	Name    string // without the API's leading "/"
	Image   string // the image it was created from, as it was named
	State   string // created, running, paused, restarting, exited, dead
	Created time.Time
	// SizeRw and SizeRootFs are the engine's own figures, as `docker ps -s`
	// shows them: size, the bytes of the writable layer, and virtual size,
	// that plus the image's layers below it. How an engine counts them is
	// its own (file sizes, or disk blocks of a whole snapshot); -1 when the
	// engine gave none.
	SizeRw     int64
	SizeRootFs int64
}

// Label is the writable layer's stand-in for a history command:
// "container web (running)".
func (c *Container) Label() string {
	return "container " + c.Name + " (" + c.State + ")"
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
