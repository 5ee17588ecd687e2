package ui

import (
	"runtime"
	"sync"
	"testing"

	"lx.dev/lx/internal/fixture"
	"lx.dev/lx/model"
)

// The speed budget: on an image with a 100,000-file layer, Update+View of
// one keystroke (moving the selection, switching layers, typing a filter
// character) stays under 16 ms.

const benchFiles = 100_000

// sharedImage is an image built once per test process, for every
// benchmark that asks.
type sharedImage struct {
	once sync.Once
	img  *model.Image
	err  error
}

func (s *sharedImage) get(b *testing.B, build func() (*model.Image, error)) *model.Image {
	b.Helper()
	s.once.Do(func() { s.img, s.err = build() })
	if s.err != nil {
		b.Fatal(s.err)
	}
	return s.img
}

var big sharedImage

func bigImage(b *testing.B) *model.Image {
	b.Helper()
	return big.get(b, func() (*model.Image, error) { return fixture.Big(benchFiles) })
}

// benchApp is a 200×60 explorer on the big image, the tree focused on the
// 100,000-file layer.
func benchApp(b *testing.B) *App {
	b.Helper()
	a := newTestApp(b, true, 200, 60)
	loaded(b, a, bigImage(b))
	keys(a, "] tab")
	return a
}

func step(a *App, k string) {
	send(a, press(k))
	_ = a.View()
}

// alternate times Update+View of the two keys in turn (and whatever
// commands they start, run to their answers).
func alternate(b *testing.B, a *App, k1, k2 string) {
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if i%2 == 0 {
			step(a, k1)
		} else {
			step(a, k2)
		}
	}
}

// BenchmarkMoveSelection: down in a tree whose every directory is open
// (100,000 rows).
func BenchmarkMoveSelection(b *testing.B) {
	a := benchApp(b)
	keys(a, "+")
	moveDown(b, a)
}

// moveDown times Update+View of down in the tree, back at the top every
// 500 rows.
func moveDown(b *testing.B, a *App) {
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if i%500 == 499 {
			keys(a, "home")
		}
		step(a, "down")
	}
}

// BenchmarkSwitchLayer: ] and [ between the 100,000-file layer and its
// neighbours, the directories collapsed.
func BenchmarkSwitchLayer(b *testing.B) {
	a := benchApp(b)
	alternate(b, a, "]", "[")
}

// BenchmarkSwitchLayerAllOpen: the same with every directory open: the
// rows are rebuilt over all 100,000 files.
func BenchmarkSwitchLayerAllOpen(b *testing.B) {
	a := benchApp(b)
	keys(a, "+")
	alternate(b, a, "]", "[")
}

// BenchmarkFilterKeystroke: typing then erasing a character of a
// substring filter, the search command run to its answer as the program
// would run it off the update loop; each erase rescans every path of the
// layer, each typed character narrows the previous matches.
func BenchmarkFilterKeystroke(b *testing.B) {
	a := benchApp(b)
	keys(a, "/")
	typeText(a, "file0")
	alternate(b, a, "7", "backspace")
}

// BenchmarkFilterKeystrokeUpdateView: what the update loop itself spends
// on a filter keystroke (the search runs as a command, elsewhere).
func BenchmarkFilterKeystrokeUpdateView(b *testing.B) {
	a := benchApp(b)
	keys(a, "/")
	typeText(a, "file0")
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		k := "7"
		if i%2 == 1 {
			k = "backspace"
		}
		a.Update(press(k))
		_ = a.View()
	}
}

// BenchmarkFilterRegexKeystroke: the search of a regular expression, run
// to its answer: every keystroke rescans every path.
func BenchmarkFilterRegexKeystroke(b *testing.B) {
	a := benchApp(b)
	keys(a, "/")
	typeText(a, "d0[0-4]./file")
	alternate(b, a, "7", "backspace")
}

// BenchmarkHeldMemory reports the heap the explorer holds on the big image
// after visiting every layer with every directory open: it must not grow
// with layers × files.
func BenchmarkHeldMemory(b *testing.B) {
	heldMemory(b, bigImage)
}

// heldMemory reports the heap an explorer holds after visiting every
// layer of the image with every directory open.
func heldMemory(b *testing.B, image func(*testing.B) *model.Image) {
	for range b.N {
		img := image(b)
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		a := newTestApp(b, true, 200, 60)
		loaded(b, a, img)
		keys(a, "tab +")
		for range img.Layers {
			step(a, "]")
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MiB-held")
		runtime.KeepAlive(a)
	}
}
