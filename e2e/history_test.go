package e2e

// A file's history, end to end: H in the explorer (tmux, the real binary)
// and lx report --path, on the seed image's docker save archive.

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"lx.dev/lx/internal/testengine"
)

// The check: H on /data/one in the seed lists layers 2 (A),
// 3 (C, mode) and 6 (D); Enter on a row shows the path in that layer.
// At 80×24 (the layer list above a tabbed pane) and wide.
func TestE2EHistory(t *testing.T) {
	archive := testengine.Archive(t, "seed.docker.tar")
	for _, sz := range [][2]int{{80, 24}, {160, 45}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			t.Parallel()
			tt := startTmux(t, t.TempDir(), sz[0], sz[1], archive)
			tt.waitFor("the analysed image", regexp.MustCompile(`efficiency \d`))
			tt.keys("]", "]", "]", "]", "]", "]", "]", "]", "Tab") // the rm layer; the tree, its cursor on /data/one
			tt.waitFor("the rm layer", regexp.MustCompile(`Filesystem after layer 6`))
			tt.keys("H")
			s := tt.waitFor("the history", regexp.MustCompile(`History of /data/one`))
			for _, row := range []string{
				`2  A  added\s+1\.0 MiB  ✗ recopied by layer 3`,
				`RUN dd if=/dev/zero bs=1024 count=1024 of=/data/one`,
				`3  C  mode 0644→0777\s+1\.0 MiB  ✗ removed by layer 6`,
				`RUN chmod -R 0777 /data`,
				`6  D  deleted\s`,
				`RUN rm /data/one`,
			} {
				if !regexp.MustCompile(row).MatchString(s) {
					t.Errorf("the history lacks %s:\n%s", row, s)
				}
			}
			if a, c, d := strings.Index(s, "2  A  added"), strings.Index(s, "3  C  mode"), strings.Index(s, "6  D  deleted"); !(a >= 0 && a < c && c < d) {
				t.Errorf("the history is not in layer order:\n%s", s)
			}
			tt.keys("Up", "Enter") // layer 3's row
			s = tt.waitFor("the jump", regexp.MustCompile(`Filesystem after layer 3`))
			if strings.Contains(s, "History of") || !regexp.MustCompile(`C\s+-rwxrwxrwx\s.*\bone\b`).MatchString(s) {
				t.Errorf("Enter did not show /data/one in layer 3:\n%s", s)
			}
			tt.keys("H")
			tt.waitFor("the history again", regexp.MustCompile(`History of /data/one`))
			tt.keys("Escape")
			tt.waitGone("the history after Esc", "History of")
			tt.keys("q")
			if code := tt.exitCode(); code != "0" {
				t.Errorf("lx exited %s, want 0", code)
			}
		})
	}
}

// lx report --path: the JSON's paths[] for the seed's /data/one and
// /data/two, the Markdown's section, and one line with exit 2 for a path
// the image does not have.
func TestE2EReportPath(t *testing.T) {
	archive := testengine.Archive(t, "seed.docker.tar")
	dir := t.TempDir()
	res := runLX(t, dir, "report", "--path", "/data/one", "--path", "data/two", archive)
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	var r struct {
		Paths []struct {
			Path    string `json:"path"`
			History []struct {
				Layer  int    `json:"layer"`
				Marker string `json:"marker"`
				Change *struct {
					Mode *struct {
						From string `json:"from"`
						To   string `json:"to"`
					} `json:"mode"`
					DeletedBy string `json:"deletedBy"`
				} `json:"change"`
				Bytes    int64  `json:"bytes"`
				Live     *bool  `json:"live"`
				Cause    string `json:"cause"`
				KilledBy *int   `json:"killedBy"`
			} `json:"history"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(res.stdout, &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Paths) != 2 || r.Paths[0].Path != "/data/one" || r.Paths[1].Path != "/data/two" {
		t.Fatalf("paths %+v", r.Paths)
	}
	var got []string
	for _, p := range r.Paths {
		for _, e := range p.History {
			line := fmt.Sprintf("%s %d %s %d", p.Path, e.Layer, e.Marker, e.Bytes)
			if c := e.Change; c != nil && c.Mode != nil {
				line += " mode " + c.Mode.From + "→" + c.Mode.To
			}
			if c := e.Change; c != nil && c.DeletedBy != "" {
				line += " by " + c.DeletedBy
			}
			switch {
			case e.Live == nil:
			case *e.Live:
				line += " live"
			default:
				line += fmt.Sprintf(" %s by %d", e.Cause, *e.KilledBy)
			}
			got = append(got, line)
		}
	}
	want := []string{
		"/data/one 2 A 1048576 recopied by 3",
		"/data/one 3 C 1048576 mode 0644→0777 removed by 6",
		"/data/one 6 D 0 by whiteout",
		"/data/two 4 A 1048576 recopied by 5",
		"/data/two 5 C 1048576 mode 0644→0777 live",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("histories:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	md := runLX(t, dir, "report", "--format", "markdown", "--path", "/data/one", archive)
	if md.code != 0 || !strings.Contains(string(md.stdout), "## History of `/data/one`") ||
		!strings.Contains(string(md.stdout), "| 3 | C | mode 0644→0777 | 1.0 MiB (1,048,576 bytes) | wasted: removed by layer 6 |") {
		t.Errorf("the Markdown report lacks /data/one's history (exit %d):\n%s", md.code, md.stdout)
	}

	bad := runLX(t, dir, "report", "--path", "/data/oen", archive)
	if want := "lx: --path /data/oen: no layer of lx-fixture/seed:latest has this path; did you mean /data/one?\n"; bad.code != 2 || string(bad.stderr) != want || len(bad.stdout) != 0 {
		t.Errorf("an unknown path: exit %d, stderr %q, stdout %d bytes; want 2 and %q", bad.code, bad.stderr, len(bad.stdout), want)
	}
}
