package model

import (
	"fmt"
	"sync"
	"testing"
)

// Streamed in layer by layer, the image gives after the last layer exactly
// the figures of the image applied at once; after each layer j, the
// figures so far are those of the image cut after j (its later layers
// unknown).
func TestProgressiveEqualsCut(t *testing.T) {
	for name, ls := range map[string][][]Entry{
		"seed": seedLayers(),
		"returns and hardlinks": layers(
			[]Entry{dir("d", 0o755), blob("d/a", 0o644, 10, 1), hardlink("d/h", "d/a"), blob("x", 0o644, 5, 2)},
			[]Entry{wh("d/a"), blob("x", 0o600, 5, 2)},
			[]Entry{wh("d/h"), blob("x", 0o600, 6, 3)},
			[]Entry{blob("d/a", 0o644, 10, 1), opq("d")},
		),
	} {
		t.Run(name, func(t *testing.T) {
			whole := build(t, ls)
			b := NewBuilder(whole.Config)
			for j, l := range ls {
				if _, err := b.AddLayer(l); err != nil {
					t.Fatal(err)
				}
				if d := DiffFigures(b.Image().Snapshot(), build(t, ls[:j+1])); d != "" {
					t.Errorf("after layer %d, so far is not the cut image:\n%s", j, d)
				}
			}
			img, err := b.Finish()
			if err != nil {
				t.Fatal(err)
			}
			if d := DiffFigures(img, whole); d != "" {
				t.Errorf("streamed and whole differ:\n%s", d)
			}
		})
	}
}

// Readers follow the image while a writer applies its layers: the race
// detector (go test -race, in the test command) watches this.
func TestReadersFollowTheWriter(t *testing.T) {
	ls := [][]Entry{nil}
	for i := range 20000 {
		ls[0] = append(ls[0], blob(string(rune('a'+i%26))+"/f"+string(rune('a'+i/26%26))+string(rune('a'+i/676)), 0o644, int64(i%100), uint64(i)))
	}
	ls = append(ls, []Entry{wh("a")}, []Entry{opq("b"), blob("b/new", 0o644, 3, 9)})
	cfg := Config{DiffIDs: make([]string, len(ls))}
	b := NewBuilder(cfg)
	img := b.Image()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sizes := img.DirSizes()
			for {
				select {
				case <-stop:
					return
				default:
				}
				k := img.Applied() - 1
				if k < 0 {
					continue
				}
				sizes.At(k)
				for _, c := range img.Children(Root, k) {
					img.Marker(c, k)
					sizes.Size(c)
				}
				img.Changes(k)
				img.Snapshot()
				img.Match(k, func([]byte) bool { return false })
			}
		}()
	}
	for _, l := range ls {
		if _, err := b.AddLayer(l); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	if _, err := b.Finish(); err != nil {
		t.Fatal(err)
	}
	if err := img.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
}

// An engine's preview starts the image; the saved config refines its
// history without losing the figures of the layers already in.
func TestRefineKeepsFigures(t *testing.T) {
	ls := seedLayers()
	preview := Config{}
	for range ls {
		preview.DiffIDs = append(preview.DiffIDs, "sha256:x")
		preview.History = append(preview.History, History{CreatedBy: "guessed"})
	}
	b := NewBuilder(preview)
	for _, l := range ls[:3] {
		if _, err := b.AddLayer(l); err != nil {
			t.Fatal(err)
		}
	}
	saved := preview
	saved.History = append([]History{{CreatedBy: "CMD", EmptyLayer: true}}, preview.History...)
	saved.History[1].CreatedBy = "ADD base"
	if err := b.Refine(saved); err != nil {
		t.Fatal(err)
	}
	for _, l := range ls[3:] {
		if _, err := b.AddLayer(l); err != nil {
			t.Fatal(err)
		}
	}
	img, err := b.Finish()
	if err != nil {
		t.Fatal(err)
	}
	if d := DiffFigures(img, build(t, ls)); d != "" {
		t.Errorf("refined image's figures differ:\n%s", d)
	}
	if len(img.Steps) != len(ls)+1 || img.Layers[0].Command != "ADD base" || img.Layers[0].Step != 1 {
		t.Errorf("the refined history is not in: %+v", img.Layers[0])
	}
	bad := saved
	bad.DiffIDs = bad.DiffIDs[1:]
	if err := b.Refine(bad); err == nil {
		t.Error("a config of other layers refines the image")
	}
}

// A walk over more paths than it holds the read lock for gives it up on
// the way, while the next layer is applied; it still lists exactly the
// view of the layer it was asked for.
func TestMatchWhileALayerIsApplied(t *testing.T) {
	var l0, l1 []Entry
	for i := range 20000 {
		l0 = append(l0, blob(fmt.Sprintf("d%02d/f%d", i%40, i), 0o644, 1, uint64(i)))
		l1 = append(l1, blob(fmt.Sprintf("d%02d/g%d", i%40, i), 0o644, 1, uint64(i)))
		if i%3 == 0 {
			l1 = append(l1, wh(fmt.Sprintf("d%02d/f%d", i%40, i)))
		}
	}
	b := NewBuilder(Config{DiffIDs: make([]string, 2)})
	if _, err := b.AddLayer(l0); err != nil {
		t.Fatal(err)
	}
	img := b.Image()
	all := func([]byte) bool { return true }
	want := len(img.Match(0, all))
	if want != 20040 {
		t.Fatalf("layer 0 shows %d paths, want 20,040", want)
	}
	done := make(chan error)
	go func() {
		_, err := b.AddLayer(l1)
		done <- err
	}()
	for walks := 0; ; walks++ {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			if got := len(img.Match(0, all)); got != want {
				t.Fatalf("after layer 1, layer 0 shows %d paths, want %d", got, want)
			}
			return
		default:
		}
		if got := len(img.Match(0, all)); got != want {
			t.Fatalf("walk %d while layer 1 is applied: layer 0 shows %d paths, want %d", walks, got, want)
		}
	}
}
