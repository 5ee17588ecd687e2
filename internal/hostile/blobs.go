package hostile

import (
	"lx.dev/lx/internal/testarchive"
)

// blobs are archives whose layers are fine but whose blobs are not what
// the manifest and config say, or are one blob twice.
func blobs() []Case {
	file := testarchive.File
	two := layers(
		entries(testarchive.Dir("d/", 0o755), file("d/a", 0o644, "a")),
		entries(testarchive.Dir("d/", 0o755), testarchive.Zeros("d/big", 0o644, 64<<10)),
	)
	return []Case{
		{Name: "same-layer-twice", Layers: layers(two[0], two[0])},
		{Name: "missing-blob", Layers: two, Refused: "which is not in the archive", Blobs: func() ([]testarchive.Blob, error) {
			bs, err := layerBlobs(testarchive.Plain, two)
			if err == nil {
				bs[1].Missing = true
			}
			return bs, err
		}},
		{Name: "blob-cut-mid-entry", Layers: two, Refused: "truncated", Blobs: func() ([]testarchive.Blob, error) {
			bs, err := layerBlobs(testarchive.Plain, two)
			if err == nil {
				// Half way through d/big's 64 KB: the tar's own end
				// blocks and most of the file are gone.
				bs[1].Data = bs[1].Data[:len(bs[1].Data)/2]
			}
			return bs, err
		}},
		{Name: "diffid-mismatch", Layers: two, Refused: "diffID mismatch", Blobs: func() ([]testarchive.Blob, error) {
			bs, err := layerBlobs(testarchive.Plain, two)
			if err == nil {
				bs[1].DiffID = bs[0].DiffID
			}
			return bs, err
		}},
	}
}
