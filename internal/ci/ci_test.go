package ci

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lx.dev/lx/model/report"
)

// image is a report with the figures the rules read: efficiency and wasted
// bytes over the whole image, and layers above the base shipping userBytes
// of which userWasted die.
func image(eff float64, wasted int64, layers int, userBytes, userWasted int64) report.Report {
	r := report.Report{Image: report.ImageSummary{Efficiency: eff, WastedBytes: wasted, LayerCount: layers}}
	r.Layers = append(r.Layers, report.LayerReport{Index: 0, SizeBytes: 1 << 30, WastedBytesMade: 1 << 29})
	for i := 1; i < layers; i++ {
		l := report.LayerReport{Index: i}
		if i == 1 {
			l.SizeBytes, l.WastedBytesMade = userBytes, userWasted
		}
		r.Layers = append(r.Layers, l)
	}
	return r
}

func ptr[T any](v T) *T { return &v }

func verdict(t *testing.T, r report.Report, rules Rules, key string) Result {
	t.Helper()
	for _, res := range Evaluate(r, rules) {
		if res.Key == key {
			return res
		}
	}
	t.Fatalf("no result for %s", key)
	return Result{}
}

// Each rule at, just under and just over its threshold.
func TestRuleThresholds(t *testing.T) {
	type tc struct {
		name  string
		img   report.Report
		rules Rules
		key   string
		pass  bool
	}
	cases := []tc{
		{"efficiency at", image(0.9, 0, 2, 0, 0), Rules{LowestEfficiency: ptr(0.9)}, KeyLowestEfficiency, true},
		{"efficiency just under", image(0.8999, 0, 2, 0, 0), Rules{LowestEfficiency: ptr(0.9)}, KeyLowestEfficiency, false},
		{"efficiency just over", image(0.9001, 0, 2, 0, 0), Rules{LowestEfficiency: ptr(0.9)}, KeyLowestEfficiency, true},
		{"wasted at", image(1, 20_000_000, 2, 0, 0), Rules{HighestWastedBytes: &Size{Bytes: 20_000_000, Value: 20, Unit: "MB"}}, KeyHighestWastedBytes, true},
		{"wasted just under", image(1, 19_999_999, 2, 0, 0), Rules{HighestWastedBytes: &Size{Bytes: 20_000_000, Value: 20, Unit: "MB"}}, KeyHighestWastedBytes, true},
		{"wasted just over", image(1, 20_000_001, 2, 0, 0), Rules{HighestWastedBytes: &Size{Bytes: 20_000_000, Value: 20, Unit: "MB"}}, KeyHighestWastedBytes, false},
		{"user wasted at", image(1, 0, 3, 1000, 100), Rules{HighestUserWastedPercent: ptr(0.1)}, KeyHighestUserWastedPercent, true},
		{"user wasted just under", image(1, 0, 3, 1000, 99), Rules{HighestUserWastedPercent: ptr(0.1)}, KeyHighestUserWastedPercent, true},
		{"user wasted just over", image(1, 0, 3, 1000, 101), Rules{HighestUserWastedPercent: ptr(0.1)}, KeyHighestUserWastedPercent, false},
		{"layers at", image(1, 0, 10, 0, 0), Rules{HighestLayerCount: ptr(10)}, KeyHighestLayerCount, true},
		{"layers just under", image(1, 0, 9, 0, 0), Rules{HighestLayerCount: ptr(10)}, KeyHighestLayerCount, true},
		{"layers just over", image(1, 0, 11, 0, 0), Rules{HighestLayerCount: ptr(10)}, KeyHighestLayerCount, false},
		{"disabled passes", image(0, 1<<40, 500, 10, 10), Rules{}, KeyLowestEfficiency, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := verdict(t, c.img, c.rules, c.key)
			if res.Passed != c.pass {
				t.Errorf("%s passed=%v, want %v (measured %s, threshold %s)", c.key, res.Passed, c.pass, res.Measured, res.Threshold)
			}
		})
	}
}

// The base layer's own waste does not count against the user's share.
func TestUserWastedIgnoresTheBase(t *testing.T) {
	r := image(0.5, 1<<29, 2, 1000, 0)
	if got := UserWastedShare(r); got != 0 {
		t.Errorf("user wasted share %v, want 0: only the base wastes", got)
	}
	if got := UserWastedShare(image(1, 0, 1, 0, 0)); got != 0 {
		t.Errorf("an image with only a base: %v, want 0", got)
	}
}

