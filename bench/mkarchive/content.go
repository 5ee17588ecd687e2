package main

// File bytes: text cut from a pool of word-like lines, or a noise stream;
// both follow from the seed and a content id alone.

import (
	"archive/tar"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
)

// file is one member of a generated layer. Two files with the same content
// id and size hold the same bytes.
type file struct {
	name    string
	typ     byte
	mode    int64
	size    int64
	content uint64
	text    bool // compressible, like source and docs; else incompressible
	link    string
}

// gen produces file bytes.
type gen struct {
	seed  uint64
	words []string // word-like strings; generated names are made of them
	text  []byte   // a pool of word-like text that files are cut from
	buf   []byte
}

func newGen(seed uint64) *gen {
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
	return &gen{seed: seed, words: words, text: []byte(pool.String()), buf: make([]byte, 1<<20)}
}

func (g *gen) layerTar(w io.Writer, fs []file) error {
	tw := tar.NewWriter(w)
	for _, f := range fs {
		hdr := &tar.Header{
			Name: f.name, Typeflag: f.typ, Mode: f.mode, Size: f.size, Linkname: f.link,
			ModTime: epoch, Uname: "root", Gname: "root", Format: tar.FormatUSTAR,
		}
		if f.typ != tar.TypeReg {
			hdr.Size = 0
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
		if err := g.contents(tw, f); err != nil {
			return err
		}
	}
	return tw.Close()
}

// contents writes f's bytes: text is cut from the pool at a place its
// content id picks, after a line naming the file; noise is a ChaCha8 stream
// keyed by the seed and the content id.
func (g *gen) contents(w io.Writer, f file) error {
	if f.typ != tar.TypeReg || f.size == 0 {
		return nil
	}
	if f.text {
		head := []byte("# " + f.name + "\n")
		head = head[:min(int64(len(head)), f.size)]
		if _, err := w.Write(head); err != nil {
			return err
		}
		left := f.size - int64(len(head))
		off := int64(f.content * 2654435761 % uint64(len(g.text)))
		for left > 0 {
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
	binary.LittleEndian.PutUint64(key[8:], f.content)
	copy(key[16:], "lx bench noise")
	rng := rand.NewChaCha8(key)
	for left := f.size; left > 0; {
		b := g.buf[:min(left, int64(len(g.buf)))]
		rng.Read(b)
		if _, err := w.Write(b); err != nil {
			return err
		}
		left -= int64(len(b))
	}
	return nil
}

func copyFile(w io.Writer, name string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}
