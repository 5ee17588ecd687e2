package report

import (
	"bytes"
	"encoding/json"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"lx.dev/lx/internal/fixture"
	"lx.dev/lx/model"
)

// compared is the comparison of two fixture images, made by the model.
func compared(t *testing.T, a, b func() (*model.Image, error)) *model.ImageDiff {
	t.Helper()
	ia, err := a()
	if err != nil {
		t.Fatal(err)
	}
	ib, err := b()
	if err != nil {
		t.Fatal(err)
	}
	return model.Compare(ia, ib)
}

func TestDiffBaseToSeed(t *testing.T) {
	d := BuildDiff(compared(t, fixture.SeedBase, fixture.Seed))
	var buf bytes.Buffer
	if err := JSON.EncodeDiff(&buf, d); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		SharedLayers []struct {
			A, B   int
			Prefix bool
		} `json:"sharedLayers"`
		Changes []struct {
			Path, Marker, Type string
			SizeA, SizeB       int64
		} `json:"changes"`
		TotalDelta, WastedDelta, FinalDelta int64
		LayerDelta                          int
		A, B                                struct {
			Layers []struct {
				OtherIndex *int `json:"otherIndex"`
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.SharedLayers) != 1 || !doc.SharedLayers[0].Prefix || doc.SharedLayers[0].A != 0 || doc.SharedLayers[0].B != 0 {
		t.Errorf("shared layers %+v, want the base layer 0 = 0", doc.SharedLayers)
	}
	var got []string
	for _, c := range doc.Changes {
		got = append(got, c.Marker+" "+c.Path+" "+c.Type)
	}
	if want := "A /data dir|A /data/two file"; strings.Join(got, "|") != want {
		t.Errorf("changes %q, want %q", got, want)
	}
	if c := doc.Changes[1]; c.SizeA != 0 || c.SizeB != mib {
		t.Errorf("/data/two sizes %d → %d, want 0 → 1 MiB", c.SizeA, c.SizeB)
	}
	// The seed ships 4 MiB more than its base, 3 MiB of it waste, and
	// shows 1 MiB more: /data/two.
	if doc.TotalDelta != 4*mib || doc.WastedDelta != 3*mib || doc.FinalDelta != mib || doc.LayerDelta != 6 {
		t.Errorf("deltas total %d wasted %d final %d layers %d", doc.TotalDelta, doc.WastedDelta, doc.FinalDelta, doc.LayerDelta)
	}
	if s := doc.B.Layers[0].OtherIndex; s == nil || *s != 0 || doc.B.Layers[1].OtherIndex != nil {
		t.Errorf("B's layers: otherIndex %v, %v", doc.B.Layers[0].OtherIndex, doc.B.Layers[1].OtherIndex)
	}
}

func TestDiffRebuiltChanges(t *testing.T) {
	d := BuildDiff(compared(t, fixture.Seed, fixture.SeedRebuilt))
	var got []string
	for _, c := range d.Changes {
		got = append(got, strings.TrimSpace(c.Marker+" "+c.Path+" "+c.Detail))
	}
	want := []string{
		"A /app", "A /app/main", "C /data mode 0777→0755", "A /data/one",
		"C /data/two content, mode 0777→0644", "C /etc/passwd content", "C /usr/sbin link ../bin→/app/main", "D /var",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if d.CommonPrefix != 2 || len(d.SharedLayers) != 3 || d.SharedLayers[2].Prefix || d.SharedLayers[2].A != 2 || d.SharedLayers[2].B != 3 {
		t.Errorf("prefix %d, shared %+v", d.CommonPrefix, d.SharedLayers)
	}
	if v := d.Changes[len(d.Changes)-1]; v.Entries != 1 || v.Type != "dir" {
		t.Errorf("/var: %+v, want a dir with 1 path below", v)
	}
	if !equalStrings(d.Changes[4].Changed, []string{"content", "mode"}) {
		t.Errorf("/data/two changed %q", d.Changes[4].Changed)
	}
}

func equalStrings(a, b []string) bool { return strings.Join(a, "\x00") == strings.Join(b, "\x00") }

// go test ./model/report -update rewrites testdata/*.golden.
func TestDiffMarkdownGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := Markdown.EncodeDiff(&buf, BuildDiff(compared(t, fixture.Seed, fixture.SeedRebuilt))); err != nil {
		t.Fatal(err)
	}
	golden.RequireEqual(t, buf.Bytes())
}

func TestDiffIdenticalSaysSo(t *testing.T) {
	d := BuildDiff(compared(t, fixture.Seed, fixture.Seed))
	if len(d.Changes) != 0 || d.TotalDelta != 0 || d.CommonPrefix != 7 {
		t.Fatalf("an image against itself: %d changes, prefix %d", len(d.Changes), d.CommonPrefix)
	}
	var md, page bytes.Buffer
	if err := Markdown.EncodeDiff(&md, d); err != nil {
		t.Fatal(err)
	}
	if err := HTML.EncodeDiff(&page, d); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{md.String(), page.String()} {
		if !strings.Contains(s, "None: the final filesystems hold the same paths") || !strings.Contains(s, "shares 7 layers, the bottom 7 in order") {
			t.Errorf("the report does not say the images are the same:\n%s", s)
		}
	}
}

func TestDiffHTML(t *testing.T) {
	var buf bytes.Buffer
	if err := HTML.EncodeDiff(&buf, BuildDiff(compared(t, fixture.Seed, fixture.SeedRebuilt))); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	text := html.UnescapeString(page)
	for _, want := range []string{
		"<title>lx diff: lx-fixture/seed:latest → lx-fixture/seed:v2</title>",
		`<td class="marker D">D</td><td class="mono">/var</td>`,
		"content, mode 0777→0644",
		"and the 1 path below it",
		`id="changes-filter"`,
		"prefers-color-scheme: dark",
		"(not at the bottom of both)",
		"−2.0 MiB", // wasted, B − A
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the HTML comparison lacks %q", want)
		}
	}
	for _, re := range []string{`(?i)https?:`, `(?i)\b(src|href)\s*=`, `(?i)@import`, `(?i)url\(`} {
		if m := regexp.MustCompile(re).FindString(page); m != "" {
			t.Errorf("the page refers outside itself: %q matches %s", m, re)
		}
	}
}

func TestSigned(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 512: "+512 B", -mib: "−1.0 MiB", 3 * mib: "+3.0 MiB"} {
		if got := Signed(n); got != want {
			t.Errorf("Signed(%d) = %q, want %q", n, got, want)
		}
	}
	if SignedCount(-2) != "−2" || SignedCount(6) != "+6" || SignedCount(0) != "0" {
		t.Error("SignedCount")
	}
}

// A side's base, when its store names one, is in the comparison as lx
// report says it.
func TestDiffNamesTheBases(t *testing.T) {
	base, err := fixture.SeedBase()
	if err != nil {
		t.Fatal(err)
	}
	seed, err := fixture.Seed()
	if err != nil {
		t.Fatal(err)
	}
	seed.Config.Relations.Base = &model.BaseImage{Ref: "busybox:latest", ID: base.Config.ID, Layers: 1}
	d := BuildDiff(model.Compare(base, seed))
	if d.A.Base != nil || d.B.Base == nil || *d.B.Base != *Build(seed, Options{}).Image.Base {
		t.Fatalf("bases %+v, %+v", d.A.Base, d.B.Base)
	}
	var md bytes.Buffer
	if err := Markdown.EncodeDiff(&md, d); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "| base | — | busybox:latest (1 layer, 1007.4 KiB) | |") {
		t.Errorf("the Markdown does not name B's base:\n%s", md.String())
	}
}
