package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"lx.dev/lx/internal/reportfile"
	"lx.dev/lx/model"
	"lx.dev/lx/model/report"
)

type diffFlags struct {
	format string
	output string
	theme  string
	src    sourceFlags
}

func newDiffCmd() *cobra.Command {
	var f diffFlags
	cmd := &cobra.Command{
		Use:   "diff [flags] A B",
		Short: "Compare two images: the layers they share, what B's filesystem adds, changes and deletes",
		Long: `Compare two images: the layers they share (the common prefix of their
layer lists, and any other layer both hold), their final filesystems path
by path (A: only in B, D: only in A, C: in both and different in content,
type, link target, mode, owner or xattrs), and the change in shipped bytes,
wasted bytes and layer count (B − A).

A and B are any two images lx reads: engine images, archives, OCI layouts,
podman:IMAGE. Both are read at once, each streamed once.

On a terminal, lx diff opens an explorer of the difference. With --format
(or -o), or when stdout is not a terminal, it writes the comparison's report
instead: JSON unless --format or the -o file's extension says otherwise.

Exit codes: 0 done, 2 an image could not be analysed or the command was
used wrongly.`,
		Example: `  lx diff busybox:latest myapp:latest
  lx diff myapp:v1 myapp:v2 | jq .changes
  lx diff --format markdown -o diff.md old.tar myapp:latest
  lx diff -o diff.html docker-archive:old.tar oci:./new`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 {
				return fmt.Errorf("diff compares two images: lx diff A B (%d given)", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.src.base != "" {
				return errors.New("--base names what one image is built on; lx diff compares the two images it is given")
			}
			refs := [2]string{args[0], args[1]}
			if f.format == "" && f.output == "" && isTerminal(cmd.OutOrStdout()) && term.IsTerminal(os.Stdin.Fd()) {
				return runDiffExplore(cmd, refs, f)
			}
			return runDiff(cmd.Context(), refs, f, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	cmd.Flags().StringVarP(&f.format, "format", "f", "", "write the comparison as json, markdown or html instead of exploring it (default: the -o file's extension, else json)")
	cmd.Flags().StringVarP(&f.output, "output", "o", "", "write the comparison to FILE (whole or not at all) instead of stdout")
	cmd.Flags().StringVar(&f.theme, "theme", "auto", "colours of the explorer: auto (follow the terminal's background), dark or light; NO_COLOR turns colours off")
	f.src.register(cmd.Flags())
	// A comparison has no base to name: the two images are what it reads.
	cmd.Flags().MarkHidden("base")
	return cmd
}

// isTerminal tells whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// diffFormat is the format a comparison is written in: --format, else the
// output file's extension, else JSON.
func diffFormat(f diffFlags) (report.Format, error) {
	if f.format != "" {
		return report.ParseFormat(f.format)
	}
	if format, ok := report.FormatOf(f.output); ok {
		return format, nil
	}
	return report.JSON, nil
}

// runDiff compares two images and writes the report. The format and the
// output path are checked before either image is read.
func runDiff(ctx context.Context, refs [2]string, f diffFlags, stdout, stderr io.Writer) error {
	format, err := diffFormat(f)
	if err != nil {
		return err
	}
	var file *reportfile.File
	if f.output != "" && f.output != "-" {
		if file, err = reportfile.Create(f.output, reportfile.Options{}); err != nil {
			return err
		}
		defer file.Abort()
	}
	imgs, err := analyzeBoth(ctx, func(ctx context.Context, side int) (*model.Image, error) {
		return analyze(ctx, refs[side], f.src, stderr, nil)
	})
	if err != nil {
		return err
	}
	for _, img := range imgs {
		printWarnings(stderr, img)
	}
	d := report.BuildDiff(model.Compare(imgs[0], imgs[1]))
	if file != nil {
		_, err := file.WriteDiff(d, format)
		return err
	}
	if err := format.EncodeDiff(stdout, d); err != nil {
		return fmt.Errorf("writing the comparison: %w", err)
	}
	return nil
}

// analyzeBoth reads two images at once (side 0 is A, 1 is B). The first
// failure cancels the other read and is the answer.
func analyzeBoth(ctx context.Context, analyse func(ctx context.Context, side int) (*model.Image, error)) ([2]*model.Image, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		imgs  [2]*model.Image
		first error
		once  sync.Once
		wg    sync.WaitGroup
	)
	for i := range imgs {
		wg.Go(func() {
			img, err := analyse(ctx, i)
			if err != nil {
				once.Do(func() { first = err; cancel() })
				return
			}
			imgs[i] = img
		})
	}
	wg.Wait()
	return imgs, first
}
