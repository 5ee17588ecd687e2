package source

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Archives are built here, in every layout lx reads, from one description
// of an image, so the same image can be checked through each of them.

// member is one tar entry of a synthetic layer.
type member struct {
	name  string
	typ   byte
	mode  int64
	body  string
	zeros int64 // a body of this many zero bytes instead of body
	link  string
	uid   int
	xattr map[string]string
}

func dirM(name string, mode int64) member { return member{name: name, typ: tar.TypeDir, mode: mode} }
func fileM(name string, mode int64, body string) member {
	return member{name: name, typ: tar.TypeReg, mode: mode, body: body}
}
func zerosM(name string, mode int64, n int64) member {
	return member{name: name, typ: tar.TypeReg, mode: mode, zeros: n}
}

var epoch = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

func tarOf(t testing.TB, ms ...member) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, m := range ms {
		hdr := &tar.Header{Name: m.name, Typeflag: m.typ, Mode: m.mode, Linkname: m.link, Uid: m.uid, ModTime: epoch, Format: tar.FormatPAX}
		if m.typ == tar.TypeReg {
			hdr.Size = int64(len(m.body)) + m.zeros
		}
		for k, v := range m.xattr {
			if hdr.PAXRecords == nil {
				hdr.PAXRecords = map[string]string{}
			}
			hdr.PAXRecords["SCHILY.xattr."+k] = v
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if m.typ == tar.TypeReg {
			tw.Write([]byte(m.body))
			tw.Write(make([]byte, m.zeros))
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func compressed(t testing.TB, b []byte, c Compression) []byte {
	t.Helper()
	var buf bytes.Buffer
	switch c {
	case Gzip:
		z := gzip.NewWriter(&buf)
		z.Write(b)
		z.Close()
	case Zstd:
		z, err := zstd.NewWriter(&buf)
		if err != nil {
			t.Fatal(err)
		}
		z.Write(b)
		z.Close()
	default:
		return b
	}
	return buf.Bytes()
}

func digestOf(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(s[:])
}

// step is one history entry; layer is the index into testImage.layers or -1.
type step struct {
	createdBy string
	layer     bool
}

type testImage struct {
	tag    string
	os     string
	arch   string
	layers [][]byte // plain tars, bottom first
	steps  []step
}

func (im testImage) config() []byte {
	type hist struct {
		Created    time.Time `json:"created"`
		CreatedBy  string    `json:"created_by"`
		EmptyLayer bool      `json:"empty_layer,omitempty"`
	}
	cfg := struct {
		Architecture string `json:"architecture"`
		OS           string `json:"os"`
		Created      time.Time
		RootFS       struct {
			Type    string   `json:"type"`
			DiffIDs []string `json:"diff_ids"`
		} `json:"rootfs"`
		History []hist `json:"history"`
	}{Architecture: im.arch, OS: im.os, Created: epoch}
	cfg.RootFS.Type = "layers"
	for _, l := range im.layers {
		cfg.RootFS.DiffIDs = append(cfg.RootFS.DiffIDs, digestOf(l))
	}
	for _, s := range im.steps {
		cfg.History = append(cfg.History, hist{Created: epoch, CreatedBy: s.createdBy, EmptyLayer: !s.layer})
	}
	b, _ := json.Marshal(cfg)
	return b
}

func (im testImage) withDefaults() testImage {
	if im.os == "" {
		im.os, im.arch = "linux", "amd64"
	}
	return im
}

// archiveWriter writes members of an outer archive.
type archiveWriter struct {
	t  testing.TB
	tw *tar.Writer
}

func (a archiveWriter) file(name string, b []byte) {
	a.t.Helper()
	if err := a.tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(b)), ModTime: epoch}); err != nil {
		a.t.Fatal(err)
	}
	a.tw.Write(b)
}

func (a archiveWriter) symlink(name, target string) {
	a.tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeSymlink, Linkname: target, ModTime: epoch})
}

func (a archiveWriter) dir(name string) {
	a.tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeDir, Mode: 0o755, ModTime: epoch})
}

func jsonOf(v any) []byte { b, _ := json.Marshal(v); return b }

