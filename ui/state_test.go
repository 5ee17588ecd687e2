package ui

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"lx.dev/lx/model"
)

// keepBiggest keeps what sorting every path and taking the first
// biggestKept gives, ties broken by path.
func TestKeepBiggest(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 50 {
		var all, kept []pathWaste
		for i := range r.IntN(3 * biggestKept) {
			b := pathWaste{node: model.NodeID(i), path: fmt.Sprintf("/p%d", r.IntN(40)), bytes: int64(r.IntN(8))}
			all = append(all, b)
			kept = keepBiggest(kept, b)
		}
		sort.SliceStable(all, func(i, j int) bool {
			if all[i].bytes != all[j].bytes {
				return all[i].bytes > all[j].bytes
			}
			return model.PathLess(all[i].path, all[j].path)
		})
		want := all[:min(len(all), biggestKept)]
		same := func(a, b pathWaste) bool { return a.bytes == b.bytes && a.path == b.path }
		if !slices.EqualFunc(kept, want, same) {
			t.Fatalf("round %d: kept %v, want %v", round, kept, want)
		}
	}
}

// The waste index yields each path's records in the list's order, and
// nothing for a path with none.
func TestWasteIndex(t *testing.T) {
	waste := []model.Waste{{Node: 3}, {Node: 5}, {Node: 3}, {Node: 7}, {Node: 3}}
	x := newWasteIndex(waste)
	for n, want := range map[model.NodeID][]int{3: {0, 2, 4}, 5: {1}, 7: {3}, 9: nil} {
		if got := slices.Collect(x.of(n)); !slices.Equal(got, want) {
			t.Errorf("node %d: %v, want %v", n, got, want)
		}
	}
}
