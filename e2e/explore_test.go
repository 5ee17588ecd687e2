package e2e

// End-to-end test of the interactive explorer in a real terminal: tmux
// runs lx on a private server, send-keys types, capture-pane reads the
// screen.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"lx.dev/lx/internal/testengine"
)

// tmuxTerm is one lx in a detached tmux session of its own server.
type tmuxTerm struct {
	t      *testing.T
	socket string
	done   string // a file the session writes lx's exit code to
}

func startTmux(t *testing.T, dir string, w, h int, args ...string) *tmuxTerm {
	t.Helper()
	testengine.Tool(t, "tmux", "tmux")
	tt := &tmuxTerm{t: t, socket: fmt.Sprintf("lx-e2e-%d-%d", os.Getpid(), time.Now().UnixNano()), done: filepath.Join(dir, ".exit")}
	quoted := []string{shellQuote(lxBinary(t))}
	for _, a := range args {
		quoted = append(quoted, shellQuote(a))
	}
	script := fmt.Sprintf("cd %s && %s; echo $? > %s", shellQuote(dir), strings.Join(quoted, " "), shellQuote(tt.done))
	tt.tmux("new-session", "-d", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), "-e", "TERM=xterm-256color", script)
	t.Cleanup(func() {
		exec.Command("tmux", "-L", tt.socket, "kill-server").Run()
		// A server whose session ended leaves its socket file behind.
		os.Remove(tmuxSocketPath(tt.socket))
	})
	return tt
}

// tmuxSocketPath is where tmux -L NAME puts its socket.
func tmuxSocketPath(name string) string {
	dir := os.Getenv("TMUX_TMPDIR")
	if dir == "" {
		dir = "/tmp"
	}
	return filepath.Join(dir, fmt.Sprintf("tmux-%d", os.Getuid()), name)
}

func (tt *tmuxTerm) tmux(args ...string) string {
	tt.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", tt.socket}, args...)...).CombinedOutput()
	if err != nil {
		tt.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (tt *tmuxTerm) screen() string { return tt.tmux("capture-pane", "-p") }

// keys types each key, with a pause so that esc is never read as alt: a
// longer one after Escape, since on a loaded machine lx may read it in
// the same read as the next key.
func (tt *tmuxTerm) keys(keys ...string) {
	tt.t.Helper()
	for _, k := range keys {
		tt.tmux("send-keys", k)
		pause := 60 * time.Millisecond
		if k == "Escape" {
			pause = 400 * time.Millisecond
		}
		time.Sleep(pause)
	}
}

// waitFor polls the screen until it matches, and returns it.
func (tt *tmuxTerm) waitFor(what string, re *regexp.Regexp) string {
	tt.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		s := tt.screen()
		if re.MatchString(s) {
			return s
		}
		if time.Now().After(deadline) {
			tt.t.Fatalf("the screen never showed %s:\n%s", what, s)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitGone polls the screen until text is no longer on it (an overlay
// closing: the keys reach lx a moment after tmux takes them).
func (tt *tmuxTerm) waitGone(what, text string) {
	tt.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := tt.screen()
		if !strings.Contains(s, text) {
			return
		}
		if time.Now().After(deadline) {
			tt.t.Fatalf("%s: %q is still on the screen:\n%s", what, text, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (tt *tmuxTerm) exitCode() string {
	tt.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(tt.done); err == nil && len(b) > 0 {
			return strings.TrimSpace(string(b))
		}
		time.Sleep(100 * time.Millisecond)
	}
	tt.t.Fatalf("lx did not exit; the screen:\n%s", tt.screen())
	return ""
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// TestE2EExplore drives lx IMAGE on the seed image, from the test
// daemon and from its docker save archive.
func TestE2EExplore(t *testing.T) {
	sources := map[string]func(t *testing.T) []string{
		"engine": func(t *testing.T) []string {
			return []string{"--host", testengine.Host(t), "--no-pull", "lx-fixture/seed:latest"}
		},
		"archive": func(t *testing.T) []string { return []string{testengine.Archive(t, "seed.docker.tar")} },
	}
	for name, args := range sources {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			exploreSeed(t, args(t))
		})
	}
}

func exploreSeed(t *testing.T, args []string) {
	dir := t.TempDir()
	tt := startTmux(t, dir, 160, 45, args...)

	s := tt.waitFor("the layer list", regexp.MustCompile(`RUN rm /data/one`))
	for _, cmd := range []string{"RUN mkdir /data", "RUN dd if=/dev/zero bs=1024 count=1024 of=/data/one", "RUN chmod -R 0777 /data", "RUN dd if=/dev/zero bs=1024 count=1024 of=/data/two"} {
		if !strings.Contains(s, cmd) {
			t.Errorf("the layer list does not show %q:\n%s", cmd, s)
		}
	}
	tt.waitFor("the analysed image", regexp.MustCompile(`efficiency \d`))

	tt.keys("]", "]", "]", "]", "]", "]", "]", "]")
	s = tt.waitFor("the rm layer", regexp.MustCompile(`Filesystem after layer 6`))
	if !regexp.MustCompile(`(?m)│D\s+-rwxrwxrwx\s.*\sone\b`).MatchString(s) {
		t.Errorf("the rm layer does not show D on one:\n%s", s)
	}

	tt.keys("w")
	s = tt.waitFor("the waste list", regexp.MustCompile(`Wasted copies`))
	if !regexp.MustCompile(`removed\s+/data/one\b`).MatchString(s) {
		t.Errorf("the waste list does not list /data/one as removed:\n%s", s)
	}
	if !regexp.MustCompile(`recopied\s+/data/two\b`).MatchString(s) {
		t.Errorf("the waste list does not list /data/two as recopied:\n%s", s)
	}

	tt.keys("Escape", "e")
	tt.waitFor("the export dialog", regexp.MustCompile(`Export report`))
	tt.keys("Enter")
	tt.waitFor("the written report", regexp.MustCompile(`Wrote `))
	reports, _ := filepath.Glob(filepath.Join(dir, "lx-report-*.md"))
	if len(reports) != 1 {
		t.Fatalf("reports in %s: %v, want one lx-report-*.md", dir, reports)
	}
	md, err := os.ReadFile(reports[0])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "3,145,728") {
		t.Errorf("%s does not say 3,145,728 wasted bytes:\n%s", reports[0], md)
	}

	tt.keys("Escape", "q")
	if code := tt.exitCode(); code != "0" {
		t.Errorf("lx exited %s, want 0", code)
	}
}

// TestE2EExploreFailedLoad: a source that cannot be read shows its error
// and exits 2 after a key.
func TestE2EExploreFailedLoad(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "broken.tar")
	if err := os.WriteFile(bad, []byte("not a tar at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	tt := startTmux(t, dir, 100, 30, bad)
	tt.waitFor("the error", regexp.MustCompile(`could not read the image`))
	tt.keys("x")
	if code := tt.exitCode(); code != "2" {
		t.Errorf("lx exited %s, want 2", code)
	}
}
