package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{{"report", "report", 0}, {"reprot", "report", 1}, {"repor", "report", 1}, {"rport", "report", 1}, {"raport", "report", 1},
		{"versoin", "version", 1}, {"confg", "config", 1}, {"dmeo", "demo", 1}, {"nginx", "config", 5}, {"", "ci", 2}} {
		if got := editDistance(c.a, c.b); got != c.d {
			t.Errorf("editDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.d)
		}
	}
}

// A single word near a command is a typo (exit 2, a suggestion, no engine
// asked); anything else still goes to the explorer's source.
func TestMistypedCommand(t *testing.T) {
	root := newRootCmd()
	for arg, want := range map[string]string{
		"reprot":  "lx report",
		"Report":  "lx report",
		"versoin": "lx version",
		"cii":     "lx ci",
		"dem":     "lx demo",
		"confgi":  "lx config",
	} {
		err := mistypedCommand(root, arg)
		if err == nil || !strings.Contains(err.Error(), "did you mean `"+want+"`?") || !strings.Contains(err.Error(), "docker-daemon:"+arg) {
			t.Errorf("%q: %v; want a suggestion of %s", arg, err, want)
		}
	}
	for _, arg := range []string{"nginx", "go", "db", "redis", "docker-daemon:reprot", "reprot:1", "library/report", "report.tar", "./reprot", "alpine"} {
		if err := mistypedCommand(root, arg); err != nil {
			t.Errorf("%q: %v; want it left to the source", arg, err)
		}
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "reprot"), nil, 0o644)
	wd, _ := os.Getwd()
	os.Chdir(dir)
	defer os.Chdir(wd)
	if err := mistypedCommand(root, "reprot"); err != nil {
		t.Errorf("a file named reprot: %v", err)
	}
}

// lx reprot stops before any engine is asked: exit 2, one line, even with
// an engine address that nothing answers.
func TestMistypedCommandExit(t *testing.T) {
	code, stdout, stderr := runIn(t, t.TempDir(), "--host", "unix:///nonexistent/docker.sock", "reprot")
	if code != exitError || stdout != "" || !strings.Contains(stderr, "did you mean") || strings.Contains(stderr, "docker.sock") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}
