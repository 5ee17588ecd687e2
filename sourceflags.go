package main

import (
	"fmt"

	"github.com/spf13/pflag"

	"lx.dev/lx/source"
)

// sourceFlags are the flags of every command that opens an image: which
// engine, whether to pull, which platform.
type sourceFlags struct {
	host     string
	noPull   bool
	platform string
	base     string
	jobs     int
	insecure bool

	keep *source.Kept // the contents kept as the image streams (--keep-contents); nil: none
}

func (f *sourceFlags) register(fs *pflag.FlagSet) {
	fs.StringVarP(&f.host, "host", "H", "", "Docker Engine to read IMAGE or container:NAME from (unix:///PATH or tcp://HOST:PORT); default: DOCKER_HOST, DOCKER_CONTEXT, the docker CLI's current context, /var/run/docker.sock; for podman:IMAGE, CONTAINER_HOST, podman's connection, its rootful then rootless socket")
	fs.BoolVar(&f.noPull, "no-pull", false, "fail when the engine does not have IMAGE instead of pulling it")
	fs.StringVar(&f.platform, "platform", "", "choose os/arch[/variant] of a multi-platform image or archive")
	fs.IntVar(&f.jobs, "jobs", source.DefaultJobs, "for registry://HOST/REPO[:TAG]: how many layer blobs to fetch at once")
	fs.BoolVar(&f.insecure, "insecure", false, "for registry://: allow plain HTTP and skip TLS certificate checks (a localhost or 127.0.0.1 registry may use plain HTTP without it)")
	fs.StringVar(&f.base, "base", "", "the base image IMAGE is built on (an image or archive, read as IMAGE is), where no engine lists it: its layers count as the base's")
}

// openSource turns what the user typed into a source: an archive or layout
// path, or an image of the Docker Engine or podman (see source.Open). It
// takes configuration only; what the load does is observed through
// source.Analyze's events.
func openSource(ref string, f sourceFlags) (source.Source, error) {
	opts := source.Options{
		Platform: f.platform,
		Engine:   source.EngineOptions{Host: f.host, NoPull: f.noPull},
		Registry: source.RegistryOptions{Jobs: f.jobs, Insecure: f.insecure},
	}
	if f.jobs < 1 {
		return nil, fmt.Errorf("--jobs %d: fetch at least one blob at a time", f.jobs)
	}
	kept := opts
	kept.Keep = f.keep
	src, err := source.Open(ref, kept)
	if err != nil || f.base == "" {
		return src, err
	}
	base, err := source.Open(f.base, opts) // only its config is read
	if err != nil {
		return nil, fmt.Errorf("--base %s: %w", f.base, err)
	}
	return source.WithBase(src, base, f.base), nil
}
