package report

import (
	"bytes"
	"encoding/json"
	"html"
	"reflect"
	"strings"
	"testing"

	"lx.dev/lx/model"
)

// pathsOf is the paths[] of the JSON report of img with Options.Paths,
// read back from the encoded document.
func pathsOf(t *testing.T, img *model.Image, paths ...string) []PathReport {
	t.Helper()
	var buf bytes.Buffer
	if err := JSON.Encode(&buf, Build(img, Options{Paths: paths})); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths []PathReport `json:"paths"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Paths
}

func yes() *bool       { b := true; return &b }
func no() *bool        { b := false; return &b }
func layer(i int) *int { return &i }

// The seed's /data/one: A in layer 2 (its copy recopied by 3), C in layer
// 3 (mode 0644→0777; that copy removed by 6), D in layer 6 (a whiteout);
// /data/two's last copy is live.
func TestJSONPathHistorySeed(t *testing.T) {
	got := pathsOf(t, seedImage(t), "/data/one", "data/two", "/data/one/")
	want := []PathReport{
		{Path: "/data/one", History: []PathEventReport{
			{Layer: 2, Marker: "A", Type: "file", Text: "added", Bytes: mib, Live: no(), Cause: "recopied", KilledBy: layer(3)},
			{Layer: 3, Marker: "C", Type: "file", Change: &PathChangeReport{Mode: &FromTo{"0644", "0777"}}, Text: "mode 0644→0777",
				Bytes: mib, Live: no(), Cause: "removed", KilledBy: layer(6)},
			{Layer: 6, Marker: "D", Type: "file", Change: &PathChangeReport{DeletedBy: "whiteout"}, Text: "deleted"},
		}},
		{Path: "/data/two", History: []PathEventReport{
			{Layer: 4, Marker: "A", Type: "file", Text: "added", Bytes: mib, Live: no(), Cause: "recopied", KilledBy: layer(5)},
			{Layer: 5, Marker: "C", Type: "file", Change: &PathChangeReport{Mode: &FromTo{"0644", "0777"}}, Text: "mode 0644→0777", Bytes: mib, Live: yes()},
		}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("paths:\n%s\nwant\n%s", dump(got), dump(want))
	}
}

// A directory's history: its metadata-only listings are C with
// metadataOnly, as in the layers' change lists.
func TestJSONPathHistoryDirectory(t *testing.T) {
	got := pathsOf(t, seedImage(t), "data")
	var marks []string
	for _, e := range got[0].History {
		m := e.Marker
		if e.MetadataOnly {
			m += "(metadata only)"
		}
		if e.Live != nil {
			t.Errorf("layer %d: a directory has no copy, live is %v", e.Layer, *e.Live)
		}
		marks = append(marks, m)
	}
	want := []string{"A", "C(metadata only)", "C", "C(metadata only)", "C(metadata only)", "C(metadata only)"}
	if !reflect.DeepEqual(marks, want) {
		t.Errorf("history of /data: %v, want %v", marks, want)
	}
}

// Every kind of change and of deletion is typed.
func TestJSONPathHistoryKinds(t *testing.T) {
	f := func(p string, size int64, digest uint64) model.Entry {
		return model.Entry{Path: p, Kind: model.KindRegular, Mode: 0o644, Size: size, Digest: digest}
	}
	d := func(p string) model.Entry { return model.Entry{Path: p, Kind: model.KindDir, Mode: 0o755} }
	owned := f("f", 10, 2)
	owned.UID, owned.GID = 33, 33
	layers := [][]model.Entry{
		{f("f", 10, 1), {Path: "l", Kind: model.KindSymlink, Link: "a"}, d("d"), f("d/x", 5, 7), d("o"), f("o/y", 3, 8), d("p"), f("p/z", 4, 9)},
		{f("f", 10, 2), {Path: "l", Kind: model.KindSymlink, Link: "b"}, f("d", 3, 3), {Path: "o", Kind: model.KindOpaque}, {Path: "p", Kind: model.KindWhiteout}},
		{owned, {Path: "l", Kind: model.KindWhiteout}},
		{f("l", 10, 2), {Path: "f", Kind: model.KindWhiteout}},
		{f("f", 10, 2)},
	}
	img := buildImage(t, model.Config{Ref: "kinds", DiffIDs: []string{"sha256:a", "sha256:b", "sha256:c", "sha256:d", "sha256:e"}}, layers)
	got := map[string][]PathEventReport{}
	for _, p := range pathsOf(t, img, "f", "l", "d", "d/x", "o/y", "p/z") {
		got[p.Path] = p.History
	}
	check := func(p string, i int, marker string, c *PathChangeReport, text string) {
		t.Helper()
		h := got[p]
		if i >= len(h) {
			t.Errorf("%s: %d entries, want more than %d: %s", p, len(h), i, dump(h))
			return
		}
		if e := h[i]; e.Marker != marker || !reflect.DeepEqual(e.Change, c) || e.Text != text {
			t.Errorf("%s[%d] = %s, want %s %s %q", p, i, dump(e), marker, dump(c), text)
		}
	}
	check("/f", 0, "A", nil, "added")
	check("/f", 1, "C", &PathChangeReport{Content: true}, "new content")
	check("/f", 2, "C", &PathChangeReport{Owner: &FromTo{"0:0", "33:33"}}, "owner 0:0→33:33")
	check("/f", 3, "D", &PathChangeReport{DeletedBy: "whiteout"}, "deleted")
	check("/f", 4, "A", &PathChangeReport{CameBack: true, SameBytes: true}, "came back with the same bytes")
	check("/l", 1, "C", &PathChangeReport{Link: &FromTo{"a", "b"}}, "new target")
	check("/l", 3, "A", &PathChangeReport{CameBack: true}, "came back with other bytes")
	check("/d", 1, "C", &PathChangeReport{Kind: &FromTo{"dir", "file"}, Mode: &FromTo{"0755", "0644"}}, "now a file, mode 0755→0644")
	check("/d/x", 1, "D", &PathChangeReport{DeletedBy: "parentReplaced"}, "gone: its directory was replaced")
	check("/o/y", 1, "D", &PathChangeReport{DeletedBy: "opaque"}, "hidden by an opaque directory")
	check("/p/z", 1, "D", &PathChangeReport{DeletedBy: "parentRemoved"}, "deleted with its directory")
	// The copy the final image shows is live; the ones before it are not,
	// and say what killed them.
	if h := got["/f"]; *h[4].Live != true || *h[0].Live || h[0].Cause != "overwritten" || *h[0].KilledBy != 1 || h[2].Cause != "removed" || *h[2].KilledBy != 3 {
		t.Errorf("the fates of /f's copies: %s", dump(h))
	}
	if h := got["/f"]; h[3].Bytes != 0 || h[3].Live != nil {
		t.Errorf("a D has no bytes and no copy: %s", dump(h[3]))
	}
}

// Without Options.Paths the report has no paths[]; a path the image does
// not have gets an empty history, never a missing entry.
func TestJSONPathsOnlyOnRequest(t *testing.T) {
	var buf bytes.Buffer
	JSON.Encode(&buf, Build(seedImage(t), Options{}))
	var top map[string]json.RawMessage
	if err := json.Unmarshal(buf.Bytes(), &top); err != nil {
		t.Fatal(err)
	}
	if _, ok := top["paths"]; ok {
		t.Error("paths listed without the option")
	}
	got := pathsOf(t, seedImage(t), "nope")
	if len(got) != 1 || got[0].Path != "/nope" || got[0].History == nil || len(got[0].History) != 0 {
		t.Errorf("an unknown path: %s", dump(got))
	}
}

func TestCleanPath(t *testing.T) {
	for in, want := range map[string]string{"/data/one": "data/one", "data/one": "data/one", "./data//one/": "data/one", "/": "", "": "", "/a/../b": "b"} {
		if got := CleanPath(in); got != want {
			t.Errorf("CleanPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func dump(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// The Markdown and HTML reports give each path asked a table of its
// history: layer, marker, what changed, size, the copy's fate, the step.
func TestPathHistoryInMarkdownAndHTML(t *testing.T) {
	r := Build(seedImage(t), Options{Paths: []string{"/data/one"}})
	var md, page bytes.Buffer
	if err := Markdown.Encode(&md, r); err != nil {
		t.Fatal(err)
	}
	if err := HTML.Encode(&page, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"## History of `/data/one`",
		"| 2 | A | added | 1.0 MiB (1,048,576 bytes) | wasted: recopied by layer 3 | `RUN dd if=/dev/zero bs=1024 count=1024 of=/data/one` |",
		"| 3 | C | mode 0644→0777 | 1.0 MiB (1,048,576 bytes) | wasted: removed by layer 6 | `RUN chmod -R 0777 /data` |",
		"| 6 | D | deleted | — | — | `RUN rm /data/one` |",
	} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("the Markdown report lacks %q:\n%s", want, md.String())
		}
	}
	text := html.UnescapeString(page.String())
	for _, want := range []string{
		`<h3 class="mono">/data/one</h3>`,
		`<td class="num">3</td><td class="marker C">C</td><td>mode 0644→0777</td><td class="num">1.0 MiB (1,048,576 bytes)</td><td class="cause removed">wasted: removed by layer 6</td><td>3: <code>RUN chmod -R 0777 /data</code></td>`,
		`<td class="num">6</td><td class="marker D">D</td><td>deleted</td><td class="num">—</td><td></td>`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the HTML report lacks %q", want)
		}
	}
	// Without paths asked, neither report has the section.
	md.Reset()
	Markdown.Encode(&md, Build(seedImage(t), Options{}))
	if strings.Contains(md.String(), "History of") {
		t.Error("the Markdown report has a path history nobody asked for")
	}
}
