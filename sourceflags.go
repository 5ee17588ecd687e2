package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/spf13/pflag"

	"lx.dev/lx/model"
	"lx.dev/lx/source"
)

// sourceFlags are the flags of every command that opens an image: which
// engine, whether to pull, which platform. The callbacks are not flags:
// a command sets them to follow the pull and the stream.
type sourceFlags struct {
	host     string
	noPull   bool
	platform string

	// progress follows the image stream; pullProgress a pull (for images
	// the engine does not have yet).
	progress     func(source.Progress)
	pullProgress func(source.PullProgress)
}

func (f *sourceFlags) register(fs *pflag.FlagSet) {
	fs.StringVarP(&f.host, "host", "H", "", "Docker Engine to read IMAGE from (unix:///PATH or tcp://HOST:PORT); default: DOCKER_HOST, DOCKER_CONTEXT, the docker CLI's current context, /var/run/docker.sock; for podman:IMAGE, CONTAINER_HOST, podman's connection, its rootful then rootless socket")
	fs.BoolVar(&f.noPull, "no-pull", false, "fail when the engine does not have IMAGE instead of pulling it")
	fs.StringVar(&f.platform, "platform", "", "choose os/arch[/variant] of a multi-platform image or archive")
}

// openSource turns what the user typed into a source: an archive or layout
// path, or an image of the Docker Engine or podman (see source.Open).
func openSource(ref string, f sourceFlags) (source.Source, error) {
	return source.Open(ref, source.Options{
		Platform: f.platform,
		Progress: f.progress,
		Engine: source.EngineOptions{
			Host:         f.host,
			NoPull:       f.noPull,
			PullProgress: f.pullProgress,
		},
	})
}

// pullPrinter writes a pull's progress to w (stderr), one line per layer
// and status change; the byte counts of a download are not repeated.
func pullPrinter(w io.Writer) func(source.PullProgress) {
	var mu sync.Mutex
	last := map[string]string{}
	started := false
	return func(p source.PullProgress) {
		mu.Lock()
		defer mu.Unlock()
		if !started {
			started = true
			fmt.Fprintf(w, "lx: pulling %s\n", p.Ref)
		}
		if p.Status == "" || last[p.ID] == p.Status {
			return
		}
		last[p.ID] = p.Status
		switch {
		case p.ID == "":
			fmt.Fprintf(w, "lx:   %s\n", p.Status)
		case p.Total > 0:
			fmt.Fprintf(w, "lx:   %s: %s (%d bytes)\n", p.ID, p.Status, p.Total)
		default:
			fmt.Fprintf(w, "lx:   %s: %s\n", p.ID, p.Status)
		}
	}
}

// traceHooks log, with LX_TRACE=1, how long the preview (layer list) and
// the config took from the start of the process.
func traceHooks(w io.Writer) source.Hooks {
	if os.Getenv("LX_TRACE") != "1" {
		return source.Hooks{}
	}
	since := func() string { return time.Since(processStart).Round(time.Millisecond).String() }
	return source.Hooks{
		Preview: func(cfg model.Config) {
			fmt.Fprintf(w, "lx: trace: preview after %s (%d layers, %d steps)\n", since(), len(cfg.DiffIDs), len(cfg.History))
		},
		Config: func(cfg model.Config) {
			fmt.Fprintf(w, "lx: trace: config after %s\n", since())
		},
		Layer: func(_ model.Layer, done, total int) {
			if done == total {
				fmt.Fprintf(w, "lx: trace: %d layers applied after %s\n", total, since())
			}
		},
	}
}

// processStart is as close to the start of the process as Go lets us get.
var processStart = time.Now()
