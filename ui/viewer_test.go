package ui

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/cespare/xxhash/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"lx.dev/lx/model"
)

// The contents image: the shape of testdata/dockerfiles/contents, its
// bytes held by a fake source.
const (
	passwd0 = "root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33:www-data:/var/www:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
	added   = "app:x:1000:1000:app:/home/app:/bin/sh"
	passwd2 = passwd0 + added + "\n"
	conf1   = "listen = 80\nworkers = 2\nlog = info\n"
	conf3   = "listen = 80\nworkers = 8\nlog = info\n"
)

// binaryBytes is n bytes that are no text.
func binaryBytes(n int) []byte {
	b := bytes.Repeat([]byte("lx-binary\n"), n/10+1)[:n]
	copy(b, "\x7fELF\x02\x01\x01\x00")
	return b
}

// fakeContents holds the bytes of each copy, by layer and path; kept ones
// come at once, the others through Read (counted), which gate, when set,
// holds until it is closed or the read is cancelled.
type fakeContents struct {
	files map[model.FileRef][]byte
	kept  map[model.FileRef]bool

	mu        sync.Mutex
	reads     int
	cancelled bool
	gate      chan struct{}
}

func (f *fakeContents) key(ref model.FileRef) model.FileRef {
	return model.FileRef{Layer: ref.Layer, Path: ref.Path}
}

func (f *fakeContents) Kept(ref model.FileRef) ([]byte, bool) {
	if !f.kept[f.key(ref)] {
		return nil, false
	}
	return f.files[f.key(ref)], true
}

func (f *fakeContents) Section(context.Context, model.FileRef) (io.ReaderAt, io.Closer, bool, error) {
	return nil, nil, false, nil
}

func (f *fakeContents) Read(ctx context.Context, ref model.FileRef, progress func(int64, int64), fn func(io.Reader) error) error {
	f.mu.Lock()
	f.reads++
	gate := f.gate
	f.mu.Unlock()
	if progress != nil {
		progress(1<<20, 8<<20)
	}
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			f.mu.Lock()
			f.cancelled = true
			f.mu.Unlock()
			return ctx.Err()
		}
	}
	return fn(bytes.NewReader(f.files[f.key(ref)]))
}

func (f *fakeContents) readsSoFar() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reads
}

// contentsImage builds the image and its fake contents: layer 1 writes
// a config, 2 appends to passwd, 3 edits the config, 4 writes a binary
// and a hardlink to it, 5 chmods the config (same bytes) and adds a
// symlink far above the root, 6 a symlink to a directory and a file with
// long lines.
func contentsImage(t testing.TB) (*model.Image, *fakeContents) {
	t.Helper()
	fc := &fakeContents{files: map[model.FileRef][]byte{}, kept: map[model.FileRef]bool{}}
	file := func(layer int, p string, mode uint32, body []byte, kept bool) model.Entry {
		fc.files[model.FileRef{Layer: layer, Path: p}] = body
		fc.kept[model.FileRef{Layer: layer, Path: p}] = kept
		return model.Entry{Path: p, Kind: model.KindRegular, Mode: mode, Size: int64(len(body)), Digest: xxhash.Sum64(body)}
	}
	long := strings.Repeat("0123456789", 12) + "END\n" + "short\n\tindented\n"
	img := buildImage(t, "contents",
		[]model.Entry{dirEntry("etc"), file(0, "etc/passwd", 0o644, []byte(passwd0), true), dirEntry("tmp"), file(0, "tmp/x", 0o644, []byte("inside the image\n"), true)},
		[]model.Entry{dirEntry("etc"), dirEntry("etc/app"), file(1, "etc/app/app.conf", 0o644, []byte(conf1), true)},
		[]model.Entry{dirEntry("etc"), file(2, "etc/passwd", 0o644, []byte(passwd2), true)},
		[]model.Entry{dirEntry("etc"), dirEntry("etc/app"), file(3, "etc/app/app.conf", 0o644, []byte(conf3), true)},
		[]model.Entry{dirEntry("opt"), dirEntry("opt/app"), file(4, "opt/app/app.bin", 0o755, binaryBytes(5<<20), false),
			{Path: "opt/app/app.alias", Kind: model.KindHardlink, Mode: 0o755, Link: "opt/app/app.bin"}},
		[]model.Entry{dirEntry("etc"), dirEntry("etc/app"), file(5, "etc/app/app.conf", 0o777, []byte(conf3), true),
			dirEntry("opt"), dirEntry("opt/app"), {Path: "opt/app/out", Kind: model.KindSymlink, Mode: 0o777, Link: "../../../../tmp/x"}},
		[]model.Entry{{Path: "etc/link", Kind: model.KindSymlink, Mode: 0o777, Link: "app"}, file(6, "long.txt", 0o644, []byte(long), false)},
	)
	return img, fc
}

