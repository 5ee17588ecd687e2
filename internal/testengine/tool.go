package testengine

import (
	"fmt"
	"os/exec"
	"testing"
)

// Tool finds a program that ./scripts/test.sh installs: the first of names
// on PATH, from the Debian package pkg. Without it the test skips, saying
// how to get it, except in CI (CI=true): there a missing tool means the
// install step broke, and the test fails.
func Tool(t testing.TB, pkg string, names ...string) string {
	t.Helper()
	for _, name := range names {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := fmt.Sprintf("%s is not installed: ./scripts/test.sh installs it (apt-get install %s)", names[0], pkg)
	if InCI() {
		t.Fatal("a tool the test command installs is missing in CI: " + msg)
	}
	t.Skip(msg)
	return ""
}
