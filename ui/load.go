package ui

import (
	"context"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"lx.dev/lx/model"
	"lx.dev/lx/model/report"
)

// AnalyzeFunc runs an analysis, telling feed what it observes as it goes.
type AnalyzeFunc func(ctx context.Context, feed *Feed) (*model.Image, error)

// The messages a load sends the explorer, as its events come.
type (
	// StatusMsg says what the source does before its stream (a pull).
	StatusMsg struct{ Text string }
	// ConfigMsg says what the image's config says: its layers and history
	// (early from an engine's inspect, again once the stream brings the
	// saved config).
	ConfigMsg struct{ Config model.Config }
	// ProgressMsg says how far the stream has come.
	ProgressMsg struct {
		Read, Total int64
		Approximate bool    // Total is an estimate the stream may pass
		Rate        float64 // bytes per second since the load started
	}
	// DeferredMsg says why the source places its layers only once its
	// manifest is read (a compressed archive cannot seek to it).
	DeferredMsg struct{ Why string }
	// BoundMsg says a layer's blob is in; it is applied once the layers
	// below it are.
	BoundMsg struct{ Index int }
	// AppliedMsg says layers 0 … Applied-1 are in the growing Image: their
	// trees, markers and counts are final. Snapshot, when set, is the
	// figures so far (taken at most a few times a second), with the fix
	// hints so far.
	AppliedMsg struct {
		Applied, Total int
		Image          *model.Image
		Snapshot       *model.Image
		Hints          []report.Hint
	}
	// LoadedMsg ends a load: the analysed image and its fix hints, or why
	// there is none.
	LoadedMsg struct {
		Image *model.Image
		Hints []report.Hint
		Err   error
	}
)

// Loaded makes the message that ends a load. The fix hints are worked out
// here, on the loading goroutine, not in Update.
func Loaded(img *model.Image, err error) LoadedMsg {
	if err != nil || img == nil {
		return LoadedMsg{Err: err}
	}
	return LoadedMsg{Image: img, Hints: report.Build(img, report.Options{}).Hints}
}

// Throttles: the progress bar is redrawn at most 20 times a second, and
// the figures so far (a copy of the waste list, the hints) are worked out
// at most 4 times, or 20 when the layer just applied killed copies (so
// their highlights appear as it lands).
const (
	progressEvery     = 50 * time.Millisecond
	snapshotEvery     = 250 * time.Millisecond
	killSnapshotEvery = 50 * time.Millisecond
)

// Feed turns what a load observes into messages for the program,
// throttled: the caller (main, which knows the sources) calls its methods
// from the reading goroutine and from the one applying layers.
type Feed struct {
	send  func(tea.Msg)
	now   func() time.Time
	start time.Time

	mu                sync.Mutex
	lastBar, lastSnap time.Time
	snapCost          time.Duration // how long the last snapshot took

	figuresOff bool // no snapshots of the figures so far: Applied says how far only
}

func newFeed(send func(tea.Msg)) *Feed {
	return &Feed{send: send, now: time.Now, start: time.Now()}
}

// Status says what the source does before its stream (a pull).
func (f *Feed) Status(text string) { f.send(StatusMsg{Text: text}) }

// Config gives the image's config: early (an engine's inspect) and again
// once the stream brings the saved one.
func (f *Feed) Config(cfg model.Config) { f.send(ConfigMsg{Config: cfg}) }

// Bytes says how far the stream has come; approximate says total is an
// estimate the stream may pass.
func (f *Feed) Bytes(read, total int64, approximate bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	if now.Sub(f.lastBar) < progressEvery && read != total {
		return
	}
	f.lastBar = now
	msg := ProgressMsg{Read: read, Total: total, Approximate: approximate}
	if el := now.Sub(f.start).Seconds(); el > 0 {
		msg.Rate = float64(read) / el
	}
	f.send(msg)
}

// Deferred says why the layers are placed only once the manifest is read.
func (f *Feed) Deferred(why string) { f.send(DeferredMsg{Why: why}) }

// Bound says layer k's blob is in, waiting for the layers below it.
func (f *Feed) Bound(k int) { f.send(BoundMsg{Index: k}) }

// Applied says layers 0 … applied-1 are in img; a few times a second it
// also takes a snapshot of the figures so far and their fix hints (here,
// on the loading goroutine, not in Update).
func (f *Feed) Applied(applied, total int, img *model.Image) {
	f.mu.Lock()
	defer f.mu.Unlock()
	msg := AppliedMsg{Applied: applied, Total: total, Image: img}
	every := snapshotEvery
	if applied > 0 && img.Layer(applied-1).WastedKilled > 0 {
		every = killSnapshotEvery // the copies it killed light up now
	}
	// A snapshot of a huge image takes a while (its waste list copied and
	// sorted): at most a fifth of the loading goroutine's time goes to them.
	every = max(every, 4*f.snapCost)
	if now := f.now(); !f.figuresOff && (now.Sub(f.lastSnap) >= every || applied == total) {
		f.lastSnap = now
		msg.Snapshot = img.Snapshot()
		msg.Hints = report.Build(msg.Snapshot, report.Options{}).Hints
		f.snapCost = f.now().Sub(now)
	}
	f.send(msg)
}

// Load runs analyze on its own goroutine, feeding the program (send is a
// program's Send) as it goes and ending with a LoadedMsg. It returns at
// once; cancel ctx to stop it.
func Load(ctx context.Context, send func(tea.Msg), analyze AnalyzeFunc) {
	go func() {
		feed := newFeed(send)
		img, err := analyze(ctx, feed)
		send(Loaded(img, err))
	}()
}