// newContentsApp is an explorer of the contents image of w×h cells.
func newContentsApp(t testing.TB, dark bool, w, h int) (*App, *fakeContents) {
	t.Helper()
	img, fc := contentsImage(t)
	a := newTestApp(t, dark, w, h)
	a.c.Contents = fc
	a.c.ExportDir = t.TempDir()
	loaded(t, a, img)
	return a, fc
}

// showPath puts the tree on path p after layer k, as a jump does.
func showPath(t testing.TB, a *App, p string, k int) {
	t.Helper()
	n, ok := a.img.view().Lookup(p)
	if !ok {
		t.Fatalf("%s is not in the image", p)
	}
	send(a, JumpMsg{Node: n, Layer: k})
}

// topViewer is the viewer on top of the stack, or nil.
func topViewer(a *App) *viewer {
	if n := len(a.overlays); n > 0 {
		if v, ok := a.overlays[n-1].Overlay.(*viewer); ok {
			return v
		}
	}
	return nil
}

// rowsOf is the viewer's rows on screen, unstyled.
func rowsOf(v *viewer) []string {
	var out []string
	for _, r := range v.rows {
		out = append(out, strings.TrimRight(stripANSI(r), " "))
	}
	return out
}

// The check: Enter on /etc/passwd in the layer that appended to
// it shows the diff against the copy before, with exactly the added line.
func TestViewerDiffOfAppendedLine(t *testing.T) {
	a, _ := newContentsApp(t, true, 80, 24)
	showPath(t, a, "etc/passwd", 2)
	keys(a, "enter")
	v := topViewer(a)
	if v == nil || v.mode != modeDiff {
		t.Fatalf("Enter on a changed file: %v, want the viewer on its diff\n%s", v, screen(a))
	}
	var plus, minus []string
	for _, r := range v.diff {
		switch r.kind {
		case '+':
			plus = append(plus, r.text)
		case '-':
			minus = append(minus, r.text)
		}
	}
	if len(plus) != 1 || plus[0] != added || len(minus) != 0 {
		t.Errorf("the diff adds %q and removes %q; want only %q added", plus, minus, added)
	}
	s := screen(a)
	if !strings.Contains(s, "+"+added) || !strings.Contains(s, "+1 −0 lines") {
		t.Errorf("the screen does not show the added line with its +:\n%s", s)
	}
	// d: the whole file, numbered; d again: the diff.
	keys(a, "d")
	if v.mode != modeText || !strings.HasPrefix(rowsOf(v)[3], "4 "+added) {
		t.Errorf("d shows %q, want the whole file with line 4 the added one", rowsOf(v))
	}
	keys(a, "d")
	if v.mode != modeDiff {
		t.Errorf("d again: mode %v, want the diff", v.mode)
	}
}

// The sed layer's diff shows the changed line: one out, one in.
func TestViewerDiffOfEditedLine(t *testing.T) {
	a, _ := newContentsApp(t, true, 80, 24)
	showPath(t, a, "etc/app/app.conf", 3)
	keys(a, "enter")
	v := topViewer(a)
	var got []string
	for _, r := range v.diff {
		if r.kind == '+' || r.kind == '-' {
			got = append(got, string(r.kind)+r.text)
		}
	}
	if strings.Join(got, "|") != "-workers = 2|+workers = 8" {
		t.Errorf("the sed layer's diff: %q", got)
	}
}

