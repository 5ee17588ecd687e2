package source

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"lx.dev/lx/internal/testarchive"
	"lx.dev/lx/model"
)

// previewSource answers early with a fixed config, then streams an archive.
type previewSource struct {
	*Archive
	preview model.Config
}

func (p previewSource) Preview(context.Context, Observer) (model.Config, error) {
	return p.preview, nil
}

// The events of a load, in order: the preview, the config (the saved one
// refines it), then each layer bound and applied, bottom first, each with
// its figures so far.
func TestAnalyzeEventsInOrder(t *testing.T) {
	path := testarchive.WriteFile(t, "seed.tar", legacyArchive(t, seedImage(t)))
	img0, err := Analyze(context.Background(), &Archive{Path: path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	src := previewSource{Archive: &Archive{Path: path}, preview: model.Config{Ref: "early", DiffIDs: img0.Config.DiffIDs}}
	var calls []string
	var mu sync.Mutex
	img, err := Analyze(context.Background(), src, func(ev Event) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case Previewed:
			calls = append(calls, "preview "+ev.Config.Ref)
		case Configured:
			calls = append(calls, fmt.Sprintf("config %s %d", ev.Config.Ref, len(ev.Config.DiffIDs)))
		case Applied:
			l := ev.Image.Snapshot().Layers[ev.Index]
			calls = append(calls, fmt.Sprintf("applied %d/%d index %d size %d", ev.Applied, ev.Total, ev.Index, l.SizeBytes))
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(calls, "\n")
	want := strings.Join([]string{
		"preview early",
		"config seed:latest 7",
		"applied 1/7 index 0 size 14",
		"applied 2/7 index 1 size 0",
		"applied 3/7 index 2 size 1048576",
		"applied 4/7 index 3 size 1048576",
		"applied 5/7 index 4 size 1048576",
		"applied 6/7 index 5 size 1048576",
		"applied 7/7 index 6 size 0",
	}, "\n")
	if got != want {
		t.Errorf("events\n%s\nwant\n%s", got, want)
	}
	if img.WastedBytes != 3<<20 {
		t.Errorf("wasted %d, want %d", img.WastedBytes, 3<<20)
	}
}
