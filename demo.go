package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"lx.dev/lx/internal/atomicfile"
	"lx.dev/lx/internal/demo"
	"lx.dev/lx/model"
	"lx.dev/lx/model/report"
	"lx.dev/lx/source"
)

// demoSource is the image built into lx (internal/demo) as a source: no
// daemon, no file. It is read like any docker save archive, and its
// files are read again from its bytes (the viewer, x, Y); keep is the
// explorer's budget of small text files, nil for none.
func demoSource(keep *source.Kept) source.Source {
	return &source.Stream{Name: "demo image " + demo.Ref, Ref: demo.Ref, Opts: source.Options{Keep: keep}, Open: demo.Open}
}

type demoFlags struct {
	report string // a report format: print the report instead of exploring
	output string
	save   string
	theme  string
}

func newDemoCmd() *cobra.Command {
	var f demoFlags
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Explore a small image built into lx (no Docker needed)",
		Long: `Open the explorer on an image built into lx: the classic example of a
Dockerfile that wastes bytes, as a Docker Engine with the vfs storage
driver builds it:

  FROM busybox
  RUN mkdir /data
  RUN dd if=/dev/zero bs=1024 count=1024 of=/data/one
  RUN chmod -R 0777 /data
  RUN dd if=/dev/zero bs=1024 count=1024 of=/data/two
  RUN chmod -R 0777 /data
  RUN rm /data/one
  CMD ls -alh /data

It shows added (A), changed (C) and deleted (D) files, a deleted file that
every pull still ships, and chmods that recopy a whole file to change one
mode bit: 3 MiB of the image's 4 MiB of data are waste.

With --report FORMAT, print the demo image's report instead (json,
markdown or html); with --save FILE, write the image as a docker save
archive (lx FILE, lx report FILE or docker load read it).`,
		Example: `  lx demo
  lx demo --report markdown
  lx demo --report html -o demo.html
  lx demo --save lx-demo.tar && lx report lx-demo.tar`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case f.save != "":
				if f.report != "" {
					return errors.New("--save and --report: choose one")
				}
				return saveDemo(f.save)
			case f.report != "":
				return demoReport(cmd.Context(), f, cmd.OutOrStdout(), cmd.ErrOrStderr())
			case f.output != "":
				return errors.New("-o FILE goes with --report FORMAT")
			}
			return exploreDemo(cmd, f)
		},
	}
	cmd.Flags().StringVar(&f.report, "report", "", "print the demo image's report in `FORMAT` (json, markdown or html) instead of exploring")
	cmd.Flags().StringVarP(&f.output, "output", "o", "", "with --report: write the report to FILE (whole or not at all)")
	cmd.Flags().StringVar(&f.theme, "theme", "auto", "colours: auto (follow the terminal's background), dark or light; NO_COLOR turns colours off")
	cmd.Flags().StringVar(&f.save, "save", "", "write the demo image to `FILE` as a docker save archive")
	return cmd
}

// exploreDemo opens the explorer on demoSource().
func exploreDemo(cmd *cobra.Command, f demoFlags) error {
	return runExplore(cmd, demo.Ref, exploreFlags{theme: f.theme}, func(sf sourceFlags) (source.Source, error) {
		return demoSource(sf.keep), nil
	})
}

func demoReport(ctx context.Context, f demoFlags, stdout, stderr io.Writer) error {
	return writeReport(f.report, f.output, report.Options{}, stdout, stderr, func() (*model.Image, error) {
		return source.Analyze(ctx, demoSource(nil), nil)
	})
}

func saveDemo(path string) error {
	r, err := demo.Open()
	if err != nil {
		return err
	}
	file, err := atomicfile.Create(path)
	if err != nil {
		return err
	}
	defer file.Abort()
	if _, err := io.Copy(file, r); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return file.Commit()
}
