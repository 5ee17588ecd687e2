package main

import (
	"context"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"lx.dev/lx/model"
	"lx.dev/lx/source"
	"lx.dev/lx/ui"
)

// runDiffExplore opens the explorer of the difference of two images. The
// screen comes up at once; both images stream at once on goroutines of
// their own, each side's progress sent to the program, then the
// comparison.
func runDiffExplore(cmd *cobra.Command, refs [2]string, f diffFlags) error {
	ctx, cancel := context.WithCancel(cmd.Context())
	defer cancel()
	opts, err := explorerOptions(cmd, refs[0]+" → "+refs[1], f.theme, cancel)
	if err != nil {
		return err
	}
	app := ui.NewDiff(opts, refs[0], refs[1])
	prog := tea.NewProgram(app)
	go func() {
		feeds := [2]*ui.Feed{ui.DiffFeed(prog.Send, 0), ui.DiffFeed(prog.Send, 1)}
		imgs, err := analyzeBoth(ctx, func(ctx context.Context, side int) (*model.Image, error) {
			src, err := openSource(refs[side], f.src)
			if err != nil {
				return nil, err
			}
			return source.Analyze(ctx, src, feeder(feeds[side]))
		})
		prog.Send(ui.DiffLoaded(imgs[0], imgs[1], err))
	}()
	return runProgram(prog, app)
}
