package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"lx.dev/lx/model/report"
	"lx.dev/lx/source"
	"lx.dev/lx/ui"
)

// observers sends every event to each observer in turn.
func observers(obs ...source.Observer) source.Observer {
	return func(ev source.Event) {
		for _, o := range obs {
			if o != nil {
				o(ev)
			}
		}
	}
}

// feeder gives the explorer's feed what a load observes.
func feeder(feed *ui.Feed) source.Observer {
	return func(ev source.Event) {
		switch ev := ev.(type) {
		case source.Pulling:
			if p := ev.Progress; p.Status != "" {
				feed.Status(fmt.Sprintf("pulling %s: %s %s", p.Ref, p.ID, p.Status))
			}
		case source.Previewed:
			feed.Config(ev.Config)
		case source.Configured:
			feed.Config(ev.Config)
		case source.BytesRead:
			feed.Bytes(ev.Read, ev.Total, ev.Approximate)
		case source.Deferred:
			feed.Deferred(ev.Why)
		case source.Bound:
			feed.Bound(ev.Index)
		case source.Applied:
			feed.Applied(ev.Applied, ev.Total, ev.Image)
		}
	}
}

// pullPrinter writes a pull's progress to w (stderr), one line per layer
// and status change; the byte counts of a download are not repeated.
func pullPrinter(w io.Writer) source.Observer {
	var mu sync.Mutex
	last := map[string]string{}
	started := false
	return func(ev source.Event) {
		pe, ok := ev.(source.Pulling)
		if !ok {
			return
		}
		p := pe.Progress
		mu.Lock()
		defer mu.Unlock()
		if !started {
			started = true
			fmt.Fprintf(w, "lx: pulling %s\n", p.Ref)
		}
		if p.Status == "" || last[p.ID] == p.Status {
			return
		}
		last[p.ID] = p.Status
		switch {
		case p.ID == "":
			fmt.Fprintf(w, "lx:   %s\n", p.Status)
		case p.Total > 0:
			fmt.Fprintf(w, "lx:   %s: %s (%d bytes)\n", p.ID, p.Status, p.Total)
		default:
			fmt.Fprintf(w, "lx:   %s: %s\n", p.ID, p.Status)
		}
	}
}

// tracer logs, with LX_TRACE=1, when the layer list (the preview), the
// config and every layer were known, bound and applied, from the start of
// the process; why a source binds its layers only once the manifest is
// read; and, when the load ends, when the stream's first and last bytes
// came. Without LX_TRACE it is nil, and so are its observer and done.
type tracer struct {
	w                     io.Writer
	mu                    sync.Mutex
	firstBytes, lastBytes time.Duration
	read                  int64
}

func newTracer(w io.Writer) *tracer {
	if os.Getenv("LX_TRACE") != "1" {
		return nil
	}
	return &tracer{w: w, firstBytes: -1}
}

func since() time.Duration { return time.Since(processStart).Round(time.Millisecond) }

// observe is the tracer's observer.
func (t *tracer) observe() source.Observer {
	if t == nil {
		return nil
	}
	return func(ev source.Event) {
		t.mu.Lock()
		defer t.mu.Unlock()
		switch ev := ev.(type) {
		case source.Previewed:
			fmt.Fprintf(t.w, "lx: trace: preview after %s (%d layers, %d steps)\n", since(), len(ev.Config.DiffIDs), len(ev.Config.History))
		case source.Configured:
			fmt.Fprintf(t.w, "lx: trace: config after %s\n", since())
		case source.Deferred:
			fmt.Fprintf(t.w, "lx: trace: layers bound once the manifest is read: %s\n", ev.Why)
		case source.BytesRead:
			if t.firstBytes < 0 {
				t.firstBytes = since()
			}
			t.lastBytes, t.read = since(), ev.Read
		case source.Bound:
			fmt.Fprintf(t.w, "lx: trace: layer %d bound after %s\n", ev.Index, since())
		case source.Applied:
			fmt.Fprintf(t.w, "lx: trace: layer %d applied after %s\n", ev.Index, since())
			if ev.Applied == ev.Total {
				fmt.Fprintf(t.w, "lx: trace: %d layers applied after %s\n", ev.Total, since())
			}
		}
	}
}

// done logs the stream's span once the load has ended.
func (t *tracer) done() {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.firstBytes >= 0 {
		fmt.Fprintf(t.w, "lx: trace: stream of %d bytes from %s to %s\n", t.read, t.firstBytes, t.lastBytes)
	}
	fmt.Fprintf(t.w, "lx: trace: done after %s\n", since())
}

// progressPrinter writes the load's progress to w (lx report --progress):
// the bytes read at most once a second, and each layer as it is applied.
func progressPrinter(w io.Writer) source.Observer {
	var mu sync.Mutex
	var last time.Time
	return func(ev source.Event) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case source.BytesRead:
			if time.Since(last) < time.Second && ev.Read != ev.Total {
				return
			}
			last = time.Now()
			total := ""
			switch {
			case ev.Total > 0 && ev.Read <= ev.Total && ev.Approximate:
				total = " of about " + report.Bytes(ev.Total)
			case ev.Total > 0 && ev.Read <= ev.Total:
				total = " of " + report.Bytes(ev.Total)
			}
			fmt.Fprintf(w, "lx: read %s%s\n", report.Bytes(ev.Read), total)
		case source.Applied:
			fmt.Fprintf(w, "lx: layer %d of %d in\n", ev.Applied, ev.Total)
		}
	}
}

// processStart is as close to the start of the process as Go lets us get.
var processStart = time.Now()
