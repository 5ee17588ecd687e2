// Package genimage generates the benchmark images: file bytes that follow
// from a seed, procedural trees of small files, and the million-entry
// image's plan. bench/mkarchive writes them as archives; tests and
// benchmarks build the same image's model in memory (Plan.Image), without
// an archive to read.
package genimage

// File bytes: text cut from a pool of word-like lines, or a noise stream;
// both follow from the seed and a content id alone.

import (
	"archive/tar"
	"encoding/binary"
	"io"
	"math/rand/v2"
	"path"
	"strings"
	"time"
)

// Epoch is the modification time of every generated member.
var Epoch = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

// File is one member of a generated layer's tar. Two files with the same
// content id and size hold the same bytes (text files start with their
// name).
type File struct {
	Name    string
	Type    byte // a tar type flag
	Mode    int64
	Size    int64
	Content uint64
	Text    bool // compressible, like source and docs; else incompressible
	Link    string
}

// DirFile is a directory member.
func DirFile(name string, mode int64) File {
	return File{Name: name + "/", Type: tar.TypeDir, Mode: mode}
}

// WhiteoutFile is the whiteout member that deletes p.
func WhiteoutFile(p string) File {
	return File{Name: path.Join(path.Dir(p), ".wh."+path.Base(p)), Type: tar.TypeReg, Mode: 0o644}
}

// Gen produces file bytes.
type Gen struct {
	seed  uint64
	words []string // word-like strings; generated names are made of them
	text  []byte   // a pool of word-like text that files are cut from
	buf   []byte
}

// NewGen is the generator of seed: every name and byte it makes follows
// from it.
func NewGen(seed uint64) *Gen {
	rng := rand.New(rand.NewPCG(seed, 0x74657874))
	const letters = "etaoinshrdlucmfwypvbgkqjxz_"
	words := make([]string, 600)
	for i := range words {
		w := make([]byte, 2+rng.IntN(9))
		for j := range w {
			// Skewed towards the front of letters, like real text.
			w[j] = letters[min(rng.IntN(len(letters)), rng.IntN(len(letters)))]
		}
		words[i] = string(w)
	}
	var pool strings.Builder
	for pool.Len() < 4<<20 {
		pool.WriteString(strings.Repeat("\t", rng.IntN(3)))
		for n := 3 + rng.IntN(9); n > 0; n-- {
			pool.WriteString(words[int(rng.ExpFloat64()*60)%len(words)])
			pool.WriteByte(' ')
		}
		pool.WriteByte('\n')
	}
	return &Gen{seed: seed, words: words, text: []byte(pool.String()), buf: make([]byte, 1<<20)}
}

// textHead is the line a text file starts with, cut to its size, and
// where in the pool the rest of its bytes start.
func (g *Gen) textHead(f File) (head string, off int64) {
	head = "# " + f.Name + "\n"
	head = head[:min(int64(len(head)), f.Size)]
	return head, int64(f.Content * 2654435761 % uint64(len(g.text)))
}

// Contents writes f's bytes: text is cut from the pool at a place its
// content id picks, after a line naming the file; noise is a ChaCha8 stream
// keyed by the seed and the content id.
func (g *Gen) Contents(w io.Writer, f File) error {
	if f.Type != tar.TypeReg || f.Size == 0 {
		return nil
	}
	if f.Text {
		head, off := g.textHead(f)
		if _, err := io.WriteString(w, head); err != nil {
			return err
		}
		for left := f.Size - int64(len(head)); left > 0; {
			n := min(left, int64(len(g.text))-off)
			if _, err := w.Write(g.text[off : off+n]); err != nil {
				return err
			}
			left -= n
			off = 0
		}
		return nil
	}
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:], g.seed)
	binary.LittleEndian.PutUint64(key[8:], f.Content)
	copy(key[16:], "lx bench noise")
	rng := rand.NewChaCha8(key)
	for left := f.Size; left > 0; {
		b := g.buf[:min(left, int64(len(g.buf)))]
		rng.Read(b)
		if _, err := w.Write(b); err != nil {
			return err
		}
		left -= int64(len(b))
	}
	return nil
}
