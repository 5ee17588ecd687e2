package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// lx config rejects, with exit 2 and FILE:LINE: key: problem, every keys:
// entry the explorer would reject or never act on.
func TestConfigChecksKeys(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "lx.yaml")
	for _, tc := range []struct{ yaml, want string }{
		{"keys:\n  fly: [f]\n", ":2: keys.fly: unknown action (known: back, "},
		{"theme: dark\nkeys:\n  quit: [ctrl+shift+banana]\n", `:3: keys.quit: "ctrl+shift+banana" is not a key`},
		{"keys:\n  quit: [w]\n", `:2: keys.quit: "w" also does waste (by default); give one of them another key`},
		{"keys:\n  back: [tab]\n", `:2: keys.back: "tab" also does nextPane (by default)`},
	} {
		os.WriteFile(file, []byte(tc.yaml), 0o644)
		code, stdout, stderr := runIn(t, dir, "--config", file, "config")
		if code != exitError || stdout != "" || !strings.HasPrefix(stderr, "lx: "+file+tc.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%q: exit %d, stderr %q; want 2 and lx: %s%s…", tc.yaml, code, stderr, file, tc.want)
		}
	}
	os.WriteFile(file, []byte("keys:\n  quit: [Q, ctrl+q]\n  waste: [W]\n  formatNext: [tab]\n"), 0o644)
	if code, stdout, stderr := runIn(t, dir, "--config", file, "config"); code != exitOK || !strings.Contains(stdout, "quit: [Q, ctrl+q]") {
		t.Errorf("valid keys: exit %d: %s%s", code, stdout, stderr)
	}
}
