package hostile

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// UpdateSeeds is the environment variable that makes CheckSeeds write the
// seed files instead of checking them:
//
//	LX_UPDATE_FUZZ_SEEDS=1 go test -run TestFuzzSeeds ./...
const UpdateSeeds = "LX_UPDATE_FUZZ_SEEDS"

// seedPrefix names the seed files made from this corpus, so files the
// fuzzer adds beside them are left alone.
const seedPrefix = "hostile-"

// CheckSeeds holds the checked-in seed corpus of the fuzz target in
// testdata/fuzz/TARGET (Go's corpus format, one []byte per file) equal
// to seeds, by case name: a case added, changed or removed must be
// regenerated. With LX_UPDATE_FUZZ_SEEDS=1 it writes them.
func CheckSeeds(t *testing.T, target string, seeds map[string][]byte) {
	t.Helper()
	dir := filepath.Join("testdata", "fuzz", target)
	want := map[string]string{}
	for name, b := range seeds {
		want[seedPrefix+safeName(name)] = "go test fuzz v1\n[]byte(" + strconv.Quote(string(b)) + ")\n"
	}
	if os.Getenv(UpdateSeeds) == "1" {
		old, _ := filepath.Glob(filepath.Join(dir, seedPrefix+"*"))
		for _, p := range old {
			os.Remove(p)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, text := range want {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	have, _ := filepath.Glob(filepath.Join(dir, seedPrefix+"*"))
	var stale []string
	for _, p := range have {
		if _, ok := want[filepath.Base(p)]; !ok {
			stale = append(stale, filepath.Base(p))
		}
	}
	var wrong []string
	for name, text := range want {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err != nil || string(b) != text {
			wrong = append(wrong, name)
		}
	}
	sort.Strings(stale)
	sort.Strings(wrong)
	if len(stale)+len(wrong) > 0 {
		t.Errorf("the seed corpus in %s is not the hostile corpus's: missing or different %s; stale %s; regenerate with %s=1 go test -run %s",
			dir, strings.Join(wrong, " "), strings.Join(stale, " "), UpdateSeeds, t.Name())
	}
}
