package source

// The writable layer of a container, as a layer's entries: the changes
// API lists what the container added (A), changed (C) and deleted (D);
// a deletion is a whiteout, and every other path is read through the
// archive API: the tar header gives its kind, mode, owner and link, and a
// regular file's bytes are hashed as they pass, never kept. An added
// directory comes whole in one request; any other path comes alone, and
// a changed directory's tar is left after its own header.

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

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
//
// A directory the container added comes whole in one archive request
// (everything under it is new too, so listed as added): the engine's
// archive API costs tens of milliseconds a call (Docker 20.10 tars in a
// process of its own, the container locked meanwhile), and a new cache
// or package tree holds thousands of files. What its stream holds that
// the diff does not list (a volume mounted inside it) is left out; what
// the diff lists that it did not hold is asked for on its own.
func (c *Container) readWritable(ctx context.Context, counted func(int64)) (Layer, error) {
	diff, err := c.e.cli.ContainerDiff(ctx, c.info.ID, client.ContainerDiffOptions{})
	if err != nil {
		return Layer{}, c.fail(ctx, "listing the changes of", err)
	}
	changes, warnings := diffChanges(diff.Changes)
	r := &layerRead{
		c: c, changes: changes, counted: counted, index: make(map[string]int, len(changes)),
		entries: make([]model.Entry, len(changes)), keep: make([]bool, len(changes)),
		done: make([]bool, len(changes)), notes: make([]string, len(changes)),
	}
	for i, ch := range changes {
		r.index[ch.path] = i
		if ch.kind == container.ChangeDelete {
			r.entries[i], r.keep[i], r.done[i] = model.Entry{Path: ch.path, Kind: model.KindWhiteout}, true, true
		}
	}
	// First the added trees and the paths outside them, then what the
	// trees did not hold.
	trees, singles := addedTrees(changes)
	if err := r.run(ctx, trees, singles); err != nil {
		return Layer{}, err
	}
	var rest []int
	for i := range changes {
		if !r.done[i] {
			rest = append(rest, i)
		}
	}
	if err := r.run(ctx, nil, rest); err != nil {
		return Layer{}, err
	}
	l := Layer{Warnings: warnings}
	for i := range changes {
		if r.notes[i] != "" {
			l.Warnings = append(l.Warnings, r.notes[i])
		}
		if r.keep[i] {
			l.Entries = append(l.Entries, r.entries[i])
		}
	}
	return l, nil
}

// layerRead is the writable layer being read: one slot per change, each
// filled by one reader.
type layerRead struct {
	c       *Container
	changes []change
	index   map[string]int // a change's path → its slot
	counted func(int64)

	entries []model.Entry
	keep    []bool   // the slot's entry is part of the layer
	done    []bool   // the slot was read (or is a deletion)
	notes   []string // a warning about the slot's path
}

// run reads the trees (indexes of added directories, whose subtrees come
// with them) and the single paths, archiveReaders at a time. The first
// read that fails stops the others; it is the one told.
func (r *layerRead) run(ctx context.Context, trees, singles []int) error {
	type job struct {
		i    int
		tree bool
	}
	var all []job
	for _, i := range trees {
		all = append(all, job{i, true})
	}
	for _, i := range singles {
		all = append(all, job{i, false})
	}
	read := func(reading context.Context, j job) error {
		var err error
		if j.tree {
			err = r.readTree(reading, j.i)
		} else {
			r.entries[j.i], r.keep[j.i], r.notes[j.i], err = r.c.readChange(reading, r.changes[j.i], r.counted)
			r.done[j.i] = err == nil
		}
		if err != nil {
			return &changeReadError{i: j.i, err: err}
		}
		return nil
	}
	err := runJobs(ctx, archiveReaders, all, read, nil)
	var failed *changeReadError
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("%s: %w", r.c, ctx.Err())
	case errors.As(err, &failed):
		return r.c.readError(ctx, r.changes[failed.i], failed.err)
	}
	return err
}

// changeReadError is the first read that failed, told once the others
// have stopped.
type changeReadError struct {
	i   int // the change read
	err error
}

func (e *changeReadError) Error() string { return e.err.Error() }

// addedTrees splits the changes to read: the added paths with added paths
// below them (directories, read whole), and every other added or changed
// path not under one of those.
func addedTrees(changes []change) (trees, singles []int) {
	tree := ""
	for i, ch := range changes {
		switch {
		case ch.kind == container.ChangeDelete:
			continue
		case tree != "" && under(ch.path, tree):
			continue
		case ch.kind == container.ChangeAdd && i+1 < len(changes) && under(changes[i+1].path, ch.path):
			tree = ch.path
			trees = append(trees, i)
		default:
			singles = append(singles, i)
		}
	}
	return trees, singles
}

// under tells whether p is below dir.
func under(p, dir string) bool {
	return len(p) > len(dir) && p[len(dir)] == '/' && p[:len(dir)] == dir
}

// readTree reads added directory i and the listed paths below it from one
// archive stream. Its members are named from the directory's own name;
// those the diff does not list are skipped.
func (r *layerRead) readTree(ctx context.Context, i int) error {
	root := r.changes[i]
	res, err := r.c.e.cli.CopyFromContainer(ctx, r.c.info.ID, client.CopyFromContainerOptions{SourcePath: "/" + root.path})
	if cerrdefs.IsNotFound(err) {
		return nil // gone since the diff: its paths are asked for one by one
	}
	if err != nil {
		return err
	}
	defer res.Content.Close()
	stop := context.AfterFunc(ctx, func() { res.Content.Close() })
	defer stop()
	parent := path.Dir(root.path)
	tr := tar.NewReader(res.Content)
	d := xxhash.New()
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return &archiveError{path: root.path, err: tarError(err)}
		}
		e, keep, note, err := entryOf(hdr)
		if err != nil {
			return &archiveError{path: root.path, err: err}
		}
		if !keep || e.Kind == model.KindWhiteout || e.Kind == model.KindOpaque {
			continue
		}
		e.Path = path.Join(parent, e.Path)
		j, listed := r.index[e.Path]
		if !listed || (e.Path != root.path && !under(e.Path, root.path)) || r.changes[j].kind == container.ChangeDelete {
			continue
		}
		switch e.Kind {
		case model.KindHardlink: // to a member earlier in this stream
			e.Link = path.Join(parent, e.Link)
		case model.KindRegular:
			d.Reset()
			n, err := io.Copy(d, &countingReader{r: tr, counted: r.counted})
			if err != nil {
				return &archiveError{path: e.Path, err: tarError(err)}
			}
			e.Size, e.Digest = n, d.Sum64()
		}
		if note != "" {
			note = model.DisplayPath(e.Path) + ": " + note
		}
		r.entries[j], r.keep[j], r.done[j], r.notes[j] = e, true, true, note
	}
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
	// Parents first, and a directory's paths right after it ("a", "a/b",
	// "a-b", not "a", "a-b", "a/b"): '/' sorts before any other byte.
	sort.Slice(out, func(i, j int) bool { return pathKey(out[i].path) < pathKey(out[j].path) })
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

func pathKey(p string) string { return strings.ReplaceAll(p, "/", "\x00") }

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
