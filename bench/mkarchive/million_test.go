package main

import (
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"testing"

	"lx.dev/lx/internal/genimage"
	"lx.dev/lx/model"
	"lx.dev/lx/model/report"
	"lx.dev/lx/source"
)

// TestMillionModelIsTheArchives: the model genimage builds in memory for
// -entries N (what the explorer's benchmarks run on) is the one lx reads
// from the archive mkarchive writes for N: the same totals, waste by cause,
// layers with their entries and A/C/D, steps, every dead copy and every
// changed path. Only what stands for the bytes (diffIDs, the image ID)
// differs.
func TestMillionModelIsTheArchives(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and reads a 400 MB archive")
	}
	const n = 300_000 // about the fewest the plan's fixed directories allow
	out := filepath.Join(t.TempDir(), "million.tar")
	ls, err := millionLayers(n, genimage.NewGen(1), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if err := write(out, ls, false, io.Discard); err != nil {
		t.Fatal(err)
	}
	src, err := source.Open(out, source.Options{})
	if err != nil {
		t.Fatal(err)
	}
	read, err := source.Analyze(context.Background(), src, nil)
	if err != nil {
		t.Fatal(err)
	}

	plan, err := genimage.Million(n, genimage.NewGen(1))
	if err != nil {
		t.Fatal(err)
	}
	built, err := plan.Image(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := built.CheckInvariants(); err != nil {
		t.Fatal(err)
	}

	if got, want := figures(t, built), figures(t, read); got != want {
		at := 0
		for at < min(len(got), len(want)) && got[at] == want[at] {
			at++
		}
		from := max(0, at-300)
		t.Errorf("the model built in memory differs from the archive's at byte %d of the report:\nbuilt: …%s…\nread:  …%s…",
			at, got[from:min(len(got), at+300)], want[from:min(len(want), at+300)])
	}
	if read.WastedBytes == 0 || len(read.Waste) == 0 {
		t.Errorf("the archive wastes nothing: the comparison proves little")
	}
	for _, c := range model.Causes {
		if read.WasteBy[c] == 0 {
			t.Errorf("no waste %s: the plan should make every cause", c)
		}
	}
}

// figures is an image's report with changes, as JSON, without what
// stands for the bytes.
func figures(t *testing.T, img *model.Image) string {
	t.Helper()
	r := report.Build(img, report.Options{Changes: true})
	r.Image.Ref, r.Image.ID = "", ""
	for i := range r.Layers {
		r.Layers[i].DiffID, r.Layers[i].Digest, r.Layers[i].CompressedBytes = "", "", nil
	}
	r.Image.CompressedBytes = nil
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
