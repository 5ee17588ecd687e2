package source

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"lx.dev/lx/model"
)

// Previewer is a Source that can describe its image before streaming it
// (it may pull the image first, and says so to observe).
type Previewer interface {
	Preview(ctx context.Context, observe Observer) (model.Config, error)
}

// Analyze reads src once and returns the analysed image. Layers are
// applied as soon as the layers below them are in, on a goroutine of their
// own, while the stream goes on: the image's figures grow layer by layer
// (see the Applied events) and are final when Analyze returns.
func Analyze(ctx context.Context, src Source, observe Observer) (*model.Image, error) {
	a := newAnalysis(observe)
	if p, ok := src.(Previewer); ok {
		cfg, err := p.Preview(ctx, observe)
		switch {
		case err == nil:
			observe.send(Previewed{Config: cfg})
			a.begin(cfg)
		case !errors.Is(err, ErrNoPreview):
			return nil, err
		}
	}
	loadErr := src.Load(ctx, a)
	applyErr := a.stop()
	switch {
	case loadErr != nil:
		return nil, loadErr
	case applyErr != nil:
		return nil, fmt.Errorf("%s: %w", src, applyErr)
	case a.b == nil:
		return nil, fmt.Errorf("%s: no image config was found", src)
	}
	img, err := a.b.Finish()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", src, err)
	}
	return img, nil
}

// analysis is the Sink that builds the model: layers that arrive out of
// order wait, as entries only, until the ones below them are in; the next
// layers go, in order, to the applying goroutine.
type analysis struct {
	observe Observer

	mu      sync.Mutex
	b       *model.Builder
	pending map[int]Layer // bound, waiting for the layers below
	next    int           // the first layer not yet handed to the applier
	apply   chan indexed  // layers in order, to the applying goroutine
	done    chan struct{} // closed when the applier has stopped
	err     error         // the applier's failure, once there is one

	held    atomic.Int64  // entries of the layers handed over and not yet applied
	applied chan struct{} // a signal after each layer applied (see applyWatcher)
}

func newAnalysis(observe Observer) *analysis {
	return &analysis{observe: observe, pending: map[int]Layer{}, applied: make(chan struct{}, 1)}
}

func (a *analysis) heldEntries() int64             { return a.held.Load() }
func (a *analysis) appliedSignal() <-chan struct{} { return a.applied }

type indexed struct {
	index int
	layer Layer
}

// applyQueue bounds the layers decoded ahead of the applier: the reader
// waits rather than piling them up.
const applyQueue = 2

func (a *analysis) Observe(ev Event) { a.observe.send(ev) }

func (a *analysis) Config(cfg model.Config) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.b != nil {
		if err := a.b.Refine(cfg); err != nil {
			return fmt.Errorf("a second image config arrived: %w", err)
		}
		a.observe.send(Configured{Config: cfg})
		return nil
	}
	a.start(cfg)
	a.observe.send(Configured{Config: cfg})
	return nil
}

// begin starts the image from a preview: its layers can be bound before
// the stream brings the config.
func (a *analysis) begin(cfg model.Config) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.start(cfg)
}

func (a *analysis) start(cfg model.Config) {
	a.b = model.NewBuilder(cfg)
	a.apply = make(chan indexed, applyQueue)
	a.done = make(chan struct{})
	go a.applier(a.apply, a.done, len(cfg.DiffIDs))
}

func (a *analysis) Layer(index int, l Layer) error {
	a.mu.Lock()
	if a.b == nil {
		a.mu.Unlock()
		return fmt.Errorf("layer %d arrived before the image config", index)
	}
	if err := a.err; err != nil {
		a.mu.Unlock()
		return err
	}
	if _, dup := a.pending[index]; dup || index < a.next {
		a.mu.Unlock()
		return fmt.Errorf("layer %d arrived twice", index)
	}
	a.pending[index] = l
	a.held.Add(l.entryCount())
	var ready []indexed
	for {
		l, ok := a.pending[a.next]
		if !ok {
			break
		}
		delete(a.pending, a.next)
		ready = append(ready, indexed{a.next, l})
		a.next++
	}
	apply, done := a.apply, a.done
	a.mu.Unlock()
	a.observe.send(Bound{Index: index})
	for _, r := range ready {
		select {
		case apply <- r:
		case <-done: // the applier stopped on an error
			return a.failure()
		}
	}
	return nil
}

// applier applies the layers in order as they come; on a failure it
// records it and stops taking layers.
func (a *analysis) applier(apply <-chan indexed, done chan<- struct{}, total int) {
	defer close(done)
	for r := range apply {
		for _, w := range r.layer.Warnings {
			a.b.Warn(fmt.Sprintf("layer %d: %s", r.index, w))
		}
		a.b.SetTarBytes(r.index, r.layer.TarSize)
		if _, err := a.b.AddLayerPieces(r.layer.entryPieces()); err != nil {
			a.mu.Lock()
			a.err = err
			a.mu.Unlock()
			return
		}
		a.held.Add(-r.layer.entryCount())
		select {
		case a.applied <- struct{}{}:
		default: // a signal is waiting already
		}
		a.observe.send(Applied{Index: r.index, Applied: r.index + 1, Total: total, Image: a.b.Image()})
	}
}

func (a *analysis) failure() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.err
}

// stop lets the applier finish the layers handed to it and waits for it.
func (a *analysis) stop() error {
	a.mu.Lock()
	apply, done := a.apply, a.done
	a.apply = nil
	a.mu.Unlock()
	if apply != nil {
		close(apply)
	}
	if done != nil {
		<-done
	}
	return a.failure()
}
