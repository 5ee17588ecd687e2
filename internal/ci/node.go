package ci

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// ParseRulesNode reads rules from a YAML mapping of rule names to
// thresholds: what sits under "rules:" in a rules file, or under "ci:
// rules:" in lx's config file. Rules it does not mention keep their
// defaults; a null node is the defaults. name is used in errors, which say
// "name:line: key: problem".
func ParseRulesNode(name string, node *yaml.Node) (Rules, error) {
	r := Defaults()
	r.From = name
	if node == nil || isNull(node) {
		return r, nil
	}
	if node.Kind != yaml.MappingNode {
		return Rules{}, fmt.Errorf("%s:%d: \"rules\" must be a mapping of rule names to thresholds", name, node.Line)
	}
	for i := 0; i+1 < len(node.Content); i += 2 {
		if err := r.set(node.Content[i], node.Content[i+1]); err != nil {
			return Rules{}, fmt.Errorf("%s:%d: %w", name, node.Content[i].Line, err)
		}
	}
	return r, nil
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}
