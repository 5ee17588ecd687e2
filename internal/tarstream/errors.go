package tarstream

import (
	"archive/tar"
	"errors"
)

// headerError is a header that cannot be read; errors.Is(err,
// tar.ErrHeader) holds for it, so callers that know archive/tar's errors
// need not know these.
type headerError string

func (e headerError) Error() string { return "invalid tar header: " + string(e) }

func (e headerError) Unwrap() error { return tar.ErrHeader }

// The errors of a sparse member's data or map.
var (
	// ErrSparseData is a sparse member whose map does not account for its
	// stored bytes: it names more than are stored, or fewer.
	ErrSparseData = errors.New("tar: a sparse file's map does not match its stored data")
	// ErrSparseMap is a sparse map longer than any reader takes (1 MiB).
	ErrSparseMap = errors.New("tar: sparse map too long")
)
