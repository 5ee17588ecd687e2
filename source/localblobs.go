package source

// Reading a local image's layer blobs (an archive file's members, a layout
// directory's files) on every core. A layer's diffID is one SHA-256 chain
// over its bytes, which no second core can share: read one blob at a
// time, the reader waited on that chain whenever SHA-256 was slower than
// the tar parsing beside it (on the 1.2 GB benchmark, 0.62 s of SHA-256
// against 0.20 s for the rest of the floor). Two blobs at a time keep both
// cores busy. Each layer goes to the sink as soon as its blob is read and
// checked; the sink applies them in order.

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"sync"

	"lx.dev/lx/model"
)

// localBlob is one layer blob of a local image and the layers it is (a
// blob listed twice is read once).
type localBlob struct {
	name   string // the member, as errors name it
	layers []int
	size   int64
	open   func() (io.ReadCloser, error)
}

// readLocalImage reads the chosen image's layers from a local image:
// locate tells where a layer member's blob is (key names the blob: a blob
// listed twice is read once, and delivered for both), its size and how
// to open it. A pre-1.10 save is read one blob at a time (deliverV1),
// any other on every core (readLocalBlobs).
func readLocalImage(ctx context.Context, sink Sink, c candidate, cfg model.Config, keep *Kept,
	locate func(member string) (key string, size int64, open func() (io.ReadCloser, error), err error)) error {
	var blobs []*localBlob
	byKey := map[string]*localBlob{}
	for i, m := range c.layers {
		key, size, open, err := locate(m)
		if err != nil {
			return err
		}
		if b := byKey[key]; b != nil {
			b.layers = append(b.layers, i)
			continue
		}
		b := &localBlob{name: m, layers: []int{i}, size: size, open: open}
		byKey[key] = b
		blobs = append(blobs, b)
	}
	if c.v1 {
		return deliverV1(ctx, sink, c, cfg, blobs, keep)
	}
	return readLocalBlobs(ctx, sink, cfg, blobs, keep)
}

// deliverV1 reads a pre-1.10 save's blobs one at a time: it lists no
// diffIDs, so its layers are held until the last is read (deliver).
func deliverV1(ctx context.Context, sink Sink, c candidate, cfg model.Config, blobs []*localBlob, keep *Kept) error {
	prog := blobsProgress(sink, blobs)
	of := map[int]*localBlob{}
	for _, b := range blobs {
		for _, k := range b.layers {
			of[k] = b
		}
	}
	read := map[*localBlob]Layer{}
	return deliver(sink, c, cfg, nil, func(i int) (Layer, error) {
		b := of[i]
		if l, ok := read[b]; ok {
			return l, nil
		}
		l, err := b.read(ctx, keep, prog)
		if err == nil && len(b.layers) > 1 {
			read[b] = l
		}
		return l, err
	})
}

// maxLocalReaders bounds the blobs read at once: each holds a layer's
// entries until the sink applies it.
const maxLocalReaders = 4

// applyWatcher is a sink that tells how many entries it holds not yet
// applied, and signals each layer it applies. Beside a blob being read,
// another starts only while the sink holds at most maxHeldEntries: where
// applying is the slower part (a million small files), reading ahead
// would only pile up entries waiting for it (446 MB peak on the
// million-entry image, against 332 MB read one blob at a time).
type applyWatcher interface {
	heldEntries() int64
	appliedSignal() <-chan struct{}
}

const maxHeldEntries = 50_000

// readLocalBlobs gives the sink the config, then reads the blobs, as many
// at a time as there are cores, taken in layer order, and hands each
// layer to the sink once its diffID matches the config's. The first
// failure stops the others.
func readLocalBlobs(ctx context.Context, sink Sink, cfg model.Config, blobs []*localBlob, keep *Kept) error {
	if err := sink.Config(cfg); err != nil {
		return err
	}
	prog := blobsProgress(sink, blobs)
	var one sync.Mutex // one layer at a time to the sink
	read := func(ctx context.Context, b *localBlob) error {
		return readLocalBlob(ctx, sink, cfg, b, keep, prog, &one)
	}
	var hold func(ctx context.Context, busy func() int32, done <-chan struct{}) bool
	if watch, ok := sink.(applyWatcher); ok {
		hold = func(ctx context.Context, busy func() int32, done <-chan struct{}) bool {
			for busy() > 0 && watch.heldEntries() > maxHeldEntries {
				select {
				case <-watch.appliedSignal():
				case <-done:
				case <-ctx.Done():
					return false
				}
			}
			return true
		}
	}
	return runJobs(ctx, min(runtime.GOMAXPROCS(0), maxLocalReaders), blobs, read, hold)
}

// readLocalBlob reads one blob and hands it to the sink as each layer it
// is, its diffID checked against the config's.
func readLocalBlob(ctx context.Context, sink Sink, cfg model.Config, b *localBlob, keep *Kept, prog *sharedProgress, one *sync.Mutex) error {
	l, err := b.read(ctx, keep, prog)
	if err != nil {
		return err
	}
	one.Lock()
	defer one.Unlock()
	for _, k := range b.layers {
		if want := cfg.DiffIDs[k]; l.DiffID != want {
			return diffIDMismatch(b.name, l.DiffID, want)
		}
		if err := sink.Layer(k, l); err != nil {
			return err
		}
	}
	return nil
}

// read decodes the blob, its bytes counted in prog.
func (b *localBlob) read(ctx context.Context, keep *Kept, prog *sharedProgress) (Layer, error) {
	f, err := b.open()
	if err != nil {
		return Layer{}, fmt.Errorf("%s: %w", b.name, err)
	}
	defer f.Close()
	l, err := readLayer(&sharedProgressReader{ctx: ctx, r: f, prog: prog}, keep)
	if err != nil {
		return Layer{}, fmt.Errorf("%s: %w", b.name, err)
	}
	return l, nil
}

// blobsProgress counts the bytes of all the blobs as one stream.
func blobsProgress(sink Sink, blobs []*localBlob) *sharedProgress {
	prog := &sharedProgress{observe: sink.Observe}
	for _, b := range blobs {
		prog.total += b.size
	}
	return prog
}

// sharedProgressReader adds what it reads to the shared progress and stops a
// read when the context is cancelled.
type sharedProgressReader struct {
	ctx  context.Context
	r    io.Reader
	prog *sharedProgress
}

func (c *sharedProgressReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := c.r.Read(p)
	c.prog.add(n)
	return n, err
}
