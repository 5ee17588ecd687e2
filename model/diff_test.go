package model

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// diffLines renders a comparison as one line a path: marker (or "."),
// path, sizes, what changed, counts below, entries.
func diffLines(d *ImageDiff) []string {
	var out []string
	for i, p := range d.Paths {
		m := p.Marker.String()
		if m == "" {
			m = "."
		}
		line := fmt.Sprintf("%s %s %d %d", m, d.Path(i), p.SizeA, p.SizeB)
		if p.Marker == Changed {
			line += " " + strings.Join(p.Change.Names(), ",")
		}
		if p.Below.Total() > 0 {
			line += fmt.Sprintf(" below+%d~%d-%d", p.Below.Added, p.Below.Changed, p.Below.Deleted)
		}
		if p.Entries > 0 {
			line += fmt.Sprintf(" entries=%d", p.Entries)
		}
		out = append(out, line)
	}
	return out
}

func TestCompareBaseAndSeed(t *testing.T) {
	base := []Entry{dir("bin", 0o755), blob("bin/busybox", 0o755, 1000, 7), hardlink("bin/sh", "bin/busybox"), dir("etc", 0o755), file("etc/passwd", 0o644, "root")}
	busybox := buildIDs(t, []string{"sha256:base"}, layers(base))
	seed := buildIDs(t, []string{"sha256:base", "sha256:mkdir", "sha256:one", "sha256:chmod", "sha256:two", "sha256:chmod2", "sha256:rm"}, layers(
		base,
		[]Entry{dir("data", 0o755)},
		[]Entry{dir("data", 0o755), blob("data/one", 0o644, 1<<20, 1)},
		[]Entry{dir("data", 0o777), blob("data/one", 0o777, 1<<20, 1)},
		[]Entry{dir("data", 0o777), blob("data/two", 0o644, 1<<20, 1)},
		[]Entry{dir("data", 0o777), blob("data/two", 0o777, 1<<20, 1)},
		[]Entry{dir("data", 0o777), wh("data/one")},
	))
	d := Compare(busybox, seed)
	want := []string{
		"A data 0 1048576 below+1~0-0",
		"A data/two 0 1048576",
	}
	if got := diffLines(d); !reflect.DeepEqual(got, want) {
		t.Errorf("busybox → seed:\n got %q\nwant %q", got, want)
	}
	if got := d.Shared; len(got) != 1 || !got[0].Prefix || got[0].DiffID != "sha256:base" {
		t.Errorf("shared layers %+v, want the base as the common prefix", got)
	}
	if d.Counts != (Counts{Added: 2}) || d.BytesA != 1000+4 || d.BytesB != 1000+4+1<<20 {
		t.Errorf("counts %+v, bytes %d → %d", d.Counts, d.BytesA, d.BytesB)
	}
	// The other way round: /data is one deletion, its file below it.
	back := Compare(seed, busybox)
	if got, want := diffLines(back), []string{"D data 1048576 0 entries=1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("seed → busybox:\n got %q\nwant %q", got, want)
	}
}

