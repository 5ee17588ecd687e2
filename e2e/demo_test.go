package e2e

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestE2EDemo: a newcomer's first command, with no Docker Engine anywhere
// in reach: lx demo opens the explorer on the image built into lx and the
// demo's files are on screen.
func TestE2EDemo(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("DOCKER_HOST", "unix://"+filepath.Join(dir, "no-engine.sock"))
	t.Setenv("DOCKER_CONTEXT", "")
	t.Setenv("XDG_CONFIG_HOME", dir) // no configuration file of the user's
	tt := startTmux(t, dir, 140, 40, "demo", "--theme", "dark")

	tt.waitFor("the demo's layers", regexp.MustCompile(`RUN rm /data/one`))
	s := tt.waitFor("the analysed demo", regexp.MustCompile(`efficiency \d`))
	for _, want := range []string{"lx-demo/seed:latest", "RUN chmod -R 0777 /data", "bin", "busybox"} {
		if !strings.Contains(s, want) {
			t.Errorf("the demo screen lacks %q:\n%s", want, s)
		}
	}
	tt.keys("]", "]", "]", "]", "]", "]")
	s = tt.waitFor("the rm layer", regexp.MustCompile(`Filesystem after layer 6`))
	if !regexp.MustCompile(`(?m)│D\s+-rwxrwxrwx\s.*\sone\b`).MatchString(s) || !strings.Contains(s, "two") {
		t.Errorf("the rm layer does not show D on /data/one beside two:\n%s", s)
	}
	tt.keys("w")
	s = tt.waitFor("the waste list", regexp.MustCompile(`FIX HINTS`))
	if !strings.Contains(s, "use COPY --chmod") {
		t.Errorf("the fix hints do not say how to avoid the recopy:\n%s", s)
	}
	tt.keys("Escape")
	tt.waitGone("the waste list after Esc", "FIX HINTS")
	// The demo's files open too: read again from the image built in.
	tt.keys("[", "[", "Tab", "Enter")
	s = tt.waitFor("the viewer on /data/two", regexp.MustCompile(`/data/two · layer 4|Cannot show it`))
	if !strings.Contains(s, "in hex") || !strings.Contains(s, "00000000 00 00 00 00") {
		t.Errorf("Enter on the demo's /data/two does not show its zeros in hex:\n%s", s)
	}
	tt.keys("Escape")
	tt.waitGone("the viewer after Esc", "in hex") // then q is no alt-q
	tt.keys("q")
	if code := tt.exitCode(); code != "0" {
		t.Errorf("lx demo exited %s, want 0", code)
	}
}