func TestParse(t *testing.T) {
	r, err := Parse("x.yaml", []byte("rules:\n  lowestEfficiency: 0.95\n  highestWastedBytes: 20MB\n  highestUserWastedPercent: 20%\n  highestLayerCount: 30\n"))
	if err != nil {
		t.Fatal(err)
	}
	if *r.LowestEfficiency != 0.95 || r.HighestWastedBytes.Bytes != 20_000_000 || *r.HighestUserWastedPercent != 0.2 || *r.HighestLayerCount != 30 || r.From != "x.yaml" {
		t.Errorf("parsed %+v", r)
	}
	// dive's file: the same keys, "disabled" turns a rule off, the others keep their defaults.
	r, err = Parse(".dive-ci", []byte("rules:\n  lowestEfficiency: disabled\n  highestWastedBytes: 1.5GiB\n"))
	if err != nil {
		t.Fatal(err)
	}
	if r.LowestEfficiency != nil || r.HighestWastedBytes.Bytes != 1610612736 || *r.HighestUserWastedPercent != 0.1 {
		t.Errorf("parsed %+v", r)
	}
}

// A rules file that names no rule is refused, saying so: it is a mistake,
// and its gate would pass on the defaults under its name.
func TestParseRefusesNoRules(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"", "empty.yaml: no rules; name at least one"},
		{"# nothing yet\n", "empty.yaml: no rules;"},
		{"{}\n", "empty.yaml:1: no rules;"},
		{"rules:\n", "empty.yaml:1: rules: no rules;"},
		{"\nrules: {}\n", "empty.yaml:2: rules: no rules;"},
	} {
		_, err := Parse("empty.yaml", []byte(c.yaml))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) || !strings.Contains(err.Error(), "remove the file to use the defaults") {
			t.Errorf("%q: err = %v, want %s…", c.yaml, err, c.want)
		}
	}
}

// A rules file that cannot be read is one line naming it, without Go's
// "open FILE:".
func TestLoadErrorNamesTheFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "missing.yaml")
	_, err := Find(p, ".")
	if err == nil || err.Error() != "rules file "+p+": no such file or directory" {
		t.Errorf("err = %v", err)
	}
}

func TestParseErrorsNameFileLineAndKey(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"rules:\n  lowestEfficiency: 0.9\n  highestWastedByte: 20MB\n", `bad.yaml:3: unknown rule "highestWastedByte"`},
		{"rules:\n  highestWastedBytes: 20 parsecs\n", `bad.yaml:2: highestWastedBytes: "20 parsecs" has an unknown unit`},
		{"rules:\n  highestWastedBytes: lots\n", `bad.yaml:2: highestWastedBytes: "lots" is not a size`},
		{"rules:\n\n  lowestEfficiency: 1.5\n", `bad.yaml:3: lowestEfficiency: 1.5 is out of range`},
		{"rules:\n  highestUserWastedPercent: 120%\n", `bad.yaml:2: highestUserWastedPercent: 120% is out of range`},
		{"rules:\n  highestLayerCount: 0\n", `bad.yaml:2: highestLayerCount: "0" is not a layer count`},
		{"rule:\n  lowestEfficiency: 0.9\n", `bad.yaml:1: unknown key "rule"`},
		{"rules: [1, 2]\n", `bad.yaml:1: "rules" must be a mapping`},
		{"rules:\n  lowestEfficiency: [0.9]\n", `bad.yaml:2: lowestEfficiency: expected a single value`},
		{"rules:\n\tlowestEfficiency: 0.9\n", `bad.yaml: `},
	} {
		_, err := Parse("bad.yaml", []byte(c.yaml))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%q: err = %v, want it to start with %q", c.yaml, err, c.want)
		}
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]Size{
		"0": {0, 0, ""}, "1048576": {1048576, 1048576, ""}, "20MB": {20_000_000, 20, "MB"}, "20mb": {20_000_000, 20, "MB"},
		"20M": {20_000_000, 20, "MB"}, "1.5GiB": {1610612736, 1.5, "GiB"}, "1.5 GB": {1_500_000_000, 1.5, "GB"},
		"512KiB": {524288, 512, "KiB"}, "3B": {3, 3, ""}, "2TB": {2_000_000_000_000, 2, "TB"},
	} {
		got, err := ParseSize(in)
		if err != nil || got != want {
			t.Errorf("ParseSize(%q) = %+v, %v; want %+v", in, got, err, want)
		}
		if again, err := ParseSize(got.String()); err != nil || again != got {
			t.Errorf("ParseSize(%q) = %+v, %v; want it back", got.String(), again, err)
		}
	}
	for _, bad := range []string{"", "MB", "-1MB", "1.2.3MB", "1 XB", "99999999999999999999999TB"} {
		if _, err := ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q) accepted", bad)
		}
	}
}

