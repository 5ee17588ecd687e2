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

// The README installs lx only in ways that work today: not by module path,
// which resolves nowhere until go.mod's path is published, and with
// release archives named as .goreleaser.yml names them.
func TestReadmeInstall(t *testing.T) {
	readme, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	module := strings.TrimPrefix(strings.SplitN(string(gomod), "\n", 2)[0], "module ")
	if strings.Contains(string(readme), "go install "+module+"@") {
		t.Errorf("README.md installs with go install %s@…, which cannot resolve yet", module)
	}
	release, err := os.ReadFile("../.goreleaser.yml")
	if err != nil {
		t.Fatal(err)
	}
	const archive = `name_template: "{{ .ProjectName }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}"`
	if !strings.Contains(string(release), archive) || !strings.Contains(string(readme), "lx_${v}_${os}_${arch}.tar.gz") {
		t.Errorf("README.md's release archive name and .goreleaser.yml's (%s) differ", archive)
	}
}
