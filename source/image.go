package source

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"reflect"
	"strings"
	"time"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"lx.dev/lx/model"
)

// The JSON documents of docker save archives and OCI layouts: the
// image-spec's types, except for docker save's own manifest.json.

// saveManifest is one element of docker save's manifest.json: Docker's
// format, which the image-spec does not describe.
type saveManifest struct {
	Config   string
	RepoTags []string
	Layers   []string
}

// imageConfig is the part of an image config lx reads, made of the
// image-spec's pieces. It leaves out the runtime settings ("config": Env,
// Cmd...), which lx never shows: a tool that writes them oddly must not
// make the image unreadable.
type imageConfig struct {
	ocispec.Platform
	Created *time.Time        `json:"created,omitempty"`
	RootFS  ocispec.RootFS    `json:"rootfs"`
	History []ocispec.History `json:"history,omitempty"`
}

// dockerManifestList is the media type of Docker's multi-platform index,
// the OCI index's predecessor.
const dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"

// platformString is a platform as users write it: os/arch[/variant].
func platformString(p ocispec.Platform) string {
	s := p.OS + "/" + p.Architecture
	if p.Variant != "" {
		s += "/" + p.Variant
	}
	return s
}

// metaReader hands out the small JSON members of an archive or layout by
// their clean member name. It answers errMissing for absent members.
type metaReader func(member string) ([]byte, error)

var errMissing = errors.New("not in the archive")

// candidate is one image an archive offers.
type candidate struct {
	ref      string
	platform ocispec.Platform
	config   string   // member name of the config blob
	layers   []string // member names of the layer blobs, bottom first
	blobs    []ocispec.Descriptor
	problem  string // why it cannot be read, when it cannot
	// v1 says the image is a pre-1.10 docker save's (archivev1.go):
	// config is its top layer's json, and it lists no diffIDs.
	v1 bool
}

