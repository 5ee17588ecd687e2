// Package ci holds the rules `lx ci` gates an image on: where they come
// from (a rules file, .lx-ci.yaml, or dive's .dive-ci), what they mean,
// and how an analysed image fares against them.
package ci

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The rule keys, as dive names them where dive has the rule.
const (
	KeyLowestEfficiency         = "lowestEfficiency"
	KeyHighestWastedBytes       = "highestWastedBytes"
	KeyHighestUserWastedPercent = "highestUserWastedPercent"
	KeyHighestLayerCount        = "highestLayerCount"
)

// Keys lists every rule key in the order lx reports them.
var Keys = []string{KeyLowestEfficiency, KeyHighestWastedBytes, KeyHighestUserWastedPercent, KeyHighestLayerCount}

// Rules are the thresholds; a nil field is a disabled rule.
type Rules struct {
	LowestEfficiency         *float64 // 0..1: efficiency must be at least this
	HighestWastedBytes       *Size    // wasted bytes must be at most this
	HighestUserWastedPercent *float64 // 0..1: wasted share of the user layers' bytes, at most this
	HighestLayerCount        *int     // layers must be at most this
	// From says where the rules came from: a file name, or "defaults".
	From string
}

// Defaults are the rules when no file gives any: efficiency at least 0.9
// and at most 10% of the user layers' bytes wasted.
func Defaults() Rules {
	eff, user := 0.9, 0.1
	return Rules{LowestEfficiency: &eff, HighestUserWastedPercent: &user, From: "defaults"}
}

// FileNames are the files Find looks for, in order, in a directory.
var FileNames = []string{".lx-ci.yaml", ".lx-ci.yml", ".dive-ci"}

// Find loads the rules of --rules FILE when given, else the first of
// FileNames in dir, else the defaults.
func Find(rulesFile, dir string) (Rules, error) {
	if rulesFile != "" {
		return Load(rulesFile)
	}
	for _, name := range FileNames {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			return Load(p)
		} else if !errors.Is(err, os.ErrNotExist) {
			return Rules{}, fmt.Errorf("rules file %s: %w", p, plainPathError(err))
		}
	}
	return Defaults(), nil
}

// Load reads a rules file. Rules it does not mention keep their defaults;
// "disabled" turns one off.
func Load(path string) (Rules, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Rules{}, fmt.Errorf("rules file %s: %w", path, plainPathError(err))
	}
	return Parse(path, b)
}

// plainPathError drops the "open PATH:" that os errors carry: the message
// names the file already.
func plainPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Parse reads rules from YAML: the keys under a top-level "rules:" (dive's
// layout). name is used in errors, which say file, line and key.
//
// A file that names no rule is refused rather than read as the defaults:
// a gate whose file says nothing is a mistake (a truncated or wrong file),
// and passing on the defaults while naming the file would hide it.
func Parse(name string, b []byte) (Rules, error) {
	r := Defaults()
	r.From = name
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return Rules{}, fmt.Errorf("%s: %s", name, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 || isNull(doc.Content[0]) {
		return Rules{}, fmt.Errorf("%s: %s", name, noRules)
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		return Rules{}, fmt.Errorf("%s:%d: expected a mapping with a \"rules:\" key", name, top.Line)
	}
	if len(top.Content) == 0 {
		return Rules{}, fmt.Errorf("%s:%d: %s", name, top.Line, noRules)
	}
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		if k.Value != "rules" {
			return Rules{}, fmt.Errorf("%s:%d: unknown key %q (expected \"rules\")", name, k.Line, k.Value)
		}
		if isNull(v) || v.Kind == yaml.MappingNode && len(v.Content) == 0 {
			return Rules{}, fmt.Errorf("%s:%d: rules: %s", name, k.Line, noRules)
		}
		var err error
		if r, err = ParseRulesNode(name, v); err != nil {
			return Rules{}, err
		}
	}
	return r, nil
}

// noRules says what to do with a rules file that names no rule.
const noRules = "no rules; name at least one under \"rules:\" (lowestEfficiency: 0.9), or remove the file to use the defaults"

// set applies one "key: value" of the rules mapping.
func (r *Rules) set(k, v *yaml.Node) error {
	if v.Kind != yaml.ScalarNode {
		return fmt.Errorf("%s: expected a single value", k.Value)
	}
	return r.Set(k.Value, v.Value)
}

// Set applies one rule, as a rules file or a flag gives it: a threshold,
// or "disabled". Errors read "key: problem".
func (r *Rules) Set(key, value string) error {
	val := strings.TrimSpace(value)
	disabled := strings.EqualFold(val, "disabled")
	switch key {
	case KeyLowestEfficiency:
		if disabled {
			r.LowestEfficiency = nil
			return nil
		}
		f, err := ratio(val)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		r.LowestEfficiency = &f
	case KeyHighestUserWastedPercent:
		if disabled {
			r.HighestUserWastedPercent = nil
			return nil
		}
		f, err := ratio(val)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		r.HighestUserWastedPercent = &f
	case KeyHighestWastedBytes:
		if disabled {
			r.HighestWastedBytes = nil
			return nil
		}
		n, err := ParseSize(val)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		r.HighestWastedBytes = &n
	case KeyHighestLayerCount:
		if disabled {
			r.HighestLayerCount = nil
			return nil
		}
		n, err := strconv.Atoi(val)
		if err != nil || n < 1 {
			return fmt.Errorf("%s: %q is not a layer count (a whole number, 1 or more)", key, val)
		}
		r.HighestLayerCount = &n
	default:
		return fmt.Errorf("unknown rule %q (known: %s)", key, strings.Join(Keys, ", "))
	}
	return nil
}

// ratio reads a share: 0.9, or a percentage "90%".
func ratio(s string) (float64, error) {
	pct := strings.HasSuffix(s, "%")
	f, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(s, "%")), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("%q is not a number (write 0.9 or 90%%)", s)
	}
	if pct {
		f /= 100
	}
	if f < 0 || f > 1 {
		return 0, fmt.Errorf("%s is out of range (0 to 1, or 0%% to 100%%)", s)
	}
	return f, nil
}
