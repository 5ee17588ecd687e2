package source

// The writable layer of a container, as a layer's entries: the changes
// API lists what the container added (A), changed (C) and deleted (D);
// a deletion is a whiteout, and every other path is read through the
// archive API, one path at a time: the first tar header gives its kind,
// mode, owner and link, and a regular file's bytes are hashed as they
// pass, never kept. A directory's tar is left after its own header.

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"sync"

	"github.com/cespare/xxhash/v2"
	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"lx.dev/lx/model"
)

// archiveReaders is how many paths are read through the archive API at
// once: each is a request of its own, most of them small.
const archiveReaders = 4

// change is one line of the container's diff, its path clean and relative.
type change struct {
	path string
	kind container.ChangeType
}

// readWritable reads the container's writable layer. counted hears of
// the bytes of file contents as they are read.
func (c *Container) readWritable(ctx context.Context, counted func(int64)) (Layer, error) {
	diff, err := c.e.cli.ContainerDiff(ctx, c.info.ID, client.ContainerDiffOptions{})
	if err != nil {
		return Layer{}, c.fail(ctx, "listing the changes of", err)
	}
	changes, warnings := diffChanges(diff.Changes)
	entries := make([]model.Entry, len(changes))
	keep := make([]bool, len(changes))
	notes := make([]string, len(changes))
	// The first path that fails stops the others; it is the one told.
	reading, stop := context.WithCancel(ctx)
	defer stop()
	var once sync.Once
	var failed *change
	var failure error
	var wg sync.WaitGroup
	next := make(chan int)
	for range archiveReaders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				var err error
				entries[i], keep[i], notes[i], err = c.readChange(reading, changes[i], counted)
				if err != nil && reading.Err() == nil {
					once.Do(func() { failed, failure = &changes[i], err; stop() })
				}
			}
		}()
	}
