package main

// The archive around the generated layers: blobs (plain or gzip) with their
// digests, the image config, and the legacy or OCI layout.

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"hash"
	"io"
	"os"
	"strings"
	"time"

	"github.com/klauspost/compress/gzip"

	"lx.dev/lx/internal/genimage"
)

// blob is one layer as written to a temporary file.
type blob struct {
	file      string
	diffID    string // sha256 of the uncompressed tar
	digest    string // sha256 of the blob as stored
	size      int64  // the blob's size as stored
	plainSize int64
}

// writeBlob writes a layer tar through fill into name, gzip-compressed when
// gz is set, and takes both of its digests on the way.
func writeBlob(name string, gz bool, fill func(io.Writer) error) (blob, error) {
	f, err := os.Create(name)
	if err != nil {
		return blob{}, err
	}
	defer f.Close()
	stored := &counter{h: sha256.New(), w: f}
	plain := &counter{h: sha256.New(), w: stored}
	var z *gzip.Writer
	if gz {
		z = gzip.NewWriter(stored)
		plain.w = z
	}
	if err := fill(plain); err != nil {
		return blob{}, err
	}
	if z != nil {
		if err := z.Close(); err != nil {
			return blob{}, err
		}
	}
	if err := f.Close(); err != nil {
		return blob{}, err
	}
	return blob{file: name, diffID: plain.sum(), digest: stored.sum(), size: stored.n, plainSize: plain.n}, nil
}

// counter passes bytes on while hashing and counting them.
type counter struct {
	h hash.Hash
	w io.Writer
	n int64
}

func (c *counter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.h.Write(p[:n])
	c.n += int64(n)
	return n, err
}

func (c *counter) sum() string { return "sha256:" + hex.EncodeToString(c.h.Sum(nil)) }

// config is the image config: the layers' diffIDs and a history with
// metadata-only steps between the layer steps.
func config(ls []layer, blobs []blob) []byte {
	type step struct {
		Created    time.Time `json:"created"`
		CreatedBy  string    `json:"created_by"`
		Comment    string    `json:"comment,omitempty"`
		EmptyLayer bool      `json:"empty_layer,omitempty"`
	}
	cmds := make([]string, len(ls))
	for i, l := range ls {
		cmds[i] = l.cmd
	}
	var history []step
	for _, h := range genimage.History(cmds) {
		history = append(history, step{Created: h.Created, CreatedBy: h.CreatedBy, EmptyLayer: h.EmptyLayer})
	}
	at := history[len(history)-1].Created
	var diffIDs []string
	for _, b := range blobs {
		diffIDs = append(diffIDs, b.diffID)
	}
	b, err := json.Marshal(map[string]any{
		"architecture": "amd64",
		"os":           "linux",
		"created":      at,
		"config": map[string]any{
			"Env":        []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "APP_HOME=/opt/app"},
			"Cmd":        []string{"/opt/app/bin/app"},
			"WorkingDir": "/opt/app",
		},
		"rootfs":  map[string]any{"type": "layers", "diff_ids": diffIDs},
		"history": history,
	})
	if err != nil {
		panic(err) // plain maps and strings always marshal
	}
	return b
}

const tag = "lx-bench:latest"

// outer writes the archive's own members, keeping the first error.
type outer struct {
	tw  *tar.Writer
	err error
}

func (o *outer) dir(name string) {
	if o.err == nil {
		o.err = o.tw.WriteHeader(&tar.Header{Name: name + "/", Typeflag: tar.TypeDir, Mode: 0o755, ModTime: genimage.Epoch})
	}
}

func (o *outer) bytes(name string, b []byte) {
	if o.err != nil {
		return
	}
	if o.err = o.tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(b)), ModTime: genimage.Epoch}); o.err == nil {
		_, o.err = o.tw.Write(b)
	}
}

func (o *outer) blobFile(name string, b blob) {
	if o.err != nil {
		return
	}
	if o.err = o.tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Size: b.size, ModTime: genimage.Epoch}); o.err == nil {
		o.err = copyFile(o.tw, b.file)
	}
	if o.err == nil {
		o.err = os.Remove(b.file)
	}
}

func hexOf(digest string) string { return strings.TrimPrefix(digest, "sha256:") }

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(s[:])
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// legacyLayout is docker save before Docker 25: a directory per layer named
// by its v1 id, then the config, then repositories and manifest.json.
func (o *outer) legacyLayout(blobs []blob, cfg []byte) {
	var paths []string
	parent := ""
	for _, b := range blobs {
		id := hexOf(sha([]byte(parent + " " + b.diffID)))
		o.dir(id)
		o.bytes(id+"/VERSION", []byte("1.0"))
		v1 := map[string]any{"id": id, "created": genimage.Epoch}
		if parent != "" {
			v1["parent"] = parent
		}
		o.bytes(id+"/json", mustJSON(v1))
		o.blobFile(id+"/layer.tar", b)
		paths = append(paths, id+"/layer.tar")
		parent = id
	}
	cfgName := hexOf(sha(cfg)) + ".json"
	o.bytes(cfgName, cfg)
	name, ver, _ := strings.Cut(tag, ":")
	o.bytes("repositories", mustJSON(map[string]any{name: map[string]string{ver: parent}}))
	o.bytes("manifest.json", mustJSON([]map[string]any{{"Config": cfgName, "RepoTags": []string{tag}, "Layers": paths}}))
}

// ociLayout is what Docker 25+ writes: blobs named by digest, index.json,
// oci-layout, then the compatibility manifest.json.
func (o *outer) ociLayout(blobs []blob, cfg []byte) {
	o.dir("blobs")
	o.dir("blobs/sha256")
	var layers []map[string]any
	var paths []string
	for _, b := range blobs {
		p := "blobs/sha256/" + hexOf(b.digest)
		o.blobFile(p, b)
		layers = append(layers, map[string]any{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": b.digest, "size": b.size})
		paths = append(paths, p)
	}
	cfgDigest := sha(cfg)
	o.bytes("blobs/sha256/"+hexOf(cfgDigest), cfg)
	man := mustJSON(map[string]any{
		"schemaVersion": 2,
		"mediaType":     "application/vnd.oci.image.manifest.v1+json",
		"config":        map[string]any{"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cfgDigest, "size": len(cfg)},
		"layers":        layers,
	})
	manDigest := sha(man)
	o.bytes("blobs/sha256/"+hexOf(manDigest), man)
	o.bytes("index.json", mustJSON(map[string]any{
		"schemaVersion": 2,
		"mediaType":     "application/vnd.oci.image.index.v1+json",
		"manifests": []map[string]any{{
			"mediaType":   "application/vnd.oci.image.manifest.v1+json",
			"digest":      manDigest,
			"size":        len(man),
			"annotations": map[string]string{"io.containerd.image.name": tag, "org.opencontainers.image.ref.name": "latest"},
		}},
	}))
	o.bytes("oci-layout", []byte(`{"imageLayoutVersion":"1.0.0"}`))
	o.bytes("manifest.json", mustJSON([]map[string]any{{"Config": "blobs/sha256/" + hexOf(cfgDigest), "RepoTags": []string{tag}, "Layers": paths}}))
}

func copyFile(w io.Writer, name string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}
