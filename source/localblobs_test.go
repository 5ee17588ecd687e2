package source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"lx.dev/lx/internal/testarchive"
	"lx.dev/lx/model"
)

// gatedBlobs is a local image of n one-file layers whose blobs say when
// they are opened and hold their bytes until released.
type gatedBlobs struct {
	cfg     model.Config
	blobs   []*localBlob
	opened  []chan struct{} // closed when blob i is opened
	release []chan struct{} // close to let blob i's bytes through
}

func newGatedBlobs(t *testing.T, n int) *gatedBlobs {
	t.Helper()
	g := &gatedBlobs{}
	for i := range n {
		b, err := testarchive.LayerBlob(testarchive.Plain, testarchive.File(fmt.Sprintf("f%d", i), 0o644, strings.Repeat("x", 1000*(i+1))))
		if err != nil {
			t.Fatal(err)
		}
		opened, release := make(chan struct{}), make(chan struct{})
		g.opened, g.release = append(g.opened, opened), append(g.release, release)
		g.cfg.DiffIDs = append(g.cfg.DiffIDs, b.DiffID)
		g.blobs = append(g.blobs, &localBlob{name: fmt.Sprintf("blob%d", i), layers: []int{i}, size: int64(len(b.Data)), open: func() (io.ReadCloser, error) {
			close(opened)
			return io.NopCloser(&gatedReader{r: bytes.NewReader(b.Data), gate: release}), nil
		}})
	}
	return g
}

// gatedReader gives nothing until its gate is closed.
type gatedReader struct {
	r    io.Reader
	gate chan struct{}
}

func (g *gatedReader) Read(p []byte) (int, error) {
	select {
	case <-g.gate:
	case <-time.After(10 * time.Second):
		return 0, errors.New("the gate was never opened")
	}
	return g.r.Read(p)
}

// waitClosed tells whether ch is closed within d.
func waitClosed(ch chan struct{}, d time.Duration) bool {
	select {
	case <-ch:
		return true
	case <-time.After(d):
		return false
	}
}

func withCores(t *testing.T, n int) {
	old := runtime.GOMAXPROCS(n)
	t.Cleanup(func() { runtime.GOMAXPROCS(old) })
}

// The blobs of a local image are read two at a time on two cores: the
// second is opened while the first is still held.
func TestLocalBlobsReadOnEveryCore(t *testing.T) {
	withCores(t, 2)
	g := newGatedBlobs(t, 3)
	sink := newCollectSink(t)
	errc := make(chan error, 1)
	go func() { errc <- readLocalBlobs(context.Background(), sink, g.cfg, g.blobs, nil) }()
	if !waitClosed(g.opened[1], 5*time.Second) {
		t.Fatal("blob 1 was not opened while blob 0 was held: the blobs are read one at a time")
	}
	for _, r := range g.release {
		close(r)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if sink.layers != 3 {
		t.Errorf("the sink got %d layers, want 3", sink.layers)
	}
	img, err := sink.finish()
	if err != nil {
		t.Fatal(err)
	}
	if len(img.Layers) != 3 {
		t.Errorf("the image has %d layers, want 3", len(img.Layers))
	}
}

// heldSink is a sink that says it holds many entries not yet applied
// until it is told it has applied them.
type heldSink struct {
	*collectSink
	mu      sync.Mutex
	held    int64
	applied chan struct{}
}

func (s *heldSink) heldEntries() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.held
}

func (s *heldSink) appliedSignal() <-chan struct{} { return s.applied }

func (s *heldSink) drain() {
	s.mu.Lock()
	s.held = 0
	s.mu.Unlock()
	s.applied <- struct{}{}
}

// While the sink holds more entries than it has applied, a second blob
// waits for the one being read: reading ahead would only pile them up.
func TestLocalBlobsWaitForTheApplying(t *testing.T) {
	withCores(t, 2)
	g := newGatedBlobs(t, 2)
	sink := &heldSink{collectSink: newCollectSink(t), held: maxHeldEntries + 1, applied: make(chan struct{}, 1)}
	errc := make(chan error, 1)
	go func() { errc <- readLocalBlobs(context.Background(), sink, g.cfg, g.blobs, nil) }()
	if !waitClosed(g.opened[0], 5*time.Second) {
		t.Fatal("blob 0 was never opened")
	}
	if waitClosed(g.opened[1], 200*time.Millisecond) {
		t.Fatal("blob 1 was opened while the sink held more than it may and blob 0 was being read")
	}
	sink.drain()
	if !waitClosed(g.opened[1], 5*time.Second) {
		t.Fatal("blob 1 was not opened once the sink had applied what it held")
	}
	close(g.release[0])
	close(g.release[1])
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

// A blob that fails stops the others, and the failure names it.
func TestLocalBlobsFirstFailureNamed(t *testing.T) {
	withCores(t, 2)
	g := newGatedBlobs(t, 3)
	g.cfg.DiffIDs[1] = testarchive.Digest([]byte("not this layer"))
	for _, r := range g.release {
		close(r)
	}
	err := readLocalBlobs(context.Background(), newCollectSink(t), g.cfg, g.blobs, nil)
	if err == nil || !strings.Contains(err.Error(), "blob1: diffID mismatch") {
		t.Fatalf("err = %v, want blob1's diffID mismatch", err)
	}
}