feed:
	for i, ch := range changes {
		if ch.kind == container.ChangeDelete {
			entries[i], keep[i] = model.Entry{Path: ch.path, Kind: model.KindWhiteout}, true
			continue
		}
		select {
		case next <- i:
		case <-reading.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	switch {
	case ctx.Err() != nil:
		return Layer{}, fmt.Errorf("%s: %w", c, ctx.Err())
	case failure != nil:
		return Layer{}, c.readError(ctx, *failed, failure)
	}
	l := Layer{Warnings: warnings}
	for i := range changes {
		if notes[i] != "" {
			l.Warnings = append(l.Warnings, notes[i])
		}
		if keep[i] {
			l.Entries = append(l.Entries, entries[i])
		}
	}
	return l, nil
}

// diffChanges cleans and sorts the diff (parents before children) and
// drops what a deletion above already covers: docker diff lists only the
// top of a deleted tree, but an engine might list more.
func diffChanges(in []container.FilesystemChange) ([]change, []string) {
	var out []change
	var warnings []string
	for _, ch := range in {
		p := path.Clean("/" + ch.Path)[1:]
		if p == "" {
			continue // the root itself
		}
		switch ch.Kind {
		case container.ChangeAdd, container.ChangeModify, container.ChangeDelete:
		default:
			warnings = append(warnings, fmt.Sprintf("%s: the engine's diff gives an unknown kind of change (%d); left out", model.DisplayPath(p), ch.Kind))
			continue
		}
		out = append(out, change{path: p, kind: ch.Kind})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	kept := out[:0]
	deleted := ""
	for _, ch := range out {
		if deleted != "" && len(ch.path) > len(deleted) && ch.path[:len(deleted)] == deleted && ch.path[len(deleted)] == '/' {
			continue
		}
		if len(kept) > 0 && kept[len(kept)-1].path == ch.path {
			continue // listed twice
		}
		if ch.kind == container.ChangeDelete {
			deleted = ch.path
		}
		kept = append(kept, ch)
	}
	return kept, warnings
}

// readChange reads one added or changed path through the archive API.
// A path gone by the time it is read (a running container deleted it
// after the diff) is taken as it now stands: deleted if it was there
// before the container, absent if the container had made it; a note
// says so.
func (c *Container) readChange(ctx context.Context, ch change, counted func(int64)) (e model.Entry, keep bool, note string, err error) {
	res, err := c.e.cli.CopyFromContainer(ctx, c.info.ID, client.CopyFromContainerOptions{SourcePath: "/" + ch.path})
	if cerrdefs.IsNotFound(err) {
		if _, ierr := c.e.cli.ContainerInspect(ctx, c.info.ID, client.ContainerInspectOptions{}); ierr != nil {
			return e, false, "", ierr // the container is gone, or the engine
		}
		note = fmt.Sprintf("%s: the container removed it while lx read it (the diff listed it as %s); taken as deleted", model.DisplayPath(ch.path), ch.kind)
		if ch.kind == container.ChangeAdd {
			note = fmt.Sprintf("%s: the container removed it while lx read it (the diff listed it as added); left out", model.DisplayPath(ch.path))
			return e, false, note, nil
		}
		return model.Entry{Path: ch.path, Kind: model.KindWhiteout}, true, note, nil
	}
	if err != nil {
		return e, false, "", err
	}
	defer res.Content.Close()
	// Closed when ctx ends, so a stalled stream returns at once.
	stop := context.AfterFunc(ctx, func() { res.Content.Close() })
	defer stop()
	tr := tar.NewReader(res.Content)
	hdr, err := tr.Next()
	if err != nil {
		return e, false, "", &archiveError{path: ch.path, err: tarError(err)}
	}
	e, keep, note, err = entryOf(hdr)
	if err != nil || !keep {
		return e, false, "", &archiveError{path: ch.path, err: fmt.Errorf("the archive API gave %q, not the path itself", hdr.Name)}
	}
	if e.Kind == model.KindHardlink || e.Kind == model.KindWhiteout || e.Kind == model.KindOpaque {
		return e, false, "", &archiveError{path: ch.path, err: fmt.Errorf("the archive API gave a %s, not the path itself", e.Kind)}
	}
	e.Path = ch.path
	if e.Kind == model.KindRegular {
		d := xxhash.New()
		n, err := io.Copy(d, &countingReader{r: tr, counted: counted})
		if err != nil {
			return e, false, "", &archiveError{path: ch.path, err: tarError(err)}
		}
		e.Size, e.Digest = n, d.Sum64()
	}
	if note != "" {
		note = model.DisplayPath(ch.path) + ": " + note
	}
	return e, true, note, nil
}

// countingReader tells counted of the bytes read through it.
type countingReader struct {
	r       io.Reader
	counted func(int64)
	pending int64
}

func (r *countingReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.pending += int64(n)
	if r.pending >= progressEvery || err != nil {
		r.counted(r.pending)
		r.pending = 0
	}
	return n, err
}

// archiveError is a path's archive stream that broke or made no sense.
type archiveError struct {
	path string
	err  error
}

func (e *archiveError) Error() string {
	return fmt.Sprintf("reading %s through the archive API: %v", model.DisplayPath(e.path), e.err)
}
func (e *archiveError) Unwrap() error { return e.err }

// readError explains why a path could not be read: the container went
// away or stopped (the usual reason a stream breaks), or the engine's own
// failure.
func (c *Container) readError(ctx context.Context, ch change, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%s: %w", c, ctx.Err())
	}
	res, ierr := c.e.cli.ContainerInspect(ctx, c.info.ID, client.ContainerInspectOptions{})
	switch {
	case ierr != nil:
		return c.fail(ctx, "checking", ierr)
	case statusOf(res.Container) != c.status:
		return c.changedError(statusOf(res.Container))
	case client.IsErrConnectionFailed(err):
		return c.e.connError(err)
	}
	var ae *archiveError
	if errors.As(err, &ae) {
		return explain(err, "%s: %v; nothing was analysed", c, ae)
	}
	return explain(err, "%s: reading %s through the archive API: %s", c, model.DisplayPath(ch.path), oneLine(daemonMessage(err)))
}
