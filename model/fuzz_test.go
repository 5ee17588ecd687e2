package model_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"lx.dev/lx/internal/hostile"
	"lx.dev/lx/model"
	"lx.dev/lx/model/report"
	"lx.dev/lx/source"
)

// FuzzApply applies arbitrary layers of entries, over paths of a few
// names so that they collide often, and checks that the model finishes
// and keeps its invariants, and that every view of every layer and the
// report can be made.
func FuzzApply(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		// A hang is a failure: the worker dies with the input, which the
		// fuzzer then keeps.
		done := make(chan struct{})
		defer close(done)
		go func() {
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				panic(fmt.Sprintf("applying and reporting %q took more than 10 s", data))
			}
		}()
		ls := decodeLayers(data)
		cfg := model.Config{}
		for range ls {
			cfg.DiffIDs = append(cfg.DiffIDs, "sha256:x")
		}
		b := model.NewBuilder(cfg)
		var early [][]model.Kind // each layer's own view, as soon as it was applied
		for j, l := range ls {
			if _, err := b.AddLayer(l); err != nil {
				t.Fatal(err)
			}
			early = append(early, b.Image().AllViewKinds(j, true))
			// So far is exactly the image cut after layer j.
			if d := model.DiffFigures(b.Image().Snapshot(), cutImage(t, ls[:j+1])); d != "" {
				t.Fatalf("after layer %d of %v, so far differs from the cut image:\n%s", j, ls, d)
			}
		}
		img, err := b.Finish()
		if err != nil {
			t.Fatal(err)
		}
		if err := img.CheckInvariants(); err != nil {
			t.Fatalf("invariants broken by %v:\n%v", ls, err)
		}
		checkViews(t, img)
		// A view's kinds are final once its layer is applied: what later
		// layers add is past the end of those worked out then.
		for k, kinds := range early {
			final := img.AllViewKinds(k, true)
			for n, kind := range final {
				if n < len(kinds) && kinds[n] != kind || n >= len(kinds) && kind != 0 {
					t.Fatalf("layer %d's view of %s: %v once applied, %v at the end", k, img.Path(model.NodeID(n)), kinds[min(n, len(kinds)-1)], kind)
				}
			}
		}
		report.Build(img, report.Options{Changes: true})
	})
}

