package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"lx.dev/lx/internal/ci"
	"lx.dev/lx/internal/reportfile"
	"lx.dev/lx/model"
	"lx.dev/lx/model/report"
	"lx.dev/lx/source"
)

// keepFlag is --keep-contents: how many bytes of small text files are
// kept as an image streams, so that the explorer opens them at once.
type keepFlag struct{ size string }

const defaultKeep = "64MiB"

func (k *keepFlag) register(fs *pflag.FlagSet, def string) {
	fs.StringVar(&k.size, "keep-contents", def, "keep the bytes of small text files (each at most 256 KiB, no NUL byte in its first 8 KiB) as the image streams, up to `SIZE` in all, each content once: the viewer opens them at once; 0 keeps none (a file is then read again from the image when it is opened)")
}

// kept is the store the flag asks for (nil for 0).
func (k keepFlag) kept() (*source.Kept, error) {
	s := k.size
	if s == "" {
		s = defaultKeep
	}
	size, err := ci.ParseSize(s)
	if err != nil {
		return nil, fmt.Errorf("--keep-contents: %w", err)
	}
	return source.NewKept(size.Bytes), nil
}

type extractFlags struct {
	layer  string
	output string
	yes    bool
	keep   keepFlag
	src    sourceFlags
}

func newExtractCmd() *cobra.Command {
	var f extractFlags
	cmd := &cobra.Command{
		Use:   "extract [flags] IMAGE PATH",
		Short: "Write one file of an image out, as it is after a layer",
		Long: `Write the file at PATH in IMAGE out, as it is after a layer (the last
one unless --layer says which; layers are numbered from 0, as lx shows
them).

The file is written whole or not at all, and never over a file that is
there without a yes (--yes, or y when lx asks on a terminal). Without -o
it goes to PATH's last element in the current directory: never a path
from the image, so no ".." and no absolute path reach the disk. A
symlink in the image is followed inside the image, never on the disk:
its destination's bytes are written, under the link's own name.

IMAGE is anything lx reads: an image of the Docker Engine or podman, a
container (container:NAME), a registry:// reference, a docker save or OCI
archive, an OCI layout directory. The image is read once, then the file
again from the source (an archive seeks to its layer; an engine saves the
image again up to it; a registry sends that layer's blob again), unless it
is a small text file kept on the way (--keep-contents).

Exit codes: 0 written, 2 the image could not be read, or PATH holds no
file there, or the output was refused.`,
		Example: `  lx extract nginx:latest /etc/nginx/nginx.conf
  lx extract --layer 3 -o passwd.before image.tar /etc/passwd
  lx extract -o - image.tar /etc/os-release | less`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runExtract(cmd.Context(), args[0], args[1], f, os.Stdin, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	cmd.Flags().StringVarP(&f.layer, "layer", "l", "", "the file as it is after layer `N` (0 is the first); default: the last")
	cmd.Flags().StringVarP(&f.output, "output", "o", "", "write to `FILE` (- for stdout); default: PATH's last element, in the current directory")
	cmd.Flags().BoolVarP(&f.yes, "yes", "y", false, "replace the output file if it is there")
	f.keep.register(cmd.Flags(), defaultKeep)
	f.src.register(cmd.Flags())
	// A small text file kept on the way spares a second read; a base
	// changes nothing of a file's bytes.
	cmd.Flags().MarkHidden("keep-contents")
	cmd.Flags().MarkHidden("base")
	return cmd
}

func runExtract(ctx context.Context, ref, arg string, f extractFlags, stdin *os.File, stdout, stderr io.Writer) error {
	p := strings.TrimPrefix(path.Clean("/"+arg), "/")
	if p == "" {
		return fmt.Errorf("%s names the image's root directory: give a file's path", arg)
	}
	layer := -1
	if f.layer != "" {
		n, err := strconv.Atoi(f.layer)
		if err != nil || n < 0 {
			return fmt.Errorf("--layer %q: give a layer's number, from 0", f.layer)
		}
		layer = n
	}
	out := f.output
	if out == "" {
		name, err := model.FileName(p)
		if err != nil {
			return err
		}
		out = name
	}
	replace, err := mayReplace(out, f.yes, stdin, stderr)
	if err != nil {
		return err
	}
	if f.src.keep, err = f.keep.kept(); err != nil {
		return err
	}
	src, err := openSource(ref, f.src)
	if err != nil {
		return err
	}
	trace := newTracer(stderr)
	img, err := source.Analyze(ctx, src, observers(pullPrinter(stderr), trace.observe()))
	trace.done()
	if err != nil {
		return err
	}
	k, file, via, err := fileAt(img, p, layer)
	if err != nil {
		return err
	}
	files := source.NewFiles(f.src.keep)
	files.SetSource(src)
	copyTo := func(w io.Writer) error {
		return files.Read(ctx, file, nil, func(r io.Reader) error {
			_, err := io.Copy(w, r)
			return err
		})
	}
	from := fmt.Sprintf("%s as it is after layer %d", model.DisplayPath(p), k)
	if via != "" {
		from = fmt.Sprintf("%s → %s as it is after layer %d", model.DisplayPath(p), model.DisplayPath(via), k)
	}
	if out == "-" {
		return copyTo(stdout)
	}
	n, err := reportfile.WriteFrom(out, reportfile.Options{Ask: !replace}, copyTo)
	if errors.Is(err, reportfile.ErrExists) {
		return fmt.Errorf("%s appeared while the image was read: lx extract replaces a file only with --yes", out)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "lx: wrote %s: %s (%s bytes)\n", out, from, report.Commas(n))
	return nil
}

// mayReplace tells whether out may be replaced: it is not there, --yes
// says so, or the user says y on a terminal. Anything else is refused.
func mayReplace(out string, yes bool, stdin *os.File, stderr io.Writer) (bool, error) {
	if out == "-" {
		return false, nil
	}
	st, err := os.Lstat(out)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("%s: %w", out, err)
	case st.IsDir():
		return false, fmt.Errorf("%s is a directory: give -o a file name", out)
	case yes:
		return true, nil
	case stdin == nil || !term.IsTerminal(stdin.Fd()):
		return false, fmt.Errorf("%s exists: lx extract replaces a file only with --yes", out)
	}
	fmt.Fprintf(stderr, "lx: %s exists; replace it? [y/N] ", out)
	answer, _ := bufio.NewReader(stdin).ReadString('\n')
	if a := strings.ToLower(strings.TrimSpace(answer)); a == "y" || a == "yes" {
		return true, nil
	}
	return false, fmt.Errorf("%s exists and was kept", out)
}

// fileAt finds the file at p after layer k (-1: the last): its bytes,
// through symlinks followed inside the image (via is where they led).
func fileAt(img *model.Image, p string, k int) (int, model.FileRef, string, error) {
	last := len(img.Layers) - 1
	switch {
	case last < 0:
		return 0, model.FileRef{}, "", errors.New("the image has no layer")
	case k == -1:
		k = last
	case k > last:
		return 0, model.FileRef{}, "", fmt.Errorf("--layer %d: the image's layers are 0 to %d", k, last)
	}
	shown := model.DisplayPath(p)
	dest, n, ok, err := img.Resolve(p, k)
	switch {
	case err != nil:
		return 0, model.FileRef{}, "", err
	case !ok && dest == p:
		return 0, model.FileRef{}, "", fmt.Errorf("%s is not in the image after layer %d", shown, k)
	case !ok:
		return 0, model.FileRef{}, "", fmt.Errorf("%s leads to %s (its symlinks followed inside the image), which is not there after layer %d", shown, model.DisplayPath(dest), k)
	}
	via := ""
	if dest != p {
		via = dest
	}
	ref, ok := img.FileRef(n, k)
	if !ok {
		info, _ := img.Stat(n, k)
		return 0, model.FileRef{}, "", fmt.Errorf("%s is a %s after layer %d: lx extract writes files", model.DisplayPath(dest), report.KindName(info.Kind), k)
	}
	return k, ref, via, nil
}
