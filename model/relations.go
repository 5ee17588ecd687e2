package model

import (
	"slices"
	"strings"
)

// StoreImage is one image of a store (an engine's image list): its names
// and its layers' diffIDs, bottom first.
type StoreImage struct {
	ID      string
	Names   []string // its tags; empty for an untagged image
	DiffIDs []string
}

// name is how a store image is called: its shortest tag, or its ID.
func (s StoreImage) name() string {
	if len(s.Names) == 0 {
		return s.ID
	}
	return slices.MinFunc(s.Names, func(a, b string) int {
		if len(a) != len(b) {
			return len(a) - len(b)
		}
		return strings.Compare(a, b)
	})
}

// Relate works out an image's relations from the store's images: the base
// is the image whose whole layer list is the longest proper prefix of
// diffIDs (a tagged image before an untagged one, then the shortest
// name); layer k is shared by every other image whose first k+1 layers
// are this image's (the same chain: one copy on disk). The image itself
// (by id) is left out.
func Relate(id string, diffIDs []string, store []StoreImage) Relations {
	r := Relations{SharedBy: make([][]string, len(diffIDs))}
	var base *StoreImage
	for i := range store {
		s := &store[i]
		if s.ID == id || len(s.DiffIDs) == 0 {
			continue
		}
		common := 0
		for common < len(s.DiffIDs) && common < len(diffIDs) && s.DiffIDs[common] == diffIDs[common] {
			common++
		}
		for k := range common {
			r.SharedBy[k] = append(r.SharedBy[k], s.name())
		}
		if common == len(s.DiffIDs) && common < len(diffIDs) && betterBase(s, base) {
			base = s
		}
	}
	for k := range r.SharedBy {
		slices.Sort(r.SharedBy[k])
		r.SharedBy[k] = slices.Compact(r.SharedBy[k])
	}
	if base != nil {
		r.Base = &BaseImage{Ref: base.name(), ID: base.ID, Layers: len(base.DiffIDs)}
	}
	return r
}

// betterBase tells whether s makes a better base than the best so far:
// more layers, then tagged, then the shorter name.
func betterBase(s, best *StoreImage) bool {
	switch {
	case best == nil:
		return true
	case len(s.DiffIDs) != len(best.DiffIDs):
		return len(s.DiffIDs) > len(best.DiffIDs)
	case (len(s.Names) > 0) != (len(best.Names) > 0):
		return len(s.Names) > 0
	case len(s.name()) != len(best.name()):
		return len(s.name()) < len(best.name())
	}
	return s.name() < best.name()
}

// BaseBytes is the file bytes of the base's layers; 0 without a base.
func (img *Image) BaseBytes() int64 {
	defer img.read()()
	var n int64
	for k := range img.Layers {
		if img.Config.Relations.InBase(k) {
			n += img.Layers[k].SizeBytes
		}
	}
	return n
}
