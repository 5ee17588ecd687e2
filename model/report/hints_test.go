package report

import (
	"fmt"

	"lx.dev/lx/model"
	"strings"
	"testing"
	"time"
)

func TestHintsSeed(t *testing.T) {
	img := seedImage(t)
	r := Build(img, Options{})
	checkHintsPartition(t, img, r.Hints)
	var got []string
	for _, h := range r.Hints {
		got = append(got, h.Text+": "+h.Advice)
	}
	want := []string{
		"`RUN rm /data/one` deletes `/data/one`, whose bytes every pull still ships twice " +
			"(from `RUN dd if=/dev/zero bs=1024 count=1024 of=/data/one` and `RUN chmod -R 0777 /data`, 2.0 MiB in all: 1.0 MiB removed, 1.0 MiB recopied): " +
			"create and delete it in the same `RUN`, or build it in an earlier stage of a multi-stage build and copy only what is kept",
		"`RUN chmod -R 0777 /data` recopied `/data/two` (1.0 MiB) made by `RUN dd if=/dev/zero bs=1024 count=1024 of=/data/two`: " +
			"set the mode in the step that creates the file, or use `COPY --chmod`",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("hints:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if h := r.Hints[0]; h.Bytes != 2*mib || h.Copies != 2 || h.Files != 1 || h.KilledBy != 6 || len(h.MadeBy) != 2 {
		t.Errorf("removal hint figures: %+v", h)
	}
}

// imageOf builds an image through the model, one layer per entry list,
// layer i made by the command "step i".
func imageOf(t *testing.T, layers ...[]model.Entry) *model.Image {
	t.Helper()
	cfg := model.Config{}
	for i := range layers {
		cfg.DiffIDs = append(cfg.DiffIDs, fmt.Sprintf("sha256:%064d", i))
		cfg.History = append(cfg.History, model.History{CreatedBy: fmt.Sprintf("/bin/sh -c step %d", i)})
	}
	return buildImage(t, cfg, layers)
}

func hintsOf(img *model.Image) []Hint { return Build(img, Options{}).Hints }

// file is a regular file of n bytes whose content is named by seed.
func file(p string, n int64, seed uint64) model.Entry {
	return model.Entry{Path: p, Kind: model.KindRegular, Mode: 0o644, Size: n, Digest: seed}
}

func owned(e model.Entry, uid, gid uint32) model.Entry { e.UID, e.GID = uid, gid; return e }
func gone(p string) model.Entry                        { return model.Entry{Path: p, Kind: model.KindWhiteout} }

func TestHintsGroupAndSplit(t *testing.T) {
	hs := hintsOf(imageOf(t,
		[]model.Entry{file("z", 1, 99)},
		[]model.Entry{file("a", 300, 1), file("b", 200, 2), file("c", 100, 3), file("e", 40, 5)},
		[]model.Entry{owned(file("a", 300, 1), 33, 33), owned(file("b", 200, 2), 33, 33), file("c", 100, 3), file("d", 50, 4)},
		[]model.Entry{gone("e")},
		[]model.Entry{file("e", 40, 5)},
		[]model.Entry{file("d", 50, 6)},
	))
	var got []string
	for _, h := range hs {
		got = append(got, h.Text+": "+h.Advice)
	}
	want := []string{
		"`RUN step 2` recopied 2 files (`/a`, `/b`; 500 B) made by `RUN step 1`: set the owner in the step that creates the file, or use `COPY --chown`",
		"`RUN step 2` rewrote `/c` (100 B) made by `RUN step 1` with the same bytes and metadata: do not touch, reinstall or copy again what an earlier step already wrote (timestamps alone cost a whole copy)",
		"`RUN step 5` overwrote `/d` (50 B) made by `RUN step 2`: write the final version once: move the step that makes it after the steps it depends on, or build it in an earlier stage and copy only the result",
		"`RUN step 3` deletes `/e`, whose bytes every pull still ships once (from `RUN step 1`, 40 B in all); the same bytes come back later, so they ship once more: keep the file instead of deleting and re-adding it, or do both in one step",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("hints:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestHintsManyFilesNamesTheBiggest(t *testing.T) {
	var made, rm []model.Entry
	for i := range 5 {
		p := "tmp/" + string(rune('a'+i))
		made = append(made, file(p, int64(100-i), uint64(i)))
		rm = append(rm, gone(p))
	}
	hs := hintsOf(imageOf(t, []model.Entry{file("z", 1, 99)}, made, rm))
	if len(hs) != 1 {
		t.Fatalf("%d hints, want 1: %+v", len(hs), hs)
	}
	want := "`RUN step 2` deletes 5 files (`/tmp/a`, `/tmp/b`, `/tmp/c`, …), whose bytes every pull still ships again (from `RUN step 1`, 490 B in all)"
	if hs[0].Text != want || hs[0].Files != 5 || hs[0].Copies != 5 {
		t.Errorf("got %q (%d files, %d copies)\nwant %q", hs[0].Text, hs[0].Files, hs[0].Copies, want)
	}
}

func TestInstruction(t *testing.T) {
	for in, want := range map[string]string{
		"/bin/sh -c rm /data/one":                   "RUN rm /data/one",
		"/bin/sh -c #(nop) COPY file:abc in /app ":  "COPY file:abc in /app",
		"/bin/sh -c #(nop)  CMD [\"sh\"]":           "CMD [\"sh\"]",
		"RUN /bin/sh -c apt-get update # buildkit":  "RUN apt-get update",
		"RUN |2 A=1 B=2 /bin/sh -c make # buildkit": "RUN make",
		"COPY . /src # buildkit":                    "COPY . /src",
		"ADD file:2a4c44bdcb743a52f in / ":          "ADD file:2a4c44bdcb743a52f in /",
		"":                                          "",
		"make install":                              "RUN make install",
	} {
		if got := Instruction(in); got != want {
			t.Errorf("Instruction(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHintsSomeCameBack(t *testing.T) {
	hs := hintsOf(imageOf(t,
		[]model.Entry{file("z", 1, 99)},
		[]model.Entry{file("x", 20, 1), file("y", 10, 2)},
		[]model.Entry{gone("x"), gone("y")},
		[]model.Entry{file("x", 20, 1)},
	))
	want := "`RUN step 2` deletes 2 files (`/x`, `/y`), whose bytes every pull still ships again (from `RUN step 1`, 30 B in all); 1 of them come back later with the same bytes, so those ship once more"
	if len(hs) != 1 || hs[0].Text != want || hs[0].CameBack != 1 {
		t.Errorf("got %+v\nwant text %q", hs, want)
	}
}

// Pipes inside a hint stay pipes: hints are not table cells.
func TestHintsKeepPipes(t *testing.T) {
	img := imageOf(t, []model.Entry{file("z", 1, 99)}, []model.Entry{file("p", 5, 1)}, []model.Entry{gone("p")})
	hs := hints(img, []LayerReport{{}, {Command: "/bin/sh -c yes | head -c 5 > /p"}, {Command: "/bin/sh -c rm /p"}}, nil)
	if len(hs) != 1 || !strings.Contains(hs[0].Text, "`RUN yes | head -c 5 > /p`") {
		t.Errorf("got %+v", hs)
	}
}

// A recopy by a COPY of the same file: the advice is to copy it once.
func TestHintsRecopyByCopy(t *testing.T) {
	img := imageOf(t, []model.Entry{file("z", 1, 99)}, []model.Entry{file("etc/app.conf", 150, 1)}, []model.Entry{owned(file("etc/app.conf", 150, 1), 33, 33)})
	hs := hints(img, []LayerReport{{}, {Command: "/bin/sh -c #(nop) COPY file:abc in /etc/app.conf "},
		{Command: "/bin/sh -c #(nop) COPY --chown=33:33file:abc in /etc/app.conf "}}, nil)
	if len(hs) != 1 || !strings.HasPrefix(hs[0].Advice, "copy the file once, in its final form") {
		t.Errorf("got %+v", hs)
	}
}

// A layer that holds the same path twice (tar --append writes such tars)
// kills its own first copy. Building the hints must end, and tell it; the
// hints hold every wasted byte exactly once.
func TestHintsSameFileTwiceInOneLayer(t *testing.T) {
	for _, tc := range []struct {
		name   string
		layers [][]model.Entry
		cause  string
	}{
		{"different bytes", [][]model.Entry{{file("f", 3, 1), file("f", 3, 2)}}, "overwritten"},
		{"same bytes", [][]model.Entry{{file("f", 3, 1), file("f", 3, 1)}}, "recopied"},
		{"three copies, last removed", [][]model.Entry{{file("z", 1, 9)}, {file("f", 3, 1), file("f", 3, 2), file("f", 3, 2)}, {gone("f")}}, "removed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img := imageOf(t, tc.layers...)
			done := make(chan []Hint, 1)
			go func() { done <- hintsOf(img) }()
			select {
			case hs := <-done:
				checkHintsPartition(t, img, hs)
				if len(hs) != 1 || hs[0].Cause != tc.cause {
					t.Errorf("hints %+v: want one %s hint", hs, tc.cause)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("building the hints does not end")
			}
		})
	}
}

// checkHintsPartition: the hints add up to the wasted total, by cause too,
// and count every wasted copy once.
func checkHintsPartition(t *testing.T, img *model.Image, hs []Hint) {
	t.Helper()
	var total int64
	copies := 0
	byCause := map[string]int64{}
	for _, h := range hs {
		var sum int64
		for c, b := range h.BytesByCause {
			byCause[c] += b
			sum += b
		}
		if sum != h.Bytes {
			t.Errorf("hint %q: bytes by cause %v add up to %d, not %d", h.Text, h.BytesByCause, sum, h.Bytes)
		}
		total += h.Bytes
		copies += h.Copies
	}
	if total != img.WastedBytes || copies != len(img.Waste) {
		t.Errorf("hints hold %d bytes in %d copies; the image wastes %d in %d", total, copies, img.WastedBytes, len(img.Waste))
	}
	for _, c := range model.Causes {
		if byCause[c.String()] != img.WasteBy[c] {
			t.Errorf("hints hold %d bytes %s, the image %d", byCause[c.String()], c, img.WasteBy[c])
		}
	}
}

// One path rewritten by a run of steps is one hint, not one per step; the
// paths rewritten by the same steps share it.
func TestHintsPathRewrittenByManySteps(t *testing.T) {
	layers := [][]model.Entry{{file("z", 1, 99)}}
	for i := range 99 {
		layers = append(layers, []model.Entry{file("var/log.txt", int64(1000+i), uint64(i)), file("var/other.log", int64(1000+i), uint64(1000+i))})
	}
	img := imageOf(t, layers...)
	hs := hintsOf(img)
	checkHintsPartition(t, img, hs)
	if len(hs) != 1 {
		t.Fatalf("%d hints, want one for the two logs: %+v", len(hs), hs)
	}
	h := hs[0]
	want := "2 files (`/var/log.txt`, `/var/other.log`) are each rewritten by 98 steps (`RUN step 2`, `RUN step 3`, … and `RUN step 99`), so every pull ships 196 copies the image no longer shows (200.7 KiB)"
	if h.Text != want || h.Files != 2 || h.Copies != 196 || len(h.RewrittenBy) != 98 || h.Cause != "overwritten" {
		t.Errorf("got %q (%d files, %d copies, rewritten by %v)\nwant %q", h.Text, h.Files, h.Copies, h.RewrittenBy, want)
	}
}
