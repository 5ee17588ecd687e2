package main

import (
	"lx.dev/lx/internal/config"
	"lx.dev/lx/ui"
)

// explorerKeyMap is the explorer's key map as the plain data that
// config.CheckKeys checks a keys: section against: every action's default
// keys, and the sets of actions that answer keys at the same time.
func explorerKeyMap() config.KeyMap {
	return config.KeyMap{Defaults: ui.DefaultBindings(), Scopes: ui.KeyScopes()}
}
