package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"lx.dev/lx/model"
)

// pulledSeed is the seed image as a registry ships it: layer k's blob is
// (k+1) tenths of its uncompressed tar, which is 2 MiB.
func pulledSeed(t *testing.T) *model.Image {
	cfg, layers := seedParts()
	for k := range cfg.DiffIDs {
		cfg.Layers = append(cfg.Layers, model.LayerBlob{Digest: "sha256:" + strings.Repeat("f", 64), CompressedSize: int64(k+1) * 2 * mib / 10})
	}
	return buildTars(t, cfg, layers, 2*mib)
}

// The waste entries, the hints and the image say what the wasted copies
// cost a pull, at the ratio of the layer that made each; null without
// pull sizes.
func TestPullCostEstimates(t *testing.T) {
	r := Build(pulledSeed(t), Options{})
	// The MiB copies made by layers 2, 3 and 4 cost 0.3, 0.4 and 0.5 MiB.
	want := map[int]int64{2: 314573, 3: 419430, 4: 524288}
	var sum int64
	for _, w := range r.Waste {
		if w.PullCostEstimate == nil || *w.PullCostEstimate != want[w.MadeBy] {
			t.Errorf("%s made by %d: estimate %v, want about %d", w.Path, w.MadeBy, w.PullCostEstimate, want[w.MadeBy])
			continue
		}
		sum += *w.PullCostEstimate
	}
	if e := r.Image.WastedPullCostEstimate; e == nil || *e != sum {
		t.Errorf("image estimate %v, want the copies' sum %d", e, sum)
	}
	var hints int64
	for _, h := range r.Hints {
		if h.PullCostEstimate == nil {
			t.Fatalf("hint %q has no estimate", h.Text)
		}
		hints += *h.PullCostEstimate
	}
	if hints != sum {
		t.Errorf("the hints' estimates add up to %d, the copies' to %d", hints, sum)
	}
	var md bytes.Buffer
	if err := EncodeMarkdown(&md, r); err != nil {
		t.Fatal(err)
	}
	if s := md.String(); !strings.Contains(s, "wasted ≈ "+Bytes(sum)+" of it (estimated)") || !strings.Contains(s, "per pull, estimated") {
		t.Errorf("the Markdown does not give the estimates:\n%s", s)
	}

	// Without pull sizes: null, and not a word in the Markdown.
	var doc map[string]any
	raw, _ := json.Marshal(Build(seedImage(t), Options{}))
	json.Unmarshal(raw, &doc)
	if v, ok := doc["image"].(map[string]any)["wastedPullCostEstimate"]; !ok || v != nil {
		t.Errorf("image.wastedPullCostEstimate %v (present %v), want null", v, ok)
	}
	for _, w := range doc["waste"].([]any) {
		if v, ok := w.(map[string]any)["pullCostEstimate"]; !ok || v != nil {
			t.Errorf("waste pullCostEstimate %v (present %v), want null", v, ok)
		}
	}
	md.Reset()
	EncodeMarkdown(&md, Build(seedImage(t), Options{}))
	if strings.Contains(md.String(), "estimated") {
		t.Errorf("estimates without pull sizes:\n%s", md.String())
	}
}
