package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"lx.dev/lx/internal/fixture"
	"lx.dev/lx/model"

	"lx.dev/lx/internal/fixture/seed"
)

const mib = 1 << 20

// seedImage is the seed article's image: a base layer, then mkdir, dd,
// chmod, dd, chmod, rm, with the two metadata-only CMD steps in history.
func seedImage(t *testing.T) *model.Image {
	t.Helper()
	cfg, layers := seedParts()
	return buildImage(t, cfg, layers)
}

// seedParts is the seed image's config and layers.
func seedParts() (model.Config, [][]model.Entry) {
	d := func(mode uint32) model.Entry { return model.Entry{Path: "data", Kind: model.KindDir, Mode: mode} }
	f := func(p string, mode uint32) model.Entry {
		return model.Entry{Path: p, Kind: model.KindRegular, Mode: mode, Size: mib, Digest: 42}
	}
	layers := [][]model.Entry{
		{{Path: "bin", Kind: model.KindDir, Mode: 0o755}, {Path: "bin/busybox", Kind: model.KindRegular, Mode: 0o755, Size: 1000, Digest: 7}},
		{d(0o755)},
		{d(0o755), f("data/one", 0o644)},
		{d(0o777), f("data/one", 0o777)},
		{d(0o777), f("data/two", 0o644)},
		{d(0o777), f("data/two", 0o777)},
		{d(0o777), {Path: "data/one", Kind: model.KindWhiteout}},
	}
	when := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	cfg := model.Config{Ref: "seed:latest", ID: "sha256:abc", OS: "linux", Architecture: "amd64", Created: when}
	cmds := []string{"#(nop) ADD file:busybox in /", "#(nop) CMD [\"sh\"]", "mkdir /data", "dd if=/dev/zero bs=1024 count=1024 of=/data/one",
		"chmod -R 0777 /data", "dd if=/dev/zero bs=1024 count=1024 of=/data/two", "chmod -R 0777 /data", "rm /data/one", "#(nop) CMD ls -alh /data"}
	for i, c := range cmds {
		cfg.History = append(cfg.History, model.History{Created: when, CreatedBy: "/bin/sh -c " + c, EmptyLayer: i == 1 || i == 8})
	}
	for i := range layers {
		cfg.DiffIDs = append(cfg.DiffIDs, "sha256:"+strings.Repeat(string(rune('a'+i)), 64))
	}
	return cfg, layers
}

// buildImage applies layers to an image of config cfg through the model.
func buildImage(t *testing.T, cfg model.Config, layers [][]model.Entry) *model.Image {
	t.Helper()
	return buildTars(t, cfg, layers, 0)
}

