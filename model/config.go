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
	// Container is set when the filesystem is a container's: the image's
	// layers, then the container's writable layer as the last of DiffIDs
	// (its diffID empty: no tar of it exists). Nil for an image.
	Container *Container
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
