package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lx.dev/lx/internal/demo"
)

// lx report --path P adds P's history; given twice, or with and without
// its leading slash, it is listed once.
func TestReportPath(t *testing.T) {
	dir := t.TempDir()
	tar := demoTar(t, dir)
	code, stdout, stderr := runIn(t, dir, "report", "--path", "/data/one", "--path", "data/two", "--path", "data/one", tar)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r struct {
		Paths []struct {
			Path    string `json:"path"`
			History []struct {
				Layer  int             `json:"layer"`
				Marker string          `json:"marker"`
				Change json.RawMessage `json:"change"`
				Bytes  int64           `json:"bytes"`
				Live   *bool           `json:"live"`
			} `json:"history"`
		} `json:"paths"`
	}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Paths) != 2 || r.Paths[0].Path != "/data/one" || r.Paths[1].Path != "/data/two" {
		t.Fatalf("paths %+v, want /data/one then /data/two", r.Paths)
	}
	var got []string
	for _, e := range r.Paths[0].History {
		var c bytes.Buffer
		json.Compact(&c, e.Change)
		got = append(got, e.Marker+" "+c.String())
	}
	want := []string{`A null`, `C {"mode":{"from":"0644","to":"0777"}}`, `D {"deletedBy":"whiteout"}`}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("history of /data/one: %q, want %q", got, want)
	}
}

// A path no layer has is one line and exit 2, with the path nearest it;
// a report file asked for is not written.
func TestReportPathNotInImage(t *testing.T) {
	dir := t.TempDir()
	tar := demoTar(t, dir)
	out := filepath.Join(dir, "r.json")
	for _, c := range []struct{ path, want string }{
		{"/data/oen", "lx: --path /data/oen: no layer of " + demo.Ref + " has this path; did you mean /data/one?\n"},
		{"dta/tow", "lx: --path dta/tow: no layer of " + demo.Ref + " has this path; did you mean /data/two?\n"},
		{"/nothing/like/it", "lx: --path /nothing/like/it: no layer of " + demo.Ref + " has this path\n"},
		{"/", "lx: --path /: the root has no history of its own; name a path inside the image\n"},
	} {
		code, stdout, stderr := runIn(t, dir, "report", "-o", out, "--path", "/data/one", "--path", c.path, tar)
		if code != exitError || stderr != c.want || stdout != "" {
			t.Errorf("--path %s: exit %d, stderr %q; want 2 and %q", c.path, code, stderr, c.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("--path %s: %s was written", c.path, out)
		}
	}
}