// buildTars is buildImage with every layer's tar tarBytes long (0: not
// known).
func buildTars(t *testing.T, cfg model.Config, layers [][]model.Entry, tarBytes int64) *model.Image {
	t.Helper()
	var tars func(int) int64
	if tarBytes > 0 {
		tars = func(int) int64 { return tarBytes }
	}
	img, err := fixture.Build(cfg, layers, tars)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func TestJSONContract(t *testing.T) {
	var buf bytes.Buffer
	if err := JSON.Encode(&buf, Build(seedImage(t), Options{Changes: true})); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		SchemaVersion int `json:"schemaVersion"`
		Image         struct {
			Ref          string           `json:"ref"`
			ID           string           `json:"id"`
			TotalBytes   int64            `json:"totalBytes"`
			WastedBytes  int64            `json:"wastedBytes"`
			Efficiency   float64          `json:"efficiency"`
			WasteByCause map[string]int64 `json:"wasteByCause"`
		} `json:"image"`
		Layers []struct {
			Index                              int
			DiffID                             string
			Command, Created                   string
			SizeBytes                          int64
			Added, Changed, Deleted            int
			WastedBytesMade, WastedBytesKilled int64
			Changes                            []ChangeReport
		} `json:"layers"`
		Steps []struct {
			Index      int
			CreatedBy  string
			EmptyLayer bool
			Layer      *int
		} `json:"steps"`
		Waste []WasteReport `json:"waste"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.SchemaVersion != 1 || doc.Image.Ref != "seed:latest" || doc.Image.ID != "sha256:abc" {
		t.Errorf("header %+v", doc)
	}
	if doc.Image.WastedBytes != seed.Wasted || doc.Image.TotalBytes != 1000+4*mib {
		t.Errorf("wasted %d total %d", doc.Image.WastedBytes, doc.Image.TotalBytes)
	}
	if want := map[string]int64{"removed": seed.Removed, "recopied": seed.Recopied, "overwritten": seed.Overwritten}; len(doc.Image.WasteByCause) != 3 ||
		doc.Image.WasteByCause["removed"] != want["removed"] || doc.Image.WasteByCause["recopied"] != want["recopied"] {
		t.Errorf("wasteByCause %v, want %v with all three keys", doc.Image.WasteByCause, want)
	}
	if len(doc.Layers) != 7 || doc.Layers[3].Command != "/bin/sh -c chmod -R 0777 /data" || doc.Layers[3].Created != "2024-05-06T07:08:09Z" {
		t.Fatalf("layers %+v", doc.Layers)
	}
	if l := doc.Layers[6]; l.Deleted != 1 || l.Changed != 0 || l.WastedBytesKilled != mib {
		t.Errorf("rm layer %+v", l)
	}
	if l := doc.Layers[2]; l.Added != 1 || l.WastedBytesMade != mib || len(l.Changes) != 2 || l.Changes[0] != (ChangeReport{Path: "/data", Marker: "C", Type: "dir", MetadataOnly: true}) || l.Changes[1] != (ChangeReport{Path: "/data/one", Marker: "A", Type: "file", Size: mib}) {
		t.Errorf("dd layer %+v", l)
	}
	if len(doc.Steps) != 9 || doc.Steps[1].Layer != nil || !doc.Steps[1].EmptyLayer || doc.Steps[8].Layer != nil || *doc.Steps[7].Layer != 6 {
		t.Errorf("steps %+v", doc.Steps)
	}
	want := []WasteReport{
		{Path: "/data/one", Bytes: mib, Cause: "recopied", MadeBy: 2, KilledBy: 3, Changed: "mode 0644→0777"},
		{Path: "/data/one", Bytes: mib, Cause: "removed", MadeBy: 3, KilledBy: 6},
		{Path: "/data/two", Bytes: mib, Cause: "recopied", MadeBy: 4, KilledBy: 5, Changed: "mode 0644→0777"},
	}
	if len(doc.Waste) != len(want) {
		t.Fatalf("waste %+v", doc.Waste)
	}
	for _, w := range want {
		found := false
		for _, g := range doc.Waste {
			found = found || (g.Path == w.Path && g.Bytes == w.Bytes && g.Cause == w.Cause && g.MadeBy == w.MadeBy && g.KilledBy == w.KilledBy && g.Changed == w.Changed)
		}
		if !found {
			t.Errorf("waste lacks %+v: %+v", w, doc.Waste)
		}
	}
}

// Without --changes the layers carry no change lists.
func TestJSONChangesOnlyOnRequest(t *testing.T) {
	var buf bytes.Buffer
	JSON.Encode(&buf, Build(seedImage(t), Options{}))
	if strings.Contains(buf.String(), `"changes"`) {
		t.Error("changes listed without the option")
	}
}

func TestMarkdownSummary(t *testing.T) {
	var buf bytes.Buffer
	if err := Markdown.Encode(&buf, Build(seedImage(t), Options{})); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	for _, want := range []string{
		"# lx report: `seed:latest`",
		"wasted 3.0 MiB (3,145,728 bytes) of 4.0 MiB (4,195,304 bytes) shipped · 7 layers",
		"| recopied | 2.0 MiB (2,097,152 bytes) |",
		"| removed | 1.0 MiB (1,048,576 bytes) |",
		"| overwritten | 0 B |",
		"| 6 | 0 B | 0 | 0 | 1 | 0 B | 1.0 MiB (1,048,576 bytes) | `RUN rm /data/one` |",
		"| `/data/one` | 1.0 MiB (1,048,576 bytes) | removed | 3: `RUN chmod -R 0777 /data` | 6: `RUN rm /data/one` |",
		"1. **2.0 MiB** (2,097,152 bytes) `RUN rm /data/one` deletes `/data/one`",
		"mode 0644→0777",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

// The whole Markdown report of the seed image, as a pull request shows it.
// go test ./model/report -update rewrites testdata/*.golden.
func TestMarkdownGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := Markdown.Encode(&buf, Build(seedImage(t), Options{})); err != nil {
		t.Fatal(err)
	}
	golden.RequireEqual(t, buf.Bytes())
}

// The base and the layers' sharers reach every report: JSON image.base
// (null without one), layers[].sharedWith (null when unknown) and inBase;
// the Markdown and HTML summaries name the base.
func TestBaseAndSharedLayers(t *testing.T) {
	plain := Build(seedImage(t), Options{})
	if plain.Image.Base != nil || plain.Layers[0].SharedWith != nil || plain.Layers[0].InBase {
		t.Fatalf("no relations known, yet base %+v, sharedWith %v, inBase %v", plain.Image.Base, plain.Layers[0].SharedWith, plain.Layers[0].InBase)
	}
	var js bytes.Buffer
	if err := EncodeJSON(&js, plain); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(js.String(), `"base": null`) || !strings.Contains(js.String(), `"sharedWith": null`) {
		t.Errorf("unknown relations are not null in the JSON:\n%s", js.String()[:600])
	}

	img := seedImage(t)
	img.Config.Relations = model.Relations{
		Base:     &model.BaseImage{Ref: "busybox:latest", ID: "sha256:bb", Layers: 1},
		SharedBy: [][]string{{"busybox:latest", "app:1"}, {"app:1"}, {}, {}, {}, {}, {}},
	}
	r := Build(img, Options{})
	if b := r.Image.Base; b == nil || b.Ref != "busybox:latest" || b.Layers != 1 || b.SizeBytes != 1000 {
		t.Fatalf("base %+v, want busybox:latest, 1 layer of 1000 bytes", b)
	}
	if *r.Layers[0].SharedWith != 2 || *r.Layers[1].SharedWith != 1 || *r.Layers[2].SharedWith != 0 || !r.Layers[0].InBase || r.Layers[1].InBase {
		t.Errorf("layers 0-2: sharedWith %d %d %d, inBase %v %v", *r.Layers[0].SharedWith, *r.Layers[1].SharedWith, *r.Layers[2].SharedWith, r.Layers[0].InBase, r.Layers[1].InBase)
	}
	const built = "built on busybox:latest (1 layer, 1000 B)"
	var md, html bytes.Buffer
	if err := EncodeMarkdown(&md, r); err != nil {
		t.Fatal(err)
	}
	if err := EncodeHTML(&html, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), built) || !strings.Contains(html.String(), built) {
		t.Errorf("a summary does not say %q:\nMarkdown: %s\nHTML has it: %v", built, md.String()[:300], strings.Contains(html.String(), built))
	}
}
