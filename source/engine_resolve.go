package source

// Finding the image on the engine: ping, inspect (pulling when it lacks
// the image), the platform, history.

import (
	"context"
	"fmt"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
	"github.com/moby/moby/client/pkg/versions"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// resolve connects, negotiates the API version, finds (or pulls) the image
// and reads its history, once. A pull's progress goes to observe.
func (e *Engine) resolve(ctx context.Context, observe Observer) (*engineImage, error) {
	e.mu.Lock()
	img := e.img
	e.mu.Unlock()
	if img != nil {
		return img, nil
	}
	if _, err := e.cli.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		return nil, e.fail(ctx, "connecting", err)
	}
	img = &engineImage{api: e.cli.ClientVersion()}
	var want *ocispec.Platform
	if e.opts.Platform != "" {
		p, err := wantedPlatform(e.opts.Platform)
		if err != nil {
			return nil, err
		}
		want = &p
		if !versions.LessThan(img.api, platformAPI) {
			img.platform = want
		}
	}
	var inspectOpts []client.ImageInspectOption
	if want != nil && !versions.LessThan(img.api, platformInspectAPI) {
		inspectOpts = append(inspectOpts, client.ImageInspectWithPlatform(want))
	}
	var err error
	img.inspect, err = e.cli.ImageInspect(ctx, e.Ref, inspectOpts...)
	if cerrdefs.IsNotFound(err) {
		if err := e.pull(ctx, want, err, observe); err != nil {
			return nil, err
		}
		img.inspect, err = e.cli.ImageInspect(ctx, e.Ref, inspectOpts...)
	}
	if err != nil {
		return nil, e.fail(ctx, "inspecting", err)
	}
	if want != nil {
		have := ocispec.Platform{OS: img.inspect.Os, Architecture: img.inspect.Architecture, Variant: img.inspect.Variant}
		match := platformMatch(have, *want)
		switch {
		case img.platform == nil && !match:
			return nil, fmt.Errorf("image %s on %s is %s, not %s, and that engine speaks API %s: choosing a platform needs API %s (Docker 28) or newer; pull the platform you want under its own tag, or use a newer engine",
				e.Ref, e.where(), platformString(have), platformString(*want), img.api, platformAPI)
		case img.platform != nil && len(inspectOpts) == 0 && !match:
			img.noPreview = true // inspect told of another platform
		}
	}
	if img.platform == nil && img.inspect.Os != "" && !versions.LessThan(img.api, platformAPI) {
		// Unasked, Docker 28+ saves every platform of an index (and the
		// containerd image store leaves out the blobs of those it did not
		// pull): ask for the one inspect described.
		img.platform = &ocispec.Platform{OS: img.inspect.Os, Architecture: img.inspect.Architecture, Variant: img.inspect.Variant}
	}
	var histOpts []client.ImageHistoryOption
	if img.platform != nil {
		histOpts = append(histOpts, client.ImageHistoryWithPlatform(*img.platform))
	}
	img.history, err = e.cli.ImageHistory(ctx, e.Ref, histOpts...)
	if err != nil && ctx.Err() == nil {
		// The history only dresses the preview: the saved config brings
		// the steps. Docker 26's containerd store fails it at times right
		// after a load ("snapshot … does not exist"), image and save fine.
		img.history = client.ImageHistoryResult{}
	} else if err != nil {
		return nil, e.fail(ctx, "reading the history of", err)
	}
	e.mu.Lock()
	e.img = img
	e.mu.Unlock()
	return img, nil
}
