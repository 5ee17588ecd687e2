package model

// DirSizes holds the size of every directory as of one layer: the bytes of
// the regular files visible below it (a hardlink adds none of its own).
// Moving to a neighbouring layer costs O(events in the layers crossed ×
// depth), never O(files in the image); it keeps one number per path, not
// one per path and layer.
type DirSizes struct {
	img  *Image
	k    int
	size []int64
}

// DirSizes starts a cursor over directory sizes before layer 0 (all zero).
func (img *Image) DirSizes() *DirSizes {
	return &DirSizes{img: img, k: -1, size: make([]int64, len(img.t.nodes))}
}

// Layer is the layer the sizes are as of.
func (d *DirSizes) Layer() int { return d.k }

// At moves the sizes to the filesystem after layer k.
func (d *DirSizes) At(k int) {
	k = min(max(k, -1), len(d.img.t.layerStart)-1)
	for d.k < k {
		d.k++
		d.apply(d.k, d.k-1, d.k)
	}
	for d.k > k {
		d.apply(d.k, d.k, d.k-1)
		d.k--
	}
}

// Size is a directory's size as of the current layer; for any other path,
// the regular-file bytes it shows.
func (d *DirSizes) Size(n NodeID) int64 {
	if ev := d.img.t.at(n, d.k); ev != none && d.img.t.events[ev].op == opEntry && d.img.t.events[ev].kind != KindDir {
		return d.img.fileBytes(n, d.k)
	}
	return d.size[n]
}

// apply moves the sizes across layer k's events: each path's file bytes
// as of layer from are replaced by those as of layer to, in every ancestor.
func (d *DirSizes) apply(k, from, to int) {
	t := d.img.t
	lo, hi := t.layerRange(k)
	for i := lo; i < hi; i++ {
		ev := &t.events[i]
		if ev.next != none && int(t.events[ev.next].layer) == k {
			continue // only the node's last event in the layer counts
		}
		delta := d.img.fileBytes(ev.node, to) - d.img.fileBytes(ev.node, from)
		if delta == 0 {
			continue
		}
		for p := ev.node; p != Root; {
			p = t.nodes[p].parent
			d.size[p] += delta
		}
	}
}

// fileBytes is what a path adds to its directories' sizes after layer k:
// a visible regular file's size, else 0.
func (img *Image) fileBytes(n NodeID, k int) int64 {
	ev := img.t.at(n, k)
	if ev == none {
		return 0
	}
	e := &img.t.events[ev]
	if e.op != opEntry || e.kind != KindRegular {
		return 0
	}
	return e.size
}
