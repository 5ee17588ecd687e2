// Package reportfile writes the report files of every part of lx that
// makes one: lx report -o, lx ci --report, lx demo --report -o, lx diff
// -o and the explorers' export dialogs; and of the files of an image
// that lx extract and the explorer's x write out (WriteFrom). A file
// appears whole or not at all, and, when the caller asks, never over one
// that is there.
package reportfile

import (
	"fmt"
	"io"
	"io/fs"

	"lx.dev/lx/internal/atomicfile"
	"lx.dev/lx/model"
	"lx.dev/lx/model/report"
)

// ErrExists is what Create and Write answer (errors.Is) for a target that
// exists when Options.Ask is set: the caller asks the user, then calls
// again without Ask to replace it.
var ErrExists = fs.ErrExist

// Options say how to treat the target.
type Options struct {
	// Ask refuses a target that exists (ErrExists) instead of replacing it,
	// checked before any byte is written and again as the file is put in
	// place.
	Ask bool
}

// File is a report file opened before the work that fills it, so that a
// path that cannot be written fails before an analysis starts.
type File struct {
	path string
	f    *atomicfile.File
}

// Create opens the report file at path; nothing appears there before Write.
func Create(path string, opts Options) (*File, error) {
	create := atomicfile.Create
	if opts.Ask {
		create = atomicfile.CreateNew
	}
	f, err := create(path)
	if err != nil {
		return nil, err
	}
	return &File{path: path, f: f}, nil
}

// Write encodes rep in format and puts the file in place; it returns the
// bytes written. A failure leaves the target as it was.
func (f *File) Write(rep report.Report, format report.Format) (int64, error) {
	return f.write(func(w io.Writer) error { return format.Encode(w, rep) })
}

// WriteDiff encodes a comparison's report (lx diff) in format and puts the
// file in place; it returns the bytes written.
func (f *File) WriteDiff(d report.Diff, format report.Format) (int64, error) {
	return f.write(func(w io.Writer) error { return format.EncodeDiff(w, d) })
}

func (f *File) write(encode func(io.Writer) error) (int64, error) {
	defer f.f.Abort()
	w := &countingWriter{w: f.f}
	if err := encode(w); err != nil {
		return 0, fmt.Errorf("writing %s: %w", f.path, err)
	}
	if err := f.f.Commit(); err != nil {
		return 0, err
	}
	return w.n, nil
}

// Abort drops a file that will not be written; it is safe after Write and
// on a nil *File.
func (f *File) Abort() {
	if f != nil {
		f.f.Abort()
	}
}

// Write builds img's report for format (with every layer's changes when
// the format shows them) and writes it to path, whole or not at all. It
// returns the bytes written.
func Write(path string, img *model.Image, format report.Format, opts Options) (int64, error) {
	f, err := Create(path, opts)
	if err != nil {
		return 0, err
	}
	return f.Write(report.Build(img, report.Options{Changes: format.WantsChanges()}), format)
}

// WriteDiff writes a comparison's report to path, whole or not at all,
// and returns the bytes written.
func WriteDiff(path string, d *model.ImageDiff, format report.Format, opts Options) (int64, error) {
	f, err := Create(path, opts)
	if err != nil {
		return 0, err
	}
	return f.WriteDiff(report.BuildDiff(d), format)
}

// WriteFrom writes what write gives it to path, whole or not at all, and
// returns the bytes written: a file of an image written out (lx extract,
// the explorer's x). A failure of write leaves the target as it was.
func WriteFrom(path string, opts Options, write func(io.Writer) error) (int64, error) {
	f, err := Create(path, opts)
	if err != nil {
		return 0, err
	}
	return f.write(write)
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
