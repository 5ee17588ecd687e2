package ui

import (
	"fmt"
	"testing"

	"lx.dev/lx/internal/genimage"
	"lx.dev/lx/model"
)

// The explorer on the million-entry image (the model of what
// make-bench-archive.sh --million writes, built in memory from the same
// plan): Update+View of moving, switching layers, toggling "changes only"
// and expanding the 100,000-file directory each ≤ 16 ms; a substring
// filter keystroke ≤ 16 ms; a regex filter keystroke ≤ 50 ms, or off the
// update loop with the previous result on screen.

const (
	millionEntries = 1_000_000
	hugeDir        = "srv/dataset/train" // 100,000 files, added by layer 6
	hugeDirLayer   = 6
)

var million sharedImage

func millionImage(b *testing.B) *model.Image {
	b.Helper()
	if testing.Short() {
		b.Skip("the million-entry image takes seconds and about a GB to build: not with -short")
	}
	return million.get(b, func() (*model.Image, error) {
		plan, err := genimage.Million(millionEntries, genimage.NewGen(1))
		if err != nil {
			return nil, err
		}
		return plan.Image("million.tar")
	})
}

// millionApp is a 200×60 explorer on the million-entry image, layer k
// selected and the tree focused.
func millionApp(b *testing.B, k int) *App {
	b.Helper()
	img := millionImage(b)
	a := newTestApp(b, true, 200, 60)
	loaded(b, a, img)
	send(a, selectLayerMsg{k})
	keys(a, "tab")
	if tr := treeOf(a); tr.k != k || !tr.focused {
		b.Fatalf("the tree shows layer %d (focused %v), want layer %d focused", tr.k, tr.focused, k)
	}
	return a
}

// BenchmarkMillionMove: down in the last layer's filesystem with every
// directory open (about 850,000 rows).
func BenchmarkMillionMove(b *testing.B) {
	a := millionApp(b, 7)
	keys(a, "+")
	moveDown(b, a)
	b.ReportMetric(float64(len(treeOf(a).rows)), "rows")
}

// The tree keeps what it works out for a layer (its changes below each
// directory, its changes in path order) and each directory's entries
// sorted by name, so coming back to a layer is cheaper than the first
// visit. The cold runs drop all of that before each key: a visit made
// before the tree's study of that layer (off the update loop, as the
// layers arrive) is in. A big layer then shows at once and its changes
// open when its study comes: the cold runs time the key and that answer
// on the update loop, not the study (loopStep).
func cold(a *App) {
	tr := treeOf(a)
	clear(tr.children)
	tr.belowFrom = nil
	sizes := tr.img.view().DirSizes() // at the same layer, no crossing worked out ahead
	sizes.At(tr.sizes.Layer())
	tr.sizes = sizes
}

// firstVisit drops what a visit works out on the update loop (each
// directory's entries sorted by name) but keeps each layer's study, which
// the tree works out ahead, off the loop, as the layers arrive
// (treestudy.go): a first visit once that is done.
func firstVisit(a *App) {
	clear(treeOf(a).children)
}

// alternateKeys times Update+View of k1 and k2 in turn, as alternate does;
// with cool, each after cool drops what the tree kept.
func alternateKeys(b *testing.B, a *App, k1, k2 string, cool func(*App)) {
	if cool == nil {
		alternate(b, a, k1, k2)
		return
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		cool(a)
		b.StartTimer()
		if i%2 == 0 {
			loopStep(b, a, k1)
		} else {
			loopStep(b, a, k2)
		}
	}
}

// loopStep times what the update loop spends on key k: its Update and
// View, then the Update and View of each answer of the commands it
// started. The commands run untimed, off the loop as in the program (a
// layer's study among them), and what the answers start in turn (the
// next layer's study, ahead) is not run.
func loopStep(b *testing.B, a *App, k string) {
	_, cmd := a.Update(press(k))
	_ = a.View()
	b.StopTimer()
	answers := run(cmd)
	b.StartTimer()
	for _, m := range answers {
		a.Update(m)
		_ = a.View()
	}
}

// BenchmarkMillionSwitchLayer: ] and [ between layer k-1 and layer k, the
// directories as the layer's changes open them (warm and cold), and with
// every directory open.
func BenchmarkMillionSwitchLayer(b *testing.B) {
	for _, mode := range []string{"", "first", "cold", "all-open"} {
		for k := 1; k < 8; k++ {
			name := fmt.Sprintf("layers%d-%d", k-1, k)
			if mode != "" {
				name += "/" + mode
			}
			b.Run(name, func(b *testing.B) {
				a := millionApp(b, k-1)
				if mode == "all-open" {
					keys(a, "+")
				}
				keys(a, "] [") // layer k visited once
				alternateKeys(b, a, "]", "[", coolFor(mode))
			})
		}
	}
}

