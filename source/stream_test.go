package source

import (
	"bytes"
	"context"
	"io"
	"testing"
)

// A Stream (an archive produced again from its start, as the demo image
// is) gives every file's bytes back, earlier copies too, from the bytes
// it produces again: nothing kept.
func TestStreamReadsFilesAgain(t *testing.T) {
	im, want := contentsImage(t)
	archive := legacyArchive(t, im)
	opens := 0
	src := &Stream{Name: "stream", Ref: "contents:latest", Open: func() (io.Reader, error) {
		opens++
		return bytes.NewReader(archive), nil
	}}
	img, err := Analyze(context.Background(), src, nil)
	if err != nil {
		t.Fatal(err)
	}
	files := NewFiles(nil)
	files.SetSource(src)
	checkContents(t, img, files, want)
	if opens != len(want)+2 {
		t.Errorf("the stream was opened %d times, want once for the load and once a file read (%d)", opens, len(want)+2)
	}
}
