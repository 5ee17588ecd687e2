// Package source is where images come from. Every reader streams: each blob
// is read exactly once, with no temp file and no whole-image buffer, and the
// layers are handed to a Sink bottom first as soon as their order is known.
package source

import (
	"context"

	"lx.dev/lx/model"
)

// Sink receives one image as it streams. Config comes before any Layer,
// and may come again with a fuller config of the same layers (an engine's
// preview first, the saved config later). Layer comes once for every index
// 0 … len(cfg.DiffIDs)-1, in any order, as soon as that layer's blob is
// decoded and its place known (a diffID listed twice in the config is
// delivered twice). Observe takes what the source sees on the way.
type Sink interface {
	Config(cfg model.Config) error
	Layer(index int, layer Layer) error
	Observe(ev Event)
}

// Layer is one decoded layer tar: its entries in tar order, contents hashed
// and dropped.
type Layer struct {
	DiffID  string // "sha256:" + hex of the uncompressed tar, verified against the config
	Entries []model.Entry
	// pieces holds the entries instead, as the layer reader gathered
	// them, never joined into one slice (see entryChunks).
	pieces   [][]model.Entry
	TarSize  int64    // bytes of the uncompressed tar stream
	Warnings []string // e.g. a name that is not UTF-8; the entry is kept
	// Member is the archive member the layer was read from, where a
	// stream tells it: a file's bytes are read from there again.
	Member string
}

// Options tune how a source reads.
type Options struct {
	// Platform selects one image of a multi-platform archive or engine:
	// "os/arch[/variant]". Empty means this machine's platform.
	Platform string
	// Tag selects one image of an archive holding several, e.g.
	// "nginx:latest". Empty means the only one (or the one for Platform).
	Tag string
	// Engine configures the Docker Engine source.
	Engine EngineOptions
	// Registry configures the registry source.
	Registry RegistryOptions
	// Keep takes the bytes of the small files that look like text as the
	// layers stream past (see Kept); nil keeps none.
	Keep *Kept
}

// Source is one image to read.
type Source interface {
	// String names the source for messages, e.g. "archive seed.tar".
	String() string
	// Load reads the image once and feeds sink. An error names what was
	// being read (archive and member, or engine and image) in one line.
	Load(ctx context.Context, sink Sink) error
}
