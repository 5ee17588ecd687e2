package source

import (
	"context"
	"sync"
	"sync/atomic"
)

// runJobs runs do on each job, at most workers at a time, handing them out
// in order. The first failure cancels the context the others run with and
// is returned. Before each job is handed out, hold (when set) may keep it
// back: it is told how many jobs are under way and given a channel that
// signals each one done, and returns false when the context ended.
func runJobs[J any](ctx context.Context, workers int, jobs []J, do func(context.Context, J) error, hold func(ctx context.Context, busy func() int32, done <-chan struct{}) bool) error {
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		first    error
		failOnce sync.Once
		wg       sync.WaitGroup
		busy     atomic.Int32
	)
	fail := func(err error) {
		failOnce.Do(func() { first = err; cancel() })
	}
	next := make(chan J)
	done := make(chan struct{}, 1) // a signal after each job done
	for range min(workers, len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range next {
				if runCtx.Err() == nil {
					if err := do(runCtx, j); err != nil {
						fail(err)
					}
				}
				busy.Add(-1)
				select {
				case done <- struct{}{}:
				default: // a signal is waiting already
				}
			}
		}()
	}
feed:
	for _, j := range jobs {
		if hold != nil && !hold(runCtx, busy.Load, done) {
			break
		}
		busy.Add(1)
		select {
		case next <- j:
		case <-runCtx.Done():
			busy.Add(-1)
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	return first
}