// cutImage is the image of the first layers only, finished.
func cutImage(t *testing.T, ls [][]model.Entry) *model.Image {
	t.Helper()
	cfg := model.Config{}
	for range ls {
		cfg.DiffIDs = append(cfg.DiffIDs, "sha256:x")
	}
	b := model.NewBuilder(cfg)
	for _, l := range ls {
		if _, err := b.AddLayer(l); err != nil {
			t.Fatal(err)
		}
	}
	img, err := b.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// checkViews walks what the explorer shows of every layer: its changes,
// and directory sizes that add up to the files visible below.
func checkViews(t *testing.T, img *model.Image) {
	sizes, stepped := img.DirSizes(), img.DirSizes()
	all := make([]model.NodeID, img.Nodes())
	for n := range all {
		all[n] = model.NodeID(n)
	}
	for k := range img.Layers {
		for _, own := range []bool{false, true} {
			kinds := img.AllViewKinds(k, own)
			if want := img.ViewKinds(all, k, own, nil); fmt.Sprint(kinds) != fmt.Sprint(want) {
				t.Errorf("layer %d (own %v): AllViewKinds %v, ViewKinds %v", k, own, kinds, want)
			}
			for _, n := range all {
				if img.ListsAnyOf(n, kinds) != img.ListsAny(n, k, own) {
					t.Errorf("layer %d (own %v): ListsAnyOf and ListsAny differ on %s", k, own, img.Path(n))
				}
			}
		}
		for _, c := range img.Changes(k) {
			if !img.Shown(c.Node, k) {
				t.Errorf("layer %d changes %s, which its view does not show", k, img.Path(c.Node))
			}
		}
		sizes.At(k)
		if got, want := sizes.Size(model.Root), visibleFileBytes(img, model.Root, k); got != want {
			t.Errorf("layer %d: the root's size is %d, its visible files hold %d", k, got, want)
		}
	}
	// A cursor given each layer's crossing worked out ahead agrees with
	// one working it out as it goes, down and back up.
	for k := range img.Layers {
		stepped.Keep(img.SizeSteps(k))
	}
	for _, k := range append(downFrom(len(img.Layers)-1), upTo(len(img.Layers)-1)...) {
		sizes.At(k)
		stepped.At(k)
		for _, n := range all {
			if sizes.Size(n) != stepped.Size(n) {
				t.Errorf("after layer %d: %s is %d B, %d B with the crossings worked out ahead", k, img.Path(n), sizes.Size(n), stepped.Size(n))
			}
		}
	}
}

func downFrom(k int) []int {
	var out []int
	for ; k >= -1; k-- {
		out = append(out, k)
	}
	return out
}

func upTo(k int) []int {
	var out []int
	for i := -1; i <= k; i++ {
		out = append(out, i)
	}
	return out
}

// visibleFileBytes adds up the bytes of the files visible below dir after
// layer k, each inode once however many hardlinks show it.
func visibleFileBytes(img *model.Image, dir model.NodeID, k int) int64 {
	var n int64
	seen := map[int64]bool{}
	var walk func(model.NodeID)
	walk = func(dir model.NodeID) {
		for _, c := range img.Children(dir, k) {
			info, _ := img.Stat(c, k)
			switch {
			case info.Kind == model.KindDir:
				walk(c)
			case info.Inode != 0 && !seen[info.Inode]:
				seen[info.Inode] = true
				n += info.Size
			}
		}
	}
	walk(dir)
	return n
}

// The fuzz input is read three bytes an entry: the kind (0 starts a new
// layer) with a mode and owner; the path; the content (size and bytes)
// or the link's target. Paths have one to three parts from a four-name
// alphabet, or are the root.
const alphabet = "abcd"

var modes = []uint32{0o644, 0o755, 0o777, 0o600}

func fuzzPath(b byte) string {
	if b == 255 {
		return ""
	}
	depth, digits := 1+int(b%3), int(b/3)
	parts := make([]string, depth)
	for i := range parts {
		parts[i] = alphabet[digits%4 : digits%4+1]
		digits /= 4
	}
	return strings.Join(parts, "/")
}

func decodeLayers(data []byte) [][]model.Entry {
	ls := [][]model.Entry{nil}
	for len(data) >= 3 && len(ls) <= 64 {
		k, p, c := data[0], data[1], data[2]
		data = data[3:]
		kind := model.Kind(k % 10)
		if kind == 0 {
			ls = append(ls, nil)
			continue
		}
		e := model.Entry{Path: fuzzPath(p), Kind: kind, Mode: modes[(k/10)%4], UID: uint32(k / 40 % 2)}
		switch kind {
		case model.KindRegular:
			e.Size, e.Digest = int64(c%8), uint64(c/8%4)+1
		case model.KindSymlink, model.KindHardlink:
			e.Link = fuzzPath(c)
		case model.KindCharDev, model.KindBlockDev:
			e.Dev = uint64(c)
		}
		ls[len(ls)-1] = append(ls[len(ls)-1], e)
	}
	return ls
}

// encodeLayers writes layers in the fuzz input's form, the names of their
// paths mapped onto the alphabet in order of appearance, deeper paths cut
// to three parts.
func encodeLayers(ls [][]model.Entry) []byte {
	names := map[string]int{}
	path := func(p string) byte {
		if p == "" {
			return 255
		}
		parts := strings.Split(p, "/")
		if len(parts) > 3 {
			parts = parts[:3]
		}
		digits := 0
		for i := len(parts) - 1; i >= 0; i-- {
			if _, ok := names[parts[i]]; !ok {
				names[parts[i]] = len(names)
			}
			digits = digits*4 + names[parts[i]]%4
		}
		return byte(len(parts) - 1 + 3*digits)
	}
	var out []byte
	for i, l := range ls {
		if i > 0 {
			out = append(out, 0)
		}
		for _, e := range l {
			mode := 0
			for j, m := range modes {
				if m == e.Mode {
					mode = j
				}
			}
			k := byte(e.Kind) + byte(mode)*10 + byte(e.UID%2)*40
			c := byte(e.Size%8) | byte(e.Digest%4)<<3
			if e.Kind == model.KindSymlink || e.Kind == model.KindHardlink {
				c = path(e.Link)
			}
			out = append(out, k, path(e.Path), c)
		}
	}
	return out
}

// TestFuzzSeeds keeps FuzzApply's checked-in seeds equal to the hostile
// corpus: every case lx reads, its layers read by the layer reader and
// written in the fuzz input's form.
func TestFuzzSeeds(t *testing.T) {
	seeds := map[string][]byte{}
	for _, c := range hostile.All() {
		if c.Big || c.Refused != "" {
			continue
		}
		blobs, err := c.MakeBlobs()
		if err != nil {
			t.Fatal(err)
		}
		var ls [][]model.Entry
		for _, b := range blobs {
			l, err := source.ReadLayer(bytes.NewReader(b.Data))
			if err != nil {
				t.Fatalf("%s: %v", c.Name, err)
			}
			ls = append(ls, l.Entries)
		}
		seeds[c.Name] = encodeLayers(ls)
	}
	hostile.CheckSeeds(t, "FuzzApply", seeds)
}
