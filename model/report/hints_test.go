package report

import (
	"strings"
	"testing"
	"time"
)

func TestHintsSeed(t *testing.T) {
	r := Build(seedImage(t), Options{})
	var got []string
	for _, h := range r.Hints {
		got = append(got, h.Text+": "+h.Advice)
	}
	want := []string{
		"`RUN rm /data/one` deletes `/data/one`, whose bytes every pull still ships twice " +
			"(from `RUN dd if=/dev/zero bs=1024 count=1024 of=/data/one` and `RUN chmod -R 0777 /data`, 2.0 MiB in all): " +
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

// hintsOf builds hints from waste alone, with commands "step N".
func hintsOf(layers int, waste ...WasteReport) []Hint {
	r := Report{Waste: waste}
	for i := range layers {
		r.Layers = append(r.Layers, LayerReport{Index: i, Command: "/bin/sh -c step " + string(rune('0'+i))})
	}
	return hints(r)
}

func TestHintsGroupAndSplit(t *testing.T) {
	ret := 4
	hs := hintsOf(6,
		WasteReport{Path: "/a", Bytes: 300, Cause: "recopied", MadeBy: 1, KilledBy: 2, Changed: "owner 0:0→33:33"},
		WasteReport{Path: "/b", Bytes: 200, Cause: "recopied", MadeBy: 1, KilledBy: 2, Changed: "owner 0:0→33:33"},
		WasteReport{Path: "/c", Bytes: 100, Cause: "recopied", MadeBy: 1, KilledBy: 2, Changed: "nothing"},
		WasteReport{Path: "/d", Bytes: 50, Cause: "overwritten", MadeBy: 2, KilledBy: 5},
		WasteReport{Path: "/e", Bytes: 40, Cause: "removed", MadeBy: 1, KilledBy: 3, ReturnedIn: &ret},
	)
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
	var waste []WasteReport
	for i := range 5 {
		waste = append(waste, WasteReport{Path: "/tmp/" + string(rune('a'+i)), Bytes: int64(100 - i), Cause: "removed", MadeBy: 1, KilledBy: 2})
	}
	hs := hintsOf(3, waste...)
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
	ret := 3
	hs := hintsOf(4,
		WasteReport{Path: "/x", Bytes: 20, Cause: "removed", MadeBy: 1, KilledBy: 2, ReturnedIn: &ret},
		WasteReport{Path: "/y", Bytes: 10, Cause: "removed", MadeBy: 1, KilledBy: 2},
	)
	want := "`RUN step 2` deletes 2 files (`/x`, `/y`), whose bytes every pull still ships again (from `RUN step 1`, 30 B in all); 1 of them come back later with the same bytes, so those ship once more"
	if len(hs) != 1 || hs[0].Text != want || hs[0].CameBack != 1 {
		t.Errorf("got %+v\nwant text %q", hs, want)
	}
}

// Pipes inside a hint stay pipes: hints are not table cells.
func TestHintsKeepPipes(t *testing.T) {
	r := Report{Layers: []LayerReport{{}, {Command: "/bin/sh -c yes | head -c 5 > /p"}, {Command: "/bin/sh -c rm /p"}},
		Waste: []WasteReport{{Path: "/p", Bytes: 5, Cause: "removed", MadeBy: 1, KilledBy: 2}}}
	hs := hints(r)
	if len(hs) != 1 || !strings.Contains(hs[0].Text, "`RUN yes | head -c 5 > /p`") {
		t.Errorf("got %+v", hs)
	}
}

// A recopy by a COPY of the same file: the advice is to copy it once.
func TestHintsRecopyByCopy(t *testing.T) {
	r := Report{Layers: []LayerReport{{}, {Command: "/bin/sh -c #(nop) COPY file:abc in /etc/app.conf "},
		{Command: "/bin/sh -c #(nop) COPY --chown=33:33file:abc in /etc/app.conf "}},
		Waste: []WasteReport{{Path: "/etc/app.conf", Bytes: 150, Cause: "recopied", MadeBy: 1, KilledBy: 2, Changed: "owner 0:0→33:33"}}}
	hs := hints(r)
	if len(hs) != 1 || !strings.HasPrefix(hs[0].Advice, "copy the file once, in its final form") {
		t.Errorf("got %+v", hs)
	}
}

// A layer that holds the same path twice (tar --append writes such tars)
// kills its own first copy. Building the hints must end, and tell it.
func TestHintsSameFileTwiceInOneLayer(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cause string
		waste []WasteReport
	}{
		{"different bytes", "overwritten", []WasteReport{{Path: "/f", Bytes: 3, Cause: "overwritten", MadeBy: 0, KilledBy: 0}}},
		{"same bytes", "recopied", []WasteReport{{Path: "/f", Bytes: 3, Cause: "recopied", MadeBy: 0, KilledBy: 0, Changed: "nothing"}}},
		{"three copies, last removed", "removed", []WasteReport{
			{Path: "/f", Bytes: 3, Cause: "overwritten", MadeBy: 1, KilledBy: 1},
			{Path: "/f", Bytes: 3, Cause: "recopied", MadeBy: 1, KilledBy: 1, Changed: "nothing"},
			{Path: "/f", Bytes: 3, Cause: "removed", MadeBy: 1, KilledBy: 2},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			done := make(chan []Hint, 1)
			go func() { done <- hintsOf(3, tc.waste...) }()
			select {
			case hs := <-done:
				var total int64
				for _, h := range hs {
					total += h.Bytes
				}
				var want int64
				for _, w := range tc.waste {
					want += w.Bytes
				}
				if len(hs) == 0 || hs[0].Cause != tc.cause || total != want {
					t.Errorf("hints %+v: want a %s hint, %d bytes in all", hs, tc.cause, want)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("building the hints does not end")
			}
		})
	}
}
