package source

import (
	"context"
	"errors"
	"fmt"

	"lx.dev/lx/model"
)

// Hooks let a caller follow an analysis as it goes; any may be nil. They
// are called on the reading goroutine.
type Hooks struct {
	// Preview is called with a source's cheap first answer (an engine's
	// inspect and history), before the stream starts; sources that cannot
	// answer early never call it. The layer list is exact; the history may
	// be refined by the Config that follows.
	Preview func(cfg model.Config)
	// Config is called once the image's config is known, before any layer.
	Config func(cfg model.Config)
	// Layer is called after each layer is applied to the model, with that
	// layer's figures so far (size and entry count; the change counts and
	// waste come with the finished image).
	Layer func(layer model.Layer, done, total int)
}

// Previewer is a Source that can describe its image before streaming it.
type Previewer interface {
	Preview(ctx context.Context) (model.Config, error)
}

// Analyze reads src once and returns the analysed image.
func Analyze(ctx context.Context, src Source, hooks Hooks) (*model.Image, error) {
	if p, ok := src.(Previewer); ok && hooks.Preview != nil {
		cfg, err := p.Preview(ctx)
		switch {
		case err == nil:
			hooks.Preview(cfg)
		case !errors.Is(err, ErrNoPreview):
			return nil, err
		}
	}
	s := &builderSink{hooks: hooks}
	if err := src.Load(ctx, s); err != nil {
		return nil, err
	}
	if s.b == nil {
		return nil, fmt.Errorf("%s: no image config was found", src)
	}
	img, err := s.b.Finish()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", src, err)
	}
	return img, nil
}

// builderSink feeds a model.Builder as layers arrive.
type builderSink struct {
	b     *model.Builder
	total int
	hooks Hooks
}

func (s *builderSink) Config(cfg model.Config) error {
	if s.b != nil {
		return fmt.Errorf("a second image config arrived")
	}
	s.b = model.NewBuilder(cfg)
	s.total = len(cfg.DiffIDs)
	if s.hooks.Config != nil {
		s.hooks.Config(cfg)
	}
	return nil
}

func (s *builderSink) Layer(index int, l Layer) error {
	if s.b == nil {
		return fmt.Errorf("layer %d arrived before the image config", index)
	}
	if index != s.b.Applied() {
		return fmt.Errorf("layer %d arrived, layer %d was expected", index, s.b.Applied())
	}
	for _, w := range l.Warnings {
		s.b.Warn(fmt.Sprintf("layer %d: %s", index, w))
	}
	if _, err := s.b.AddLayer(l.Entries); err != nil {
		return err
	}
	if s.hooks.Layer != nil {
		s.hooks.Layer(s.b.Layer(index), index+1, s.total)
	}
	return nil
}
