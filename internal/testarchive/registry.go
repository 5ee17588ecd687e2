package testarchive

// Pushing hand-made images to a loopback registry over the distribution
// API, so a test can have an index of several platforms that no engine
// here could build, or blobs stored as it chooses.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

const (
	ociManifest = "application/vnd.oci.image.manifest.v1+json"
	ociIndex    = "application/vnd.oci.image.index.v1+json"
	ociConfig   = "application/vnd.oci.image.config.v1+json"
)

// PushIndex pushes the images (each with its OS and Arch) to the plain
// HTTP registry at addr ("127.0.0.1:PORT") as one OCI index tagged
// repo:tag, their layer blobs stored with comp. It returns the index's
// digest.
func PushIndex(addr, repo, tag string, comp Compression, ims ...Image) (string, error) {
	r := registry{base: "http://" + addr, repo: repo}
	var manifests []map[string]any
	for _, im := range ims {
		man, err := r.image(im, comp)
		if err != nil {
			return "", err
		}
		if _, err := r.manifest(Digest(man), ociManifest, man); err != nil {
			return "", err
		}
		d := descriptor(ociManifest, man)
		d["platform"] = map[string]string{"os": im.os(), "architecture": im.arch()}
		manifests = append(manifests, d)
	}
	index := mustJSON(map[string]any{"schemaVersion": 2, "mediaType": ociIndex, "manifests": manifests})
	return r.manifest(tag, ociIndex, index)
}

// PushImage pushes one image to the plain HTTP registry at addr as
// repo:tag (an OCI manifest), its layer blobs stored with comp, and returns
// the manifest's digest.
func PushImage(addr, repo, tag string, comp Compression, im Image) (string, error) {
	r := registry{base: "http://" + addr, repo: repo}
	man, err := r.image(im, comp)
	if err != nil {
		return "", err
	}
	return r.manifest(tag, ociManifest, man)
}

// image uploads an image's blobs (a layer already compressed is stored as
// it is, the others with comp) and returns its manifest.
func (r registry) image(im Image, comp Compression) ([]byte, error) {
	var layers []map[string]any
	for _, l := range im.Layers {
		data, err := Compress(l.Data, comp)
		if l.Comp != Plain {
			data, err = l.Data, nil
		}
		if err != nil {
			return nil, err
		}
		mt := comp.MediaType()
		if l.Comp != Plain {
			mt = l.Comp.MediaType()
		}
		if err := r.blob(data); err != nil {
			return nil, err
		}
		layers = append(layers, descriptor(mt, data))
	}
	cfg := im.Config()
	if err := r.blob(cfg); err != nil {
		return nil, err
	}
	return mustJSON(map[string]any{"schemaVersion": 2, "mediaType": ociManifest, "config": descriptor(ociConfig, cfg), "layers": layers}), nil
}

func descriptor(mediaType string, b []byte) map[string]any {
	return map[string]any{"mediaType": mediaType, "digest": Digest(b), "size": len(b)}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // maps of strings, numbers and slices always marshal
	}
	return b
}

// registry is one repository of a registry.
type registry struct{ base, repo string }

// blob uploads b in one request, unless the registry has it.
func (r registry) blob(b []byte) error {
	digest := Digest(b)
	if resp, err := http.Head(r.base + "/v2/" + r.repo + "/blobs/" + digest); err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			return nil
		}
	}
	resp, err := http.Post(r.base+"/v2/"+r.repo+"/blobs/uploads/", "", nil)
	if err != nil {
		return err
	}
	if err := expect(resp, http.StatusAccepted, "starting an upload"); err != nil {
		return err
	}
	loc, err := url.Parse(r.base)
	if err != nil {
		return err
	}
	loc, err = loc.Parse(resp.Header.Get("Location"))
	if err != nil {
		return err
	}
	q := loc.Query()
	q.Set("digest", digest)
	loc.RawQuery = q.Encode()
	req, err := http.NewRequest(http.MethodPut, loc.String(), bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	return expect(resp, http.StatusCreated, "uploading "+digest)
}

// manifest puts a manifest or index under ref and returns its digest.
func (r registry) manifest(ref, mediaType string, b []byte) (string, error) {
	req, err := http.NewRequest(http.MethodPut, r.base+"/v2/"+r.repo+"/manifests/"+ref, bytes.NewReader(b))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", mediaType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	if err := expect(resp, http.StatusCreated, "putting the manifest "+ref); err != nil {
		return "", err
	}
	return Digest(b), nil
}

// expect closes resp and fails unless it has the status want.
func expect(resp *http.Response, want int, doing string) error {
	defer resp.Body.Close()
	if resp.StatusCode == want {
		return nil
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	return fmt.Errorf("registry: %s: %s: %s", doing, resp.Status, strings.TrimSpace(string(body)))
}
