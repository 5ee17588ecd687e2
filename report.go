package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"lx.dev/lx/internal/reportfile"
	"lx.dev/lx/model"
	"lx.dev/lx/model/report"
	"lx.dev/lx/source"
)

// maxWarningsShown bounds the warnings printed to stderr; the report keeps
// them all.
const maxWarningsShown = 10

type reportFlags struct {
	format   string
	output   string
	changes  bool
	paths    []string // --path: the paths whose history the report tells
	progress bool
	keep     keepFlag // hidden: a report needs no contents; scripts/bench.sh measures their cost
	src      sourceFlags
}

func newReportCmd() *cobra.Command {
	var f reportFlags
	cmd := &cobra.Command{
		Use:   "report [flags] IMAGE|ARCHIVE",
		Short: "Analyse an image and write a report (JSON or Markdown)",
		Long: `Analyse an image and write a report.

IMAGE is an image of the Docker Engine: name[:tag], name@sha256:..., or a
full or short image ID (docker-daemon:IMAGE says so explicitly). The engine
is --host, else DOCKER_HOST, DOCKER_CONTEXT, the docker CLI's current
context, or /var/run/docker.sock; an image it lacks is pulled (progress on
stderr) unless --no-pull.

ARCHIVE is docker-archive:PATH, oci-archive:PATH, oci:DIR, or a plain path
to a docker save / podman save / OCI archive or layout directory.

container:NAME (or container:ID) reads a container of the Docker Engine:
its image's layers and its writable layer on top, as docker diff lists it,
with the container's size and virtual size; nothing is written, committed
or paused.

Exit codes: 0 done, 2 the image could not be analysed.`,
		Example: `  lx report nginx:latest
  lx report --host unix:///run/user/1000/docker.sock --no-pull myapp:dev
  lx report image.tar
  lx report container:web
  lx report --format markdown -o report.md docker-archive:image.tar
  lx report --changes --platform linux/arm64 oci:./layout
  lx report --path /data/one --path /etc/passwd image.tar`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runReport(cmd.Context(), args[0], f, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	cmd.Flags().StringVarP(&f.format, "format", "f", "json", "report format: json, markdown or html")
	cmd.Flags().StringVarP(&f.output, "output", "o", "", "write the report to FILE (whole or not at all) instead of stdout")
	cmd.Flags().BoolVar(&f.changes, "changes", false, "list every layer's changed paths (JSON)")
	cmd.Flags().StringArrayVar(&f.paths, "path", nil, "add the history of `PATH` to the report: every layer that touched it (repeatable)")
	cmd.Flags().BoolVar(&f.progress, "progress", false, "say on stderr how far the load has come: the bytes read, each layer as it is applied")
	f.src.register(cmd.Flags())
	f.keep.register(cmd.Flags(), "0")
	cmd.Flags().MarkHidden("keep-contents")
	return cmd
}

func runReport(ctx context.Context, ref string, f reportFlags, stdout, stderr io.Writer) error {
	var progress source.Observer
	if f.progress {
		progress = progressPrinter(stderr)
	}
	opts := report.Options{Changes: f.changes, Paths: f.paths}
	var err error
	if f.src.keep, err = f.keep.kept(); err != nil {
		return err
	}
	return writeReport(f.format, f.output, opts, stdout, stderr, func() (*model.Image, error) {
		return analyze(ctx, ref, f.src, stderr, progress)
	})
}

// writeReport analyses an image and writes its report in format to output
// ("" or "-": stdout). The format and the output path are checked before
// the analysis, and the file is written whole or not at all: not at all
// when a path asked for is not in the image.
func writeReport(format, output string, opts report.Options, stdout, stderr io.Writer, analyse func() (*model.Image, error)) error {
	f, err := report.ParseFormat(format)
	if err != nil {
		return err
	}
	var file *reportfile.File
	if output != "" && output != "-" {
		if file, err = reportfile.Create(output, reportfile.Options{}); err != nil {
			return err
		}
		defer file.Abort()
	}
	img, err := analyse()
	if err != nil {
		return err
	}
	if err := checkPaths(img, opts.Paths); err != nil {
		return err
	}
	printWarnings(stderr, img)
	opts.Changes = opts.Changes || f.WantsChanges()
	rep := report.Build(img, opts)
	if file != nil {
		_, err := file.Write(rep, f)
		return err
	}
	if err := f.Encode(stdout, rep); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	return nil
}

// analyze opens a source and reads it once; ctx ending (Ctrl-C) cancels
// the stream. A pull's progress goes to stderr, and with LX_TRACE=1 when
// the layer list, the config and each layer were ready; more observes the
// rest (lx report --progress).
func analyze(ctx context.Context, ref string, f sourceFlags, stderr io.Writer, more source.Observer) (*model.Image, error) {
	src, err := openSource(ref, f)
	if err != nil {
		return nil, err
	}
	trace := newTracer(stderr)
	defer trace.done()
	return source.Analyze(ctx, src, observers(pullPrinter(stderr), trace.observe(), more))
}

func printWarnings(w io.Writer, img *model.Image) {
	style := codeStyleFor(w)
	for i, s := range img.Warnings {
		if i == maxWarningsShown {
			fmt.Fprintf(w, "lx: warning: %d more warnings are in the report\n", len(img.Warnings)-i)
			return
		}
		fmt.Fprintln(w, "lx: warning:", style.render(s))
	}
}
