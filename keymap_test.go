package main

import (
	"slices"
	"testing"

	"lx.dev/lx/internal/config"
	"lx.dev/lx/ui"
)

// Every action the configuration may name has its default keys.
func TestDefaultBindings(t *testing.T) {
	got := explorerKeyMap().Defaults
	for _, a := range ui.ActionNames() {
		if len(got[a]) == 0 {
			t.Errorf("%s: no default keys found", a)
		}
	}
	for a, want := range map[string][]string{"quit": {"q"}, "forceQuit": {"ctrl+c"}, "waste": {"w"}, "formatNext": {"tab", "down"}, "pageDown": {"pgdown"}} {
		if !slices.Equal(got[a], want) {
			t.Errorf("%s: %v, want %v", a, got[a], want)
		}
	}
	// The defaults themselves pass the check.
	if err := (configWithKeys(nil)).CheckKeys(explorerKeyMap()); err != nil {
		t.Errorf("no keys: %v", err)
	}
	if err := configWithKeys(got).CheckKeys(explorerKeyMap()); err != nil {
		t.Errorf("every default written out: %v", err)
	}
}

func configWithKeys(keys map[string][]string) config.Config {
	c := config.Defaults()
	if keys != nil {
		c.Keys = keys
	}
	return c
}
