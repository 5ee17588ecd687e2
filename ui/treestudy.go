package ui

import (
	tea "charm.land/bubbletea/v2"

	"lx.dev/lx/model"
)

// The tree works out what each layer changed below every directory, its
// changes in path order, the kind its view lists each path with (one
// byte a path: a walk of every open directory then reads no path's
// events), and what crossing it does to the directory sizes, ahead of
// the user: off the update loop, one layer at a time as the layers are
// applied, so that a layer's first visit finds them done. On the million-entry image a first visit that worked
// them out on the update loop took up to 24 ms to switch to, and 37 ms to
// show its changes only.

// studiedMsg brings one layer's study, worked out off the update loop.
type studiedMsg struct {
	img     *model.Image
	layer   int
	below   map[model.NodeID]model.Counts // nil: studied already when asked
	changes []model.NodeID                // nil: studied already when asked
	kinds   []model.Kind                  // the kind the layer's own view lists each path with; nil: studied already
	sizes   *model.SizeSteps              // what crossing the layer does to the directory sizes; nil: studied already
}

// studyAhead starts the study of the lowest applied layer that lacks one,
// unless a study is under way.
func (p *treePane) studyAhead() tea.Cmd {
	img := p.img.view()
	if img == nil || p.studying {
		return nil
	}
	p.studiedOn(img)
	// The layer shown first, then those the directory sizes cross to it,
	// then the lowest that lacks a study.
	order := func(yield func(int) bool) {
		if p.img.has(p.k) && !yield(p.k) {
			return
		}
		if p.img.has(p.k) {
			for j := range p.sizesCross() {
				if !yield(j) {
					return
				}
			}
		}
		for k := 0; p.img.has(k); k++ {
			if !yield(k) {
				return
			}
		}
	}
	for k := range order {
		_, haveBelow := p.belowOf[k]
		_, haveChanges := p.changesOf[k]
		_, haveKinds := p.kindsOf[k]
		haveSizes := p.sizes == nil || p.sizes.Knows(k)
		if haveBelow && haveChanges && haveKinds && haveSizes {
			continue
		}
		p.studying = true
		return func() tea.Msg {
			m := studiedMsg{img: img, layer: k}
			if !haveBelow {
				m.below = img.ChangesBelow(k)
			}
			if !haveChanges {
				m.changes = img.SortPaths(img.ChangedPaths(k))
			}
			if !haveKinds {
				m.kinds = img.AllViewKinds(k, true)
			}
			if !haveSizes {
				m.sizes = img.SizeSteps(k)
			}
			return m
		}
	}
	return nil
}

// studied keeps a layer's study (unless the image changed meanwhile, or
// the user's visit worked it out first) and starts the next one.
func (p *treePane) studied(m studiedMsg) tea.Cmd {
	p.studying = false
	if m.img == p.belowFrom {
		waited := m.layer == p.k && p.layerOf == p.k && p.unstudied(m.layer) // shown before this study
		if _, ok := p.belowOf[m.layer]; !ok && m.below != nil {
			p.belowOf[m.layer] = m.below
		}
		if _, ok := p.changesOf[m.layer]; !ok && m.changes != nil {
			p.changesOf[m.layer] = m.changes
		}
		if _, ok := p.kindsOf[m.layer]; !ok && m.kinds != nil {
			p.kindsOf[m.layer] = m.kinds
		}
		if p.sizes != nil {
			p.sizes.Keep(m.sizes) // ignored if of another image
		}
		switch {
		case waited:
			p.awaited()
		case p.img.has(p.k) && p.sizes != nil && p.sizes.Layer() != p.k:
			p.rebuild() // the sizes may follow now
		}
	}
	return p.studyAhead()
}

// awaited shows the layer whose study has come, as a visit after it
// would have: its changes open, and the cursor goes to the first unless
// the user has moved meanwhile.
func (p *treePane) awaited() {
	p.below = p.belowOf[p.k]
	first := p.autoOpen()
	p.rebuild()
	if first >= 0 && !p.moved {
		p.reselect(first)
	}
}

// viewKinds is the kind the view shown lists each of kids with, from the
// layer's study when it is in (the layer's own view), else asked of the
// model; it appends to out[:0].
func (p *treePane) viewKinds(kids []model.NodeID, out []model.Kind) []model.Kind {
	kinds, ok := p.kindsOf[p.k]
	if !ok || !p.own {
		return p.img.view().ViewKinds(kids, p.k, p.own, out)
	}
	out = out[:0]
	for _, c := range kids {
		var kind model.Kind
		if int(c) < len(kinds) { // a path added since is a later layer's
			kind = kinds[c]
		}
		out = append(out, kind)
	}
	return out
}

// listsAny tells whether the view shown lists any path directly in dir.
func (p *treePane) listsAny(dir model.NodeID) bool {
	if kinds, ok := p.kindsOf[p.k]; ok && p.own {
		return p.img.view().ListsAnyOf(dir, kinds)
	}
	return p.img.view().ListsAny(dir, p.k, p.own)
}