// BenchmarkMillionChangesOnly: c on and off in layer k: its changes as a
// flat list in path order, and back to its filesystem; warm and cold.
func BenchmarkMillionChangesOnly(b *testing.B) {
	for _, mode := range []string{"", "first", "cold"} {
		for k := range 8 {
			name := fmt.Sprintf("layer%d", k)
			if mode != "" {
				name += "/" + mode
			}
			b.Run(name, func(b *testing.B) {
				a := millionApp(b, k)
				alternateKeys(b, a, "c", "c", coolFor(mode))
			})
		}
	}
}

// coolFor is what a benchmark mode drops before each key: nothing (warm),
// what a first visit lacks, or everything the tree kept (cold).
func coolFor(mode string) func(*App) {
	switch mode {
	case "first":
		return firstVisit
	case "cold":
		return cold
	}
	return nil
}

// BenchmarkMillionExpandHugeDir: Enter on the directory of 100,000 files,
// closing and opening it, in the layer that adds it and in the last one.
func BenchmarkMillionExpandHugeDir(b *testing.B) {
	for _, k := range []int{hugeDirLayer, 7} {
		b.Run(fmt.Sprintf("layer%d", k), func(b *testing.B) {
			a := millionApp(b, k)
			img := millionImage(b)
			n, ok := img.Lookup(hugeDir)
			if !ok {
				b.Fatalf("%s is not in the image", hugeDir)
			}
			send(a, JumpMsg{Node: n, Layer: k})
			tr := treeOf(a)
			if got, _ := tr.selectedNode(); got != n {
				b.Fatalf("the cursor is on %s, not %s", img.Path(got), hugeDir)
			}
			if kids := len(img.EveryChild(n)); kids < 100_000 {
				b.Fatalf("%s holds %d paths, want ≥ 100,000", hugeDir, kids)
			}
			before := len(tr.rows)
			keys(a, "enter")
			if d := len(tr.rows) - before; d < 0 {
				d = -d
			} else if d < 100_000 {
				b.Fatalf("enter on %s changes the rows by %d, want ≥ 100,000", hugeDir, d)
			}
			alternate(b, a, "enter", "enter")
		})
	}
}

// filterApp is the last layer's tree with a filter typed and its search
// answered.
func filterApp(b *testing.B, text string) *App {
	a := millionApp(b, 7)
	keys(a, "/")
	typeText(a, text)
	if tr := treeOf(a); !tr.filter.applied() || tr.filter.forText != text || len(tr.filter.matched) == 0 {
		b.Fatalf("the filter %q has no answer or no match", text)
	}
	return a
}

// benchFilterKeys times typing k and erasing it again in a filter:
//   - keystroke: the keystroke's Update+View, what the update loop spends;
//     the search it starts is a command, left unanswered here, so the
//     previous result stays on screen (a fast typist);
//   - search: that command run to its answer, and the answer's
//     Update+View (the keystroke itself untimed).
func benchFilterKeys(b *testing.B, text, k string) {
	for _, part := range []string{"keystroke", "search"} {
		b.Run(part, func(b *testing.B) {
			a := filterApp(b, text)
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				kk := k
				if i%2 == 1 {
					kk = "backspace"
				}
				if part == "keystroke" {
					a.Update(press(kk))
					_ = a.View()
					continue
				}
				b.StopTimer()
				_, cmd := a.Update(press(kk))
				b.StartTimer()
				send(a, run(cmd)...)
				_ = a.View()
			}
		})
	}
}

// BenchmarkMillionFilterKeystroke: a substring filter; typing narrows
// the previous matches, erasing rescans the layer.
func BenchmarkMillionFilterKeystroke(b *testing.B) {
	benchFilterKeys(b, "static", "/")
}

// BenchmarkMillionRegexKeystroke: a regular expression: every keystroke's
// search rescans every path of the layer.
func BenchmarkMillionRegexKeystroke(b *testing.B) {
	benchFilterKeys(b, `usr/.*/[a-z]+-1`, "2")
}

// BenchmarkMillionHeldMemory: the heap the explorer holds on the
// million-entry image after visiting every layer with every directory
// open.
func BenchmarkMillionHeldMemory(b *testing.B) {
	heldMemory(b, millionImage)
}
