package source

// Pulling an image the engine lacks, following its progress.

import (
	"context"
	"fmt"
	"strings"

	"github.com/moby/moby/client"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// PullProgress is one message of an image pull.
type PullProgress struct {
	Ref     string // what is being pulled
	ID      string // the layer the message is about; "" for the image
	Status  string // "Pulling fs layer", "Downloading", "Pull complete"...
	Current int64  // bytes done, when the status carries progress
	Total   int64  // bytes in all, when known (else 0)
}

// pull fetches the image through the engine, following its progress.
// notFound is inspect's answer, the cause when lx may not pull.
func (e *Engine) pull(ctx context.Context, want *ocispec.Platform, notFound error, observe Observer) error {
	if e.opts.Engine.NoPull {
		return explain(notFound, "no image %s on %s, and --no-pull forbids pulling it", e.Ref, e.where())
	}
	if !pullable(e.Ref) {
		return explain(notFound, "no image %s on %s (an image ID cannot be pulled); check it with `%s images`", e.Ref, e.where(), e.kindOf().cli)
	}
	var opts client.ImagePullOptions
	if want != nil {
		opts.Platforms = append(opts.Platforms, *want)
	}
	resp, err := e.cli.ImagePull(ctx, e.Ref, opts)
	if err != nil {
		if ctx.Err() != nil || client.IsErrConnectionFailed(err) {
			return e.fail(ctx, "pulling", err)
		}
		return e.pullError(err, daemonMessage(err))
	}
	for msg, err := range resp.JSONMessages(ctx) {
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("%s: %w", e, ctx.Err())
			}
			return e.pullError(err, err.Error())
		}
		if msg.Error != nil {
			return e.pullError(msg.Error, msg.Error.Message)
		}
		if observe != nil {
			p := PullProgress{Ref: e.Ref, ID: msg.ID, Status: msg.Status}
			if msg.Progress != nil {
				p.Current, p.Total = msg.Progress.Current, msg.Progress.Total
			}
			observe(Pulling{Progress: p})
		}
	}
	return nil
}

// pullError says the pull failed with the engine's answer, wrapping cause.
func (e *Engine) pullError(cause error, answer string) error {
	return explain(cause, "%s is not on %s and pulling it failed: %s", e.Ref, e.where(), oneLine(answer))
}

// pullable tells whether ref names something a registry can have: not an
// image ID ("sha256:…" or 64 hex digits).
func pullable(ref string) bool {
	if strings.HasPrefix(ref, "sha256:") {
		return false
	}
	if len(ref) == 64 && strings.Trim(ref, "0123456789abcdef") == "" {
		return false
	}
	return true
}
