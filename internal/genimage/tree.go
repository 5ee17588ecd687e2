package genimage

// Procedural trees for the million-entry image: every file's name, size and
// bytes follow from its tree and index alone, so a later layer can recopy,
// overwrite or delete any part of a tree without a list of a million files.

import (
	"archive/tar"
	"math"
	"path"
	"strconv"
	"strings"
)

// Generated files are small: a few hundred bytes to a few KB.
const (
	minFile = 160
	maxFile = 16 << 10
)

// tree is files spread evenly over the leaves of a directory tree: fanout
// sub-directories per level, depth levels below root (0: a flat directory).
type tree struct {
	root   string
	id     uint64 // distinct per tree: names and contents derive from it
	fanout int
	depth  int
	join   string // a directory between levels, like node_modules
	files  int
	ext    string
	mean   float64 // mean file size above minFile
	noise  bool    // incompressible bytes instead of text
}

func (t *tree) leaves() int {
	n := 1
	for range t.depth {
		n *= t.fanout
	}
	return n
}

func (t *tree) perLeaf() int { return max(1, (t.files+t.leaves()-1)/t.leaves()) }

// span is how many leaves one directory at level holds.
func (t *tree) span(level int) int {
	n := 1
	for range t.depth - level {
		n *= t.fanout
	}
	return n
}

// dirAt is the path of the k-th directory at level (0 is the root).
func (t *tree) dirAt(g *Gen, level, k int) string {
	var b strings.Builder
	b.WriteString(t.root)
	for j := range level {
		idx := k / t.spanBetween(j+1, level)
		if j > 0 && t.join != "" {
			b.WriteString("/" + t.join)
		}
		b.WriteString("/" + g.word(t.id, uint64(j), uint64(idx)) + strconv.Itoa(idx%t.fanout))
	}
	return b.String()
}

// spanBetween is how many directories at level `to` one directory at level
// `from` holds.
func (t *tree) spanBetween(from, to int) int {
	n := 1
	for range to - from {
		n *= t.fanout
	}
	return n
}

// filesUnder is the index range of the files below the k-th directory at
// level.
func (t *tree) filesUnder(level, k int) (from, to int) {
	leaves := t.span(level)
	from = min(t.files, k*leaves*t.perLeaf())
	to = min(t.files, (k+1)*leaves*t.perLeaf())
	return from, to
}

// fileAt is the i-th file as the tree first writes it.
func (t *tree) fileAt(g *Gen, i int) File {
	leaf, j := i/t.perLeaf(), i%t.perLeaf()
	name := t.dirAt(g, t.depth, leaf) + "/" + g.word(t.id, 1<<20+uint64(leaf), uint64(j)) + "-" + strconv.Itoa(j) + t.ext
	return File{Name: name, Type: tar.TypeReg, Mode: 0o644, Content: t.id<<32 | uint64(i), Size: g.size(t.id, uint64(i), t.mean), Text: !t.noise}
}

// rewritten is file i with new bytes, as a later layer writes it.
func (t *tree) rewritten(g *Gen, i int, layer uint64) File {
	f := t.fileAt(g, i)
	f.Content |= layer << 56
	f.Size = g.size(t.id|layer<<56, uint64(i), t.mean)
	return f
}

// mix is splitmix64's finaliser: a cheap, well-spread hash of x.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

func (g *Gen) hash(a, b, c uint64) uint64 { return mix(g.seed ^ mix(a^mix(b^mix(c)))) }

func (g *Gen) word(a, b, c uint64) string { return g.words[g.hash(a, b, c)%uint64(len(g.words))] }

// size draws an exponential size of the given mean above minFile.
func (g *Gen) size(id, i uint64, mean float64) int64 {
	u := float64(g.hash(id, i, 0x5e)>>11+1) / (1 << 53)
	return min(minFile+int64(-math.Log(u)*mean), maxFile)
}

// layerWriter lists one generated layer's tar members with every directory
// once, before what it holds, as layer diffs list them, and hands each to
// emit. Without emit it only counts, so that a plan can be sized before it
// is written.
type layerWriter struct {
	emit    func(File) error
	dirs    map[string]bool
	dirMode int64 // of directories written because a child needs them
	entries int
	size    int64 // the tar's size, but for PAX records of long names
}

func newLayerWriter(emit func(File) error) *layerWriter {
	return &layerWriter{emit: emit, dirs: map[string]bool{}, dirMode: 0o755, size: 1024}
}

func (w *layerWriter) put(f File) error {
	name := strings.TrimSuffix(f.Name, "/")
	if f.Type == tar.TypeDir {
		if w.dirs[name] {
			return nil
		}
		w.dirs[name] = true
	}
	if d := path.Dir(name); d != "." && !w.dirs[d] {
		if err := w.dir(d, w.dirMode); err != nil {
			return err
		}
	}
	if f.Type != tar.TypeReg {
		f.Size = 0
	}
	w.entries++
	w.size += 512 + (f.Size+511)/512*512
	if w.emit == nil {
		return nil
	}
	return w.emit(f)
}

func (w *layerWriter) dir(p string, mode int64) error { return w.put(DirFile(p, mode)) }

func (w *layerWriter) whiteout(p string) error { return w.put(WhiteoutFile(p)) }

func (w *layerWriter) opaque(dir string) error {
	return w.put(File{Name: dir + "/.wh..wh..opq", Type: tar.TypeReg, Mode: 0o644})
}

func (w *layerWriter) hardlink(name, target string) error {
	return w.put(File{Name: name, Type: tar.TypeLink, Mode: 0o755, Link: target})
}

func (w *layerWriter) symlink(name, target string) error {
	return w.put(File{Name: name, Type: tar.TypeSymlink, Mode: 0o777, Link: target})
}

// each puts mk(i) for each i in [from, to) that keep accepts (nil keeps
// all).
func (w *layerWriter) each(from, to int, keep func(int) bool, mk func(int) File) error {
	for i := from; i < to; i++ {
		if keep != nil && !keep(i) {
			continue
		}
		if err := w.put(mk(i)); err != nil {
			return err
		}
	}
	return nil
}
