package main

import (
	"context"
	"errors"
	"io"
	"testing"
)

// The context given to ExecuteContext is the one every stream reads under:
// cancelling it (Ctrl-C) stops the analysis.
func TestCommandsReadUnderTheRootContext(t *testing.T) {
	tar := demoTar(t, t.TempDir())
	for _, args := range [][]string{
		{"demo", "--report", "json"},
		{"report", tar},
		{"ci", tar},
		{"diff", tar, tar},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		root := newRootCmd()
		root.SetArgs(args)
		root.SetOut(io.Discard)
		root.SetErr(io.Discard)
		if err := root.ExecuteContext(ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("lx %v under a cancelled context: %v, want context.Canceled", args, err)
		}
	}
}