// A recopy with identical bytes says what changed instead of an empty
// diff.
func TestViewerRecopySameBytes(t *testing.T) {
	a, _ := newContentsApp(t, true, 80, 24)
	showPath(t, a, "etc/app/app.conf", 5)
	keys(a, "enter")
	if s := screen(a); !strings.Contains(s, "content unchanged; mode 0644→0777") || !strings.Contains(s, "the same bytes") {
		t.Errorf("a chmod's recopy:\n%s", s)
	}
}

// A binary opens in hex (its first 64 KiB) through the on-demand read; a
// hardlink to it names its inode group.
func TestViewerBinaryOnDemand(t *testing.T) {
	a, fc := newContentsApp(t, true, 80, 24)
	showPath(t, a, "opt/app/app.alias", 4)
	keys(a, "enter")
	v := topViewer(a)
	if v.mode != modeHex || fc.readsSoFar() != 1 || len(v.doc.hex) != hexBytes {
		t.Fatalf("mode %v, %d reads, %d bytes in hex; want hex of 64 KiB read once", v.mode, fc.readsSoFar(), len(v.doc.hex))
	}
	s := screen(a)
	for _, want := range []string{"00000000 7f 45 4c 46 02 01 01 00", ".ELF", "A hardlink to /opt/app/app.bin", "Inode group of 2 paths: /opt/app/app.alias, /opt/app/app.bin", "of 4096"} {
		if !strings.Contains(s, want) {
			t.Errorf("%q is not on screen:\n%s", want, s)
		}
	}
}

// Search finds forward and back, round the end, and says when nothing
// matches; right scrolls sideways.
func TestViewerSearchAndScroll(t *testing.T) {
	a, _ := newContentsApp(t, true, 80, 24)
	showPath(t, a, "etc/passwd", 2)
	keys(a, "enter d /")
	typeText(a, "x:")
	keys(a, "enter")
	v := topViewer(a)
	if v.match != 0 {
		t.Fatalf("the first match is at %d, want line 1", v.match+1)
	}
	keys(a, "n n")
	if v.match != 2 {
		t.Errorf("n n: line %d, want 3", v.match+1)
	}
	keys(a, "N N N")
	if v.match != 3 || !strings.Contains(v.searchMsg, "round the end") {
		t.Errorf("N N N: line %d (%s), want 4, found round the end", v.match+1, v.searchMsg)
	}
	keys(a, "/")
	typeText(a, "nowhere")
	keys(a, "enter")
	if !strings.Contains(screen(a), `no match for "nowhere"`) {
		t.Errorf("a search with no match:\n%s", screen(a))
	}
	keys(a, "esc")
	showPath(t, a, "long.txt", 6)
	keys(a, "enter")
	v = topViewer(a)
	before := rowsOf(v)[0]
	keys(a, "right right right right right right right right right right right right right right")
	after := rowsOf(v)
	if !strings.Contains(after[0], "END") || strings.Contains(after[0], "0123456789012") || !strings.Contains(before, "1 0123456789") {
		t.Errorf("sideways: before %q, after %q", before, after[0])
	}
	if !strings.Contains(strings.Join(rowsOf(v), "\n"), "") {
		t.Error("no rows")
	}
}

// A symlink says where it leads inside the image; Enter follows it to a
// file (in the viewer) or a directory (in the tree).
func TestViewerSymlinks(t *testing.T) {
	a, _ := newContentsApp(t, true, 100, 30)
	showPath(t, a, "opt/app/out", 5)
	keys(a, "enter")
	s := screen(a)
	if !strings.Contains(s, "Symlink → ../../../../tmp/x") || !strings.Contains(s, "It leads to /tmp/x, a file of 17 B, inside the image") {
		t.Fatalf("the symlink's view:\n%s", s)
	}
	keys(a, "enter")
	v := topViewer(a)
	if v == nil || v.path != "/tmp/x" || rowsOf(v)[0] != "1 inside the image" {
		t.Fatalf("Enter did not follow to /tmp/x:\n%s", screen(a))
	}
	showPath(t, a, "etc/link", 6)
	keys(a, "enter enter")
	jumpedTo(t, a, "etc/app", 6)
}

