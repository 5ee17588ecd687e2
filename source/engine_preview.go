package source

import (
	"strings"
	"time"

	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/client"

	"lx.dev/lx/model"
)

// previewConfig is the image as inspect and history describe it. The layer
// list (rootfs diffIDs) is exact; the history is the API's, newest first
// and in whole seconds, with no empty_layer flags: it is reversed and the
// steps that made no layer are guessed (markEmpty). The saved config that
// the stream brings replaces it.
func previewConfig(ref string, in client.ImageInspectResult, hist []image.HistoryResponseItem) model.Config {
	cfg := model.Config{
		Ref:          ref,
		ID:           in.ID,
		OS:           in.Os,
		Architecture: in.Architecture,
		Variant:      in.Variant,
		DiffIDs:      in.RootFS.Layers,
	}
	if t, err := time.Parse(time.RFC3339Nano, in.Created); err == nil {
		cfg.Created = t
	}
	steps := make([]image.HistoryResponseItem, len(hist))
	for i, h := range hist {
		steps[len(hist)-1-i] = h
	}
	empty := markEmpty(steps, len(cfg.DiffIDs))
	for i, h := range steps {
		var created time.Time
		if h.Created > 0 {
			created = time.Unix(h.Created, 0).UTC()
		}
		cfg.History = append(cfg.History, model.History{Created: created, CreatedBy: h.CreatedBy, Comment: h.Comment, EmptyLayer: empty[i]})
	}
	for range cfg.DiffIDs {
		cfg.Layers = append(cfg.Layers, model.LayerBlob{CompressedSize: -1})
	}
	return cfg
}

// markEmpty guesses which history steps (oldest first) made no layer, so
// that exactly layers of them are left making one. A step with bytes made
// a layer; a step of a metadata instruction (ENV, CMD, LABEL...) with none
// did not; a step of neither kind is taken as a layer. When the counts
// still disagree, zero-byte steps are switched, newest first.
func markEmpty(steps []image.HistoryResponseItem, layers int) []bool {
	empty := make([]bool, len(steps))
	made := 0
	for i, s := range steps {
		empty[i] = s.Size == 0 && metadataStep(s.CreatedBy)
		if !empty[i] {
			made++
		}
	}
	for i := len(steps) - 1; i >= 0 && made > layers; i-- {
		if !empty[i] && steps[i].Size == 0 {
			empty[i] = true
			made--
		}
	}
	for i := len(steps) - 1; i >= 0 && made < layers; i-- {
		if empty[i] {
			empty[i] = false
			made++
		}
	}
	return empty
}

// metadataStep tells whether a history command is an instruction that only
// changes the image config: "/bin/sh -c #(nop)  ENV A=b" (classic builder)
// or "ENV A=b" (BuildKit).
func metadataStep(createdBy string) bool {
	s := strings.TrimSpace(createdBy)
	if rest, ok := strings.CutPrefix(s, "/bin/sh -c #(nop)"); ok {
		s = strings.TrimSpace(rest)
	}
	word, _, _ := strings.Cut(s, " ")
	switch strings.ToUpper(word) {
	case "ENV", "CMD", "LABEL", "EXPOSE", "ENTRYPOINT", "USER", "ARG", "VOLUME",
		"STOPSIGNAL", "HEALTHCHECK", "SHELL", "ONBUILD", "MAINTAINER", "WORKDIR":
		return true
	}
	return false
}
