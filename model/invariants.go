package model

import (
	"errors"
	"fmt"
	"math"
)

// CheckInvariants verifies what every finished image holds, whatever its
// layers were: the waste adds up (by cause, by layer, by record), nothing
// is wasted that was not shipped, every wasted copy was made no later than
// it was killed, live bytes and wasted bytes make the total, and the final
// filesystem is a tree in which every path showing a regular file, itself
// or through a hardlink, shows exactly one live copy. Tests and fuzzing
// call it after Finish; it returns every broken invariant.
func (img *Image) CheckInvariants() error {
	defer img.read()()
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	var byCause int64
	for c, b := range img.WasteBy {
		if b < 0 {
			fail("waste by %v is negative: %d", c, b)
		}
		byCause += b
	}
	if byCause != img.WastedBytes {
		fail("waste by cause adds up to %d, the wasted total is %d", byCause, img.WastedBytes)
	}
	if img.WastedBytes < 0 || img.WastedBytes > img.TotalBytes {
		fail("wasted %d of %d bytes", img.WastedBytes, img.TotalBytes)
	}
	if e := img.efficiency(); math.IsNaN(e) || e < 0 || e > 1 {
		fail("efficiency %v is outside [0, 1]", e)
	}
	var made, killed, sizes int64
	for _, l := range img.Layers {
		made += l.WastedMade
		killed += l.WastedKilled
		sizes += l.SizeBytes
	}
	if made != img.WastedBytes || killed != img.WastedBytes {
		fail("layers made %d and killed %d wasted bytes, the wasted total is %d", made, killed, img.WastedBytes)
	}
	if sizes != img.TotalBytes {
		fail("layer sizes add up to %d, the total is %d", sizes, img.TotalBytes)
	}
	var listed int64
	for _, w := range img.Waste {
		if w.MadeBy < 0 || w.MadeBy > w.KilledBy || w.KilledBy >= len(img.Layers) {
			fail("%s: made by layer %d, killed by layer %d", DisplayPath(w.Path), w.MadeBy, w.KilledBy)
		}
		listed += w.Bytes
	}
	if listed != img.WastedBytes {
		fail("the waste list holds %d bytes, the wasted total is %d", listed, img.WastedBytes)
	}
	errs = append(errs, img.checkCopies()...)
	return errors.Join(errs...)
}

// copyKey names a copy the way a Waste record does.
type copyKey struct {
	node  NodeID
	layer int
	size  int64
}

// checkCopies compares the waste records with the copies the final
// filesystem does not show.
func (img *Image) checkCopies() []error {
	t := img.t
	live, errs := img.liveCopies()
	var liveBytes int64
	dead := map[copyKey]int{}
	for i := range t.events.len() {
		e := t.events.at(i)
		if e.op != opEntry || e.kind != KindRegular {
			continue
		}
		if live[int32(i)] {
			liveBytes += e.size
		} else {
			dead[copyKey{e.node, int(e.layer), e.size}]++
		}
	}
	if liveBytes+img.WastedBytes != img.TotalBytes {
		errs = append(errs, fmt.Errorf("live %d + wasted %d bytes is not the total %d", liveBytes, img.WastedBytes, img.TotalBytes))
	}
	for _, w := range img.Waste {
		dead[copyKey{w.Node, w.MadeBy, w.Bytes}]--
	}
	for k, n := range dead {
		switch {
		case n > 0:
			errs = append(errs, fmt.Errorf("%s: %d dead copies made by layer %d are not in the waste list", DisplayPath(t.path(k.node)), n, k.layer))
		case n < 0:
			errs = append(errs, fmt.Errorf("%s: %d copies made by layer %d are listed as waste but live or never made", DisplayPath(t.path(k.node)), -n, k.layer))
		}
	}
	return errs
}

// liveCopies walks the final filesystem: every visible path must sit in a
// visible directory, a regular file shows its own copy, and a hardlink the
// copy of a regular file written in its own layer.
func (img *Image) liveCopies() (map[int32]bool, []error) {
	t := img.t
	live := map[int32]bool{}
	last := len(img.Layers) - 1
	if last < 0 {
		return live, nil
	}
	var errs []error
	for n := NodeID(1); int(n) < t.nodeCount(); n++ {
		ev := t.at(n, last)
		if ev == none || t.events.at(ev).op != opEntry {
			continue
		}
		if p := t.node(n).parent; p != Root {
			if pe := t.at(p, last); pe == none || t.events.at(pe).op != opEntry || t.events.at(pe).kind != KindDir {
				errs = append(errs, fmt.Errorf("%s is visible below something that is not a visible directory", DisplayPath(t.path(n))))
			}
		}
		e := t.events.at(ev)
		switch {
		case e.kind == KindRegular && e.copyOf != ev:
			errs = append(errs, fmt.Errorf("%s shows a copy that is not its own", DisplayPath(t.path(n))))
		case e.kind == KindRegular:
			live[ev] = true
		case e.kind == KindHardlink && e.copyOf != none:
			c := t.events.at(e.copyOf)
			if c.kind != KindRegular || c.op != opEntry || c.layer != e.layer || c.copyOf != e.copyOf || c.size != e.size {
				errs = append(errs, fmt.Errorf("hardlink %s does not share a regular copy of its own layer", DisplayPath(t.path(n))))
				continue
			}
			live[e.copyOf] = true
		}
	}
	return live, errs
}
