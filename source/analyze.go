package source

import (
	"context"
	"fmt"

	"lx.dev/lx/model"
)

// Hooks let a caller follow an analysis as it goes; any may be nil. They
// are called on the reading goroutine.
type Hooks struct {
	// Config is called once the image's config is known, before any layer.
	Config func(cfg model.Config)
	// Layer is called after each layer is applied to the model.
	Layer func(done, total int)
}

// Analyze reads src once and returns the analysed image.
func Analyze(ctx context.Context, src Source, hooks Hooks) (*model.Image, error) {
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
		s.hooks.Layer(index+1, s.total)
	}
	return nil
}
