package config

import (
	"fmt"
	"io"
	"sort"
	"strconv"

	"go.yaml.in/yaml/v3"

	"lx.dev/lx/internal/ci"
)

// Write prints the configuration as YAML that Parse reads back to the same
// configuration, after a comment line saying where it came from.
func (c Config) Write(w io.Writer) error {
	top := &yaml.Node{Kind: yaml.MappingNode}
	add := func(m *yaml.Node, key string, v *yaml.Node) {
		m.Content = append(m.Content, str(key), v)
	}
	add(top, "theme", str(c.Theme))

	tree := &yaml.Node{Kind: yaml.MappingNode}
	add(tree, "lines", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(c.Tree.Lines)})
	add(top, "tree", tree)

	export := &yaml.Node{Kind: yaml.MappingNode}
	add(export, "format", str(c.Export.Format))
	add(export, "dir", str(c.Export.Dir))
	add(top, "export", export)

	rules := &yaml.Node{Kind: yaml.MappingNode}
	r := c.CI.Rules
	for _, k := range ci.Keys {
		v := "disabled"
		switch {
		case k == ci.KeyLowestEfficiency && r.LowestEfficiency != nil:
			v = strconv.FormatFloat(*r.LowestEfficiency, 'g', -1, 64)
		case k == ci.KeyHighestWastedBytes && r.HighestWastedBytes != nil:
			v = r.HighestWastedBytes.String()
		case k == ci.KeyHighestUserWastedPercent && r.HighestUserWastedPercent != nil:
			v = strconv.FormatFloat(*r.HighestUserWastedPercent, 'g', -1, 64)
		case k == ci.KeyHighestLayerCount && r.HighestLayerCount != nil:
			v = strconv.Itoa(*r.HighestLayerCount)
		}
		n := &yaml.Node{Kind: yaml.ScalarNode, Value: v}
		add(rules, k, n)
	}
	ciNode := &yaml.Node{Kind: yaml.MappingNode}
	add(ciNode, "rules", rules)
	add(top, "ci", ciNode)

	keys := &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle}
	actions := make([]string, 0, len(c.Keys))
	for a := range c.Keys {
		actions = append(actions, a)
	}
	sort.Strings(actions)
	if len(actions) > 0 {
		keys.Style = 0
	}
	for _, a := range actions {
		list := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, k := range c.Keys[a] {
			list.Content = append(list.Content, str(k))
		}
		add(keys, a, list)
	}
	add(top, "keys", keys)

	from := c.From
	if from == "" {
		from = DefaultsName
	}
	top.Content[0].HeadComment = "lx configuration: " + from // on the first key: no blank line after it
	doc := &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{top}}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("writing the configuration: %w", err)
	}
	return enc.Close()
}

// str is a string scalar, quoted by the encoder when YAML needs it.
func str(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}
