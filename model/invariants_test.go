package model

import (
	"strings"
	"testing"
)

// Each invariant catches the break it is about: a sound image passes, and
// one figure changed by hand fails with a message that says which.
func TestCheckInvariantsCatchesBreaks(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spoil func(img *Image)
		want  string
	}{
		{"by cause", func(img *Image) { img.WasteBy[Removed]++ }, "by cause"},
		{"wasted over total", func(img *Image) { img.TotalBytes = 1 }, "of 1 bytes"},
		{"made after killed", func(img *Image) { img.Waste[0].MadeBy, img.Waste[0].KilledBy = 5, 3 }, "made by layer 5, killed by layer 3"},
		{"layer sums", func(img *Image) { img.Layers[3].WastedKilled = 0 }, "layers made"},
		{"record dropped", func(img *Image) { img.Waste = img.Waste[1:] }, "not in the waste list"},
		{"live copy listed", func(img *Image) {
			n, _ := img.Lookup("data/two")
			img.Waste[2] = Waste{Node: n, Path: "data/two", Bytes: mib, Cause: Removed, MadeBy: 5, KilledBy: 6}
		}, "listed as waste but live"},
		{"child of a file", func(img *Image) {
			n, _ := img.Lookup("data")
			img.t.events.at(img.t.node(n).lastEv).kind = KindRegular
		}, "below something that is not a visible directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img := build(t, seedLayers())
			tc.spoil(img)
			err := img.CheckInvariants()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one saying %q", err, tc.want)
			}
		})
	}
}
