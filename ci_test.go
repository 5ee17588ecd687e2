package main

// Tests of lx ci that need no engine: the demo image saved as an archive.

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lx.dev/lx/internal/demo"
)

// demoTar saves the demo image into dir and returns its path.
func demoTar(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "demo.tar")
	if err := os.WriteFile(p, demo.Archive(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// runIn runs lx with args in dir and returns its exit code, stdout and
// stderr (run's own, as main prints it).
func runIn(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	var stdout, stderr bytes.Buffer
	code := runWith(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestCIReportFormat(t *testing.T) {
	dir := t.TempDir()
	tar := demoTar(t, dir)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--report", "r.txt"}, "lx: --report r.txt: cannot tell the format from the name; add --report-format (json, markdown, html)\n"},
		{[]string{"--report", "r.md", "--report-format", "pdf"}, "lx: unknown report format \"pdf\" (choose json, markdown, html)\n"},
	} {
		code, _, stderr := runIn(t, dir, append(append([]string{"ci"}, c.args...), tar)...)
		if code != exitError || stderr != c.want {
			t.Errorf("lx ci %s: exit %d, stderr %q; want 2 and %q", strings.Join(c.args, " "), code, stderr, c.want)
		}
	}
	code, _, stderr := runIn(t, dir, "ci", "--report", "r.htm", "--report-format", "md", tar)
	b, err := os.ReadFile(filepath.Join(dir, "r.htm"))
	if code != exitRuleFail || err != nil || !bytes.HasPrefix(b, []byte("# ")) {
		t.Errorf("--report-format md wins over the extension: exit %d (%s), %v, file starts %.20q", code, stderr, err, b)
	}
}

// A --rules file that is missing or names no rule is one line naming it,
// exit 2, before any analysis.
func TestCIRulesFileErrors(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "empty.yaml"), nil, 0o644)
	for file, want := range map[string]string{
		"missing.yaml": "lx: rules file missing.yaml: no such file or directory\n",
		"empty.yaml":   "lx: empty.yaml: no rules; name at least one under \"rules:\" (lowestEfficiency: 0.9), or remove the file to use the defaults\n",
	} {
		code, stdout, stderr := runIn(t, dir, "ci", "--rules", file, "no-such-image.tar")
		if code != exitError || stdout != "" || stderr != want {
			t.Errorf("--rules %s: exit %d, stderr %q; want 2 and %q", file, code, stderr, want)
		}
	}
}

// Rules given as flags, as dive takes them, win over the rules file and
// fail as its lines do.
func TestCIRuleFlags(t *testing.T) {
	dir := t.TempDir()
	tar := demoTar(t, dir)
	os.WriteFile(filepath.Join(dir, ".lx-ci.yaml"), []byte("rules:\n  lowestEfficiency: 0.1\n  highestLayerCount: 7\n"), 0o644)
	code, stdout, stderr := runIn(t, dir, "ci", "--lowestEfficiency", "0.9", "--highestWastedBytes=20MB", "--highestUserWastedPercent", "disabled", tar)
	for _, want := range []string{
		"rules from .lx-ci.yaml with --lowestEfficiency, --highestWastedBytes, --highestUserWastedPercent",
		"FAIL  lowestEfficiency          0.2616 (threshold ≥ 0.9000)",
		"PASS  highestWastedBytes        3.1 MB (3,145,728 bytes) (threshold ≤ 20 MB (20,000,000 bytes))",
		"SKIP  highestUserWastedPercent",
		"PASS  highestLayerCount         7 (threshold ≤ 7)",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s%s", want, stdout, stderr)
		}
	}
	if code != exitRuleFail {
		t.Errorf("exit %d, want 1", code)
	}
	for flag, want := range map[string]string{
		"--highestWastedBytes=20 parsecs": `lx: --highestWastedBytes: "20 parsecs" has an unknown unit "parsecs"`,
		"--lowestEfficiency=1.5":          "lx: --lowestEfficiency: 1.5 is out of range",
		"--highestLayerCount=0":           `lx: --highestLayerCount: "0" is not a layer count`,
	} {
		code, _, stderr := runIn(t, dir, "ci", flag, tar)
		if code != exitError || !strings.HasPrefix(stderr, want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%s: exit %d, stderr %q; want 2 and %s…", flag, code, stderr, want)
		}
	}
}
