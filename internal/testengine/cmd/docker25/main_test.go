package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"

	"lx.dev/lx/internal/testarchive"
)

func layerTar(t *testing.T, name, content string) []byte {
	return testarchive.Tar(t, testarchive.File(name, 0o644, content))
}

// The documents of the written layout, as far as the test reads them.
type (
	descriptor struct {
		MediaType   string            `json:"mediaType"`
		Digest      string            `json:"digest"`
		Size        int64             `json:"size"`
		Annotations map[string]string `json:"annotations"`
	}
	ociIndex    struct{ Manifests []descriptor }
	ociManifest struct {
		Config descriptor
		Layers []descriptor
	}
	newManifest struct {
		Config string
		Layers []string
	}
)

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestConvert(t *testing.T) {
	dir := t.TempDir()
	l1, l2 := layerTar(t, "a", "one"), layerTar(t, "b", "two")
	cfg := []byte(`{"created":"2024-05-06T07:08:09Z","rootfs":{"type":"layers","diff_ids":["sha256:` + sha(l1) + `","sha256:` + sha(l2) + `","sha256:` + sha(l1) + `"]}}`)
	// The podman/skopeo shape: DIFFID.tar members and a symlink to one.
	manifest := `[{"Config":"` + sha(cfg) + `.json","RepoTags":["lx-fixture/x:1"],"Layers":["` +
		sha(l1) + `.tar","v2/layer.tar","v1/layer.tar"]}]`
	in := filepath.Join(dir, "in.tar")
	input := testarchive.Tar(t,
		testarchive.File(sha(l1)+".tar", 0o644, string(l1)),
		testarchive.Symlink("v1/layer.tar", "../"+sha(l1)+".tar"),
		testarchive.File("v2/layer.tar", 0o644, string(l2)),
		testarchive.File(sha(cfg)+".json", 0o644, string(cfg)),
		testarchive.File("manifest.json", 0o644, manifest),
	)
	if err := os.WriteFile(in, input, 0o644); err != nil {
		t.Fatal(err)
	}

	for _, compress := range []string{"none", "gzip", "zstd"} {
		t.Run(compress, func(t *testing.T) {
			out := filepath.Join(dir, compress+".tar")
			if err := convert(in, out, compress); err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(out)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, order, err := testarchive.Files(f)
			if err != nil {
				t.Fatal(err)
			}
			last := order[len(order)-4:]
			if strings.Join(last, " ") != "index.json manifest.json oci-layout repositories" {
				t.Errorf("members end with %v, want the manifests after the blobs", last)
			}
			for name, b := range got {
				if h, ok := strings.CutPrefix(name, "blobs/sha256/"); ok && h != "" && sha(b) != h {
					t.Errorf("%s holds bytes whose sha256 is %s", name, sha(b))
				}
			}
			var index ociIndex
			if err := json.Unmarshal(got["index.json"], &index); err != nil || len(index.Manifests) != 1 {
				t.Fatalf("index.json %s: %v", got["index.json"], err)
			}
			if a := index.Manifests[0].Annotations; a["org.opencontainers.image.ref.name"] != "1" || a["io.containerd.image.name"] != "lx-fixture/x:1" {
				t.Errorf("index annotations %v", a)
			}
			var m ociManifest
			if err := json.Unmarshal(got["blobs/sha256/"+strings.TrimPrefix(index.Manifests[0].Digest, "sha256:")], &m); err != nil {
				t.Fatal(err)
			}
			if m.Config.Digest != "sha256:"+sha(cfg) || len(m.Layers) != 3 {
				t.Fatalf("manifest %+v", m)
			}
			for i, want := range [][]byte{l1, l2, l1} {
				d := m.Layers[i]
				blob := got["blobs/sha256/"+strings.TrimPrefix(d.Digest, "sha256:")]
				if int64(len(blob)) != d.Size {
					t.Errorf("layer %d: size %d, blob has %d", i, d.Size, len(blob))
				}
				var plain []byte
				switch compress {
				case "none":
					plain = blob
					if d.MediaType != "application/vnd.oci.image.layer.v1.tar" {
						t.Errorf("media type %s", d.MediaType)
					}
				case "gzip":
					zr, err := gzip.NewReader(bytes.NewReader(blob))
					if err != nil {
						t.Fatal(err)
					}
					plain, _ = io.ReadAll(zr)
				case "zstd":
					zr, err := zstd.NewReader(bytes.NewReader(blob))
					if err != nil {
						t.Fatal(err)
					}
					plain, _ = io.ReadAll(zr)
					zr.Close()
				}
				if compress != "none" && !strings.HasSuffix(d.MediaType, "+"+compress) {
					t.Errorf("media type %s", d.MediaType)
				}
				if !bytes.Equal(plain, want) {
					t.Errorf("layer %d: wrong bytes", i)
				}
			}
			var legacy []newManifest
			if err := json.Unmarshal(got["manifest.json"], &legacy); err != nil || len(legacy) != 1 {
				t.Fatalf("manifest.json %s: %v", got["manifest.json"], err)
			}
			for _, l := range append([]string{legacy[0].Config}, legacy[0].Layers...) {
				if _, ok := got[l]; !ok {
					t.Errorf("manifest.json names %s, which is not in the archive", l)
				}
			}
		})
	}
}
