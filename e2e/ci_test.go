package e2e

import (
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"lx.dev/lx/internal/testengine"
)

// lx ci against the test daemon: exit 0 when every rule passes, 1 when one
// fails, 2 when the image cannot be analysed or the rules are wrong.
func TestE2ECIExitCodes(t *testing.T) {
	host := testengine.Host(t)
	const seed = "lx-fixture/seed:latest" // efficiency 0.4907, 7 layers, user layers 75% wasted
	write := func(dir, name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}

	t.Run("defaults fail the seed image", func(t *testing.T) {
		dir := t.TempDir()
		res := runLX(t, dir, "ci", "--host", host, "--junit", "junit.xml", "--report", "seed.md", seed)
		out := string(res.stdout)
		if res.code != 1 {
			t.Fatalf("exit %d, want 1\n%s%s", res.code, out, res.stderr)
		}
		for _, want := range []string{
			"rules from defaults",
			"FAIL  lowestEfficiency          0.4907 (threshold ≥ 0.9000)",
			"FAIL  highestUserWastedPercent  75.00% (threshold ≤ 10.00%)",
			"1.0 MiB      removed   /data/one  made by layer 3, killed by layer 6",
			"RUN chmod -R 0777 /data recopied /data/two", // piped: no Markdown backticks
			"FAILED: 2 of 4 rules",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
		md, err := os.ReadFile(filepath.Join(dir, "seed.md"))
		if err != nil || !strings.Contains(string(md), "3,145,728") {
			t.Errorf("the --report file: %v\n%s", err, md)
		}
		b, err := os.ReadFile(filepath.Join(dir, "junit.xml"))
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Suites []struct {
				Tests    int `xml:"tests,attr"`
				Failures int `xml:"failures,attr"`
			} `xml:"testsuite"`
		}
		if err := xml.Unmarshal(b, &doc); err != nil || len(doc.Suites) != 1 || doc.Suites[0].Failures != 2 || doc.Suites[0].Tests != 4 {
			t.Errorf("junit: %v %+v\n%s", err, doc, b)
		}
	})

	t.Run("lenient rules pass", func(t *testing.T) {
		dir := t.TempDir()
		write(dir, ".lx-ci.yaml", "rules:\n  lowestEfficiency: 0.49\n  highestWastedBytes: 3145728\n  highestUserWastedPercent: 75%\n  highestLayerCount: 7\n")
		res := runLX(t, dir, "ci", "--host", host, seed)
		if res.code != 0 || !strings.Contains(string(res.stdout), "PASSED") {
			t.Errorf("exit %d, want 0\n%s%s", res.code, res.stdout, res.stderr)
		}
	})

	t.Run("dive's file is read", func(t *testing.T) {
		dir := t.TempDir()
		write(dir, ".dive-ci", "rules:\n  lowestEfficiency: disabled\n  highestUserWastedPercent: disabled\n  highestWastedBytes: 3MB\n")
		res := runLX(t, dir, "ci", "--host", host, seed)
		if res.code != 1 || !strings.Contains(string(res.stdout), "FAIL  highestWastedBytes        3.1 MB (3,145,728 bytes) (threshold ≤ 3 MB (3,000,000 bytes))") {
			t.Errorf("exit %d, want 1 on highestWastedBytes\n%s%s", res.code, res.stdout, res.stderr)
		}
	})

	t.Run("bad rules exit 2 naming file line and key", func(t *testing.T) {
		dir := t.TempDir()
		rules := write(dir, "rules.yaml", "rules:\n  lowestEfficiency: 0.9\n  highestWastedBytes: 20 parsecs\n")
		res := runLX(t, dir, "ci", "--host", host, "--rules", rules, seed)
		if res.code != 2 || !strings.Contains(string(res.stderr), "rules.yaml:3: highestWastedBytes") {
			t.Errorf("exit %d, want 2 naming rules.yaml:3\n%s", res.code, res.stderr)
		}
	})

	t.Run("unwritable report exits 2 before the analysis", func(t *testing.T) {
		dir := t.TempDir()
		res := runLX(t, dir, "ci", "--host", host, "--report", filepath.Join(dir, "missing", "r.md"), "lx-fixture/does-not-exist:latest")
		if res.code != 2 || !strings.Contains(string(res.stderr), "missing/r.md") || strings.Contains(string(res.stderr), "does-not-exist") {
			t.Errorf("exit %d, want 2 about the report path, before any analysis\n%s", res.code, res.stderr)
		}
	})

	t.Run("missing image exits 2", func(t *testing.T) {
		res := runLX(t, t.TempDir(), "ci", "--host", host, "--no-pull", "lx-fixture/does-not-exist:latest")
		if res.code != 2 || len(res.stdout) != 0 {
			t.Errorf("exit %d, want 2 and no verdicts\n%s%s", res.code, res.stdout, res.stderr)
		}
	})
}

// TestE2ECIOnATerminal: on a terminal, lx ci shows the hints' code spans
// in bold, never as Markdown backticks; with NO_COLOR, in quotes.
func TestE2ECIOnATerminal(t *testing.T) {
	script := testengine.Tool(t, "bsdutils", "script") // runs lx on a pseudo-terminal
	seed := testengine.Archive(t, "seed.docker.tar")
	for env, want := range map[string]string{"": "\x1b[1mRUN chmod -R 0777 /data\x1b[22m recopied \x1b[1m/data/two\x1b[22m", "NO_COLOR=1": "‘RUN chmod -R 0777 /data’ recopied ‘/data/two’"} {
		cmd := exec.Command(script, "-qec", shellQuote(lxBinary(t))+" ci "+shellQuote(seed), "/dev/null")
		cmd.Env = append(os.Environ(), "NO_COLOR=")
		if env != "" {
			cmd.Env = append(cmd.Env, env)
		}
		out, _ := cmd.CombinedOutput()
		if !strings.Contains(string(out), want) || strings.Contains(string(out), "`") {
			t.Errorf("%s: the terminal shows:\n%q\nwant %q and no backtick", env, out, want)
		}
	}
}
