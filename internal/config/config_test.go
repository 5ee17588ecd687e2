package config

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseFull(t *testing.T) {
	c, err := Parse("c.yaml", []byte(`
theme: light
tree:
  lines: false
export:
  format: html
  dir: ~/reports
ci:
  rules:
    lowestEfficiency: 95%
    highestWastedBytes: 20MB
keys:
  quit: [q, ctrl+c]
  help: "?"
`))
	if err != nil {
		t.Fatal(err)
	}
	if c.Theme != "light" || c.Tree.Lines || c.Export != (Export{Format: "html", Dir: "~/reports"}) || c.From != "c.yaml" {
		t.Errorf("got %+v", c)
	}
	r := c.CI.Rules
	if r.LowestEfficiency == nil || *r.LowestEfficiency != 0.95 || r.HighestWastedBytes == nil || r.HighestWastedBytes.Bytes != 20_000_000 {
		t.Errorf("rules %+v", r)
	}
	if r.HighestUserWastedPercent == nil || *r.HighestUserWastedPercent != 0.1 || r.HighestLayerCount != nil {
		t.Errorf("rules the file leaves out must keep their defaults: %+v", r)
	}
	if r.From != "c.yaml" {
		t.Errorf("rules from %q", r.From)
	}
	want := map[string][]string{"quit": {"q", "ctrl+c"}, "help": {"?"}}
	if !reflect.DeepEqual(c.Keys, want) {
		t.Errorf("keys %v, want %v", c.Keys, want)
	}
	home, _ := os.UserHomeDir()
	if got := c.ExportDir(); got != filepath.Join(home, "reports") {
		t.Errorf("ExportDir %q", got)
	}
}

func TestParsePartialKeepsDefaults(t *testing.T) {
	for _, src := range []string{"", "# nothing\n", "theme:\n", "export:\n  format: md\n", "ci:\n", "ci:\n  rules:\n"} {
		c, err := Parse("p.yaml", []byte(src))
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		d := Defaults()
		if c.Theme != d.Theme || c.Export != d.Export || len(c.Keys) != 0 || c.CI.Rules.From != DefaultsName {
			t.Errorf("%q: %+v, want the defaults", src, c)
		}
		if *c.CI.Rules.LowestEfficiency != 0.9 {
			t.Errorf("%q: rules %+v", src, c.CI.Rules)
		}
	}
}

// Every kind of mistake gives one line: file, line, key, problem.
func TestParseErrors(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"syntax", "theme: dark\n  export: [\n", "bad.yaml:2: "},
		{"tab", "theme:\tdark\nexport:\n\tformat: json\n", "bad.yaml:3: "},
		{"not a mapping", "- theme\n", "bad.yaml:1: expected a mapping of settings (theme, tree, export, ci, keys)"},
		{"unknown setting", "theme: dark\ncolour: red\n", `bad.yaml:2: colour: unknown setting (known: theme, tree, export, ci, keys)`},
		{"set twice", "theme: dark\ntheme: light\n", "bad.yaml:2: theme: set twice (first on line 1)"},
		{"tree lines", "tree:\n  lines: maybe\n", "bad.yaml:2: tree.lines: expected true or false"},
		{"bad theme", "theme: blue\n", `bad.yaml:1: theme: "blue" is not a theme (auto, dark, light)`},
		{"theme list", "theme: [dark]\n", "bad.yaml:1: theme: expected one of auto, dark, light"},
		{"export scalar", "export: json\n", "bad.yaml:1: export: expected a mapping of settings (format, dir)"},
		{"bad format", "export:\n  format: pdf\n", `bad.yaml:2: export.format: "pdf" is not an export format (markdown, json, html)`},
		{"export unknown", "export:\n  path: x\n", "bad.yaml:2: export.path: unknown setting (known: format, dir)"},
		{"empty dir", "export:\n  dir: \"\"\n", "bad.yaml:2: export.dir: expected a directory"},
		{"ci unknown", "ci:\n  rule: {}\n", "bad.yaml:2: ci.rule: unknown setting (known: rules)"},
		{"ci rules list", "ci:\n  rules: [1]\n", `bad.yaml:2: "rules" must be a mapping`},
		{"bad rule value", "ci:\n  rules:\n    lowestEfficiency: lots\n", `bad.yaml:3: lowestEfficiency: "lots" is not a number`},
		{"unknown rule", "ci:\n  rules:\n    maxSize: 1\n", `bad.yaml:3: unknown rule "maxSize"`},
		{"keys list", "keys: [q]\n", "bad.yaml:1: keys: expected a mapping of actions to keys"},
		{"bad action", "keys:\n  \"go up\": k\n", `bad.yaml:2: keys.go up: "go up" is not an action name`},
		{"action twice", "keys:\n  quit: q\n  quit: x\n", "bad.yaml:3: keys.quit: set twice (first on line 2)"},
		{"no keys", "keys:\n  quit: []\n", "bad.yaml:2: keys.quit: no keys"},
		{"null keys", "keys:\n  quit:\n", "bad.yaml:2: keys.quit: no keys"},
		{"nested key", "keys:\n  quit: [[q]]\n", "bad.yaml:2: keys.quit: expected a key such as q"},
		{"key mapping", "keys:\n  quit: {a: b}\n", "bad.yaml:2: keys.quit: expected a key or a list of keys"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("bad.yaml", []byte(tc.src))
			if err == nil {
				t.Fatalf("no error; want %q", tc.want)
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error %q, want it to start %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q is more than one line", err)
			}
		})
	}
}

