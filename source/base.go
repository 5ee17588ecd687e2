package source

// --base REF: the user names the base image where no engine is there to
// ask (an archive, a registry).

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"lx.dev/lx/model"
)

// Describe reads what src says of its image before its layers: an
// engine's inspect, an archive's config (a plain archive file gives it
// after its index, a compressed one at its manifest). No layer is
// applied.
func Describe(ctx context.Context, src Source) (model.Config, error) {
	if p, ok := src.(Previewer); ok {
		cfg, err := p.Preview(ctx, nil)
		if !errors.Is(err, ErrNoPreview) {
			return cfg, err
		}
	}
	d := &describer{}
	err := src.Load(ctx, d)
	if d.cfg != nil {
		return *d.cfg, nil
	}
	if err == nil {
		err = fmt.Errorf("%s: no image config was found", src)
	}
	return model.Config{}, err
}

// describer is a Sink that keeps the first config and stops the read.
type describer struct{ cfg *model.Config }

var errDescribed = errors.New("described")

func (d *describer) Config(cfg model.Config) error { d.cfg = &cfg; return errDescribed }
func (d *describer) Layer(int, Layer) error        { return nil } // bound before the config: dropped
func (d *describer) Observe(Event)                 {}

// WithBase is src with its base image named by the user: base's layers
// must be the first layers of src's image (fewer of them), which then
// counts them as its base's, whatever an engine's image list says.
func WithBase(src, base Source, ref string) Source {
	return &withBase{Source: src, base: base, ref: ref}
}

type withBase struct {
	Source
	base Source
	ref  string

	once sync.Once
	cfg  model.Config
	err  error
}

// describe reads the base's config once.
func (w *withBase) describe(ctx context.Context) (model.Config, error) {
	w.once.Do(func() {
		w.cfg, w.err = Describe(ctx, w.base)
		if w.err != nil {
			w.err = fmt.Errorf("--base %s: %w", w.ref, w.err)
		}
	})
	return w.cfg, w.err
}

// given puts the base into cfg, or says why it is not src's base.
func (w *withBase) given(cfg *model.Config, base model.Config) error {
	n := len(base.DiffIDs)
	if n == 0 || n >= len(cfg.DiffIDs) || !slices.Equal(base.DiffIDs, cfg.DiffIDs[:n]) {
		return fmt.Errorf("--base %s: its %d layers are not the first of this image's %d layers, so it is not its base", w.ref, n, len(cfg.DiffIDs))
	}
	cfg.Relations.Base = &model.BaseImage{Ref: w.ref, ID: base.ID, Layers: n, Steps: len(base.History), Given: true}
	return nil
}

func (w *withBase) Preview(ctx context.Context, observe Observer) (model.Config, error) {
	p, ok := w.Source.(Previewer)
	if !ok {
		return model.Config{}, ErrNoPreview
	}
	cfg, err := p.Preview(ctx, observe)
	if err != nil {
		return cfg, err
	}
	base, err := w.describe(ctx)
	if err != nil {
		return model.Config{}, err
	}
	return cfg, w.given(&cfg, base)
}

// Unwrap is the source of the image, whose files are read from it.
func (w *withBase) Unwrap() Source { return w.Source }

func (w *withBase) Load(ctx context.Context, sink Sink) error {
	base, err := w.describe(ctx)
	if err != nil {
		return err
	}
	return w.Source.Load(ctx, &baseSink{Sink: sink, w: w, base: base})
}

// baseSink gives every config the source sends the user's base.
type baseSink struct {
	Sink
	w    *withBase
	base model.Config
}

func (s *baseSink) Config(cfg model.Config) error {
	if err := s.w.given(&cfg, s.base); err != nil {
		return err
	}
	return s.Sink.Config(cfg)
}
