// Package config reads lx's configuration file:
// $XDG_CONFIG_HOME/lx/config.yaml (by default ~/.config/lx/config.yaml), or
// the file --config names.
//
//	theme: auto                 # auto, dark or light
//	tree:
//	  lines: true               # connector lines (├──) in the explorer's tree; false: a plain indent
//	export:
//	  format: markdown          # markdown, json or html: the export dialog's first choice
//	  dir: ~/reports            # where exports go (default: the current directory)
//	ci:
//	  rules:                    # the same keys as .lx-ci.yaml
//	    lowestEfficiency: 0.95
//	    highestWastedBytes: 20MB
//	keys:                       # action: key or [keys]
//	  quit: [q, Q]
//	  help: "?"
//
// Settings a file leaves out keep their defaults. Errors name the file, the
// line and the key: "config.yaml:3: theme: "blue" is not a theme (auto,
// dark or light)".
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"lx.dev/lx/internal/ci"
)

// The choices of the settings that have a fixed set of values.
var (
	Themes        = []string{"auto", "dark", "light"}
	ExportFormats = []string{"markdown", "json", "html"}
)

// Settings lists the top-level keys.
var Settings = []string{"theme", "tree", "export", "ci", "keys"}

// DefaultsName is Config.From when no file was read.
const DefaultsName = "defaults"

// Config is the effective configuration.
type Config struct {
	Theme  string // auto, dark or light
	Tree   Tree
	Export Export
	CI     CI
	// Keys maps an action of the explorer to the keys that trigger it, as
	// written ("q", "ctrl+c"). Actions left out keep their default keys.
	Keys map[string][]string
	// From is the file the configuration was read from, or DefaultsName.
	From string

	keyLines map[string]keyLines // where each action and its keys were set, for CheckKeys
}

// keyLines are the lines of one action of keys: and of each of its keys.
type keyLines struct {
	action int
	keys   []int
}

// Tree is how the explorer draws its tree.
type Tree struct {
	Lines bool // connector lines (├──) rather than a plain indent
}

// Export is the export dialog's defaults.
type Export struct {
	Format string // markdown, json or html
	Dir    string // "." is the current directory; a leading ~/ is the home directory
}

// CI is the default rules of `lx ci`.
type CI struct {
	Rules ci.Rules
}

// Defaults is the configuration when no file sets anything.
func Defaults() Config {
	return Config{
		Theme:  "auto",
		Tree:   Tree{Lines: true},
		Export: Export{Format: "markdown", Dir: "."},
		CI:     CI{Rules: ci.Defaults()},
		Keys:   map[string][]string{},
		From:   DefaultsName,
	}
}

// DefaultPath is where the configuration file is looked for:
// $XDG_CONFIG_HOME/lx/config.yaml when XDG_CONFIG_HOME is an absolute path,
// else ~/.config/lx/config.yaml. It is "" when neither is known.
func DefaultPath() string {
	if x := os.Getenv("XDG_CONFIG_HOME"); filepath.IsAbs(x) {
		return filepath.Join(x, "lx", "config.yaml")
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return ""
	}
	return filepath.Join(home, ".config", "lx", "config.yaml")
}

// Find returns the effective configuration: the file flagPath names when
// it is not empty (it must exist), else DefaultPath's file when there is
// one, else the defaults.
func Find(flagPath string) (Config, error) {
	if flagPath != "" {
		return Load(flagPath)
	}
	p := DefaultPath()
	if p == "" {
		return Defaults(), nil
	}
	if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
		return Defaults(), nil
	}
	return Load(p)
}

// Load reads one configuration file.
func Load(path string) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return Config{}, fmt.Errorf("%s: %w", path, err)
	}
	return Parse(path, b)
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// Parse reads a configuration from YAML; name is used in errors.
func Parse(name string, b []byte) (Config, error) {
	c := Defaults()
	c.From = name
	c.CI.Rules.From = DefaultsName
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		msg := err.Error()
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			return Config{}, fmt.Errorf("%s:%s: %s", name, m[1], m[2])
		}
		return Config{}, fmt.Errorf("%s: %s", name, strings.TrimPrefix(msg, "yaml: "))
	}
	if len(doc.Content) == 0 || isNull(doc.Content[0]) {
		return c, nil // an empty file: the defaults
	}
	p := parser{name: name}
	top := doc.Content[0]
	err := p.mapping(top, "", Settings, func(key string, v *yaml.Node) error {
		if isNull(v) {
			return nil
		}
		switch key {
		case "theme":
			t, err := p.choice(v, key, Themes, "a theme")
			c.Theme = t
			return err
		case "tree":
			return p.mapping(v, "tree.", []string{"lines"}, func(_ string, v *yaml.Node) error {
				if isNull(v) {
					return nil
				}
				if v.Kind != yaml.ScalarNode || v.Decode(&c.Tree.Lines) != nil {
					return p.errorf(v, "tree.lines: expected true or false")
				}
				return nil
			})
		case "export":
			return p.mapping(v, "export.", []string{"format", "dir"}, func(key string, v *yaml.Node) error {
				if isNull(v) {
					return nil
				}
				if key == "format" {
					f, err := p.choice(v, "export.format", ExportFormats, "an export format")
					c.Export.Format = f
					return err
				}
				if v.Kind != yaml.ScalarNode || strings.TrimSpace(v.Value) == "" {
					return p.errorf(v, "export.dir: expected a directory")
				}
				c.Export.Dir = v.Value
				return nil
			})
		case "ci":
			return p.mapping(v, "ci.", []string{"rules"}, func(_ string, v *yaml.Node) error {
				if isNull(v) {
					return nil
				}
				r, err := ci.ParseRulesNode(name, v)
				c.CI.Rules = r
				return err
			})
		case "keys":
			return p.keys(v, &c)
		}
		return nil
	})
	if err != nil {
		return Config{}, err
	}
	return c, nil
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

