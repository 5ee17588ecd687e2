package testarchive

import (
	"archive/tar"
	"fmt"
	"io"
	"sort"
	"strings"
)

// WriteV1 writes what docker save wrote before Docker 1.10: a directory
// <id>/ per layer holding VERSION, json and layer.tar, and repositories
// naming each tagged image's top layer (none when no image has a tag, as a
// save by ID); no manifest.json, no image config. Every history step is a
// layer: an empty step's layer.tar is an empty tar. Each <id>/json names
// its parent and holds its step as container_config.Cmd; the top one
// carries the image's config (config, created, architecture, os). IDs
// follow from the steps and layers below, so images built on the same
// steps share those directories, written once, in lexical order as the
// tar of a directory lists them. An image's RawConfig is not used: there
// is no config.
func WriteV1(w io.Writer, ims ...Image) error {
	dirs := map[string][]namedFile{}
	repositories := map[string]map[string]string{}
	for _, im := range ims {
		top, err := v1Layers(im, dirs)
		if err != nil {
			return err
		}
		if im.Tag != "" {
			repo, tag := SplitTag(im.Tag)
			if repositories[repo] == nil {
				repositories[repo] = map[string]string{}
			}
			repositories[repo][tag] = top
		}
	}
	ids := make([]string, 0, len(dirs))
	for id := range dirs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	m := &tarMembers{tw: tar.NewWriter(w)}
	for _, id := range ids {
		m.dir(id + "/")
		for _, f := range dirs[id] {
			m.file(f.name, f.data)
		}
	}
	if len(repositories) > 0 {
		m.file("repositories", jsonOf(repositories))
	}
	if m.err != nil {
		return m.err
	}
	return m.tw.Close()
}

// v1Layers adds an image's layer directories to dirs and returns its top
// layer's id.
func v1Layers(im Image, dirs map[string][]namedFile) (string, error) {
	steps := im.History
	if steps == nil {
		for i := range im.Layers {
			steps = append(steps, Step{CreatedBy: fmt.Sprintf("layer %d", i)})
		}
	}
	owners := 0
	for _, s := range steps {
		if !s.Empty {
			owners++
		}
	}
	if owners != len(im.Layers) {
		return "", fmt.Errorf("%d history steps own a layer, %d layers", owners, len(im.Layers))
	}
	empty := PlainBlob(make([]byte, 1024)) // a tar of no entries: its two end blocks
	parent, next := "", 0
	for _, s := range steps {
		l := empty
		if !s.Empty {
			l, next = im.Layers[next], next+1
		}
		id := hexOf(Digest(fmt.Appendf(nil, "%s %s %s", parent, Digest(l.Data), s.CreatedBy)))
		doc := map[string]any{
			"id": id, "created": Epoch, "container": hexOf(Digest([]byte(id))),
			"container_config": map[string]any{"Cmd": v1Cmd(s.CreatedBy), "Image": parent},
			"docker_version":   "1.9.1", "architecture": im.arch(), "os": im.os(), "Size": len(l.Data),
			"config": map[string]any{"Env": []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}, "Cmd": []string{"sh"}},
		}
		if parent != "" {
			doc["parent"] = parent
		}
		if _, ok := dirs[id]; !ok {
			files := []namedFile{{id + "/VERSION", []byte("1.0")}, {id + "/json", jsonOf(doc)}}
			if !l.Missing {
				files = append(files, namedFile{id + "/layer.tar", l.Data})
			}
			dirs[id] = files
		}
		parent = id
	}
	return parent, nil
}

// v1Cmd is a step's command as the builder ran it: a shell form split as
// Docker wrote it, anything else as one word. Joined by spaces, it is the
// step again.
func v1Cmd(step string) []string {
	if rest, ok := strings.CutPrefix(step, "/bin/sh -c "); ok {
		return []string{"/bin/sh", "-c", rest}
	}
	return []string{step}
}

// V1JSON is the json member of each layer directory of a WriteV1 archive,
// by id.
func V1JSON(archive io.Reader) (map[string][]byte, error) {
	files, _, err := Files(archive)
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for name, b := range files {
		if id, ok := strings.CutSuffix(name, "/json"); ok {
			out[id] = b
		}
	}
	return out, nil
}
