package model

import "testing"

func TestPullEstimate(t *testing.T) {
	l := Layer{Blob: LayerBlob{Digest: "sha256:b", CompressedSize: 250}, TarBytes: 1000}
	if e, ok := l.PullEstimate(400); !ok || e != 100 {
		t.Errorf("400 bytes at 250/1000: %d %v, want 100", e, ok)
	}
	for name, l := range map[string]Layer{
		"no pull size": {Blob: LayerBlob{CompressedSize: -1}, TarBytes: 1000},
		"no digest":    {Blob: LayerBlob{CompressedSize: 250}, TarBytes: 1000},
		"not read yet": {Blob: LayerBlob{Digest: "sha256:b", CompressedSize: 250}},
	} {
		if e, ok := l.PullEstimate(400); ok {
			t.Errorf("%s: estimate %d, want none", name, e)
		}
	}
}

// Each dead copy costs a pull at the ratio of the layer that made it, not
// the one that killed it.
func TestWastePullEstimates(t *testing.T) {
	ls := seedLayers()
	cfg := Config{}
	for i := range ls {
		cfg.DiffIDs = append(cfg.DiffIDs, "sha256:"+string(rune('a'+i)))
		// Layer i's blob is i+1 tenths of its tar.
		cfg.Layers = append(cfg.Layers, LayerBlob{Digest: "sha256:blob", CompressedSize: int64(i+1) * 100})
	}
	b := NewBuilder(cfg)
	for i, l := range ls {
		b.SetTarBytes(i, 1000)
		if _, err := b.AddLayer(l); err != nil {
			t.Fatal(err)
		}
	}
	img, err := b.Finish()
	if err != nil {
		t.Fatal(err)
	}
	est := img.WastePullEstimates()
	if len(est) != len(img.Waste) {
		t.Fatalf("%d estimates for %d copies", len(est), len(img.Waste))
	}
	for i, w := range img.Waste {
		if want := (w.Bytes*int64(w.MadeBy+1) + 5) / 10; est[i] != want {
			t.Errorf("%s made by %d, killed by %d: %d, want %d", img.Path(w.Node), w.MadeBy, w.KilledBy, est[i], want)
		}
	}
	if build(t, ls).WastePullEstimates() != nil {
		t.Error("estimates without pull sizes")
	}
}
