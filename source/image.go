package source

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"runtime"
	"sort"
	"strings"
	"time"

	"lx.dev/lx/model"
)

// The JSON documents of docker save archives and OCI layouts, reduced to the
// fields lx reads.

type saveManifest struct { // one element of manifest.json
	Config   string
	RepoTags []string
	Layers   []string
}

type descriptor struct {
	MediaType   string            `json:"mediaType"`
	Digest      string            `json:"digest"`
	Size        int64             `json:"size"`
	Platform    *platform         `json:"platform,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

type platform struct {
	OS           string `json:"os"`
	Architecture string `json:"architecture"`
	Variant      string `json:"variant,omitempty"`
}

func (p platform) String() string {
	s := p.OS + "/" + p.Architecture
	if p.Variant != "" {
		s += "/" + p.Variant
	}
	return s
}

type ociIndex struct {
	Manifests []descriptor `json:"manifests"`
}

type ociManifest struct {
	Config descriptor   `json:"config"`
	Layers []descriptor `json:"layers"`
}

type imageConfig struct {
	OS           string    `json:"os"`
	Architecture string    `json:"architecture"`
	Variant      string    `json:"variant"`
	Created      time.Time `json:"created"`
	RootFS       struct {
		DiffIDs []string `json:"diff_ids"`
	} `json:"rootfs"`
	History []struct {
		Created    time.Time `json:"created"`
		CreatedBy  string    `json:"created_by"`
		Comment    string    `json:"comment"`
		EmptyLayer bool      `json:"empty_layer"`
	} `json:"history"`
}

// metaReader hands out the small JSON members of an archive or layout by
// their clean member name. It answers errMissing for absent members.
type metaReader func(member string) ([]byte, error)

var errMissing = errors.New("not in the archive")

// candidate is one image an archive offers.
type candidate struct {
	ref      string
	platform platform
	config   string   // member name of the config blob
	layers   []string // member names of the layer blobs, bottom first
	blobs    []descriptor
	problem  string // why it cannot be read, when it cannot
}

func (c candidate) describe() string {
	s := c.platform.String()
	if c.ref != "" {
		s += " (" + c.ref + ")"
	}
	if c.problem != "" {
		s += " [" + c.problem + "]"
	}
	return s
}

// blobMember is where an OCI layout keeps a blob: blobs/<alg>/<hex>.
func blobMember(digest string) (string, error) {
	alg, hexPart, ok := strings.Cut(digest, ":")
	if !ok || alg == "" || hexPart == "" || strings.ContainsAny(digest, "/\\") {
		return "", fmt.Errorf("invalid digest %q", digest)
	}
	return "blobs/" + alg + "/" + hexPart, nil
}

// listCandidates finds every image an archive describes: from index.json
// when the archive is an OCI layout (Docker 25+ writes both), else from
// docker save's manifest.json.
func listCandidates(read metaReader) ([]candidate, error) {
	if idx, err := read("index.json"); err == nil {
		var out []candidate
		if err := walkIndex(read, "index.json", idx, "", 0, &out); err != nil {
			return nil, err
		}
		if len(out) > 0 {
			return out, nil
		}
	} else if !errors.Is(err, errMissing) {
		return nil, err
	}
	raw, err := read("manifest.json")
	if errors.Is(err, errMissing) {
		return nil, fmt.Errorf("no manifest.json or index.json: not a docker save archive or OCI layout")
	}
	if err != nil {
		return nil, err
	}
	var ms []saveManifest
	if err := json.Unmarshal(raw, &ms); err != nil {
		return nil, fmt.Errorf("manifest.json: %w", jsonError(err))
	}
	var out []candidate
	for _, m := range ms {
		c := candidate{config: memberName(m.Config)}
		for _, l := range m.Layers {
			c.layers = append(c.layers, memberName(l))
		}
		if len(m.RepoTags) > 0 {
			c.ref = m.RepoTags[0]
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("manifest.json lists no image")
	}
	return out, nil
}

const maxIndexDepth = 4

func walkIndex(read metaReader, member string, raw []byte, ref string, depth int, out *[]candidate) error {
	if depth > maxIndexDepth {
		return fmt.Errorf("%s: image indexes nest deeper than %d", member, maxIndexDepth)
	}
	var idx ociIndex
	if err := json.Unmarshal(raw, &idx); err != nil {
		return fmt.Errorf("%s: %w", member, jsonError(err))
	}
	for _, d := range idx.Manifests {
		if d.Annotations["vnd.docker.reference.type"] == "attestation-manifest" {
			continue // build provenance, not an image
		}
		r := ref
		if name := imageName(d.Annotations); name != "" {
			r = name
		}
		m, err := blobMember(d.Digest)
		if err != nil {
			return fmt.Errorf("%s: %w", member, err)
		}
		blob, err := read(m)
		if errors.Is(err, errMissing) {
			// A multi-platform index whose other platforms were not saved.
			c := candidate{ref: r, problem: "not in the archive"}
			if d.Platform != nil {
				c.platform = *d.Platform
			}
			*out = append(*out, c)
			continue
		}
		if err != nil {
			return err
		}
		if isIndex(d.MediaType, blob) {
			if err := walkIndex(read, m, blob, r, depth+1, out); err != nil {
				return err
			}
			continue
		}
		c, err := manifestCandidate(read, m, blob)
		if err != nil {
			return err
		}
		c.ref = r
		if d.Platform != nil && c.platform.OS == "" {
			c.platform = *d.Platform
		}
		*out = append(*out, c)
	}
	return nil
}

func isIndex(mediaType string, blob []byte) bool {
	switch mediaType {
	case "application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json":
		return true
	case "":
		var probe struct {
			Manifests json.RawMessage `json:"manifests"`
		}
		return json.Unmarshal(blob, &probe) == nil && probe.Manifests != nil
	}
	return false
}

func manifestCandidate(read metaReader, member string, blob []byte) (candidate, error) {
	var m ociManifest
	if err := json.Unmarshal(blob, &m); err != nil {
		return candidate{}, fmt.Errorf("%s: %w", member, jsonError(err))
	}
	cfg, err := blobMember(m.Config.Digest)
	if err != nil {
		return candidate{}, fmt.Errorf("%s: config: %w", member, err)
	}
	c := candidate{config: cfg, blobs: m.Layers}
	for _, l := range m.Layers {
		lm, err := blobMember(l.Digest)
		if err != nil {
			return candidate{}, fmt.Errorf("%s: layer: %w", member, err)
		}
		c.layers = append(c.layers, lm)
	}
	if raw, err := read(cfg); err == nil {
		var ic imageConfig
		if json.Unmarshal(raw, &ic) == nil {
			c.platform = platform{ic.OS, ic.Architecture, ic.Variant}
		}
	} else {
		c.problem = "its config is not in the archive"
	}
	return c, nil
}

func imageName(ann map[string]string) string {
	if n := ann["io.containerd.image.name"]; n != "" {
		return n
	}
	return ann["org.opencontainers.image.ref.name"]
}

// memberName cleans a path found in a manifest the way member names are
// cleaned when read.
func memberName(p string) string {
	return strings.TrimPrefix(path.Clean("/"+p), "/")
}

// choose picks the one image the user means: by tag, then by platform
// (this machine's when none was given). It fails listing the choices.
func choose(cands []candidate, opts Options) (candidate, error) {
	usable := cands[:0:0]
	for _, c := range cands {
		if c.problem == "" {
			usable = append(usable, c)
		}
	}
	pool := usable
	if opts.Tag != "" {
		pool = filter(pool, func(c candidate) bool { return sameRef(c.ref, opts.Tag) })
		if len(pool) == 0 {
			return candidate{}, fmt.Errorf("no image tagged %q; the archive holds: %s", opts.Tag, listChoices(cands))
		}
	}
	want, err := wantedPlatform(opts.Platform)
	if err != nil {
		return candidate{}, err
	}
	if opts.Platform != "" {
		pool = filter(pool, func(c candidate) bool { return platformMatch(c.platform, want) })
		if len(pool) == 0 {
			return candidate{}, fmt.Errorf("no image for platform %s; the archive holds: %s", opts.Platform, listChoices(cands))
		}
	}
	if len(pool) > 1 {
		if native := filter(pool, func(c candidate) bool { return platformMatch(c.platform, want) }); len(native) > 0 {
			pool = native
		}
	}
	if len(pool) > 1 && sameImage(pool) {
		pool = pool[:1]
	}
	switch len(pool) {
	case 0:
		if len(cands) == 0 {
			return candidate{}, fmt.Errorf("the archive describes no image")
		}
		return candidate{}, fmt.Errorf("no image in the archive can be read: %s", listChoices(cands))
	case 1:
		return pool[0], nil
	}
	return candidate{}, fmt.Errorf("the archive holds %d images; choose one with --platform or a tag: %s", len(pool), listChoices(pool))
}

func filter(cs []candidate, keep func(candidate) bool) []candidate {
	var out []candidate
	for _, c := range cs {
		if keep(c) {
			out = append(out, c)
		}
	}
	return out
}

func sameImage(cs []candidate) bool {
	for _, c := range cs[1:] {
		if c.config != cs[0].config {
			return false
		}
	}
	return true
}

func listChoices(cs []candidate) string {
	var parts []string
	for _, c := range cs {
		parts = append(parts, c.describe())
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// wantedPlatform parses "os/arch[/variant]"; empty means this machine's.
func wantedPlatform(s string) (platform, error) {
	if s == "" {
		p := platform{OS: runtime.GOOS, Architecture: runtime.GOARCH}
		if p.Architecture == "arm64" {
			p.Variant = "v8"
		}
		return p, nil
	}
	parts := strings.Split(s, "/")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
		return platform{}, fmt.Errorf("invalid platform %q: want os/arch or os/arch/variant", s)
	}
	p := platform{OS: parts[0], Architecture: parts[1]}
	if len(parts) == 3 {
		p.Variant = parts[2]
	}
	return p, nil
}

// platformMatch compares os and arch; a variant only counts when both sides
// name one (arm64 images often omit "v8").
func platformMatch(have, want platform) bool {
	if have.OS != want.OS || have.Architecture != want.Architecture {
		return false
	}
	return have.Variant == "" || want.Variant == "" || have.Variant == want.Variant
}

// sameRef compares image references loosely: "nginx" matches
// "docker.io/library/nginx:latest".
func sameRef(a, b string) bool {
	return normalRef(a) == normalRef(b)
}

func normalRef(r string) string {
	r = strings.TrimPrefix(r, "docker.io/")
	r = strings.TrimPrefix(r, "library/")
	if i := strings.LastIndex(r, "/"); !strings.Contains(r[i+1:], ":") && !strings.Contains(r, "@") {
		r += ":latest"
	}
	return r
}

// imageFor builds the model's view of the chosen image from its config blob.
func imageFor(read metaReader, c candidate, ref string) (model.Config, error) {
	raw, err := read(c.config)
	if err != nil {
		return model.Config{}, fmt.Errorf("image config %s: %w", c.config, err)
	}
	var ic imageConfig
	if err := json.Unmarshal(raw, &ic); err != nil {
		return model.Config{}, fmt.Errorf("image config %s: %w", c.config, jsonError(err))
	}
	if len(ic.RootFS.DiffIDs) != len(c.layers) {
		return model.Config{}, fmt.Errorf("image config %s lists %d layers, its manifest %d", c.config, len(ic.RootFS.DiffIDs), len(c.layers))
	}
	sum := sha256.Sum256(raw)
	cfg := model.Config{
		Ref:          ref,
		ID:           "sha256:" + hex.EncodeToString(sum[:]),
		OS:           ic.OS,
		Architecture: ic.Architecture,
		Variant:      ic.Variant,
		Created:      ic.Created,
		DiffIDs:      ic.RootFS.DiffIDs,
	}
	if c.ref != "" {
		cfg.Ref = c.ref
	}
	for _, h := range ic.History {
		cfg.History = append(cfg.History, model.History{Created: h.Created, CreatedBy: h.CreatedBy, Comment: h.Comment, EmptyLayer: h.EmptyLayer})
	}
	for i := range c.layers {
		blob := model.LayerBlob{CompressedSize: -1}
		if i < len(c.blobs) {
			d := c.blobs[i]
			blob = model.LayerBlob{Digest: d.Digest, MediaType: d.MediaType, CompressedSize: d.Size}
		}
		cfg.Layers = append(cfg.Layers, blob)
	}
	return cfg, nil
}

// jsonError drops encoding/json's type names, which mean nothing to users.
func jsonError(err error) error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Errorf("invalid JSON at byte %d", syn.Offset)
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return fmt.Errorf("invalid JSON: field %q has the wrong type", typ.Field)
	}
	return fmt.Errorf("invalid JSON: %v", err)
}
