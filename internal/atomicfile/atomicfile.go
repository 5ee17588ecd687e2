// Package atomicfile writes a file completely or not at all: the bytes go
// to a temporary file beside the target, which is renamed over it only
// once everything was written and synced.
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
)

// File is a pending write. Commit publishes it; Abort drops it.
type File struct {
	*os.File
	target string
	done   bool
	direct bool // the target is a device or pipe: written in place
}

// Create opens a temporary file in the target's directory, so an
// unwritable destination fails before any work is done.
//
// A target that is not a regular file (/dev/null, a named pipe, a
// terminal) cannot be replaced by a rename: it is opened and written in
// place. A symlink is followed, so the file it points to is replaced and
// the link kept.
func Create(target string) (*File, error) {
	if real, err := filepath.EvalSymlinks(target); err == nil {
		target = real
	}
	if fi, err := os.Stat(target); err == nil {
		switch {
		case fi.IsDir():
			return nil, fmt.Errorf("cannot write %s: it is a directory", target)
		case !fi.Mode().IsRegular():
			f, err := os.OpenFile(target, os.O_WRONLY, 0)
			if err != nil {
				return nil, fmt.Errorf("cannot write %s: %w", target, unwrapPath(err))
			}
			return &File{File: f, target: target, direct: true}, nil
		}
	}
	dir := filepath.Dir(target)
	f, err := os.CreateTemp(dir, "."+filepath.Base(target)+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("cannot write %s: %w", target, unwrapPath(err))
	}
	return &File{File: f, target: target}, nil
}

// Commit syncs, closes and renames the file into place.
func (f *File) Commit() error {
	if f.done {
		return nil
	}
	f.done = true
	if f.direct {
		if err := f.Close(); err != nil {
			return fmt.Errorf("cannot write %s: %w", f.target, unwrapPath(err))
		}
		return nil
	}
	err := f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), f.target)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("cannot write %s: %w", f.target, unwrapPath(err))
	}
	return nil
}

// Abort removes the temporary file; the target is left as it was. It is
// safe to call after Commit, and on a nil *File (no output was asked for).
func (f *File) Abort() {
	if f == nil || f.done {
		return
	}
	f.done = true
	f.Close()
	if !f.direct {
		os.Remove(f.Name())
	}
}

// unwrapPath drops the temp file's name from an error: the user never
// asked for that name.
func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	if le, ok := err.(*os.LinkError); ok {
		return le.Err
	}
	return err
}
