package main

import (
	"github.com/spf13/pflag"

	"lx.dev/lx/source"
)

// sourceFlags are the flags of every command that opens an image: which
// engine, whether to pull, which platform.
type sourceFlags struct {
	host     string
	noPull   bool
	platform string
}

func (f *sourceFlags) register(fs *pflag.FlagSet) {
	fs.StringVarP(&f.host, "host", "H", "", "Docker Engine to read IMAGE or container:NAME from (unix:///PATH or tcp://HOST:PORT); default: DOCKER_HOST, DOCKER_CONTEXT, the docker CLI's current context, /var/run/docker.sock; for podman:IMAGE, CONTAINER_HOST, podman's connection, its rootful then rootless socket")
	fs.BoolVar(&f.noPull, "no-pull", false, "fail when the engine does not have IMAGE instead of pulling it")
	fs.StringVar(&f.platform, "platform", "", "choose os/arch[/variant] of a multi-platform image or archive")
}

// openSource turns what the user typed into a source: an archive or layout
// path, or an image of the Docker Engine or podman (see source.Open). It
// takes configuration only; what the load does is observed through
// source.Analyze's events.
func openSource(ref string, f sourceFlags) (source.Source, error) {
	return source.Open(ref, source.Options{
		Platform: f.platform,
		Engine:   source.EngineOptions{Host: f.host, NoPull: f.noPull},
	})
}
