package source

// Reading a file again from the engine: an engine has no call that gives
// one layer, so the image is saved again and its stream read up to that
// layer's blob (the member its load was read from), then up to the file
// in it; the rest of the stream is never read. A container's writable
// layer gives its files through the archive API; a registry its one
// blob.

import (
	"archive/tar"
	"context"
	"fmt"
	"io"

	"github.com/moby/moby/client"

	"lx.dev/lx/model"
)

// ReadFile implements ContentSource. observe gets the save stream's
// BytesRead, its total the image's size as inspect says it (approximate).
func (e *Engine) ReadFile(ctx context.Context, f model.FileRef, observe Observer, fn func(io.Reader) error) error {
	member, ok := e.members.of(f.Layer)
	if !ok {
		return fmt.Errorf("%s: %w", e, errNotLogged(f.Layer))
	}
	img, err := e.resolve(ctx, nil)
	if err != nil {
		return err
	}
	var saveOpts []client.ImageSaveOption
	if img.platform != nil {
		saveOpts = append(saveOpts, client.ImageSaveWithPlatforms(*img.platform))
	}
	body, done, err := e.save(ctx, saveOpts)
	if err != nil {
		return err
	}
	defer done()
	r := newProgressReader(ctx, body, img.inspect.Size, observe)
	r.approximate = true
	err = streamMember(ctx, r, member, f, fn)
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return fmt.Errorf("%s: %w", e, ctx.Err())
	}
	return fmt.Errorf("%s: %w", e, err)
}

// ReadFile implements ContentSource: a file of the image's layers from
// the image's save, as Engine does; one of the writable layer through the
// archive API, as the container has it now, checked against what the
// load read (a running container that rewrote it since says so).
func (c *Container) ReadFile(ctx context.Context, f model.FileRef, observe Observer, fn func(io.Reader) error) error {
	info, err := c.resolve(ctx)
	if err != nil {
		return err
	}
	if _, ok := c.e.members.of(f.Layer); ok {
		return c.e.ReadFile(ctx, f, observe, fn)
	}
	res, err := c.e.cli.CopyFromContainer(ctx, info.ID, client.CopyFromContainerOptions{SourcePath: "/" + f.Path})
	if err != nil {
		return c.fail(ctx, "reading "+model.DisplayPath(f.Path)+" of", err)
	}
	defer res.Content.Close()
	stop := context.AfterFunc(ctx, func() { res.Content.Close() })
	defer stop()
	tr := tar.NewReader(res.Content)
	hdr, err := tr.Next()
	switch {
	case err != nil:
		return fmt.Errorf("%s: %w", c, &archiveError{path: f.Path, err: tarError(err)})
	case hdr.Typeflag != tar.TypeReg && hdr.Typeflag != tar.TypeRegA:
		return fmt.Errorf("%s: %w", c, errChanged(f))
	}
	if err := giveChecked(newProgressReader(ctx, tr, f.Size, observe), f, fn); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("%s: %w", c, ctx.Err())
		}
		return fmt.Errorf("%s: %w", c, err)
	}
	return nil
}

// ReadFile implements ContentSource: that one layer blob fetched again,
// read up to the file (the rest of the blob is not fetched).
func (r *Registry) ReadFile(ctx context.Context, f model.FileRef, observe Observer, fn func(io.Reader) error) error {
	img, err := r.resolve(ctx)
	if err != nil {
		return err
	}
	if f.Layer < 0 || f.Layer >= len(img.blobs) {
		return fmt.Errorf("%s: the image has no layer %d", r, f.Layer)
	}
	d := img.blobs[f.Layer]
	b, err := r.openBlob(ctx, img, d, &sharedProgress{observe: observe, total: d.Size})
	if err != nil {
		return r.layerError(ctx, img, f.Layer, d, err)
	}
	defer b.Close()
	if err := readMember(b, f, fn); err != nil {
		return r.layerError(ctx, img, f.Layer, d, err)
	}
	return nil
}
