package testarchive

import (
	"archive/tar"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

type tarMembers struct {
	tw  *tar.Writer
	err error
}

func (m *tarMembers) header(h *tar.Header) bool {
	if m.err == nil {
		h.ModTime = Epoch
		m.err = m.tw.WriteHeader(h)
	}
	return m.err == nil
}

func (m *tarMembers) file(name string, b []byte) {
	if m.header(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(b))}) {
		_, m.err = m.tw.Write(b)
	}
}

func (m *tarMembers) symlink(name, target string) {
	m.header(&tar.Header{Name: name, Typeflag: tar.TypeSymlink, Linkname: target, Mode: 0o777})
}

func (m *tarMembers) dir(name string) {
	m.header(&tar.Header{Name: name, Typeflag: tar.TypeDir, Mode: 0o755})
}

type dirMembers struct {
	root string
	err  error
}

func (m *dirMembers) file(name string, b []byte) {
	if m.err != nil {
		return
	}
	p := filepath.Join(m.root, filepath.FromSlash(name))
	if m.err = os.MkdirAll(filepath.Dir(p), 0o755); m.err == nil {
		m.err = os.WriteFile(p, b, 0o644)
	}
}

// WriteLegacy writes what Docker before 25 saves: <id>/VERSION and
// <id>/layer.tar per layer (a layer saved twice is a symlink to its first
// copy), <config>.json, then manifest.json and repositories last.
func WriteLegacy(w io.Writer, ims ...Image) error {
	m := &tarMembers{tw: tar.NewWriter(w)}
	writeLegacy(m, ims)
	if m.err != nil {
		return m.err
	}
	return m.tw.Close()
}

func writeLegacy(m *tarMembers, ims []Image) {
	type manifest struct {
		Config   string
		RepoTags []string
		Layers   []string
	}
	var list []manifest
	saved := map[string]string{} // stored digest → member
	for _, im := range ims {
		var paths []string
		for i, l := range im.Layers {
			id := hexOf(Digest(fmt.Appendf(nil, "%s %d %s", im.Tag, i, Digest(l.Data))))
			p := id + "/layer.tar"
			paths = append(paths, p)
			if l.Missing {
				continue
			}
			m.dir(id + "/")
			m.file(id+"/VERSION", []byte("1.0"))
			if first, ok := saved[Digest(l.Data)]; ok {
				m.symlink(p, "../"+first)
				continue
			}
			m.file(p, l.Data)
			saved[Digest(l.Data)] = p
		}
		cfg := im.Config()
		name := hexOf(Digest(cfg)) + ".json"
		m.file(name, cfg)
		var tags []string
		if im.Tag != "" {
			tags = []string{im.Tag}
		}
		list = append(list, manifest{Config: name, RepoTags: tags, Layers: paths})
	}
	m.file("manifest.json", jsonOf(list))
	m.file("repositories", []byte(`{}`))
}

// OCIOptions say how an OCI layout is written.
type OCIOptions struct {
	// Comp is how plain layer blobs are stored (named by their stored
	// digest); blobs already compressed stay as they are.
	Comp Compression
	// Docker writes what Docker 25+ saves: the directories blobs/ and
	// blobs/sha256/, then every member in lexical order (the manifests
	// after the blobs), with docker save's manifest.json and repositories
	// beside index.json and oci-layout.
	Docker bool
	// Nest puts the images' manifests in one image index blob, which
	// index.json lists as the only image, named Nest (as a containerd
	// image name and, its tag part, the OCI ref name). Each manifest in
	// that index carries its own image's tag as its OCI ref name, as
	// some tools write a platform's own name there.
	Nest string
}

// WriteOCI writes an OCI image layout in a tar; without o.Docker,
// oci-layout comes first, then the blobs, then index.json.
func WriteOCI(w io.Writer, o OCIOptions, ims ...Image) error {
	files, err := ociFiles(o, ims)
	if err != nil {
		return err
	}
	m := &tarMembers{tw: tar.NewWriter(w)}
	if o.Docker {
		m.dir("blobs/")
		m.dir("blobs/sha256/")
		slices.SortFunc(files, func(a, b namedFile) int { return strings.Compare(a.name, b.name) })
	}
	for _, f := range files {
		m.file(f.name, f.data)
	}
	if m.err != nil {
		return m.err
	}
	return m.tw.Close()
}

