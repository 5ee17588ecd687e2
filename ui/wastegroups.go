package ui

import (
	"fmt"
	"path"
	"sort"

	"lx.dev/lx/model"
)

// wasteGrouping is how the waste list shows the copies: one by one, or
// gathered by the directory that holds them or by the step that killed
// them (one chown -R is one row, not three hundred).
type wasteGrouping int

const (
	byCopy wasteGrouping = iota
	byDirectory
	byStep
	groupingCount
)

func (g wasteGrouping) String() string {
	return [...]string{"every copy", "by directory", "by killing step"}[g]
}

// wasteGroup is one row of a grouped list: its copies and their bytes.
type wasteGroup struct {
	name    string
	layer   int // the killing step, when grouped by step
	bytes   int64
	byCause map[model.Cause]int64
	members []int // indexes into img.Waste, biggest first
}

// cause is the group's cause, or 0 when its copies died of several.
func (g wasteGroup) cause() model.Cause {
	if len(g.byCause) == 1 {
		for c := range g.byCause {
			return c
		}
	}
	return 0
}

// regroup lists the rows for the grouping in force, the cursor at the top.
func (p *wasteList) regroup() {
	p.regroupKeepCursor()
	p.l.to(0)
}

func (p *wasteList) regroupKeepCursor() {
	img := p.img.snap
	p.from = img
	p.groups, p.rows = nil, nil
	if img == nil {
		p.l.setLen(0)
		return
	}
	if p.grouping == byCopy {
		p.rows = make([]int, len(img.Waste))
		for i := range img.Waste {
			p.rows[i] = i
		}
		p.l.setLen(len(p.rows))
		return
	}
	at := map[string]int{}
	for i, w := range img.Waste {
		name, layer := path.Dir(model.DisplayPath(w.Path)), -1
		if p.grouping == byStep {
			name, layer = p.layerName(w.KilledBy), w.KilledBy
		}
		j, ok := at[name]
		if !ok {
			j = len(p.groups)
			at[name] = j
			p.groups = append(p.groups, wasteGroup{name: name, layer: layer, byCause: map[model.Cause]int64{}})
		}
		g := &p.groups[j]
		g.bytes += w.Bytes
		g.byCause[w.Cause] += w.Bytes
		g.members = append(g.members, i)
	}
	sort.SliceStable(p.groups, func(i, j int) bool { return p.groups[i].bytes > p.groups[j].bytes })
	p.l.setLen(len(p.groups))
}

func (p *wasteList) layerName(k int) string {
	if k < 0 || k >= len(p.img.layers) {
		return fmt.Sprint(k)
	}
	return fmt.Sprintf("%d %s", k, layerInstruction(p.img.layers[k]))
}
