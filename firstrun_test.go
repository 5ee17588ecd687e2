package main

// Tests of the commands a newcomer runs first: lx demo, lx version,
// lx completion and lx config. They run the command tree in-process.

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"lx.dev/lx/internal/demo"
)

const mib = 1 << 20

// execRoot runs lx with args in-process and returns its stdout.
func execRoot(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := newRootCmd()
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs(args)
	err := root.Execute()
	return out.String(), err
}

func mustExec(t *testing.T, args ...string) string {
	t.Helper()
	out, err := execRoot(t, args...)
	if err != nil {
		t.Fatalf("lx %s: %v", strings.Join(args, " "), err)
	}
	return out
}

func TestDemoReport(t *testing.T) {
	var r struct {
		Image struct {
			Ref          string           `json:"ref"`
			LayerCount   int              `json:"layerCount"`
			WastedBytes  int64            `json:"wastedBytes"`
			WasteByCause map[string]int64 `json:"wasteByCause"`
		} `json:"image"`
	}
	out := mustExec(t, "demo", "--report", "json")
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if r.Image.Ref != demo.Ref || r.Image.LayerCount != 7 || r.Image.WastedBytes != 3*mib ||
		r.Image.WasteByCause["recopied"] != 2*mib || r.Image.WasteByCause["removed"] != mib {
		t.Errorf("demo report %+v", r.Image)
	}

	md := mustExec(t, "demo", "--report", "markdown")
	for _, want := range []string{"lx-demo/seed:latest", "3,145,728 bytes", "`RUN rm /data/one`", "mode 0644→0777"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown report lacks %q", want)
		}
	}

	// --save writes the archive; lx report reads it to the same report.
	dir := t.TempDir()
	saved := filepath.Join(dir, "demo.tar")
	if out := mustExec(t, "demo", "--save", saved); out != "" {
		t.Errorf("--save printed %q", out)
	}
	b, err := os.ReadFile(saved)
	if err != nil || !bytes.Equal(b, demo.Archive()) {
		t.Fatalf("saved archive differs from the built-in one (%v)", err)
	}
	if again := mustExec(t, "report", saved); again != out {
		t.Errorf("lx report on the saved demo differs from lx demo --report json")
	}

	file := filepath.Join(dir, "r.md")
	if out := mustExec(t, "demo", "--report", "markdown", "-o", file); out != "" {
		t.Errorf("-o printed %q", out)
	}
	if got, _ := os.ReadFile(file); string(got) != md {
		t.Errorf("-o file differs from stdout")
	}

	for _, args := range [][]string{
		{"demo", "--report", "pdf"},
		{"demo", "--report", "json", "--save", saved},
		{"demo", "-o", file},
		{"demo", "extra"},
	} {
		if code := run(args); code != exitError {
			t.Errorf("lx %s: exit %d, want %d", strings.Join(args, " "), code, exitError)
		}
	}
}

func TestVersion(t *testing.T) {
	defer func(v, c, d string) { version, commit, date = v, c, d }(version, commit, date)
	version, commit, date = "1.2.3", "0123456789abcdef", "2024-05-06T07:08:09Z"
	out := mustExec(t, "version")
	for _, want := range []string{"lx 1.2.3\n", "commit:   0123456789abcdef\n", "built:    2024-05-06T07:08:09Z\n", "go:       go1.", "platform: "} {
		if !strings.Contains(out, want) {
			t.Errorf("lx version lacks %q:\n%s", want, out)
		}
	}
	if out := mustExec(t, "--version"); out != "lx 1.2.3 (0123456789ab, 2024-05-06T07:08:09Z)\n" {
		t.Errorf("lx --version = %q", out)
	}

	version, commit, date = "dev", "", ""
	if b := currentBuild(); b.Version == "" || b.Go == "" {
		t.Errorf("no injected version: %+v", b)
	}
}