// WriteOCIDir writes the OCI image layout into the directory dir.
func WriteOCIDir(dir string, c Compression, ims ...Image) error {
	files, err := ociFiles(OCIOptions{Comp: c}, ims)
	if err != nil {
		return err
	}
	m := &dirMembers{root: dir}
	for _, f := range files {
		m.file(f.name, f.data)
	}
	return m.err
}

type namedFile struct {
	name string
	data []byte
}

// ociFiles lists the files of an OCI layout: oci-layout, the blobs, then
// index.json (and docker save's files with o.Docker).
func ociFiles(o OCIOptions, ims []Image) ([]namedFile, error) {
	files := []namedFile{{"oci-layout", []byte(`{"imageLayoutVersion":"1.0.0"}`)}}
	written := map[string]bool{}
	blob := func(b []byte) string {
		d := Digest(b)
		if !written[d] {
			written[d] = true
			files = append(files, namedFile{blobPath(d), b})
		}
		return d
	}
	var manifests, compat []map[string]any
	repositories := map[string]map[string]string{}
	for _, im := range ims {
		var layers []map[string]any
		var paths []string
		for _, l := range im.Layers {
			s, err := l.stored(o.Comp)
			if err != nil {
				return nil, err
			}
			d := Digest(s.Data)
			if !s.Missing {
				blob(s.Data)
			}
			layers = append(layers, map[string]any{"mediaType": s.Comp.MediaType(), "digest": d, "size": len(s.Data)})
			paths = append(paths, blobPath(d))
		}
		cfg := im.Config()
		var plat struct {
			OS   string `json:"os"`
			Arch string `json:"architecture"`
		}
		if err := json.Unmarshal(cfg, &plat); err != nil {
			return nil, fmt.Errorf("image config: %w", err)
		}
		cd := blob(cfg)
		man := jsonOf(map[string]any{
			"schemaVersion": 2,
			"mediaType":     "application/vnd.oci.image.manifest.v1+json",
			"config":        map[string]any{"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": len(cfg)},
			"layers":        layers,
		})
		md := blob(man)
		desc := map[string]any{
			"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md, "size": len(man),
			"platform": map[string]string{"os": plat.OS, "architecture": plat.Arch},
		}
		tags := []string{}
		if im.Tag != "" && o.Nest != "" {
			desc["annotations"] = map[string]string{"org.opencontainers.image.ref.name": im.Tag}
		} else if im.Tag != "" {
			repo, tag := SplitTag(im.Tag)
			desc["annotations"] = refAnnotations(im.Tag)
			tags = []string{im.Tag}
			if repositories[repo] == nil {
				repositories[repo] = map[string]string{}
			}
			if len(paths) > 0 {
				repositories[repo][tag] = hexOf(Digest(im.Layers[len(im.Layers)-1].Data))
			}
		}
		manifests = append(manifests, desc)
		compat = append(compat, map[string]any{"Config": blobPath(cd), "RepoTags": tags, "Layers": paths})
	}
	if o.Nest != "" {
		nested := jsonOf(index(manifests))
		manifests = []map[string]any{{
			"mediaType": indexMediaType, "digest": blob(nested), "size": len(nested),
			"annotations": refAnnotations(o.Nest),
		}}
	}
	files = append(files, namedFile{"index.json", jsonOf(index(manifests))})
	if o.Docker {
		files = append(files, namedFile{"manifest.json", jsonOf(compat)}, namedFile{"repositories", jsonOf(repositories)})
	}
	return files, nil
}

const indexMediaType = "application/vnd.oci.image.index.v1+json"

func index(manifests []map[string]any) map[string]any {
	return map[string]any{"schemaVersion": 2, "mediaType": indexMediaType, "manifests": manifests}
}

// refAnnotations name an image in an index as containerd and Docker do:
// the whole reference, and its tag as the OCI ref name.
func refAnnotations(ref string) map[string]string {
	_, tag := SplitTag(ref)
	return map[string]string{"io.containerd.image.name": ref, "org.opencontainers.image.ref.name": tag}
}

// SplitTag splits "repo:tag" at the last colon after the last slash; a
// reference without a tag is "latest".
func SplitTag(ref string) (repo, tag string) {
	i := strings.LastIndex(ref, ":")
	if i < 0 || strings.Contains(ref[i:], "/") {
		return ref, "latest"
	}
	return ref[:i], ref[i+1:]
}

func blobPath(digest string) string { return "blobs/sha256/" + hexOf(digest) }

func hexOf(digest string) string { return strings.TrimPrefix(digest, "sha256:") }
