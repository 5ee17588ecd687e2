package ui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"lx.dev/lx/model"
	"lx.dev/lx/model/report"
)

// Events are the hooks an analysis calls as it goes; Load turns each into
// a message for the program. They are called on the analysis goroutine.
type Events struct {
	// Config: the image's layer list and history (early from an engine's
	// inspect, or once an archive's config is read). May come twice.
	Config func(cfg model.Config)
	// Layer: one more layer is in, with its figures so far.
	Layer func(l model.Layer, done, total int)
	// Progress: bytes read so far of total (-1 when unknown).
	Progress func(read, total int64)
	// Status: what the source is doing before the stream (a pull).
	Status func(text string)
}

// StatusMsg says what the source is doing before its stream starts.
type StatusMsg struct{ Text string }

// AnalyzeFunc runs an analysis, calling the events as it goes.
type AnalyzeFunc func(ctx context.Context, ev Events) (*model.Image, error)

// ConfigMsg says what the image's config says: the layer list and history.
type ConfigMsg struct{ Config model.Config }

// LayerMsg says one more layer has been read.
type LayerMsg struct {
	Layer       model.Layer
	Done, Total int
}

// ProgressMsg says how far the stream has come.
type ProgressMsg struct {
	Read, Total int64
	Rate        float64 // bytes per second since the load started
}

// LoadedMsg ends a load: the analysed image and its fix hints, or why
// there is none.
type LoadedMsg struct {
	Image *model.Image
	Hints []report.Hint
	Err   error
}

// Loaded makes the message that ends a load. The fix hints are worked out
// here, on the loading goroutine, not in Update.
func Loaded(img *model.Image, err error) LoadedMsg {
	if err != nil || img == nil {
		return LoadedMsg{Err: err}
	}
	return LoadedMsg{Image: img, Hints: report.Build(img, report.Options{}).Hints}
}

// Load runs analyze on its own goroutine and forwards its events with
// send (a program's Send). It returns at once; cancel ctx to stop it.
func Load(ctx context.Context, send func(tea.Msg), analyze AnalyzeFunc) {
	go func() {
		start := time.Now()
		lastSent := time.Time{}
		ev := Events{
			Config: func(cfg model.Config) { send(ConfigMsg{Config: cfg}) },
			Layer: func(l model.Layer, done, total int) {
				send(LayerMsg{Layer: l, Done: done, Total: total})
			},
			Progress: func(read, total int64) {
				now := time.Now()
				if now.Sub(lastSent) < 50*time.Millisecond && read != total {
					return // at most 20 redraws a second for the bar
				}
				lastSent = now
				rate := 0.0
				if el := now.Sub(start).Seconds(); el > 0 {
					rate = float64(read) / el
				}
				send(ProgressMsg{Read: read, Total: total, Rate: rate})
			},
		}
		ev.Status = func(text string) { send(StatusMsg{Text: text}) }
		img, err := analyze(ctx, ev)
		send(Loaded(img, err))
	}()
}
