package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"lx.dev/lx/model"
	"lx.dev/lx/source"
	"lx.dev/lx/theme"
	"lx.dev/lx/ui"
)

type exploreFlags struct {
	theme string
	keep  keepFlag
	src   sourceFlags
}

// opener makes the image's source once the explorer is up.
type opener func(flags sourceFlags) (source.Source, error)

// runExplore opens the interactive explorer on one image. The screen
// comes up at once; the analysis streams on its own goroutine and sends
// its progress to the program. The configuration file gives the theme
// (unless --theme does), the key bindings and the export defaults.
func runExplore(cmd *cobra.Command, ref string, f exploreFlags, open opener) error {
	ctx, cancel := context.WithCancel(cmd.Context())
	defer cancel()
	var err error
	if f.src.keep, err = f.keep.kept(); err != nil {
		return err
	}
	opts, err := explorerOptions(cmd, ref, f.theme, cancel)
	if err != nil {
		return err
	}
	files := source.NewFiles(f.src.keep)
	opts.Contents = files
	app := ui.New(opts)
	prog := tea.NewProgram(app)
	trace := newTracer(os.Stderr) // LX_TRACE=1 lx IMAGE 2>trace.log
	ui.Load(ctx, prog.Send, func(ctx context.Context, feed *ui.Feed) (*model.Image, error) {
		src, err := open(f.src)
		if err != nil {
			return nil, err
		}
		files.SetSource(src)
		defer trace.done()
		return source.Analyze(ctx, src, observers(feeder(feed), trace.observe()))
	})
	return runProgram(prog, app)
}

// runProgram runs an explorer until the user quits; a failed load exits 2
// with its error.
func runProgram(prog *tea.Program, app *ui.App) error {
	if _, err := prog.Run(); err != nil {
		return err
	}
	if app.ExitCode() != 0 {
		return codeError{code: app.ExitCode(), err: app.Err()}
	}
	return nil
}

// explorerOptions is what an explorer takes from the configuration file
// and the flags (the theme unless --theme says it, the key bindings, the
// export defaults), once stdin and stdout are found to be a terminal.
func explorerOptions(cmd *cobra.Command, ref, themeFlag string, cancel context.CancelFunc) (ui.Options, error) {
	cfg, err := loadConfig(cmd)
	if err != nil {
		return ui.Options{}, err
	}
	if !cmd.Flags().Changed("theme") {
		themeFlag = cfg.Theme
	}
	choice, ok := theme.ParseChoice(themeFlag)
	if !ok {
		return ui.Options{}, fmt.Errorf("--theme %q: choose auto, dark or light", themeFlag)
	}
	if err := cfg.CheckKeys(explorerKeyMap()); err != nil {
		return ui.Options{}, err
	}
	keys := ui.DefaultKeyMap()
	if err := keys.Rebind(cfg.Keys); err != nil {
		return ui.Options{}, fmt.Errorf("%s: keys: %w", cfg.From, err)
	}
	if !term.IsTerminal(os.Stdout.Fd()) || !term.IsTerminal(os.Stdin.Fd()) {
		return ui.Options{}, errors.New("the explorer needs a terminal on stdin and stdout; for a file or a pipe use lx report IMAGE")
	}
	return ui.Options{
		Ref:     ref,
		Theme:   choice,
		Profile: colorprofile.Detect(os.Stdout, os.Environ()),
		Cancel:  cancel,
		Keys:    keys,

		ExportFormat: cfg.Export.Format,
		ExportDir:    cfg.ExportDir(),
		PlainTree:    !cfg.Tree.Lines,
		Settle:       settleCollector,
	}, nil
}

// settleCollector runs once the explorer has read its image. From then on
// the heap is the image, which lives to the end and holds few pointers,
// and each key's garbage is small: collecting at a quarter of the live
// heap rather than half keeps the explorer's resident memory near the
// image for little CPU. GOGC set by the user wins.
func settleCollector() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(25)
	}
}
