package report

import (
	"bytes"
	"strings"
	"testing"
)

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"json": JSON, "markdown": Markdown, "md": Markdown, "MD": Markdown, " html ": HTML} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "yaml", "htm", "pdf"} {
		if f, err := ParseFormat(in); err == nil || !strings.Contains(err.Error(), "json, markdown, html") {
			t.Errorf("ParseFormat(%q) = %v, %v; want an error naming the formats", in, f, err)
		}
	}
}

func TestFormatOf(t *testing.T) {
	for path, want := range map[string]Format{"r.json": JSON, "dir.d/r.md": Markdown, "R.MARKDOWN": Markdown, "r.html": HTML, "r.htm": HTML} {
		if got, ok := FormatOf(path); !ok || got != want {
			t.Errorf("FormatOf(%q) = %v, %v; want %v", path, got, ok, want)
		}
	}
	for _, path := range []string{"report", "r.txt", "md", "r.md/", ".json.bak"} {
		if f, ok := FormatOf(path); ok {
			t.Errorf("FormatOf(%q) = %v; want none", path, f)
		}
	}
}

// Every format says its name, extension and whether it lists changes, and
// its name parses back to it; the zero Format is none and encodes nothing.
func TestFormatKnowsItself(t *testing.T) {
	want := map[Format]struct {
		name, ext string
		changes   bool
	}{JSON: {"json", "json", false}, Markdown: {"markdown", "md", false}, HTML: {"html", "html", true}}
	if n := len(AllFormats()); n != len(want) {
		t.Fatalf("%d formats, want %d", n, len(want))
	}
	for _, f := range AllFormats() {
		w := want[f]
		if f.String() != w.name || f.Extension() != w.ext || f.WantsChanges() != w.changes {
			t.Errorf("%v: %q %q %v, want %+v", f, f.String(), f.Extension(), f.WantsChanges(), w)
		}
		if back, err := ParseFormat(f.String()); err != nil || back != f {
			t.Errorf("ParseFormat(%q) = %v, %v", f, back, err)
		}
		if again, ok := FormatOf("r." + f.Extension()); !ok || again != f {
			t.Errorf("FormatOf(r.%s) = %v", f.Extension(), again)
		}
	}
	var none Format
	if err := none.Encode(&bytes.Buffer{}, Report{}); err == nil || none.Extension() != "" || none.WantsChanges() {
		t.Errorf("the zero Format: encode %v, extension %q", err, none.Extension())
	}
	if FormatNames() != "json, markdown, html" {
		t.Errorf("FormatNames() = %q", FormatNames())
	}
}
