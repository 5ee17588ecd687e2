package testarchive

import (
	"encoding/json"
	"fmt"
	"time"
)

// Image is one image of an archive.
type Image struct {
	Tag     string // "" for none
	OS      string // default linux
	Arch    string // default amd64
	Layers  []Blob // bottom first; a blob listed twice is one layer twice
	History []Step // nil: one step per layer, "layer N"
	// RawConfig, when set, is the config written verbatim instead of one
	// made from the fields above.
	RawConfig []byte
}

// Step is one history entry; an Empty one owns no layer.
type Step struct {
	CreatedBy string
	Empty     bool
}

// Config is the image config: the layers' diffIDs and the history.
func (im Image) Config() []byte {
	if im.RawConfig != nil {
		return im.RawConfig
	}
	type hist struct {
		Created    time.Time `json:"created"`
		CreatedBy  string    `json:"created_by"`
		EmptyLayer bool      `json:"empty_layer,omitempty"`
	}
	type rootFS struct {
		Type    string   `json:"type"`
		DiffIDs []string `json:"diff_ids"`
	}
	cfg := struct {
		Architecture string         `json:"architecture"`
		OS           string         `json:"os"`
		Created      time.Time      `json:"created"`
		Config       map[string]any `json:"config"`
		RootFS       rootFS         `json:"rootfs"`
		History      []hist         `json:"history"`
	}{Architecture: im.arch(), OS: im.os(), Created: Epoch, Config: map[string]any{}, RootFS: rootFS{Type: "layers", DiffIDs: []string{}}}
	for _, l := range im.Layers {
		cfg.RootFS.DiffIDs = append(cfg.RootFS.DiffIDs, l.DiffID)
	}
	steps := im.History
	if steps == nil {
		for i := range im.Layers {
			steps = append(steps, Step{CreatedBy: fmt.Sprintf("layer %d", i)})
		}
	}
	for _, s := range steps {
		cfg.History = append(cfg.History, hist{Created: Epoch, CreatedBy: s.CreatedBy, EmptyLayer: s.Empty})
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		panic(err) // strings, times and slices always marshal
	}
	return b
}

func (im Image) os() string {
	if im.OS == "" {
		return "linux"
	}
	return im.OS
}

func (im Image) arch() string {
	if im.Arch == "" {
		return "amd64"
	}
	return im.Arch
}

func jsonOf(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // maps of strings and numbers always marshal
	}
	return b
}
