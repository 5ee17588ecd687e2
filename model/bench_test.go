package model

import (
	"runtime"
	"strconv"
	"testing"
	"time"
)

// Scaling benchmarks on synthetic layers: the cases where a tree per layer
// falls over (a million entries; thousands of deletions; many layers over a
// big base). They assert nothing about time; besides ns/op and allocations
// they report the heap the finished image holds.
//
//	go test -run '^$' -bench . -benchmem ./model

// tree is a layer of dirs directories under usr/lib, each holding perDir
// regular files with distinct contents.
func tree(dirs, perDir int) []Entry {
	es := make([]Entry, 0, 2+dirs*(perDir+1))
	es = append(es, dir("usr", 0o755), dir("usr/lib", 0o755))
	for d := range dirs {
		dp := "usr/lib/pkg" + strconv.Itoa(d)
		es = append(es, dir(dp, 0o755))
		for f := range perDir {
			es = append(es, blob(dp+"/file"+strconv.Itoa(f)+".so", 0o644, int64(512+f), uint64(d*perDir+f+1)))
		}
	}
	return es
}

// liveHeap is the heap in use after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// imageHeap builds an image from ls and returns the heap it holds beyond
// its input.
func imageHeap(b *testing.B, ls [][]Entry) uint64 {
	before := liveHeap()
	img := build(b, ls)
	after := liveHeap()
	runtime.KeepAlive(img)
	if after < before {
		return 0
	}
	return after - before
}

// BenchmarkMillionEntries applies one layer of a million entries (1,000
// directories of 999 files) and runs the waste accounting. heap-MB is all
// the heap in use with the image and its input alive (the target is under
// 1 GB); image-MB is the image's share; heap-sys-MB is the heap the process
// took from the system, so about its peak.
func BenchmarkMillionEntries(b *testing.B) {
	ls := layers(tree(1000, 999))
	input := liveHeap()
	var img *Image
	for b.Loop() {
		img = build(b, ls)
	}
	b.StopTimer()
	if img.Nodes() < 1_000_000 {
		b.Fatalf("%d paths, want a million", img.Nodes())
	}
	total := liveHeap()
	runtime.KeepAlive(img)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(total)/1e6, "heap-MB")
	b.ReportMetric(float64(total-min(input, total))/1e6, "image-MB")
	b.ReportMetric(float64(ms.HeapSys)/1e6, "heap-sys-MB")
}

// BenchmarkDeletions2000 is a 50,000-file base, then a layer of 2,000
// single-file whiteouts spread over its directories; each op builds the
// image and lists the deletion layer's changes. delete-ms is the deletion
// layer alone (applied, accounted, listed).
func BenchmarkDeletions2000(b *testing.B) {
	base := tree(500, 100)
	var dels []Entry
	for i := range 2000 {
		d := i % 500
		dels = append(dels, wh("usr/lib/pkg"+strconv.Itoa(d)+"/file"+strconv.Itoa(i/500*25)+".so"))
	}
	var layerTime time.Duration
	for b.Loop() {
		bl := NewBuilder(Config{DiffIDs: []string{"sha256:a", "sha256:b"}})
		if _, err := bl.AddLayer(base); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if _, err := bl.AddLayer(dels); err != nil {
			b.Fatal(err)
		}
		img, err := bl.Finish()
		if err != nil {
			b.Fatal(err)
		}
		if n := len(img.Changes(1)); n != 2000 {
			b.Fatalf("%d changes in the deletion layer, want 2000", n)
		}
		layerTime += time.Since(start)
	}
	b.ReportMetric(float64(layerTime.Milliseconds())/float64(b.N), "delete-ms")
}

// touchLayers is n layers over a base of tree(500, 100), each recopying
// five files with a new mode and adding one.
func touchLayers(n int) [][]Entry {
	ls := [][]Entry{tree(500, 100)}
	for k := range n {
		l := []Entry{dir("usr", 0o755), dir("usr/lib", 0o755)}
		for j := range 5 {
			d := "usr/lib/pkg" + strconv.Itoa((k*5+j)%500)
			l = append(l, dir(d, 0o755), blob(d+"/file"+strconv.Itoa(k%100)+".so", 0o755, int64(512+k%100), uint64(k*5+j)))
		}
		l = append(l, blob("usr/lib/layer"+strconv.Itoa(k), 0o644, 100, uint64(1<<32+k)))
		ls = append(ls, l)
	}
	return ls
}

// BenchmarkLayersTimesFiles builds a 50,000-file base with 40 small layers
// over it and lists every layer's changes. Memory must follow the paths and
// the changes, never layers × files: heap-40/1 compares the image's heap
// with 40 layers against the same base with one (a tree per layer would make
// it about 40), and KB/extra-layer is what each layer past the first costs
// (a tree per layer: the whole base, ~5 MB). Part of that is the event
// list's spare capacity after it grows.
func BenchmarkLayersTimesFiles(b *testing.B) {
	ls := touchLayers(40)
	for b.Loop() {
		img := build(b, ls)
		for k := range img.Layers {
			img.Changes(k)
		}
	}
	b.StopTimer()
	one, forty := imageHeap(b, touchLayers(1)), imageHeap(b, ls)
	b.ReportMetric(float64(one)/1e6, "heap-1layer-MB")
	b.ReportMetric(float64(forty)/1e6, "heap-40layers-MB")
	b.ReportMetric(float64(forty)/float64(max(one, 1)), "heap-40/1")
	b.ReportMetric((float64(forty)-float64(one))/39/1e3, "KB/extra-layer")
}
