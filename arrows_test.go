package main

import (
	"go/build"
	"slices"
	"strings"
	"testing"
)

// arrows is which of lx's packages each library package may import (not
// counting its tests), as the README's architecture section draws them.
// The commands (main, bench, test helpers' programs) may import anything.
var arrows = map[string][]string{
	"model":               nil,
	"model/report":        {"model"},
	"source":              {"model", "internal/tarstream"},
	"theme":               nil,
	"ui":                  {"model", "model/report", "theme", "internal/reportfile"},
	"internal/atomicfile": nil,
	"internal/reportfile": {"internal/atomicfile", "model", "model/report"},
	"internal/ci":         {"model/report"},
	"internal/config":     {"internal/ci", "model/report"},
	"internal/demo":       nil,
	"internal/fixture":    {"model"},
	"internal/genimage":   {"model"},
	"internal/testengine": nil,
	"internal/tarstream":  nil,
}

func TestImportArrows(t *testing.T) {
	const module = "lx.dev/lx/"
	for pkg, allowed := range arrows {
		p, err := build.Default.ImportDir(pkg, 0)
		if err != nil {
			t.Errorf("%s: %v", pkg, err)
			continue
		}
		for _, imp := range p.Imports {
			ours, ok := strings.CutPrefix(imp, module)
			if ok && !slices.Contains(allowed, ours) {
				t.Errorf("%s imports %s: the arrows (README, Architecture) do not allow it", pkg, ours)
			}
		}
	}
}