// The read runs off the update loop: while it goes the viewer says so
// with its progress, the keys keep working, and Esc cancels it.
func TestViewerLoadingCancels(t *testing.T) {
	a, fc := newContentsApp(t, true, 80, 24)
	fc.gate = make(chan struct{})
	showPath(t, a, "long.txt", 6)
	_, cmd := a.Update(press("enter"))
	var wg sync.WaitGroup
	var msgs []tea.Msg
	wg.Add(1)
	go func() { defer wg.Done(); msgs = run(cmd) }()
	v := topViewer(a)
	if v == nil || !v.loading {
		t.Fatal("no viewer loading")
	}
	for fc.readsSoFar() == 0 {
		time.Sleep(time.Millisecond) // the read has begun: its progress is in
	}
	a.Update(v.spin.Tick()) // a tick takes the read's progress (its next tick not run)
	if s := screen(a); !strings.Contains(s, "reading /long.txt: 1.0 MiB of ~8.0 MiB") {
		t.Errorf("the loading viewer:\n%s", s)
	}
	keys(a, "down ?") // keys still work: help opens over it
	if len(a.overlays) != 2 {
		t.Errorf("%d overlays, want the help over the viewer", len(a.overlays))
	}
	keys(a, "esc esc")
	wg.Wait()
	send(a, msgs...)
	if len(a.overlays) != 0 || !fc.cancelled {
		t.Errorf("Esc: %d overlays, read cancelled %v", len(a.overlays), fc.cancelled)
	}
}

// x writes the file whole; over a file there it asks first; through a
// symlink leading above the root it writes the image's file under the
// link's name in the chosen directory, and nothing anywhere else.
func TestExtract(t *testing.T) {
	a, _ := newContentsApp(t, true, 80, 24)
	dir := a.c.ExportDir
	showPath(t, a, "etc/passwd", 2)
	keys(a, "x enter")
	if b, err := os.ReadFile(filepath.Join(dir, "passwd")); err != nil || string(b) != passwd2 {
		t.Fatalf("x wrote %q (%v)", b, err)
	}
	keys(a, "esc")
	showPath(t, a, "etc/passwd", 0)
	keys(a, "x enter")
	if !strings.Contains(screen(a), "passwd exists. Overwrite it? y/n") {
		t.Fatalf("x over a file that is there:\n%s", screen(a))
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "passwd")); string(b) != passwd2 {
		t.Fatal("the file was replaced before the yes")
	}
	keys(a, "y")
	if b, _ := os.ReadFile(filepath.Join(dir, "passwd")); string(b) != passwd0 {
		t.Fatalf("after y: %q", b)
	}
	keys(a, "esc")
	// A link that points four levels above the root.
	escape := filepath.Join(dir, "deep", "a", "b")
	if err := os.MkdirAll(escape, 0o755); err != nil {
		t.Fatal(err)
	}
	a.c.ExportDir = escape
	showPath(t, a, "opt/app/out", 5)
	keys(a, "x")
	if !strings.Contains(screen(a), "/opt/app/out → /tmp/x") {
		t.Fatalf("the extraction of a symlink:\n%s", screen(a))
	}
	keys(a, "enter")
	if b, err := os.ReadFile(filepath.Join(escape, "out")); err != nil || string(b) != "inside the image\n" {
		t.Errorf("through the link: %q (%v)", b, err)
	}
	var outside []string
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() && p != filepath.Join(escape, "out") && p != filepath.Join(dir, "passwd") {
			outside = append(outside, p)
		}
		return nil
	})
	if len(outside) > 0 {
		t.Errorf("files written elsewhere: %v", outside)
	}
}

