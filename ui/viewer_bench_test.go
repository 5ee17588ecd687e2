package ui

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/cespare/xxhash/v2"

	"lx.dev/lx/internal/testarchive"
	"lx.dev/lx/model"
	"lx.dev/lx/source"
)

// The viewer's budgets: a kept text file opens (Enter to the first screen
// drawn) within 16 ms, the 256 KiB at most a file may be when kept; a
// 100 MB file of an uncompressed archive opens in place, through the
// seek, within a second.

// textOf is n bytes of numbered lines.
func textOf(n int) []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "line %d: the quick brown fox jumps over the lazy dog\n", i)
	}
	return b.Bytes()[:n]
}

func BenchmarkViewerOpenKept(b *testing.B) {
	body := textOf(source.KeepMaxFile)
	ref := model.FileRef{Layer: 0, Path: "etc/big.conf"}
	fc := &fakeContents{files: map[model.FileRef][]byte{ref: body}, kept: map[model.FileRef]bool{ref: true}}
	img := buildImage(b, "kept", []model.Entry{dirEntry("etc"), {Path: "etc/big.conf", Kind: model.KindRegular, Mode: 0o644, Size: int64(len(body)), Digest: xxhash.Sum64(body)}})
	openEach(b, img, fc, "etc/big.conf", func(v *viewer) bool { return !v.loading && len(v.rows) > 0 })
}

// openEach times opening path in the viewer (Enter, its read, the first
// screen drawn), then closing it; ok checks what it shows.
func openEach(b *testing.B, img *model.Image, contents Contents, path string, ok func(*viewer) bool) {
	a := newTestApp(b, true, 160, 45)
	a.c.Contents = contents
	loaded(b, a, img)
	showPath(b, a, path, 0)
	b.ReportAllocs()
	for b.Loop() {
		send(a, press("enter"))
		_ = a.View()
		if v := topViewer(a); v == nil || v.err != nil || !ok(v) {
			b.Fatalf("the viewer did not open %s", path)
		}
		send(a, press("esc"))
	}
}

func BenchmarkViewerOpen100MBInPlace(b *testing.B) {
	const n = 100 << 20
	body := textOf(n)
	layer := testarchive.Layer(b, testarchive.Dir("var/", 0o755), testarchive.Dir("var/log/", 0o755), testarchive.File("var/log/app.log", 0o644, string(body)))
	path := testarchive.WriteFile(b, "big.tar", testarchive.Legacy(b, testarchive.Image{Tag: "big:latest", Layers: []testarchive.Blob{layer}}))
	src, err := source.Open(path, source.Options{})
	if err != nil {
		b.Fatal(err)
	}
	img, err := source.Analyze(context.Background(), src, nil)
	if err != nil {
		b.Fatal(err)
	}
	files := source.NewFiles(nil)
	files.SetSource(src)
	openEach(b, img, files, "var/log/app.log", func(v *viewer) bool {
		return v.doc.lines() > n/64 && strings.HasPrefix(strings.TrimSpace(rowsOf(v)[0]), "1 line 0:")
	})
}
