package model

import "math"

// PullKnown tells whether the layer's pull size is known: its blob's
// digest and compressed size from a source that ships it (a registry, an
// archive of compressed blobs).
func (l Layer) PullKnown() bool { return l.Blob.CompressedSize >= 0 && l.Blob.Digest != "" }

// PullEstimate is what n bytes of this layer's files cost a pull, as an
// estimate: n at the layer's compression ratio, its blob's size over its
// uncompressed tar's. False when either size is unknown (the layer not
// read yet, or a source that does not know its pull size).
func (l Layer) PullEstimate(n int64) (int64, bool) {
	if !l.PullKnown() || l.TarBytes <= 0 {
		return 0, false
	}
	return int64(math.Round(float64(n) * float64(l.Blob.CompressedSize) / float64(l.TarBytes))), true
}

// WastePullEstimates is what each dead copy of Waste costs a pull, as
// PullEstimate says it for the layer that made it; nil when any is
// unknown.
func (img *Image) WastePullEstimates() []int64 {
	out := make([]int64, len(img.Waste))
	for i, w := range img.Waste {
		if w.MadeBy < 0 || w.MadeBy >= len(img.Layers) {
			return nil
		}
		e, ok := img.Layers[w.MadeBy].PullEstimate(w.Bytes)
		if !ok {
			return nil
		}
		out[i] = e
	}
	return out
}
