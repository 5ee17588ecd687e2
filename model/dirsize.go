package model

// DirSizes holds the size of every directory as of one layer: the bytes of
// the file copies visible below it, each copy (inode) counted once however
// many hardlinks show it there.
// Moving to a neighbouring layer costs O(events in the layers crossed ×
// depth), never O(files in the image); it keeps one number per path, not
// one per path and layer.
type DirSizes struct {
	img   *Image
	k     int
	size  []int64
	steps map[int]*SizeSteps // layers whose crossing was worked out ahead
}

// SizeSteps is what crossing one layer does to the directory sizes: the
// net change of each directory it touches. Worked out once, off the
// update loop (SizeSteps), it lets a DirSizes cross that layer in
// O(directories touched) rather than O(events × depth): on the
// million-entry image, 10 ms a layer switch.
type SizeSteps struct {
	img   *Image
	layer int
	dirs  []NodeID
	delta []int64
}

// SizeSteps works out the crossing of layer k, once it is applied; nil
// before. A layer's crossing is final once it is applied.
func (img *Image) SizeSteps(k int) *SizeSteps {
	defer img.read()()
	if k < 0 || k >= img.applied {
		return nil
	}
	net := map[NodeID]int64{}
	img.t.crossLayer(k, k-1, k, func(dir NodeID, delta int64) { net[dir] += delta })
	s := &SizeSteps{img: img, layer: k, dirs: make([]NodeID, 0, len(net)), delta: make([]int64, 0, len(net))}
	for dir, delta := range net {
		if delta != 0 {
			s.dirs = append(s.dirs, dir)
			s.delta = append(s.delta, delta)
		}
	}
	return s
}

// Keep takes a layer's crossing worked out ahead (one of another image is
// ignored).
func (d *DirSizes) Keep(s *SizeSteps) {
	if s == nil || s.img != d.img {
		return
	}
	if d.steps == nil {
		d.steps = map[int]*SizeSteps{}
	}
	d.steps[s.layer] = s
}

// Knows tells whether the crossing of layer k was given to Keep.
func (d *DirSizes) Knows(k int) bool { return d.steps[k] != nil }

// DirSizes starts a cursor over directory sizes before layer 0 (all zero).
func (img *Image) DirSizes() *DirSizes {
	defer img.read()()
	return &DirSizes{img: img, k: -1, size: make([]int64, img.t.nodeCount())}
}

// Layer is the layer the sizes are as of.
func (d *DirSizes) Layer() int { return d.k }

// At moves the sizes to the filesystem after layer k; while an image
// streams in, only as far as its applied layers.
func (d *DirSizes) At(k int) {
	defer d.img.read()()
	if n := d.img.t.nodeCount(); n > len(d.size) { // paths the layers since brought
		d.size = append(d.size, make([]int64, n-len(d.size))...)
	}
	k = min(max(k, -1), d.img.applied-1)
	for d.k < k {
		d.k++
		d.cross(d.k, 1)
	}
	for d.k > k {
		d.cross(d.k, -1)
		d.k--
	}
}

// cross moves the sizes over layer k: up (sign 1) or back down (-1).
func (d *DirSizes) cross(k int, sign int64) {
	if s := d.steps[k]; s != nil {
		for i, dir := range s.dirs {
			d.size[dir] += sign * s.delta[i]
		}
		return
	}
	from, to := k-1, k
	if sign < 0 {
		from, to = k, k-1
	}
	d.img.t.crossLayer(k, from, to, func(dir NodeID, delta int64) { d.size[dir] += delta })
}

// Size is a directory's size as of the current layer; for any other path,
// the regular-file bytes it shows.
func (d *DirSizes) Size(n NodeID) int64 {
	defer d.img.read()()
	if ev := d.img.t.at(n, d.k); ev != none && d.img.t.events.at(ev).op == opEntry && d.img.t.events.at(ev).kind != KindDir {
		return d.img.fileBytes(n, d.k)
	}
	return d.size[n]
}

// crossLayer tells add how the directory sizes change across layer k's
// events: each path's copy as of layer from is replaced by its copy as of
// layer to, in every ancestor. A copy that hardlinks share is moved whole,
// once: the directories below which any of its paths shows it hold its
// bytes once.
func (t *table) crossLayer(k, from, to int, add func(dir NodeID, delta int64)) {
	lo, hi := t.layerRange(k)
	var shared map[int32]bool // hardlinked copies already moved
	for i := lo; i < hi; i++ {
		ev := t.events.at(i)
		if ev.next != none && int(t.events.at(ev.next).layer) == k {
			continue // only the node's last event in the layer counts
		}
		before, after := t.copyShown(ev.node, from), t.copyShown(ev.node, to)
		if before == after {
			continue
		}
		var delta int64
		for _, c := range [2]int32{before, after} {
			if c == none {
				continue
			}
			if len(t.links[c]) > 0 {
				if shared == nil {
					shared = map[int32]bool{}
				}
				if !shared[c] {
					shared[c] = true
					t.moveShared(c, from, to, add)
				}
				continue
			}
			if c == after {
				delta += t.events.at(c).size
			} else {
				delta -= t.events.at(c).size
			}
		}
		if delta != 0 {
			for p := ev.node; p != Root; {
				p = t.node(p).parent
				add(p, delta)
			}
		}
	}
}

// moveShared moves a hardlinked copy's bytes from the directories above
// its paths as of layer from to those above its paths as of layer to.
func (t *table) moveShared(c int32, from, to int, add func(dir NodeID, delta int64)) {
	size := t.events.at(c).size
	was, is := t.dirsShowing(c, from), t.dirsShowing(c, to)
	for p := range was {
		if !is[p] {
			add(p, -size)
		}
	}
	for p := range is {
		if !was[p] {
			add(p, size)
		}
	}
}

// copyShown is the copy (its regular event) that path n shows after layer
// k, through its own entry or a hardlink; none for anything else.
func (t *table) copyShown(n NodeID, k int) int32 {
	ev := t.at(n, k)
	if ev == none || t.events.at(ev).op != opEntry {
		return none
	}
	return t.events.at(ev).copyOf
}

// dirsShowing is every directory that has, after layer k, a path below it
// showing copy c.
func (t *table) dirsShowing(c int32, k int) map[NodeID]bool {
	out := map[NodeID]bool{}
	for _, ev := range append([]int32{c}, t.links[c]...) {
		n := t.events.at(ev).node
		if t.copyShown(n, k) != c {
			continue
		}
		for p := n; p != Root; {
			p = t.node(p).parent
			if out[p] {
				break
			}
			out[p] = true
		}
	}
	return out
}

// fileBytes is what a path shows of a file after layer k: the bytes of its
// copy (its own or, for a hardlink, the one it shares), else 0.
func (img *Image) fileBytes(n NodeID, k int) int64 {
	if c := img.t.copyShown(n, k); c != none {
		return img.t.events.at(c).size
	}
	return 0
}