func TestCompletion(t *testing.T) {
	dir := t.TempDir()
	for _, shell := range []string{"bash", "zsh", "fish"} {
		out := mustExec(t, "completion", shell)
		if len(out) < 100 || !strings.Contains(out, "lx") {
			t.Errorf("%s: %d bytes, want a script that mentions lx", shell, len(out))
			continue
		}
		script := filepath.Join(dir, "lx."+shell)
		if err := os.WriteFile(script, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		var check *exec.Cmd
		switch shell {
		case "bash":
			// Sourcing parses the script and registers the completion.
			check = exec.Command("bash", "-c", `source "$1" && complete -p lx`, "bash", script)
		case "zsh":
			check = exec.Command("zsh", "-n", script)
		case "fish":
			check = exec.Command("fish", "--no-execute", script)
		}
		if _, err := exec.LookPath(check.Path); err != nil {
			if shell == "bash" {
				t.Errorf("bash is missing: %v", err)
			}
			continue
		}
		got, err := check.CombinedOutput()
		if err != nil {
			t.Errorf("%s does not take the script: %v\n%s", shell, err, got)
		}
		if shell == "bash" && !strings.Contains(string(got), " lx") {
			t.Errorf("bash: the script registered no completion for lx: %s", got)
		}
	}
	if code := run([]string{"completion", "powershell"}); code != exitError {
		t.Errorf("unknown shell: exit %d", code)
	}
	help := mustExec(t, "completion", "--help")
	for _, want := range []string{"bash-completion/completions/lx", "~/.zfunc/_lx", "fish/completions/lx.fish"} {
		if !strings.Contains(help, want) {
			t.Errorf("help does not say how to install: lacks %q", want)
		}
	}
}

func TestConfigCommand(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HOME", filepath.Join(dir, "home"))
	xdg := filepath.Join(dir, "xdg")
	t.Setenv("XDG_CONFIG_HOME", xdg)

	out := mustExec(t, "config")
	if !strings.HasPrefix(out, "# lx configuration: defaults\ntheme: auto\n") {
		t.Errorf("no file:\n%s", out)
	}

	xdgFile := filepath.Join(xdg, "lx", "config.yaml")
	os.MkdirAll(filepath.Dir(xdgFile), 0o755)
	os.WriteFile(xdgFile, []byte("theme: light\nkeys:\n  quit: [Q]\n"), 0o644)
	out = mustExec(t, "config")
	if !strings.HasPrefix(out, "# lx configuration: "+xdgFile+"\ntheme: light\n") || !strings.Contains(out, "quit: [Q]") {
		t.Errorf("XDG file:\n%s", out)
	}
	if p := mustExec(t, "config", "--path"); p != xdgFile+"\n" {
		t.Errorf("--path %q", p)
	}

	flagFile := filepath.Join(dir, "lx.yaml")
	os.WriteFile(flagFile, []byte("export:\n  format: html\n"), 0o644)
	out = mustExec(t, "--config", flagFile, "config")
	if !strings.HasPrefix(out, "# lx configuration: "+flagFile+"\ntheme: auto\n") || !strings.Contains(out, "format: html") {
		t.Errorf("--config before the command:\n%s", out)
	}
	if again := mustExec(t, "config", "--config", flagFile); again != out {
		t.Errorf("--config after the command differs")
	}

	os.WriteFile(flagFile, []byte("export:\n  format: pdf\n"), 0o644)
	_, err := execRoot(t, "config", "--config", flagFile)
	if err == nil || err.Error() != flagFile+`:2: export.format: "pdf" is not an export format (markdown, json, html)` {
		t.Errorf("invalid file: %v", err)
	}
	for _, args := range [][]string{
		{"config", "--config", flagFile},
		{"config", "--config", filepath.Join(dir, "missing.yaml")},
	} {
		if code := run(args); code != exitError {
			t.Errorf("lx %s: exit %d, want %d", strings.Join(args, " "), code, exitError)
		}
	}
}

// Every command of this file has examples in its help.
func TestFirstRunHelpHasExamples(t *testing.T) {
	root := newRootCmd()
	for _, name := range []string{"demo", "version", "completion", "config", "diff"} {
		cmd, _, err := root.Find([]string{name})
		if err != nil || cmd.Name() != name {
			t.Errorf("no %s command: %v", name, err)
			continue
		}
		if !strings.Contains(cmd.Example, "lx "+name) && !strings.Contains(cmd.Example, "lx --") {
			t.Errorf("lx %s --help has no examples", name)
		}
	}
}
