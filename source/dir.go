package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Dir reads an image laid out in a directory: an OCI layout (oci:DIR, as
// skopeo writes it) or an unpacked docker save. Files can be opened in any
// order here, so the index is read first and each layer blob is streamed
// once, in layer order, straight into the sink.
type Dir struct {
	Path string
	Opts Options

	content dirContent // where its layer blobs are, to read files again (archivecontent.go)
}

func (d *Dir) String() string { return d.Path }

// Load implements Source.
func (d *Dir) Load(ctx context.Context, sink Sink) error {
	if err := d.load(ctx, sink); err != nil {
		return fmt.Errorf("%s: %w", d.Path, err)
	}
	return nil
}

func (d *Dir) load(ctx context.Context, sink Sink) error {
	c, cfg, err := chooseImage(d.meta, d.v1IDs, d.Opts, d.Path)
	if err != nil {
		return err
	}
	return readLocalImage(ctx, sink, c, cfg, d.Opts.Keep, func(m string) (string, int64, func() (io.ReadCloser, error), error) {
		name := d.file(m)
		st, err := os.Stat(name)
		if err != nil {
			return "", 0, nil, fmt.Errorf("the image lists layer %s, which is not in the directory", m)
		}
		return name, st.Size(), func() (io.ReadCloser, error) {
			f, err := os.Open(name)
			if err != nil {
				return nil, plainOSError(err)
			}
			return f, nil
		}, nil
	})
}

func (d *Dir) file(member string) string {
	return filepath.Join(d.Path, filepath.FromSlash(memberName(member)))
}

// v1IDs lists the directories that hold a json file: the layers of an
// unpacked docker save from before Docker 1.10.
func (d *Dir) v1IDs() []string {
	ents, _ := os.ReadDir(d.Path) // unreadable: meta says why
	var ids []string
	for _, e := range ents {
		if st, err := os.Stat(filepath.Join(d.Path, e.Name(), "json")); err == nil && e.IsDir() && st.Mode().IsRegular() {
			ids = append(ids, e.Name())
		}
	}
	return ids
}

// meta is the directory's metaReader.
func (d *Dir) meta(member string) ([]byte, error) {
	f, err := os.Open(d.file(member))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errMissing
	}
	if err != nil {
		return nil, plainOSError(err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxMeta+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", member, plainOSError(err))
	}
	if len(b) > maxMeta {
		return nil, fmt.Errorf("%s: more than %d bytes, not an image document", member, maxMeta)
	}
	return b, nil
}
