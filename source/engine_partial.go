package source

// A save that leaves blobs out. Docker 26's containerd image store, asked
// to save an image whose layers it had before it pulled it (from another
// image), writes the manifests but not the config and layer blobs: it never
// fetched those blobs, and API 1.45 cannot ask the save for one platform.
// lx then reads the image through another image of the engine that has the
// same config (its digest checked, every layer's diffID checked), or says
// plainly what happened and what to do.

import (
	"archive/tar"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"

	"github.com/moby/moby/api/types/system"
	"github.com/moby/moby/client"

	"lx.dev/lx/model"
)

// leftOut re-reads the engine's save of the image, at most limit bytes,
// and returns the config digest its manifest.json names when the save
// leaves out that config or a layer. It returns "" when the save holds
// every blob it names, or is larger than limit (another failure than this
// one: the first read saw fewer bytes).
func (e *Engine) leftOut(ctx context.Context, saveOpts []client.ImageSaveOption, limit int64) (string, error) {
	body, err := e.cli.ImageSave(ctx, []string{e.Ref}, saveOpts...)
	if err != nil {
		return "", err
	}
	defer body.Close()
	have := map[string]bool{}
	var manifest []byte
	tr := tar.NewReader(io.LimitReader(body, limit))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", nil // cut by the limit, or not a tar: not this failure
		}
		name := path.Clean(h.Name)
		have[name] = true
		if name == "manifest.json" {
			if manifest, err = io.ReadAll(io.LimitReader(tr, 1<<20)); err != nil {
				return "", nil
			}
		}
	}
	var images []struct {
		Config string
		Layers []string
	}
	if json.Unmarshal(manifest, &images) != nil {
		return "", nil
	}
	for _, im := range images {
		missing := !have[path.Clean(im.Config)]
		for _, l := range im.Layers {
			missing = missing || !have[path.Clean(l)]
		}
		hex, ok := strings.CutPrefix(path.Clean(im.Config), "blobs/sha256/")
		if missing && ok && len(hex) == 64 {
			return "sha256:" + hex, nil
		}
	}
	return "", nil
}

// errOtherConfig ends the read of an image whose config is not the one
// wanted, before the sink has seen anything of it.
var errOtherConfig = errors.New("another config")

// throughSameConfig reads the image through another image of the engine
// whose config has the digest config and whose save holds the blobs. It
// tells whether one did; an error is one that came after the sink had the
// config, when no other image may be tried.
func (e *Engine) throughSameConfig(ctx context.Context, img *engineImage, config string, opts Options, sink *namedSink) (bool, error) {
	list, err := e.cli.ImageList(ctx, client.ImageListOptions{})
	if err != nil {
		return false, nil
	}
	for _, item := range list.Items {
		if ctx.Err() != nil {
			return false, nil
		}
		if item.ID == img.inspect.ID {
			continue
		}
		in, err := e.cli.ImageInspect(ctx, item.ID)
		if err != nil || !slices.Equal(in.RootFS.Layers, img.inspect.RootFS.Layers) ||
			in.Os != img.inspect.Os || in.Architecture != img.inspect.Architecture {
			continue
		}
		name := item.ID
		if len(item.RepoTags) > 0 {
			name = item.RepoTags[0]
		}
		via := &sameConfigSink{namedSink: sink, config: config,
			warning: fmt.Sprintf("the engine's save of %s left out its config and layer blobs; its layers were read through %s, which has the same config (%s); the compressed sizes are not known", e.Ref, name, config)}
		body, err := e.cli.ImageSave(ctx, []string{item.ID})
		if err != nil {
			continue
		}
		stop := context.AfterFunc(ctx, func() { body.Close() })
		// No layer is bound before the config is checked: this archive
		// may hold another image.
		r := newProgressReader(ctx, body, img.inspect.Size, sink.Observe)
		r.approximate = true
		err = ReadArchive(ctx, r, opts, e.Ref, nil, via)
		stop()
		body.Close()
		switch {
		case err == nil:
			return true, nil
		case via.configured:
			return true, err // the sink has it: no other image may follow
		}
	}
	return false, nil
}

// sameConfigSink passes on an image only if its config has the wanted
// digest. Its blobs are another image's: their digests and sizes go, and
// the first layer carries the warning that says so.
type sameConfigSink struct {
	*namedSink
	config     string
	warning    string
	configured bool
}

func (s *sameConfigSink) Config(cfg model.Config) error {
	if cfg.ID != s.config {
		return errOtherConfig
	}
	for i := range cfg.Layers {
		cfg.Layers[i] = model.LayerBlob{CompressedSize: -1}
	}
	s.configured = true
	return s.namedSink.Config(cfg)
}

func (s *sameConfigSink) Layer(index int, l Layer) error {
	if index == 0 {
		l.Warnings = append(l.Warnings, s.warning)
	}
	return s.namedSink.Layer(index, l)
}

// leftOutError says what the engine did and what to do about it.
func (e *Engine) leftOutError(ctx context.Context, img *engineImage, cause error) error {
	engine := "Docker"
	if v, err := e.cli.ServerVersion(ctx, client.ServerVersionOptions{}); err == nil {
		engine += " " + v.Version
	}
	engine += " (API " + img.api
	if info, err := e.cli.Info(ctx, client.InfoOptions{}); err == nil && containerdStore(info.Info) {
		engine += ", containerd image store"
	}
	engine += ")"
	platform := img.inspect.Os + "/" + img.inspect.Architecture
	if img.inspect.Variant != "" {
		platform += "/" + img.inspect.Variant
	}
	return explain(cause, "%s: the engine, %s, saved it with its config and layer blobs left out: it did not fetch the blobs of layers it already had from other images, and no other image there has the same config to read them through; pull it again with `docker pull --platform %s %s` on an engine without those layers, or use Docker 28+, where lx asks the save for one platform",
		e, engine, platform, e.Ref)
}

// containerdStore tells whether an engine keeps its images in containerd's
// content store (its snapshotter as the storage driver).
func containerdStore(info system.Info) bool {
	for _, kv := range info.DriverStatus {
		if kv[0] == "driver-type" && strings.HasPrefix(kv[1], "io.containerd.snapshotter") {
			return true
		}
	}
	return false
}
