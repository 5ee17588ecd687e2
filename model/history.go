package model

// PathChange is what a layer changed of a path that stayed (marker C):
// its bytes, its kind, its link target, its metadata. None set is a pure
// recopy (the same entry written again).
type PathChange struct {
	Content bool // a regular file's bytes differ
	Kind    bool // another kind of entry took the path (a file became a symlink…)
	Link    bool // a symlink's or hardlink's target moved
	Meta    MetaChange
}

// PathEvent is one layer's doing to a path: one line of its history.
type PathEvent struct {
	Layer     int
	Marker    Marker
	Change    PathChange  // for Changed
	DeletedBy DeleteCause // for Deleted: how the path went
	Info      FileInfo    // the state after the layer; before it, for Deleted
	// Bytes is what the layer's copy of a regular file (or the copy a
	// hardlink shows) holds; 0 for other entries.
	Bytes int64
	// Copy says whether the layer wrote its own copy of a regular file
	// here; Cause is then what killed it (0 while it is live, as far as
	// the layers applied tell) and KilledBy the layer that did.
	Copy     bool
	Cause    Cause
	KilledBy int
	// CameBack says a deleted path returned here with the bytes it had.
	CameBack bool
}

// History lists every layer that touched path n, in order: added,
// changed (and what), deleted (and how), touched, came back; each with
// the fate of the copy it wrote. It costs O(events of the path).
func (img *Image) History(n NodeID) []PathEvent {
	defer img.read()()
	if n == Root {
		return nil
	}
	t := img.t
	var out []PathEvent
	var lastGone *event // the bytes the path showed when it was last deleted
	for ev := t.node(n).firstEv; ev != none && int(t.events.at(ev).layer) < img.applied; ev = t.events.at(ev).next {
		e := t.events.at(ev)
		if e.next != none && t.events.at(e.next).layer == e.layer {
			continue // the path's last event in a layer decides
		}
		k := int(e.layer)
		m := img.marker(n, k)
		if m == Unchanged {
			continue
		}
		pe := PathEvent{Layer: k, Marker: m, KilledBy: -1}
		switch m {
		case Deleted:
			pe.DeletedBy = e.cause
			if before := t.at(n, k-1); before != none {
				pe.Info = t.info(before)
				if b := t.events.at(before); b.copyOf != none {
					lastGone = t.events.at(b.copyOf)
				}
			}
		default:
			pe.Info = t.info(ev)
			if m == Changed {
				if before := t.at(n, k-1); before != none && t.events.at(before).op == opEntry {
					pe.Change = pathChange(t.events.at(before), e, t)
				}
			}
			if e.copyOf != none {
				c := t.events.at(e.copyOf)
				pe.Bytes = c.size
				if e.kind == KindRegular {
					pe.Copy = true
					if d, ok := img.deathOf(e.copyOf); ok {
						pe.Cause, pe.KilledBy = d.Cause, d.KilledBy
					}
				}
				if m == Added && lastGone != nil && lastGone.size == c.size && lastGone.digest == c.digest {
					pe.CameBack = true
				}
			}
		}
		out = append(out, pe)
	}
	return out
}

// pathChange says what an entry changed of the one before it at its path.
func pathChange(from, to *event, t *table) PathChange {
	c := PathChange{Kind: from.kind != to.kind, Link: t.link(from) != t.link(to), Meta: metaChange(from, to)}
	if fc, tc := from.copyOf, to.copyOf; fc != none && tc != none {
		a, b := t.events.at(fc), t.events.at(tc)
		c.Content = a.size != b.size || a.digest != b.digest
	}
	return c
}

// deathOf is a copy's waste record, if it is dead.
func (img *Image) deathOf(copyEv int32) (Waste, bool) {
	if img.wasteAt == nil { // the image being built: its list is made once finished
		for _, d := range img.dead {
			if d.copyEv == copyEv {
				w := img.t.deadCopy(d.copyEv, d.killerEv)
				w.Path = d.path
				return w, true
			}
		}
		return Waste{}, false
	}
	if int(copyEv) < len(img.wasteAt) && img.wasteAt[copyEv] > 0 {
		return img.Waste[img.wasteAt[copyEv]-1], true
	}
	return Waste{}, false
}