// y copies the path, Y the content (a small text file), or in the layer
// list the step's command; the footer says what.
func TestClipboard(t *testing.T) {
	a, _ := newContentsApp(t, true, 80, 24)
	showPath(t, a, "etc/passwd", 2)
	clip := func(k string) []tea.Msg {
		_, cmd := a.Update(press(k))
		return run(cmd)
	}
	has := func(msgs []tea.Msg, text string) bool {
		for _, m := range msgs {
			if m == tea.SetClipboard(text)() {
				return true
			}
		}
		return false
	}
	if !has(clip("y"), "/etc/passwd") || !strings.Contains(screen(a), "copied /etc/passwd to the clipboard") {
		t.Errorf("y did not copy the path:\n%s", screen(a))
	}
	if msgs := clip("Y"); !has(msgs, passwd2) {
		t.Errorf("Y did not copy the content: %v", msgs)
	}
	showPath(t, a, "opt/app/app.bin", 4)
	clip("Y")
	if !strings.Contains(screen(a), "is 5.0 MiB: Y copies files up to 1.0 MiB") {
		t.Errorf("Y on a big file:\n%s", screen(a))
	}
	a.setFocus(paneLayers)
	if !has(clip("Y"), "RUN step 4") {
		t.Errorf("Y in the layer list did not copy the step's command:\n%s", screen(a))
	}
}

// The history diffs any two copies: the marked one against the cursor's.
func TestHistoryDiffsTwoCopies(t *testing.T) {
	a, _ := newContentsApp(t, true, 100, 30)
	showPath(t, a, "etc/app/app.conf", 5)
	keys(a, "H") // rows: 1 A, 3 C, 5 C; the cursor on 5
	keys(a, "up up space down d")
	v := topViewer(a)
	if v == nil || v.at.Layer != 3 || v.oldLayer != 1 || v.mode != modeDiff {
		t.Fatalf("d in the history: %+v\n%s", v, screen(a))
	}
	keys(a, "esc down d") // the last copy against the marked first: the older on the left
	if v := topViewer(a); v == nil || v.at.Layer != 5 || v.oldLayer != 1 || len(v.diff) == 0 {
		t.Errorf("d on the last copy, the first marked: %+v", v)
	}
	keys(a, "esc up up d") // the first copy, itself marked: nothing to diff against
	if topViewer(a) != nil || !strings.Contains(screen(a), "no other copy to diff against") {
		t.Errorf("d on the marked row:\n%s", screen(a))
	}
}

func TestGoldenViewer(t *testing.T) {
	cases := []struct {
		name string
		run  func(a *App)
	}{
		{"diff", func(a *App) { showPath(t, a, "etc/passwd", 2); keys(a, "enter") }},
		{"whole", func(a *App) {
			showPath(t, a, "etc/passwd", 2)
			keys(a, "enter d /")
			typeText(a, "www")
			keys(a, "enter")
		}},
		{"hex", func(a *App) { showPath(t, a, "opt/app/app.alias", 4); keys(a, "enter") }},
		{"symlink", func(a *App) { showPath(t, a, "opt/app/out", 5); keys(a, "enter") }},
		{"same", func(a *App) { showPath(t, a, "etc/app/app.conf", 5); keys(a, "enter") }},
		{"extract", func(a *App) { showPath(t, a, "etc/app/app.conf", 3); keys(a, "x") }},
	}
	for _, mode := range []string{"dark", "light"} {
		for _, sz := range [][2]int{{80, 24}, {160, 45}} {
			for _, c := range cases {
				t.Run(mode+"/"+c.name+"_"+itoa(sz[0])+"x"+itoa(sz[1]), func(t *testing.T) {
					a, _ := newContentsApp(t, mode == "dark", sz[0], sz[1])
					a.c.ExportDir = "."
					c.run(a)
					out := a.View().Content
					checkSize(t, out, sz[0], sz[1])
					golden.RequireEqual(t, out)
				})
			}
		}
	}
}

func stripANSI(s string) string { return ansi.Strip(s) }

func itoa(n int) string { return strconv.Itoa(n) }
