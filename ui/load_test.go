package ui

import (
	"fmt"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"lx.dev/lx/internal/fixture"
	"lx.dev/lx/model"
)

// The feed takes the figures so far a few times a second, and at once
// (within 50 ms) after a layer that killed copies, so their highlights
// land with the layer; the last layer always brings them.
func TestFeedSnapshotsWhenCopiesDie(t *testing.T) {
	var got []AppliedMsg
	clock := time.Unix(0, 0)
	feed := &Feed{
		send: func(m tea.Msg) {
			if a, ok := m.(AppliedMsg); ok {
				got = append(got, a)
			}
		},
		now: func() time.Time { return clock }, start: clock,
	}
	cfg, layers := fixture.SeedLayers()
	b := model.NewBuilder(cfg)
	for k, l := range layers {
		if _, err := b.AddLayer(l); err != nil {
			t.Fatal(err)
		}
		feed.Applied(k+1, len(layers), b.Image())
		clock = clock.Add(60 * time.Millisecond)
	}
	// Layers 3, 5 and 6 kill copies (two chmods, an rm); 60 ms apart, the
	// others come too soon after a snapshot for another.
	want := []bool{true, false, false, true, false, true, true}
	for k, m := range got {
		if (m.Snapshot != nil) != want[k] {
			t.Errorf("layer %d: snapshot %v, want %v", k, m.Snapshot != nil, want[k])
		}
		if m.Snapshot != nil && m.Snapshot.Applied() != k+1 {
			t.Errorf("layer %d: the snapshot holds %d layers", k, m.Snapshot.Applied())
		}
	}
	if last := got[len(got)-1].Snapshot; last == nil || last.WastedBytes != 3<<20 {
		t.Fatalf("the last snapshot does not hold the final waste")
	}
}

// A snapshot that takes long spaces the next ones out: at most a fifth of
// the loading goroutine's time goes to them, a killing layer or not.
func TestFeedSpacesOutCostlySnapshots(t *testing.T) {
	var got []AppliedMsg
	clock := time.Unix(0, 0)
	feed := &Feed{
		send: func(m tea.Msg) {
			if a, ok := m.(AppliedMsg); ok {
				got = append(got, a)
			}
		},
		// Every reading of the clock is 100 ms later: a snapshot "takes"
		// 100 ms, so the next is due 400 ms after it.
		now:   func() time.Time { clock = clock.Add(100 * time.Millisecond); return clock },
		start: clock,
	}
	cfg, layers := fixture.SeedLayers()
	b := model.NewBuilder(cfg)
	for k, l := range layers {
		if _, err := b.AddLayer(l); err != nil {
			t.Fatal(err)
		}
		feed.Applied(k+1, len(layers), b.Image())
	}
	var snaps []int
	for k, m := range got {
		if m.Snapshot != nil {
			snaps = append(snaps, k)
		}
	}
	// Each Applied reads the clock once (200 ms apart when a snapshot is
	// taken); the killing layers 3 and 5 wait for the 400 ms too.
	if fmt.Sprint(snaps) != "[0 3 6]" {
		t.Errorf("snapshots at layers %v, want [0 3 6]", snaps)
	}
}