// legacyArchive writes what Docker before 25 writes: <id>/layer.tar, a
// layer saved twice linked to its first copy, <config>.json, then
// manifest.json and repositories last.
func legacyArchive(t testing.TB, ims ...testImage) []byte {
	var buf bytes.Buffer
	a := archiveWriter{t, tar.NewWriter(&buf)}
	var manifest []map[string]any
	saved := map[string]string{}
	for _, im := range ims {
		im = im.withDefaults()
		var paths []string
		for i, l := range im.layers {
			id := strings.TrimPrefix(digestOf([]byte(fmt.Sprint(im.tag, i, digestOf(l)))), "sha256:")
			p := id + "/layer.tar"
			a.dir(id + "/")
			a.file(id+"/VERSION", []byte("1.0"))
			if first, ok := saved[digestOf(l)]; ok {
				a.symlink(p, "../"+first)
			} else {
				a.file(p, l)
				saved[digestOf(l)] = p
			}
			paths = append(paths, p)
		}
		cfg := im.config()
		cfgName := strings.TrimPrefix(digestOf(cfg), "sha256:") + ".json"
		a.file(cfgName, cfg)
		var tags []string
		if im.tag != "" {
			tags = []string{im.tag}
		}
		manifest = append(manifest, map[string]any{"Config": cfgName, "RepoTags": tags, "Layers": paths})
	}
	a.file("manifest.json", jsonOf(manifest))
	a.file("repositories", []byte(`{}`))
	a.tw.Close()
	return buf.Bytes()
}

// ociArchive writes an OCI layout in a tar: blobs first, index.json after,
// with Docker 25+'s compatibility manifest.json when docker is set. Every
// image's layers are compressed with comp and named by compressed digest.
func ociArchive(t testing.TB, comp Compression, docker bool, ims ...testImage) []byte {
	var buf bytes.Buffer
	a := archiveWriter{t, tar.NewWriter(&buf)}
	a.file("oci-layout", []byte(`{"imageLayoutVersion":"1.0.0"}`))
	index, compat := ociBlobs(t, comp, ims, func(name string, b []byte) { a.file(name, b) })
	a.file("index.json", index)
	if docker {
		a.file("manifest.json", compat)
	}
	a.tw.Close()
	return buf.Bytes()
}

// ociDir writes the same layout into a directory.
func ociDir(t testing.TB, comp Compression, ims ...testImage) string {
	dir := t.TempDir()
	write := func(name string, b []byte) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("oci-layout", []byte(`{"imageLayoutVersion":"1.0.0"}`))
	index, _ := ociBlobs(t, comp, ims, write)
	write("index.json", index)
	return dir
}

func ociBlobs(t testing.TB, comp Compression, ims []testImage, write func(string, []byte)) (index, compat []byte) {
	written := map[string]bool{}
	blob := func(b []byte) string {
		d := digestOf(b)
		if !written[d] {
			written[d] = true
			write("blobs/sha256/"+strings.TrimPrefix(d, "sha256:"), b)
		}
		return d
	}
	layerType := map[Compression]string{
		Plain: "application/vnd.oci.image.layer.v1.tar",
		Gzip:  "application/vnd.oci.image.layer.v1.tar+gzip",
		Zstd:  "application/vnd.oci.image.layer.v1.tar+zstd",
	}[comp]
	var manifests, compatList []map[string]any
	for _, im := range ims {
		im = im.withDefaults()
		cfg := im.config()
		var layers []map[string]any
		var paths []string
		for _, l := range im.layers {
			b := compressed(t, l, comp)
			d := blob(b)
			layers = append(layers, map[string]any{"mediaType": layerType, "digest": d, "size": len(b)})
			paths = append(paths, "blobs/sha256/"+strings.TrimPrefix(d, "sha256:"))
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
			"platform": map[string]string{"os": im.os, "architecture": im.arch},
		}
		if im.tag != "" {
			desc["annotations"] = map[string]string{"io.containerd.image.name": im.tag, "org.opencontainers.image.ref.name": "latest"}
		}
		manifests = append(manifests, desc)
		compatList = append(compatList, map[string]any{"Config": "blobs/sha256/" + strings.TrimPrefix(cd, "sha256:"), "RepoTags": []string{im.tag}, "Layers": paths})
	}
	index = jsonOf(map[string]any{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": manifests})
	return index, jsonOf(compatList)
}