type parser struct{ name string }

func (p parser) errorf(n *yaml.Node, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", p.name, n.Line, fmt.Sprintf(format, args...))
}

// mapping walks a mapping whose keys must be among known, each at most
// once; prefix makes the keys' full names for errors ("export.").
func (p parser) mapping(n *yaml.Node, prefix string, known []string, each func(key string, v *yaml.Node) error) error {
	if n.Kind != yaml.MappingNode {
		what := "settings (" + strings.Join(known, ", ") + ")"
		if prefix == "" {
			return p.errorf(n, "expected a mapping of %s", what)
		}
		return p.errorf(n, "%s: expected a mapping of %s", strings.TrimSuffix(prefix, "."), what)
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		full := prefix + k.Value
		if first, ok := seen[k.Value]; ok {
			return p.errorf(k, "%s: set twice (first on line %d)", full, first)
		}
		seen[k.Value] = k.Line
		if !slices.Contains(known, k.Value) {
			return p.errorf(k, "%s: unknown setting (known: %s)", full, strings.Join(known, ", "))
		}
		if err := each(k.Value, v); err != nil {
			return err
		}
	}
	return nil
}

// choice reads a scalar that must be one of choices ("md" is markdown).
func (p parser) choice(v *yaml.Node, key string, choices []string, what string) (string, error) {
	if v.Kind != yaml.ScalarNode {
		return "", p.errorf(v, "%s: expected one of %s", key, strings.Join(choices, ", "))
	}
	s := strings.ToLower(strings.TrimSpace(v.Value))
	if s == "md" && slices.Contains(choices, "markdown") {
		s = "markdown"
	}
	if !slices.Contains(choices, s) {
		return "", p.errorf(v, "%s: %q is not %s (%s)", key, v.Value, what, strings.Join(choices, ", "))
	}
	return s, nil
}

var actionName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]*$`)

// keys reads "action: key" or "action: [key, ...]".
func (p parser) keys(n *yaml.Node, c *Config) error {
	if n.Kind != yaml.MappingNode {
		return p.errorf(n, "keys: expected a mapping of actions to keys (quit: [q, ctrl+c])")
	}
	c.keyLines = map[string]keyLines{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		full := "keys." + k.Value
		if !actionName.MatchString(k.Value) {
			return p.errorf(k, "%s: %q is not an action name (letters, digits, - and _)", full, k.Value)
		}
		if first, ok := c.keyLines[k.Value]; ok {
			return p.errorf(k, "%s: set twice (first on line %d)", full, first.action)
		}
		lines := keyLines{action: k.Line}
		var items []*yaml.Node
		switch v.Kind {
		case yaml.ScalarNode:
			if !isNull(v) {
				items = []*yaml.Node{v}
			}
		case yaml.SequenceNode:
			items = v.Content
		default:
			return p.errorf(v, "%s: expected a key or a list of keys", full)
		}
		if len(items) == 0 {
			return p.errorf(v, "%s: no keys (give one, or a list like [q, ctrl+c])", full)
		}
		var keys []string
		for _, it := range items {
			if it.Kind != yaml.ScalarNode || isNull(it) || strings.TrimSpace(it.Value) == "" {
				return p.errorf(it, "%s: expected a key such as q, ctrl+c or f5", full)
			}
			keys = append(keys, it.Value)
			lines.keys = append(lines.keys, it.Line)
		}
		c.Keys[k.Value] = keys
		c.keyLines[k.Value] = lines
	}
	return nil
}

// ExportDir is Export.Dir with a leading ~/ made the home directory.
func (c Config) ExportDir() string {
	d := c.Export.Dir
	if rest, ok := strings.CutPrefix(d, "~/"); ok || d == "~" {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	return d
}
