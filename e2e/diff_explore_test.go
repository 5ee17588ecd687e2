package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"lx.dev/lx/internal/testengine"
)

// TestE2EDiffExplore drives lx diff's explorer in a real terminal, on both
// engines: busybox against the seed at 80×24, then the seed's archive
// against an engine image on a wide terminal, with an export.
func TestE2EDiffExplore(t *testing.T) {
	testengine.Each(t, func(t *testing.T, e testengine.Engine) {
		t.Run("80x24", func(t *testing.T) {
			dir := t.TempDir()
			tt := startTmux(t, dir, 80, 24, "diff", "--no-pull", "--host", e.Host, "busybox:latest", "lx-fixture/seed:latest")
			s := tt.waitFor("the comparison", regexp.MustCompile(`\+2 · size \+4\.0M`))
			for _, want := range []string{"lx diff busybox:latest → lx-fixture/seed:latest", "1 shared", "B only", "RUN mkdir /data", "2 added, 0 changed, 0 deleted"} {
				if !strings.Contains(s, want) {
					t.Errorf("the screen lacks %q:\n%s", want, s)
				}
			}
			if !regexp.MustCompile(`A\s+—\s+1\.0M\s+\+1\.0M\s+└─ two`).MatchString(s) || strings.Contains(s, "└─ one") {
				t.Errorf("the tree does not show /data/two added (and no /data/one):\n%s", s)
			}
			tt.keys("Tab", "c", "Down")
			s = tt.waitFor("the changes list", regexp.MustCompile(`Changes, B against A`))
			if !strings.Contains(s, "/data/two") {
				t.Errorf("the changes list lacks /data/two:\n%s", s)
			}
			tt.keys("Tab")
			tt.waitFor("the path's details", regexp.MustCompile(`added: only in B`))
			tt.keys("q")
			if code := tt.exitCode(); code != "0" {
				t.Errorf("exit %s", code)
			}
		})
		t.Run("wide", func(t *testing.T) {
			dir := t.TempDir()
			tt := startTmux(t, dir, 160, 45, "diff", "--no-pull", "--host", e.Host, testengine.Archive(t, "seed.docker.tar"), "lx-fixture/app-build:latest")
			s := tt.waitFor("the comparison", regexp.MustCompile(`316 added, 1 changed, 1 deleted`))
			for _, want := range []string{"A only", "B only", "RUN chown -R 1000:1000 /opt/app", "passwd content", "data and 1 path below"} {
				if !strings.Contains(s, want) {
					t.Errorf("the screen lacks %q:\n%s", want, s)
				}
			}
			// The removed /data opens onto what the seed held there.
			tt.keys("Tab", "Space")
			tt.waitFor("/data's contents", regexp.MustCompile(`D\s+1\.0 MiB\s+—\s+−1\.0 MiB\s+│ └─ two`))
			tt.keys("e")
			tt.waitFor("the export dialog", regexp.MustCompile(`Export report`))
			tt.keys("Enter")
			tt.waitFor("the written report", regexp.MustCompile(`Wrote `))
			files, _ := filepath.Glob(filepath.Join(dir, "lx-diff-seed-latest-vs-app-build-latest-*.md"))
			if len(files) != 1 {
				t.Fatalf("exported %q", files)
			}
			if b, _ := os.ReadFile(files[0]); !strings.HasPrefix(string(b), "# lx diff: `lx-fixture/seed:latest` → `lx-fixture/app-build:latest`") {
				t.Errorf("the export starts %.80q", b)
			}
			tt.keys("Escape", "q")
			if code := tt.exitCode(); code != "0" {
				t.Errorf("exit %s", code)
			}
		})
	})
}
