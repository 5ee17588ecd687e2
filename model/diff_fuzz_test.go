package model_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"lx.dev/lx/model"
)

// FuzzCompare compares two images of arbitrary layers (the input split in
// two at its first byte) and holds the comparison to a naive reference
// written from the definitions: both final filesystems as maps of paths.
func FuzzCompare(f *testing.F) {
	f.Add([]byte{6, 1, 0, 0, 1, 1, 5, 0, 1, 0, 0, 1, 1, 9})
	f.Add([]byte{3, 2, 4, 0, 1, 13, 9, 2, 4, 0, 1, 1, 2})
	f.Add([]byte{9, 2, 1, 0, 1, 4, 3, 3, 7, 1, 2, 13, 4, 1, 4, 0, 12, 8, 1, 1, 7})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		cut := min(int(data[0])*3%max(len(data), 1), len(data)-1) + 1
		a, b := cutImage(t, decodeLayers(data[1:cut])), cutImage(t, decodeLayers(data[cut:]))
		checkCompare(t, a, b)
		checkCompare(t, b, a)
	})
}

// TestCompareAgainstReference runs the reference check over the fixed
// seeds and every pair of a few synthetic images.
func TestCompareAgainstReference(t *testing.T) {
	inputs := [][]byte{
		{1, 1, 0, 1, 4, 3, 2, 13, 1},
		{1, 4, 0, 1, 7, 2, 3, 1, 9, 0, 8, 4, 0, 1, 4, 5},
		{2, 4, 0, 4, 1, 1, 1, 13, 5, 1, 40, 2},
		{41, 4, 0, 41, 1, 1, 11, 13, 5, 3, 7, 12},
		{2, 4, 9, 1, 1, 1, 2, 1, 4, 1, 13, 4},
	}
	for i, x := range inputs {
		for j, y := range inputs {
			t.Run(fmt.Sprint(i, j), func(t *testing.T) {
				checkCompare(t, cutImage(t, decodeLayers(x)), cutImage(t, decodeLayers(y)))
			})
		}
	}
}

// finalFS is an image's final filesystem: every path with its state.
func finalFS(img *model.Image) map[string]model.FileInfo {
	k := img.Applied() - 1
	out := map[string]model.FileInfo{}
	var walk func(model.NodeID)
	walk = func(dir model.NodeID) {
		for _, c := range img.Children(dir, k) {
			fi, _ := img.Stat(c, k)
			out[img.Path(c)] = fi
			if fi.Kind == model.KindDir {
				walk(c)
			}
		}
	}
	walk(model.Root)
	return out
}

func parentOf(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return ""
}

func isDir(fs map[string]model.FileInfo, p string) bool {
	return p == "" || fs[p].Kind == model.KindDir
}

// refSize is the bytes path p shows in fs: a file's, or a directory's
// files below it, each inode once.
func refSize(fs map[string]model.FileInfo, p string) (int64, int) {
	fi, ok := fs[p]
	if p != "" && !ok {
		return 0, 0
	}
	if p != "" && fi.Kind != model.KindDir {
		return fi.Size, 0
	}
	var n int64
	entries := 0
	seen := map[int64]bool{}
	for q, f := range fs {
		if p != "" && !strings.HasPrefix(q, p+"/") {
			continue
		}
		entries++
		if f.Inode != 0 && !seen[f.Inode] {
			seen[f.Inode] = true
			n += f.Size
		}
	}
	return n, entries
}

func kindOf(k model.Kind) model.Kind {
	if k == model.KindHardlink {
		return model.KindRegular
	}
	return k
}

// refChange is what the definitions say differs between two states.
func refChange(a, b model.FileInfo) string {
	if kindOf(a.Kind) != kindOf(b.Kind) {
		return "kind"
	}
	var w []string
	if kindOf(a.Kind) == model.KindRegular && (a.Size != b.Size || a.Digest != b.Digest) {
		w = append(w, "content")
	}
	if a.Kind == model.KindSymlink && a.Link != b.Link {
		w = append(w, "link")
	}
	if (a.Kind == model.KindCharDev || a.Kind == model.KindBlockDev) && a.Dev != b.Dev {
		w = append(w, "dev")
	}
	if a.Mode != b.Mode {
		w = append(w, "mode")
	}
	if a.UID != b.UID || a.GID != b.GID {
		w = append(w, "owner")
	}
	if a.Xattrs != b.Xattrs {
		w = append(w, "xattrs")
	}
	return strings.Join(w, ",")
}

// refDiff is the reference's list of changes, "M path sizeA sizeB what
// entries", sorted in path order.
func refDiff(a, b map[string]model.FileInfo) map[string]string {
	out := map[string]string{}
	for p, fb := range b {
		sb, _ := refSize(b, p)
		fa, ok := a[p]
		switch {
		case !ok:
			out[p] = fmt.Sprintf("A %d %d  0", 0, sb)
		case refChange(fa, fb) != "":
			sa, entries := refSize(a, p)
			if fa.Kind != model.KindDir || fb.Kind == model.KindDir {
				entries = 0
			}
			out[p] = fmt.Sprintf("C %d %d %s %d", sa, sb, refChange(fa, fb), entries)
		}
	}
	for p := range a {
		if _, ok := b[p]; !ok && isDir(b, parentOf(p)) {
			if _, in := b[parentOf(p)]; parentOf(p) == "" || in {
				sa, entries := refSize(a, p)
				out[p] = fmt.Sprintf("D %d 0  %d", sa, entries)
			}
		}
	}
	return out
}

func checkCompare(t *testing.T, a, b *model.Image) {
	t.Helper()
	fa, fb := finalFS(a), finalFS(b)
	d := model.Compare(a, b)
	got := map[string]string{}
	var order []string
	for i, p := range d.Paths {
		path := d.Path(i)
		order = append(order, path)
		if p.Marker == model.Unchanged {
			if p.Below.Total() == 0 || !isDir(fa, path) || !isDir(fb, path) {
				t.Errorf("%s is listed without a change in or below it", path)
			}
			continue
		}
		what := ""
		if p.Marker == model.Changed {
			what = strings.Join(p.Change.Names(), ",")
		}
		got[path] = fmt.Sprintf("%s %d %d %s %d", p.Marker, p.SizeA, p.SizeB, what, p.Entries)
	}
	want := refDiff(fa, fb)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("the comparison differs from the reference:\n got %v\nwant %v", got, want)
	}
	for i := 1; i < len(order); i++ {
		if !model.PathLess(order[i-1], order[i]) {
			t.Fatalf("%q comes before %q: not in path order", order[i-1], order[i])
		}
	}
	if sa, _ := refSize(fa, ""); sa != d.BytesA {
		t.Errorf("A holds %d bytes, the reference %d", d.BytesA, sa)
	}
	if sb, _ := refSize(fb, ""); sb != d.BytesB {
		t.Errorf("B holds %d bytes, the reference %d", d.BytesB, sb)
	}
}
