package model

import "testing"

func TestOutlineMatchesTheBuilder(t *testing.T) {
	cfg := Config{
		DiffIDs: []string{"sha256:a", "sha256:b", "sha256:c"},
		Layers:  []LayerBlob{{Digest: "sha256:1", CompressedSize: 9}},
		History: []History{{CreatedBy: "ADD x"}, {CreatedBy: "CMD sh", EmptyLayer: true}, {CreatedBy: "RUN y"}},
	}
	layers, steps, warnings := Outline(cfg)
	if len(layers) != 3 || len(steps) != 3 {
		t.Fatalf("%d layers, %d steps; want 3 and 3", len(layers), len(steps))
	}
	if layers[1].Command != "RUN y" || layers[1].Step != 2 || steps[2].Layer != 1 || layers[0].Blob.CompressedSize != 9 {
		t.Errorf("layers = %+v, steps = %+v", layers, steps)
	}
	if layers[2].Step != -1 || len(warnings) != 1 {
		t.Errorf("layer 2 has no history: step %d, warnings %q", layers[2].Step, warnings)
	}
}