// A small key map: two scopes, as the explorer and its export dialog.
var testKeyMap = KeyMap{
	Defaults: map[string][]string{"quit": {"q", "ctrl+c"}, "waste": {"w"}, "up": {"up", "k"}, "back": {"esc"}, "formatNext": {"tab", "up"}},
	Scopes:   [][]string{{"quit", "waste", "up", "back"}, {"formatNext", "back"}},
}

func TestCheckKeys(t *testing.T) {
	for _, tc := range []struct{ file, want string }{
		{"keys:\n  quit: [x, ctrl+q]\n  waste: W\n", ""},
		{"keys:\n  up: [up, k]\n  formatNext: [tab, up]\n", ""}, // apart: the dialog has no up
		{"keys:\n  quit: q\n  fly: f\n  jump: j\n", "k.yaml:3: keys.fly: unknown action (known: back, formatNext, quit, up, waste)"},
		{"keys:\n  quit: [q,\n    ctrl+shift+banana]\n", `k.yaml:3: keys.quit: "ctrl+shift+banana" is not a key: "banana" is neither one character nor a key name`},
		{"keys:\n  quit: [w]\n", `k.yaml:2: keys.quit: "w" also does waste (by default); give one of them another key`},
		{"keys:\n  waste: [x]\n  quit:\n    - q\n    - x\n", `k.yaml:5: keys.quit: "x" also does waste (line 2); give one of them another key`},
		{"keys:\n  back: [tab]\n", `k.yaml:2: keys.back: "tab" also does formatNext (by default)`},
	} {
		c, err := Parse("k.yaml", []byte(tc.file))
		if err != nil {
			t.Fatal(err)
		}
		err = c.CheckKeys(testKeyMap)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%q: %v", tc.file, err)
		case tc.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.want)):
			t.Errorf("%q: got %v\nwant %s…", tc.file, err, tc.want)
		}
	}
}

func TestCheckKeyName(t *testing.T) {
	for _, k := range []string{"q", "G", "?", "+", "=", "é", "up", "pgdown", "space", "f1", "f12", "f63", "ctrl+c", "ctrl++",
		"shift+tab", "alt+enter", "ctrl+alt+shift+up", "ctrl+shift+a", "alt+A", "super+x"} {
		if err := CheckKeyName(k); err != nil {
			t.Errorf("%q: %v", k, err)
		}
	}
	for k, why := range map[string]string{
		"ctrl+shift+banana": `"banana" is neither one character nor a key name`,
		"banana":            "neither one character nor a key name",
		"":                  "neither one character nor a key name",
		"ctrl+":             "neither one character",
		"f0":                "neither one character",
		"f64":               "neither one character",
		" ":                 "write space",
		"\t":                "not a printable character",
		"Enter":             "key names are lower case (enter)",
		"ctrl+PgUp":         "key names are lower case (ctrl+pgup)",
		"shift+ctrl+a":      "in the order ctrl+alt+shift",
		"ctrl+ctrl+a":       "each modifier once",
		"shift+a":           "write A",
		"shift+1":           "the character shift gives",
	} {
		if err := CheckKeyName(k); err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("%q: %v; want it to say %q", k, err, why)
		}
	}
}