func TestCompareEveryChange(t *testing.T) {
	xattr := func(e Entry, h uint64) Entry { e.Xattrs = h; return e }
	dev := func(p string, n uint64) Entry { return Entry{Path: p, Kind: KindCharDev, Mode: 0o666, Dev: n} }
	a := buildIDs(t, []string{"sha256:a"}, layers([]Entry{
		dir("app", 0o755),
		file("app/content", 0o644, "one"),
		file("app/same", 0o644, "same"),
		file("app/mode", 0o644, "m"),
		owned(file("app/owner", 0o644, "o"), 0, 0),
		xattr(file("app/xattr", 0o644, "x"), 1),
		sym("app/link", "one"),
		dev("app/dev", 1),
		dir("app/dirfile", 0o755), file("app/dirfile/a", 0o644, "aa"), file("app/dirfile/b", 0o644, "bbb"),
		file("app/filedir", 0o644, "f"),
		dir("gone", 0o755), dir("gone/sub", 0o755), file("gone/sub/x", 0o644, "xxxx"), file("gone/y", 0o644, "y"),
		dir("meta", 0o755),
	}))
	b := buildIDs(t, []string{"sha256:b"}, layers([]Entry{
		dir("app", 0o755),
		file("app/content", 0o644, "two"),
		file("app/same", 0o644, "same"),
		file("app/mode", 0o755, "m"),
		owned(file("app/owner", 0o644, "o"), 33, 33),
		xattr(file("app/xattr", 0o644, "x"), 2),
		sym("app/link", "two"),
		dev("app/dev", 2),
		file("app/dirfile", 0o644, "now a file"),
		dir("app/filedir", 0o755), file("app/filedir/in", 0o644, "in"),
		dir("meta", 0o700),
		dir("new", 0o755), dir("new/deep", 0o755), file("new/deep/z", 0o644, "zz"),
	}))
	d := Compare(a, b)
	want := []string{
		". app 16 22 below+1~8-0",
		"C app/content 3 3 content",
		"C app/dev 0 0 dev",
		"C app/dirfile 5 10 kind entries=2",
		"C app/filedir 1 2 kind below+1~0-0",
		"A app/filedir/in 0 2",
		"C app/link 0 0 link",
		"C app/mode 1 1 mode",
		"C app/owner 1 1 owner",
		"C app/xattr 1 1 xattrs",
		"D gone 5 0 entries=3",
		"C meta 0 0 mode",
		"A new 0 2 below+2~0-0",
		"A new/deep 0 2 below+1~0-0",
		"A new/deep/z 0 2",
	}
	if got := diffLines(d); !reflect.DeepEqual(got, want) {
		t.Errorf("diff:\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(want, "\n     "))
	}
	if d.Counts != (Counts{Added: 4, Changed: 9, Deleted: 1}) {
		t.Errorf("counts %+v", d.Counts)
	}
	for i, p := range d.Paths {
		if p.End <= int32(i) || int(p.End) > len(d.Paths) {
			t.Errorf("%s: end %d out of range", d.Path(i), p.End)
		}
		if p.Parent >= 0 && (p.Parent >= int32(i) || d.Paths[p.Parent].End < p.End) {
			t.Errorf("%s: parent %d does not hold it", d.Path(i), p.Parent)
		}
	}
}

func TestCompareIdenticalAndMetadataNoise(t *testing.T) {
	mtime := func(e Entry, ns int64) Entry { e.MTime = ns; return e }
	a := buildIDs(t, []string{"sha256:1"}, layers([]Entry{
		mtime(dir("d", 0o755), 1), mtime(file("d/f", 0o644, "x"), 1), blob("d/big", 0o644, 100, 3), hardlink("d/big-link", "d/big"),
	}))
	// Rebuilt: new mtimes, the hardlink written as a file of the same bytes.
	b := buildIDs(t, []string{"sha256:2"}, layers([]Entry{
		mtime(dir("d", 0o755), 2), mtime(file("d/f", 0o644, "x"), 2), blob("d/big", 0o644, 100, 3), blob("d/big-link", 0o644, 100, 3),
	}))
	d := Compare(a, b)
	if len(d.Paths) != 0 || d.Changes() != 0 {
		t.Errorf("a rebuild with only mtimes moved differs: %q", diffLines(d))
	}
	if len(d.Shared) != 0 {
		t.Errorf("shared %+v, want none", d.Shared)
	}
	// The hardlinked copy counts once in A; B holds two copies.
	if d.BytesA != 101 || d.BytesB != 201 {
		t.Errorf("bytes %d → %d, want 101 → 201", d.BytesA, d.BytesB)
	}
	if self := Compare(a, a); len(self.Paths) != 0 || len(self.Shared) != 1 || self.BytesA != self.BytesB {
		t.Errorf("an image against itself: %q, shared %+v", diffLines(self), self.Shared)
	}
}

func TestCompareHardlinksCountOnceInEachDirectory(t *testing.T) {
	a := buildIDs(t, []string{"sha256:1"}, layers([]Entry{dir("x", 0o755)}))
	b := buildIDs(t, []string{"sha256:2"}, layers([]Entry{
		dir("x", 0o755), dir("x/p", 0o755), dir("x/q", 0o755),
		blob("x/p/f", 0o644, 10, 1), hardlink("x/p/g", "x/p/f"), hardlink("x/q/h", "x/p/f"),
	}))
	d := Compare(a, b)
	want := []string{
		". x 0 10 below+5~0-0",
		"A x/p 0 10 below+2~0-0",
		"A x/p/f 0 10",
		"A x/p/g 0 10",
		"A x/q 0 10 below+1~0-0",
		"A x/q/h 0 10",
	}
	if got := diffLines(d); !reflect.DeepEqual(got, want) {
		t.Errorf("diff:\n got %q\nwant %q", got, want)
	}
	if d.BytesB != 10 {
		t.Errorf("B holds %d bytes, want the one copy of 10", d.BytesB)
	}
}

func TestComparePathOrder(t *testing.T) {
	a := buildIDs(t, []string{"sha256:1"}, layers([]Entry{dir("d", 0o755)}))
	b := buildIDs(t, []string{"sha256:2"}, layers([]Entry{
		dir("d", 0o755), file("d/f10", 0o644, "1"), file("d/f2", 0o644, "2"), dir("d/a", 0o755), file("d/a/x", 0o644, "3"), file("d-b", 0o644, "4"),
	}))
	var got []string
	for i := range Compare(a, b).Paths {
		got = append(got, Compare(a, b).Path(i))
	}
	want := []string{"d", "d/a", "d/a/x", "d/f2", "d/f10", "d-b"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("order %q, want %q", got, want)
	}
}

func TestCompareGrowingImage(t *testing.T) {
	a := buildIDs(t, []string{"sha256:1"}, layers([]Entry{file("f", 0o644, "x")}))
	b := NewBuilder(Config{DiffIDs: []string{"sha256:1", "sha256:2"}})
	if _, err := b.AddLayer([]Entry{file("f", 0o644, "x")}); err != nil {
		t.Fatal(err)
	}
	if d := Compare(a, b.Image()); len(d.Paths) != 0 {
		t.Errorf("after its first layer B differs: %q", diffLines(d))
	}
	if _, err := b.AddLayer([]Entry{wh("f")}); err != nil {
		t.Fatal(err)
	}
	if got := diffLines(Compare(a, b.Image())); !reflect.DeepEqual(got, []string{"D f 1 0"}) {
		t.Errorf("after its second layer: %q", got)
	}
}

func TestSharedLayers(t *testing.T) {
	cases := []struct {
		a, b string
		want string
	}{
		{"", "", ""},
		{"x y z", "x y", "x0=0p y1=1p"},
		{"x y z", "x q z", "x0=0p z2=2"},
		{"b x", "x b", "b0=1 x1=0"},
		{"x d d", "x d q d d", "x0=0p d1=1p d2=3"},
		{"p q", "r s", ""},
	}
	for _, c := range cases {
		var got []string
		for _, s := range SharedLayers(strings.Fields(c.a), strings.Fields(c.b)) {
			p := ""
			if s.Prefix {
				p = "p"
			}
			got = append(got, fmt.Sprintf("%s%d=%d%s", s.DiffID, s.A, s.B, p))
		}
		if g := strings.Join(got, " "); g != c.want {
			t.Errorf("SharedLayers(%q, %q) = %q, want %q", c.a, c.b, g, c.want)
		}
	}
	if n := CommonPrefix(SharedLayers(strings.Fields("x y z"), strings.Fields("x y q z"))); n != 2 {
		t.Errorf("common prefix %d, want 2", n)
	}
}

// BenchmarkCompareRebuilt compares two images of 200,000 files (200
// directories of 1,000) that share their base, the second's top layer
// rewriting one file in ten and deleting a directory: the walk over both
// final filesystems, and the differences it keeps.
func BenchmarkCompareRebuilt(b *testing.B) {
	base := tree(200, 1000)
	var top []Entry
	for i, e := range base {
		if e.Kind == KindRegular && i%10 == 0 {
			e.Digest += 1 << 40
			top = append(top, e)
		}
	}
	top = append(top, wh("usr/lib/pkg7"))
	a := buildIDs(b, []string{"sha256:base"}, layers(base))
	img := buildIDs(b, []string{"sha256:base", "sha256:top"}, layers(base, top))
	b.ResetTimer()
	var d *ImageDiff
	for range b.N {
		d = Compare(a, img)
	}
	b.ReportMetric(float64(d.Changes()), "changes")
}