// describe names the candidate in a list of choices: "linux/amd64
// (app:1)", or what is known of it.
func (c candidate) describe() string {
	var s string
	switch {
	case c.platform.OS == "" && c.platform.Architecture == "" && c.ref == "":
		s = "untagged image " + c.config + ", platform unknown"
	case c.platform.OS == "" && c.platform.Architecture == "":
		s = c.ref + " (platform unknown)"
	case c.ref == "":
		s = platformString(c.platform)
	default:
		s = platformString(c.platform) + " (" + c.ref + ")"
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
// docker save's manifest.json, else from the repositories and layer
// directories of a docker save before Docker 1.10. v1IDs lists the
// directories that hold a json member.
func listCandidates(read metaReader, v1IDs func() []string) ([]candidate, error) {
	idx, err := read("index.json")
	indexed := err == nil
	if indexed {
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
	switch {
	case errors.Is(err, errMissing):
		if out, err := v1Candidates(read, v1IDs()); err != nil || len(out) > 0 {
			return out, err
		}
		if indexed {
			return nil, fmt.Errorf("index.json lists no image")
		}
		return nil, fmt.Errorf("no manifest.json, index.json or repositories: not a docker save archive or OCI layout")
	case err != nil:
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
		// manifest.json names no platform: the config does. One that is
		// missing is reported when the image is chosen and read.
		c.platform, _ = configPlatform(read, c.config)
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
	var idx ocispec.Index
	if err := json.Unmarshal(raw, &idx); err != nil {
		return fmt.Errorf("%s: %w", member, jsonError(err))
	}
	for _, d := range idx.Manifests {
		if d.Annotations["vnd.docker.reference.type"] == "attestation-manifest" {
			continue // build provenance, not an image
		}
		r := ref // a nested index's entries are named by the entry that points at it
		if r == "" {
			r = imageName(d.Annotations)
		}
		m, err := blobMember(d.Digest.String())
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
	case ocispec.MediaTypeImageIndex, dockerManifestList:
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
	var m ocispec.Manifest
	if err := json.Unmarshal(blob, &m); err != nil {
		return candidate{}, fmt.Errorf("%s: %w", member, jsonError(err))
	}
	cfg, err := blobMember(m.Config.Digest.String())
	if err != nil {
		return candidate{}, fmt.Errorf("%s: config: %w", member, err)
	}
	c := candidate{config: cfg, blobs: m.Layers}
	for _, l := range m.Layers {
		lm, err := blobMember(l.Digest.String())
		if err != nil {
			return candidate{}, fmt.Errorf("%s: layer: %w", member, err)
		}
		c.layers = append(c.layers, lm)
	}
	var ok bool
	if c.platform, ok = configPlatform(read, cfg); !ok {
		c.problem = "its config is not in the archive"
	}
	return c, nil
}

// configPlatform is the platform an image config names; false when the
// config cannot be read (an unparsable one names no platform).
func configPlatform(read metaReader, member string) (ocispec.Platform, bool) {
	raw, err := read(member)
	if err != nil {
		return ocispec.Platform{}, false
	}
	var ic imageConfig
	if json.Unmarshal(raw, &ic) != nil {
		return ocispec.Platform{}, true
	}
	return ic.Platform, true
}

func imageName(ann map[string]string) string {
	if n := ann["io.containerd.image.name"]; n != "" {
		return n
	}
	return ann[ocispec.AnnotationRefName]
}

// memberName cleans a path found in a manifest the way member names are
// cleaned when read.
func memberName(p string) string {
	return strings.TrimPrefix(path.Clean("/"+p), "/")
}

// chooseImage picks the image an archive's manifests list (by the
// options' platform) and reads its config (see listCandidates).
func chooseImage(meta metaReader, v1IDs func() []string, opts Options, ref string) (candidate, model.Config, error) {
	cands, err := listCandidates(meta, v1IDs)
	if err != nil {
		return candidate{}, model.Config{}, err
	}
	c, err := choose(cands, opts)
	if err != nil {
		return candidate{}, model.Config{}, err
	}
	cfg, err := imageFor(meta, c, ref)
	return c, cfg, err
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
	if c.v1 {
		if ic.History, err = v1History(read, c.layers); err != nil {
			return model.Config{}, err
		}
		ic.RootFS.DiffIDs = nil
		for range c.layers {
			ic.RootFS.DiffIDs = append(ic.RootFS.DiffIDs, "") // the layer tars' own hashes: see deliver
		}
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
		Created:      orZero(ic.Created),
	}
	for _, d := range ic.RootFS.DiffIDs {
		cfg.DiffIDs = append(cfg.DiffIDs, d.String())
	}
	if c.ref != "" {
		cfg.Ref = c.ref
	}
	for _, h := range ic.History {
		cfg.History = append(cfg.History, model.History{Created: orZero(h.Created), CreatedBy: h.CreatedBy, Comment: h.Comment, EmptyLayer: h.EmptyLayer})
	}
	for i := range c.layers {
		blob := model.LayerBlob{CompressedSize: -1}
		if i < len(c.blobs) {
			d := c.blobs[i]
			blob = model.LayerBlob{Digest: d.Digest.String(), MediaType: d.MediaType, CompressedSize: -1}
			if compressedType(d.MediaType) {
				// Shipped compressed, a push keeps it as it is: its pull size.
				// An uncompressed blob would be compressed by a push.
				blob.CompressedSize = d.Size
			}
		}
		cfg.Layers = append(cfg.Layers, blob)
	}
	return cfg, nil
}

// compressedType tells whether a layer media type says gzip or zstd.
func compressedType(mt string) bool {
	return strings.Contains(mt, "gzip") || strings.Contains(mt, "zstd")
}

// orZero is a time the document may leave out.
func orZero(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// jsonError drops encoding/json's type names, which mean nothing to users.
func jsonError(err error) error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Errorf("invalid JSON at byte %d", syn.Offset)
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) && typ.Field == "" {
		return fmt.Errorf("invalid JSON: the document is %s, not %s", jsonKind(typ.Value), jsonKind(goKind(typ.Type)))
	}
	if errors.As(err, &typ) {
		return fmt.Errorf("invalid JSON: field %q has the wrong type", typ.Field)
	}
	return fmt.Errorf("invalid JSON: %v", err)
}

// jsonKind names a JSON value's kind as encoding/json reports it
// ("object", "array", "number 3"...), with its article.
func jsonKind(v string) string {
	v, _, _ = strings.Cut(v, " ")
	switch v {
	case "object", "array":
		return "an " + v
	case "bool":
		return "a boolean"
	}
	return "a " + v
}

// goKind is the JSON kind a Go type is read from.
func goKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Pointer:
		return goKind(t.Elem())
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "bool"
	case reflect.Struct, reflect.Map:
		return "object"
	}
	return "number"
}