// A threshold is echoed in the unit it was written in, and the measured
// bytes beside it in the same unit.
func TestWastedBytesInTheUsersUnit(t *testing.T) {
	for rule, want := range map[string][2]string{
		"20MB":    {"3.1 MB (3,145,728 bytes)", "≤ 20 MB (20,000,000 bytes)"},
		"1.5 GiB": {"3.0 MiB (3,145,728 bytes)", "≤ 1.5 GiB (1,610,612,736 bytes)"},
		"1GB":     {"3.1 MB (3,145,728 bytes)", "≤ 1 GB (1,000,000,000 bytes)"},
		"2MiB":    {"3.0 MiB (3,145,728 bytes)", "≤ 2 MiB (2,097,152 bytes)"},
		"3000000": {"3.0 MiB (3,145,728 bytes)", "≤ 3,000,000 bytes"},
	} {
		size, err := ParseSize(rule)
		if err != nil {
			t.Fatal(err)
		}
		res := verdict(t, image(0.5, 3<<20, 2, 0, 0), Rules{HighestWastedBytes: &size}, KeyHighestWastedBytes)
		if res.Measured != want[0] || res.Threshold != want[1] {
			t.Errorf("%s: measured %q, threshold %q; want %q, %q", rule, res.Measured, res.Threshold, want[0], want[1])
		}
	}
}

func TestFindOrder(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if r, _ := Find("", dir); r.From != "defaults" {
		t.Errorf("no file: from %s", r.From)
	}
	write(".dive-ci", "rules:\n  highestLayerCount: 7\n")
	if r, _ := Find("", dir); !strings.HasSuffix(r.From, ".dive-ci") || *r.HighestLayerCount != 7 {
		t.Errorf("dive's file not used: %+v", r)
	}
	write(".lx-ci.yaml", "rules:\n  highestLayerCount: 8\n")
	if r, _ := Find("", dir); !strings.HasSuffix(r.From, ".lx-ci.yaml") || *r.HighestLayerCount != 8 {
		t.Errorf(".lx-ci.yaml does not come first: %+v", r)
	}
	write("mine.yaml", "rules:\n  highestLayerCount: 9\n")
	if r, _ := Find(filepath.Join(dir, "mine.yaml"), dir); *r.HighestLayerCount != 9 {
		t.Errorf("--rules does not come first: %+v", r)
	}
	if _, err := Find(filepath.Join(dir, "missing.yaml"), dir); err == nil {
		t.Error("a missing --rules file is accepted")
	}
}

func TestJUnit(t *testing.T) {
	results := Evaluate(image(0.5, 100, 3, 1000, 500), Rules{LowestEfficiency: ptr(0.9), HighestLayerCount: ptr(10)})
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, "seed:latest", results, 1500*time.Millisecond, "details"); err != nil {
		t.Fatal(err)
	}
	var doc junitSuites
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("not XML: %v\n%s", err, buf.String())
	}
	s := doc.Suites[0]
	if s.Tests != 4 || s.Failures != 1 || s.Skipped != 2 || s.Time != "1.500" || s.Name != "lx ci seed:latest" {
		t.Errorf("suite %+v", s)
	}
	if f := s.Cases[0].Failure; f == nil || !strings.Contains(f.Message, "lowestEfficiency: 0.5000, threshold ≥ 0.9000") {
		t.Errorf("failure %+v", s.Cases[0])
	}
}

// With a base image known, the user's layers start above it: its layers'
// waste does not count, and the verdicts say which boundary was used.
func TestUserWastedAboveAKnownBase(t *testing.T) {
	r := image(0.5, 1<<29, 3, 1000, 0)
	r.Layers[1].WastedBytesMade = 500 // layer 1 wastes: the user's without a base
	if got := UserWastedShare(r); got != 0.5 {
		t.Fatalf("no base: share %v, want 0.5 (layer 1 is the user's)", got)
	}
	if b := Boundary(r); !strings.Contains(b, "above layer 0") {
		t.Errorf("no base: %q", b)
	}
	r.Image.Base = &report.BaseReport{Ref: "debian:12", Layers: 2}
	if got := UserWastedShare(r); got != 0 {
		t.Errorf("base of 2 layers: share %v, want 0 (layer 1 is the base's)", got)
	}
	if b := Boundary(r); !strings.Contains(b, "above the base image debian:12 (2 of 3, from the engine's images)") {
		t.Errorf("with a base: %q", b)
	}
	r.Image.Base.Given = true
	if b := Boundary(r); !strings.Contains(b, "from --base") {
		t.Errorf("a given base: %q", b)
	}
}
