package source

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"lx.dev/lx/internal/testarchive"
	"lx.dev/lx/model"
)

// previewSource answers early with a fixed config, then streams an archive.
type previewSource struct {
	*Archive
	preview model.Config
}

func (p previewSource) Preview(context.Context) (model.Config, error) { return p.preview, nil }

func TestAnalyzeHooksInOrder(t *testing.T) {
	path := testarchive.WriteFile(t, "seed.tar", legacyArchive(t, seedImage(t)))
	src := previewSource{Archive: &Archive{Path: path}, preview: model.Config{Ref: "early", DiffIDs: []string{"a", "b"}}}
	var calls []string
	img, err := Analyze(context.Background(), src, Hooks{
		Preview: func(cfg model.Config) { calls = append(calls, "preview "+cfg.Ref) },
		Config:  func(cfg model.Config) { calls = append(calls, fmt.Sprintf("config %d", len(cfg.DiffIDs))) },
		Layer: func(l model.Layer, done, total int) {
			calls = append(calls, fmt.Sprintf("layer %d/%d index %d size %d", done, total, l.Index, l.SizeBytes))
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(calls, "\n")
	want := strings.Join([]string{
		"preview early",
		"config 7",
		"layer 1/7 index 0 size 14",
		"layer 2/7 index 1 size 0",
		"layer 3/7 index 2 size 1048576",
		"layer 4/7 index 3 size 1048576",
		"layer 5/7 index 4 size 1048576",
		"layer 6/7 index 5 size 1048576",
		"layer 7/7 index 6 size 0",
	}, "\n")
	if got != want {
		t.Errorf("hooks called as\n%s\nwant\n%s", got, want)
	}
	if img.WastedBytes != 3<<20 {
		t.Errorf("wasted %d, want %d", img.WastedBytes, 3<<20)
	}
}
