// Command lx explores Docker image layers: what each layer adds, changes and
// deletes, and exactly which bytes every pull ships for nothing.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"

	"github.com/spf13/cobra"

	"lx.dev/lx/source"
)

// Exit codes: 0 done, 1 a CI rule failed, 2 the image could not be analysed
// or the command was used wrongly.
const (
	exitOK       = 0
	exitRuleFail = 1
	exitError    = 2
)

func main() {
	if os.Getenv("GOGC") == "" {
		// The path table is most of the heap and lives to the end, while
		// each layer's entries are garbage once applied: collecting at half
		// the live heap rather than all of it keeps the peak near 1.5x the
		// table (lx report on a million paths: 514 → 383 MB) for ~10% more
		// CPU. GOGC set by the user wins.
		debug.SetGCPercent(50)
	}
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	return runWith(args, os.Stdout, os.Stderr)
}

// runWith runs lx with args, its output on stdout and stderr, and returns
// the exit code.
func runWith(args []string, stdout, stderr io.Writer) int {
	// Ctrl-C cancels the command's context: a stream stops and lx exits 2
	// naming what it was reading. A second Ctrl-C stops lx at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	context.AfterFunc(ctx, stop)
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	code := exitError
	var ce codeError
	if errors.As(err, &ce) {
		code, err = ce.code, ce.err
	}
	if err != nil {
		fmt.Fprintln(stderr, codeStyleFor(stderr).render("lx: "+err.Error()))
	}
	return code
}

// codeError carries an exit code other than 2 up to main.
type codeError struct {
	code int
	err  error
}

func (e codeError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "lx",
		Short: "Explore Docker image layers and the bytes they waste",
		Long: `lx shows what every layer of a Docker image adds (A), changes (C) and
deletes (D), and which file copies every pull ships for nothing: files a
later layer deletes, recopies unchanged, or overwrites.`,
		Example: `  lx seed.tar                  explore an archive
  lx nginx:latest              explore an image of the Docker Engine
  lx container:web             explore a container: its image and its writable layer
  lx report -f markdown IMAGE  write a report instead`,
		Args:          cobra.MaximumNArgs(1),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	var explore exploreFlags
	root.Use = "lx [flags] IMAGE"
	root.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return cmd.Help()
		}
		if err := mistypedCommand(cmd, args[0]); err != nil {
			return err
		}
		return runExplore(cmd, args[0], explore, func(flags sourceFlags) (source.Source, error) {
			return openSource(args[0], flags)
		})
	}
	root.Flags().StringVar(&explore.theme, "theme", "auto", "colours: auto (follow the terminal's background), dark or light; NO_COLOR turns colours off")
	explore.keep.register(root.Flags(), defaultKeep)
	explore.src.register(root.Flags())
	root.PersistentFlags().String(configFlag, "", "read the configuration from `FILE` instead of $XDG_CONFIG_HOME/lx/config.yaml")
	build := currentBuild()
	root.Version = build.Version
	root.SetVersionTemplate(build.short() + "\n")
	root.AddCommand(newCompletionCmd())
	root.AddCommand(newVersionCmd())
	root.AddCommand(newConfigCmd())
	root.AddCommand(newDemoCmd())
	root.AddCommand(newReportCmd())
	root.AddCommand(newCICmd())
	root.AddCommand(newDiffCmd())
	root.AddCommand(newExtractCmd())
	return root
}
