// Command docker25 rewrites a legacy `docker save` archive (what Docker 20.10
// writes) in the layout Docker 25 and later save: an OCI image layout (
// oci-layout, index.json, blobs/sha256/…) that also carries the legacy
// manifest.json pointing into blobs/, members in lexical order, so the
// manifests come after the blobs.
//
// The test script uses it for the fixtures, because the engine that runs
// here is older than that layout.
//
//	docker25 [-compress none|gzip|zstd] IN.tar OUT.tar
//
// With -compress the layer blobs are compressed and named by their
// compressed digest, with the +gzip or +zstd media type.
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/klauspost/compress/zstd"
)

func main() {
	compress := flag.String("compress", "none", "layer blob compression: none, gzip or zstd")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: docker25 [-compress none|gzip|zstd] IN.tar OUT.tar")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 2 {
		flag.Usage()
		os.Exit(2)
	}
	if err := convert(flag.Arg(0), flag.Arg(1), *compress); err != nil {
		fmt.Fprintln(os.Stderr, "docker25:", err)
		os.Exit(1)
	}
}

type legacyManifest struct {
	Config   string
	RepoTags []string
	Layers   []string
}

type descriptor struct {
	MediaType   string            `json:"mediaType"`
	Digest      string            `json:"digest"`
	Size        int64             `json:"size"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

type ociManifest struct {
	SchemaVersion int          `json:"schemaVersion"`
	MediaType     string       `json:"mediaType"`
	Config        descriptor   `json:"config"`
	Layers        []descriptor `json:"layers"`
}

type ociIndex struct {
	SchemaVersion int          `json:"schemaVersion"`
	MediaType     string       `json:"mediaType"`
	Manifests     []descriptor `json:"manifests"`
}

type newManifest struct {
	Config   string
	RepoTags []string
	Layers   []string
}

func convert(in, out, compress string) error {
	var suffix string
	switch compress {
	case "none", "":
	case "gzip", "zstd":
		suffix = "+" + compress
	default:
		return fmt.Errorf("unknown -compress %q", compress)
	}
	members, links, err := readAll(in)
	if err != nil {
		return err
	}
	get := func(name string) ([]byte, error) {
		name = path.Clean(name)
		for range 8 {
			if b, ok := members[name]; ok {
				return b, nil
			}
			target, ok := links[name]
			if !ok {
				break
			}
			name = path.Clean(path.Join(path.Dir(name), target))
		}
		return nil, fmt.Errorf("%s: no member %s", in, name)
	}
	raw, err := get("manifest.json")
	if err != nil {
		return err
	}
	var legacy []legacyManifest
	if err := json.Unmarshal(raw, &legacy); err != nil {
		return fmt.Errorf("%s: manifest.json: %w", in, err)
	}
	if len(legacy) == 0 {
		return fmt.Errorf("%s: manifest.json lists no image", in)
	}

	blobs := map[string][]byte{} // digest hex → bytes
	put := func(b []byte) (string, int64) {
		sum := sha256.Sum256(b)
		h := hex.EncodeToString(sum[:])
		blobs[h] = b
		return "sha256:" + h, int64(len(b))
	}
	var index ociIndex
	index.SchemaVersion = 2
	index.MediaType = "application/vnd.oci.image.index.v1+json"
	var manifests []newManifest
	repositories := map[string]map[string]string{}
	var mtime time.Time
	for _, m := range legacy {
		cfg, err := get(m.Config)
		if err != nil {
			return err
		}
		var created struct {
			Created time.Time `json:"created"`
		}
		_ = json.Unmarshal(cfg, &created)
		if mtime.IsZero() {
			mtime = created.Created
		}
		cd, cs := put(cfg)
		om := ociManifest{
			SchemaVersion: 2,
			MediaType:     "application/vnd.oci.image.manifest.v1+json",
			Config:        descriptor{MediaType: "application/vnd.oci.image.config.v1+json", Digest: cd, Size: cs},
			Layers:        []descriptor{},
		}
		nm := newManifest{Config: "blobs/sha256/" + strings.TrimPrefix(cd, "sha256:"), RepoTags: m.RepoTags}
		for _, l := range m.Layers {
			b, err := get(l)
			if err != nil {
				return err
			}
			if b, err = compressBlob(b, compress); err != nil {
				return err
			}
			ld, ls := put(b)
			om.Layers = append(om.Layers, descriptor{MediaType: "application/vnd.oci.image.layer.v1.tar" + suffix, Digest: ld, Size: ls})
			nm.Layers = append(nm.Layers, "blobs/sha256/"+strings.TrimPrefix(ld, "sha256:"))
		}
		mb, err := json.Marshal(om)
		if err != nil {
			return err
		}
		md, ms := put(mb)
		if len(m.RepoTags) == 0 {
			index.Manifests = append(index.Manifests, descriptor{MediaType: om.MediaType, Digest: md, Size: ms})
		}
		for _, tag := range m.RepoTags {
			repo, t := splitTag(tag)
			index.Manifests = append(index.Manifests, descriptor{
				MediaType: om.MediaType, Digest: md, Size: ms,
				Annotations: map[string]string{
					"io.containerd.image.name":          tag,
					"org.opencontainers.image.ref.name": t,
				},
			})
			if repositories[repo] == nil {
				repositories[repo] = map[string]string{}
			}
			if len(nm.Layers) > 0 {
				repositories[repo][t] = strings.TrimPrefix(nm.Layers[len(nm.Layers)-1], "blobs/sha256/")
			}
		}
		manifests = append(manifests, nm)
	}
	if mtime.IsZero() {
		mtime = time.Unix(0, 0)
	}

	indexJSON, err := json.Marshal(index)
	if err != nil {
		return err
	}
	manifestJSON, err := json.Marshal(manifests)
	if err != nil {
		return err
	}
	reposJSON, err := json.Marshal(repositories)
	if err != nil {
		return err
	}

	f, err := os.Create(out)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(f)
	dir := func(name string) error {
		return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: name, Mode: 0o755, ModTime: mtime, Format: tar.FormatPAX})
	}
	file := func(name string, b []byte) error {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o644, Size: int64(len(b)), ModTime: mtime, Format: tar.FormatPAX}); err != nil {
			return err
		}
		_, err := tw.Write(b)
		return err
	}
	names := make([]string, 0, len(blobs))
	for h := range blobs {
		names = append(names, h)
	}
	sort.Strings(names)
	err = errors.Join(dir("blobs/"), dir("blobs/sha256/"))
	for _, h := range names {
		err = errors.Join(err, file("blobs/sha256/"+h, blobs[h]))
	}
	err = errors.Join(err,
		file("index.json", indexJSON),
		file("manifest.json", manifestJSON),
		file("oci-layout", []byte(`{"imageLayoutVersion":"1.0.0"}`)),
		file("repositories", reposJSON),
		tw.Close(),
		f.Close())
	if err != nil {
		os.Remove(out)
		return fmt.Errorf("writing %s: %w", out, err)
	}
	return nil
}

// readAll reads every regular member of a tar into memory (fixtures are a
// few MB) and records its symlinks (podman and skopeo link layer.tar files).
func readAll(name string) (map[string][]byte, map[string]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	members := map[string][]byte{}
	links := map[string]string{}
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return members, links, nil
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		clean := path.Clean(h.Name)
		switch h.Typeflag {
		case tar.TypeReg:
			b, err := io.ReadAll(tr)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %s: %w", name, h.Name, err)
			}
			members[clean] = b
		case tar.TypeSymlink:
			links[clean] = h.Linkname
		}
	}
}

func compressBlob(b []byte, how string) ([]byte, error) {
	var buf bytes.Buffer
	switch how {
	case "gzip":
		zw := gzip.NewWriter(&buf)
		if _, err := zw.Write(b); err != nil {
			return nil, err
		}
		if err := zw.Close(); err != nil {
			return nil, err
		}
	case "zstd":
		zw, err := zstd.NewWriter(&buf)
		if err != nil {
			return nil, err
		}
		if _, err := zw.Write(b); err != nil {
			return nil, err
		}
		if err := zw.Close(); err != nil {
			return nil, err
		}
	default:
		return b, nil
	}
	return buf.Bytes(), nil
}

// splitTag splits "repo:tag" at the last colon after the last slash.
func splitTag(ref string) (repo, tag string) {
	i := strings.LastIndex(ref, ":")
	if i < 0 || strings.Contains(ref[i:], "/") {
		return ref, "latest"
	}
	return ref[:i], ref[i+1:]
}
