package source

// The layout docker save wrote before Docker 1.10: no manifest.json and no
// image config. Each layer is a directory <id>/ holding json (a v1 image:
// id, parent, created, container_config and, on the top one, the image's
// config) and layer.tar; repositories maps each tag to its top layer's id
// (a save by ID has no repositories). docker load still reads it, and lx
// reads it as docker load does: the layers are the parent chain from the
// top down to the base, every one a layer (an empty tar too), each with one
// history step: container_config.Cmd joined by spaces, created, comment.
// The layers' diffIDs are the hashes of their tars, known once those are
// read (see deliver). The image's ID is the hash of its top layer's json,
// the document that stands for its config.

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

const v1Repositories = "repositories"

// v1Image is the part of a v1 image's json lx reads.
type v1Image struct {
	Parent          string     `json:"parent"`
	Created         *time.Time `json:"created,omitempty"`
	Comment         string     `json:"comment"`
	ContainerConfig struct {
		Cmd []string
	} `json:"container_config"`
}

// v1Top is an image of a pre-1.10 save: its tag, if any, and its top layer.
type v1Top struct{ ref, id string }

// v1Candidates lists the images of a pre-1.10 save: the tags of its
// repositories, else (a save by ID) its layers that are no other's parent.
// ids lists the directories holding a json member. It finds none (and no
// error) when the archive is not in this layout.
func v1Candidates(read metaReader, ids []string) ([]candidate, error) {
	tops, err := v1Tags(read)
	if err != nil {
		return nil, err
	}
	if len(tops) == 0 {
		tops = v1Heads(read, ids)
	}
	if len(tops) == 0 {
		if _, err := read(v1Repositories); err == nil {
			return nil, fmt.Errorf("no manifest.json or index.json, and %s lists no image", v1Repositories)
		}
		return nil, nil
	}
	var out []candidate
	for _, top := range tops {
		chain, err := v1Chain(read, top)
		if err != nil {
			return nil, err
		}
		c := candidate{ref: top.ref, config: top.id + "/json", v1: true}
		for _, id := range chain {
			c.layers = append(c.layers, id+"/layer.tar")
		}
		c.platform, _ = configPlatform(read, c.config)
		out = append(out, c)
	}
	return out, nil
}

// v1Tags reads repositories: {"name": {"tag": "top layer id"}}.
func v1Tags(read metaReader) ([]v1Top, error) {
	raw, err := read(v1Repositories)
	if errors.Is(err, errMissing) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var repos map[string]map[string]string
	if err := json.Unmarshal(raw, &repos); err != nil {
		return nil, fmt.Errorf("%s: %w", v1Repositories, jsonError(err))
	}
	var tops []v1Top
	for name, tags := range repos {
		for tag, id := range tags {
			tops = append(tops, v1Top{ref: name + ":" + tag, id: id})
		}
	}
	sort.Slice(tops, func(i, j int) bool { return tops[i].ref < tops[j].ref })
	return tops, nil
}

// v1Heads are the layers no other layer names as its parent: the images
// of a save by ID, untagged.
func v1Heads(read metaReader, ids []string) []v1Top {
	parents := map[string]bool{}
	for _, id := range ids {
		var im v1Image
		if raw, err := read(id + "/json"); err == nil && json.Unmarshal(raw, &im) == nil {
			parents[im.Parent] = true
		}
	}
	var heads []v1Top
	for _, id := range ids {
		if !parents[id] {
			heads = append(heads, v1Top{id: id})
		}
	}
	return heads
}

// v1Chain walks from an image's top layer down its parents: its layer ids,
// bottom first.
func v1Chain(read metaReader, top v1Top) ([]string, error) {
	var chain []string
	seen := map[string]bool{}
	from := fmt.Sprintf("%s: %s's top layer", v1Repositories, top.ref)
	if top.ref == "" {
		from = "layer"
	}
	for id := top.id; id != ""; {
		switch {
		case id == "." || id == ".." || strings.ContainsAny(id, `/\`):
			return nil, fmt.Errorf("%s %q is not a layer id", from, id)
		case seen[id]:
			return nil, fmt.Errorf("%s %s makes the parent chain a loop", from, id)
		}
		doc := id + "/json"
		raw, err := read(doc)
		if errors.Is(err, errMissing) {
			return nil, fmt.Errorf("%s %s is not in the archive (no %s)", from, id, doc)
		}
		if err != nil {
			return nil, err
		}
		var im v1Image
		if err := json.Unmarshal(raw, &im); err != nil {
			return nil, fmt.Errorf("%s: %w", doc, jsonError(err))
		}
		chain, seen[id] = append(chain, id), true
		from, id = doc+": its parent", im.Parent
	}
	slices.Reverse(chain)
	return chain, nil
}

// v1History is the history docker load makes of a pre-1.10 save: one step
// for each layer, none empty.
func v1History(read metaReader, layers []string) ([]ocispec.History, error) {
	var out []ocispec.History
	for _, l := range layers {
		doc := path.Dir(l) + "/json"
		raw, err := read(doc)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", doc, err)
		}
		var im v1Image
		if err := json.Unmarshal(raw, &im); err != nil {
			return nil, fmt.Errorf("%s: %w", doc, jsonError(err))
		}
		out = append(out, ocispec.History{Created: im.Created, CreatedBy: strings.Join(im.ContainerConfig.Cmd, " "), Comment: im.Comment})
	}
	return out, nil
}
