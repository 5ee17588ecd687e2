package e2e

import (
	"flag"
	"os"
	"strings"
	"testing"

	"lx.dev/lx/ui"
)

var updateReadme = flag.Bool("update-readme", false, "rewrite the README's generated key table")

const (
	readmePath = "../README.md"
	keysBegin  = "<!-- keys: generated from ui/keys.go by go test -run TestReadmeKeys -update-readme -->\n"
	keysEnd    = "<!-- /keys -->"
)

// The README's key table is the key map's: a binding added, changed or
// removed in ui/keys.go fails here until the README says the same.
func TestReadmeKeys(t *testing.T) {
	b, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	i := strings.Index(readme, keysBegin)
	j := strings.Index(readme, keysEnd)
	if i < 0 || j < i {
		t.Fatalf("README.md has no key table between %q and %q", strings.TrimSpace(keysBegin), keysEnd)
	}
	got := readme[i+len(keysBegin) : j]
	want := ui.DefaultKeyMap().KeyTable()
	if got == want {
		return
	}
	if *updateReadme {
		if err := os.WriteFile(readmePath, []byte(readme[:i+len(keysBegin)]+want+readme[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's key table differs from ui/keys.go (go test -run TestReadmeKeys -update-readme rewrites it):\n--- README\n%s\n--- key map\n%s", got, want)
}
