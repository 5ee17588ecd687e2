package model

import (
	"slices"
	"testing"
)

func TestRelate(t *testing.T) {
	img := []string{"a", "b", "c", "d"}
	store := []StoreImage{
		{ID: "self", Names: []string{"app:1"}, DiffIDs: img},                          // the image itself
		{ID: "bb", Names: []string{"busybox:latest", "bb:1"}, DiffIDs: []string{"a"}}, // a base of 1 layer
		{ID: "mid-untagged", DiffIDs: []string{"a", "b"}},                             // 2 layers, untagged
		{ID: "mid", Names: []string{"middle:latest"}, DiffIDs: []string{"a", "b"}},
		{ID: "mid2", Names: []string{"mid:2"}, DiffIDs: []string{"a", "b"}}, // same, shorter name
		{ID: "twin", Names: []string{"app:twin"}, DiffIDs: img},             // same layers: not a base
		{ID: "longer", Names: []string{"app:next"}, DiffIDs: []string{"a", "b", "c", "d", "e"}},
		{ID: "other", Names: []string{"other:1"}, DiffIDs: []string{"x", "b"}}, // b on another chain
	}
	r := Relate("self", img, store)
	if r.Base == nil || r.Base.Ref != "mid:2" || r.Base.ID != "mid2" || r.Base.Layers != 2 {
		t.Fatalf("base %+v, want mid:2 of 2 layers (tagged before untagged, shortest name)", r.Base)
	}
	want := [][]string{
		{"app:next", "app:twin", "bb:1", "mid-untagged", "mid:2", "middle:latest"},
		{"app:next", "app:twin", "mid-untagged", "mid:2", "middle:latest"},
		{"app:next", "app:twin"},
		{"app:next", "app:twin"},
	}
	for k := range want {
		if !slices.Equal(r.SharedBy[k], want[k]) {
			t.Errorf("layer %d shared by %q, want %q", k, r.SharedBy[k], want[k])
		}
	}
	if !r.InBase(1) || r.InBase(2) || r.Sharers(2) != 2 {
		t.Errorf("InBase(1) %v, InBase(2) %v, Sharers(2) %d", r.InBase(1), r.InBase(2), r.Sharers(2))
	}
	if r := Relate("self", img, nil); r.Base != nil || r.Sharers(0) != 0 {
		t.Errorf("an empty store: base %+v, sharers %d", r.Base, r.Sharers(0))
	}
	if (Relations{}).Sharers(0) != -1 {
		t.Error("unknown relations say a count")
	}
}
