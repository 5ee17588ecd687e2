package source

// Reading a file again from the engine: an engine has no call that gives
// one layer, so the image is saved again and its stream read up to that
// layer's blob (the member its load was read from), then up to the file
// in it; the rest of the stream is never read.

import (
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
