// Package atomicfile writes a file completely or not at all: the bytes go
// to a temporary file beside the target, which is renamed over it only
// once everything was written and synced.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// File is a pending write. Commit publishes it; Abort drops it.
type File struct {
	*os.File
	target string
	done   bool
	direct bool // the target is a device or pipe: written in place
	isNew  bool // the target must not exist (CreateNew)
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
	return createTemp(target)
}

// createTemp opens the temporary file beside target.
func createTemp(target string) (*File, error) {
	f, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("cannot write %s: %w", target, unwrapPath(err))
	}
	return &File{File: f, target: target}, nil
}

// CreateNew is Create for a target that must not exist: when it does, at
// once or by the time Commit publishes the file, the error is an
// *ExistsError (errors.Is(err, fs.ErrExist)) and nothing is written.
func CreateNew(target string) (*File, error) {
	if _, err := os.Lstat(target); err == nil {
		return nil, &ExistsError{Path: target}
	}
	f, err := createTemp(target)
	if err == nil {
		f.isNew = true
	}
	return f, err
}

// ExistsError is CreateNew's answer for a target that is already there.
type ExistsError struct{ Path string }

func (e *ExistsError) Error() string { return e.Path + " already exists" }

// Is makes errors.Is(err, fs.ErrExist) true.
func (e *ExistsError) Is(target error) bool { return target == fs.ErrExist }

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
		err = f.publish()
	}
	if err != nil {
		os.Remove(f.Name())
		var exists *ExistsError
		if errors.As(err, &exists) {
			return err
		}
		return fmt.Errorf("cannot write %s: %w", f.target, unwrapPath(err))
	}
	return nil
}

// publish puts the written file in place. For CreateNew, a hard link
// publishes it only if the target is still absent, in one step; where the
// file system has no hard links, the target is checked just before the
// rename.
func (f *File) publish() error {
	if !f.isNew {
		return os.Rename(f.Name(), f.target)
	}
	err := os.Link(f.Name(), f.target)
	switch {
	case err == nil:
		return os.Remove(f.Name())
	case errors.Is(err, fs.ErrExist):
		return &ExistsError{Path: f.target}
	}
	if _, err := os.Lstat(f.target); err == nil {
		return &ExistsError{Path: f.target}
	}
	return os.Rename(f.Name(), f.target)
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
