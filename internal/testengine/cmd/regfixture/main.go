// Command regfixture helps the test script fill its loopback registries.
//
//	regfixture port                     a free TCP port on 127.0.0.1
//	regfixture index OUT AMD64 ARM64    an OCI layout directory OUT holding a
//	                                    two-platform index: the image of the OCI
//	                                    layout AMD64 as linux/amd64, that of ARM64
//	                                    (its config saying so) as linux/arm64
//
// No engine here builds for two platforms; skopeo copy --all pushes OUT
// as the index it is.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
)

func main() {
	var err error
	switch {
	case len(os.Args) == 2 && os.Args[1] == "port":
		err = port()
	case len(os.Args) == 5 && os.Args[1] == "index":
		err = index(os.Args[2], os.Args[3], os.Args[4])
	default:
		fmt.Fprintln(os.Stderr, "usage: regfixture port | regfixture index OUT AMD64-LAYOUT ARM64-LAYOUT")
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "regfixture:", err)
		os.Exit(1)
	}
}

func port() error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer l.Close()
	fmt.Println(l.Addr().(*net.TCPAddr).Port)
	return nil
}

type descriptor struct {
	MediaType   string            `json:"mediaType"`
	Digest      string            `json:"digest"`
	Size        int64             `json:"size"`
	Platform    map[string]string `json:"platform,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// index writes OUT from the two layouts: every blob copied, each image's
// config set to its platform (a new config and manifest where it changes).
func index(out, amd64, arm64 string) error {
	if err := os.MkdirAll(filepath.Join(out, "blobs", "sha256"), 0o755); err != nil {
		return err
	}
	var manifests []descriptor
	for _, in := range []struct{ dir, arch string }{{amd64, "amd64"}, {arm64, "arm64"}} {
		d, err := platformImage(out, in.dir, in.arch)
		if err != nil {
			return fmt.Errorf("%s: %w", in.dir, err)
		}
		manifests = append(manifests, d)
	}
	idx := map[string]any{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": manifests}
	top, err := json.Marshal(idx)
	if err != nil {
		return err
	}
	d, err := writeBlob(out, top)
	if err != nil {
		return err
	}
	d.MediaType = "application/vnd.oci.image.index.v1+json"
	d.Annotations = map[string]string{"org.opencontainers.image.ref.name": "latest"}
	layout, _ := json.Marshal(map[string]any{"schemaVersion": 2, "manifests": []descriptor{d}})
	if err := os.WriteFile(filepath.Join(out, "index.json"), layout, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, "oci-layout"), []byte(`{"imageLayoutVersion":"1.0.0"}`), 0o644)
}

// platformImage copies the only image of the layout dir into out, its
// config saying linux/arch, and returns its manifest's descriptor.
func platformImage(out, dir, arch string) (descriptor, error) {
	var layout struct{ Manifests []descriptor }
	if err := readJSON(filepath.Join(dir, "index.json"), &layout); err != nil {
		return descriptor{}, err
	}
	if len(layout.Manifests) != 1 {
		return descriptor{}, fmt.Errorf("index.json lists %d manifests, want one image", len(layout.Manifests))
	}
	var man map[string]json.RawMessage
	if err := readJSON(blobPath(dir, layout.Manifests[0].Digest), &man); err != nil {
		return descriptor{}, err
	}
	var cfgDesc descriptor
	var layers []descriptor
	if err := json.Unmarshal(man["config"], &cfgDesc); err != nil {
		return descriptor{}, err
	}
	if err := json.Unmarshal(man["layers"], &layers); err != nil {
		return descriptor{}, err
	}
	for _, l := range layers {
		b, err := os.ReadFile(blobPath(dir, l.Digest))
		if err != nil {
			return descriptor{}, err
		}
		if _, err := writeBlob(out, b); err != nil {
			return descriptor{}, err
		}
	}
	var cfg map[string]any
	if err := readJSON(blobPath(dir, cfgDesc.Digest), &cfg); err != nil {
		return descriptor{}, err
	}
	cfg["os"], cfg["architecture"] = "linux", arch
	delete(cfg, "variant")
	raw, err := json.Marshal(cfg)
	if err != nil {
		return descriptor{}, err
	}
	nd, err := writeBlob(out, raw)
	if err != nil {
		return descriptor{}, err
	}
	nd.MediaType = cfgDesc.MediaType
	man["config"], _ = json.Marshal(nd)
	mraw, err := json.Marshal(man)
	if err != nil {
		return descriptor{}, err
	}
	md, err := writeBlob(out, mraw)
	if err != nil {
		return descriptor{}, err
	}
	md.MediaType = layout.Manifests[0].MediaType
	md.Platform = map[string]string{"os": "linux", "architecture": arch}
	return md, nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func blobPath(dir, digest string) string {
	alg, hexPart := digest[:6], digest[7:]
	return filepath.Join(dir, "blobs", alg, hexPart)
}

func writeBlob(out string, b []byte) (descriptor, error) {
	sum := sha256.Sum256(b)
	d := descriptor{Digest: "sha256:" + hex.EncodeToString(sum[:]), Size: int64(len(b))}
	return d, os.WriteFile(blobPath(out, d.Digest), b, 0o644)
}
