package main

import (
	"slices"

	"lx.dev/lx/internal/config"
	"lx.dev/lx/ui"
)

// explorerKeyMap is the explorer's key map as the plain data that
// config.CheckKeys checks a keys: section against.
func explorerKeyMap() config.KeyMap {
	defaults := defaultBindings()
	// The export dialog answers its own action, enter and back, and takes
	// other keys as text; the explorer answers every other action.
	dialog := []string{"formatNext", "enter", "back"}
	var explorer []string
	for _, a := range ui.ActionNames() {
		if a != "formatNext" {
			explorer = append(explorer, a)
		}
	}
	return config.KeyMap{
		Defaults: defaults,
		Scopes:   [][]string{explorer, dialog},
		Reserved: map[string]string{"ctrl+c": "quit"}, // the explorer quits on ctrl+c whatever the keys
	}
}

// defaultBindings is every action's default keys. ui names its bindings by
// action only inside Rebind, so each action is rebound to a probe and
// found by its place in Groups, which lists every binding.
func defaultBindings() map[string][]string {
	const probe = "\x00lx-probe"
	defaults := ui.DefaultKeyMap().Groups()
	out := map[string][]string{}
	for _, a := range ui.ActionNames() {
		k := ui.DefaultKeyMap()
		if err := k.Rebind(map[string][]string{a: {probe}}); err != nil {
			continue
		}
		for g, group := range k.Groups() {
			for i, b := range group.Bindings {
				if slices.Equal(b.Keys(), []string{probe}) {
					out[a] = defaults[g].Bindings[i].Keys()
				}
			}
		}
	}
	return out
}
