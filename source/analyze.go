package source

import (
	"context"
	"fmt"

	"lx.dev/lx/model"
)

// Analyze reads src once and returns the analysed image. onLayer, when set,
// is called after each layer is applied.
func Analyze(ctx context.Context, src Source, onLayer func(done, total int)) (*model.Image, error) {
	s := &builderSink{onLayer: onLayer}
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
	b       *model.Builder
	total   int
	onLayer func(done, total int)
}

func (s *builderSink) Config(cfg model.Config) error {
	if s.b != nil {
		return fmt.Errorf("a second image config arrived")
	}
	s.b = model.NewBuilder(cfg)
	s.total = len(cfg.DiffIDs)
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
	if s.onLayer != nil {
		s.onLayer(index+1, s.total)
	}
	return nil
}