// What Write prints, Parse reads back to the same configuration.
func TestWriteRoundTrip(t *testing.T) {
	c, err := Parse("c.yaml", []byte(`
theme: dark
export: {format: json, dir: "/tmp/x y"}
ci: {rules: {highestLayerCount: 12, lowestEfficiency: disabled, highestWastedBytes: 1.5MiB}}
keys: {help: ["?"], filter: ["/", "ctrl+f"], prev: ["["], expand: ["+", "="], pick: [space, "#", "*", "'", "\""]}
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range []Config{Defaults(), c} {
		var buf bytes.Buffer
		if err := cfg.Write(&buf); err != nil {
			t.Fatal(err)
		}
		first, _, _ := strings.Cut(buf.String(), "\n")
		if first != "# lx configuration: "+cfg.From {
			t.Errorf("first line %q", first)
		}
		back, err := Parse(cfg.From, buf.Bytes())
		if err != nil {
			t.Fatalf("%v\n%s", err, buf.String())
		}
		back.keyLines, cfg.keyLines = nil, nil
		back.CI.Rules.From, cfg.CI.Rules.From = "", ""
		if !reflect.DeepEqual(back, cfg) {
			t.Errorf("round trip:\n%s\ngave %+v\nwant %+v", buf.String(), back, cfg)
		}
	}
	var buf bytes.Buffer
	Defaults().Write(&buf)
	want := `# lx configuration: defaults
theme: auto
tree:
  lines: true
export:
  format: markdown
  dir: .
ci:
  rules:
    lowestEfficiency: 0.9
    highestWastedBytes: disabled
    highestUserWastedPercent: 0.1
    highestLayerCount: disabled
keys: {}
`
	if buf.String() != want {
		t.Errorf("defaults:\n%s\nwant\n%s", buf.String(), want)
	}
}

// --config FILE over $XDG_CONFIG_HOME/lx/config.yaml over
// ~/.config/lx/config.yaml over the defaults.
func TestFindPrecedence(t *testing.T) {
	dir := t.TempDir()
	write := func(p, theme string) string {
		t.Helper()
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte("theme: "+theme+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	home := filepath.Join(dir, "home")
	xdg := filepath.Join(dir, "xdg")
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "")

	find := func(flag string) Config {
		t.Helper()
		c, err := Find(flag)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if c := find(""); c.From != DefaultsName || c.Theme != "auto" {
		t.Errorf("no files: %+v", c)
	}
	homeFile := write(filepath.Join(home, ".config", "lx", "config.yaml"), "light")
	if c := find(""); c.From != homeFile || c.Theme != "light" {
		t.Errorf("~/.config: from %q theme %q", c.From, c.Theme)
	}
	t.Setenv("XDG_CONFIG_HOME", xdg)
	if c := find(""); c.From != DefaultsName {
		t.Errorf("XDG_CONFIG_HOME set, no file there: from %q, want defaults", c.From)
	}
	xdgFile := write(filepath.Join(xdg, "lx", "config.yaml"), "dark")
	if c := find(""); c.From != xdgFile || c.Theme != "dark" {
		t.Errorf("XDG: from %q theme %q", c.From, c.Theme)
	}
	t.Setenv("XDG_CONFIG_HOME", "relative/dir")
	if p := DefaultPath(); p != homeFile {
		t.Errorf("a relative XDG_CONFIG_HOME is ignored: %q", p)
	}
	t.Setenv("XDG_CONFIG_HOME", xdg)
	flagFile := write(filepath.Join(dir, "flag.yaml"), "auto")
	if c := find(flagFile); c.From != flagFile || c.Theme != "auto" {
		t.Errorf("--config: from %q theme %q", c.From, c.Theme)
	}

	missing := filepath.Join(dir, "missing.yaml")
	if _, err := Find(missing); err == nil || err.Error() != missing+": no such file or directory" {
		t.Errorf("--config missing: %v", err)
	}
	write(xdgFile, "purple")
	if _, err := Find(""); err == nil || !strings.HasPrefix(err.Error(), xdgFile+":1: theme:") {
		t.Errorf("invalid XDG file: %v", err)
	}
}
