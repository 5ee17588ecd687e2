package source

// The engine's save stream: one ImageSave read through ReadArchive, checked
// against what inspect said.

import (
	"context"
	"fmt"
	"io"

	"github.com/moby/moby/client"

	"lx.dev/lx/model"
)

// Load implements Source: one ImageSave stream, read as it arrives.
func (e *Engine) Load(ctx context.Context, sink Sink) error {
	defer e.Close()
	img, err := e.resolve(ctx, sink.Observe)
	if err != nil {
		return err
	}
	var saveOpts []client.ImageSaveOption
	opts := e.opts
	opts.Tag = ""
	if img.platform != nil {
		saveOpts = append(saveOpts, client.ImageSaveWithPlatforms(*img.platform))
		opts.Platform = platformString(*img.platform)
	} else {
		// The save holds this one image; an old engine's legacy layout
		// names no platform to choose by (resolve checked it matches).
		opts.Platform = ""
	}
	body, done, err := e.save(ctx, saveOpts)
	if err != nil {
		return err
	}
	defer done()
	br := &breakReader{r: body}
	r := newProgressReader(ctx, br, img.inspect.Size, sink.Observe)
	r.approximate = true
	expect := img.inspect.RootFS.Layers
	named := &namedSink{Sink: e.members.sink(sink), ref: e.Ref, relations: make(chan model.Relations, 1)}
	go func() {
		// Beside the stream: the other images' inspects take a few ms each.
		rel, err := e.relations(ctx, img)
		if err != nil {
			rel = model.Relations{}
		}
		named.relations <- rel
	}()
	if img.noPreview {
		expect = nil // inspect described another platform
		sink.Observe(Deferred{Why: "the engine could not describe this platform before its save"})
	}
	err = ReadArchive(ctx, r, opts, e.Ref, expect, named)
	if err == nil {
		err = named.relate(ctx)
	}
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return fmt.Errorf("%s: %w", e, ctx.Err())
	case br.err != nil:
		return explain(br.err, "%s: the stream broke off after %d bytes (%v): the daemon stopped or the connection was lost; nothing was analysed, run lx again once %s answers", e, br.n, oneLine(br.err), e.Host.Host)
	case !named.touched:
		// Nothing reached the sink: the save may have left blobs out
		// (engine_partial.go). Its second read costs no more than the first.
		config, lerr := e.leftOut(ctx, saveOpts, br.n+1<<20)
		if lerr != nil || config == "" {
			break
		}
		read, rerr := e.throughSameConfig(ctx, img, config, opts, named)
		switch {
		case ctx.Err() != nil:
			return fmt.Errorf("%s: %w", e, ctx.Err())
		case rerr != nil:
			return fmt.Errorf("%s: %w", e, rerr)
		case read:
			return nil
		}
		return e.leftOutError(ctx, img, err)
	}
	return fmt.Errorf("%s: %w", e, err)
}

// save starts the image's save stream; done closes it.
func (e *Engine) save(ctx context.Context, saveOpts []client.ImageSaveOption) (body io.Reader, done func(), err error) {
	rc, err := e.cli.ImageSave(ctx, []string{e.Ref}, saveOpts...)
	if err != nil {
		return nil, nil, e.fail(ctx, "saving", err)
	}
	// ImageSave closes the body when ctx ends; say so here too, so a
	// stalled read returns at once whatever the client does.
	stop := context.AfterFunc(ctx, func() { rc.Close() })
	return rc, func() { stop(); rc.Close() }, nil
}

// breakReader remembers the error that ended a stream early: anything but
// a clean end of the body.
type breakReader struct {
	r   io.Reader
	n   int64
	err error
}

func (b *breakReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.n += int64(n)
	if err != nil && err != io.EOF && b.err == nil {
		b.err = err
	}
	return n, err
}

// namedSink keeps the name the image was asked by, as the preview has it:
// engines name it in their saves each their own way ("docker.io/library/…"
// on the containerd image store). It notes whether anything reached the
// sink, after which the read cannot start again.
//
// It also gives the config what the engine's other images say of it
// (relations), as soon as both are in.
type namedSink struct {
	Sink
	ref     string
	touched bool

	relations chan model.Relations // nil: none coming
	related   bool                 // the sink has them
	saved     *model.Config        // the config the sink has, to refine with them
}

func (s *namedSink) Config(cfg model.Config) error {
	cfg.Ref = s.ref
	s.touched = true
	if s.relations != nil && !s.related {
		select {
		case cfg.Relations = <-s.relations:
			s.related = true
		default:
		}
	}
	s.saved = &cfg
	return s.Sink.Config(cfg)
}

// relate waits for the relations when the config came before them, and
// gives the sink the config again with them.
func (s *namedSink) relate(ctx context.Context) error {
	if s.relations == nil || s.related || s.saved == nil {
		return nil
	}
	select {
	case rel := <-s.relations:
		s.related = true
		cfg := *s.saved
		cfg.Relations = rel
		return s.Sink.Config(cfg)
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *namedSink) Layer(index int, l Layer) error {
	s.touched = true
	return s.Sink.Layer(index, l)
}
