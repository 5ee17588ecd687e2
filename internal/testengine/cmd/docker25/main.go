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
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path"

	"lx.dev/lx/internal/testarchive"
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

// convert reads the legacy archive in and writes its images, config and
// layers as they are, to out in Docker 25's layout (internal/testarchive
// writes it).
func convert(in, out, compress string) error {
	comp, ok := map[string]testarchive.Compression{"none": testarchive.Plain, "": testarchive.Plain, "gzip": testarchive.Gzip, "zstd": testarchive.Zstd}[compress]
	if !ok {
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
	var images []testarchive.Image
	for _, m := range legacy {
		if len(m.RepoTags) > 1 {
			return fmt.Errorf("%s: an image with %d tags; one at most is supported", in, len(m.RepoTags))
		}
		im := testarchive.Image{}
		if len(m.RepoTags) == 1 {
			im.Tag = m.RepoTags[0]
		}
		if im.RawConfig, err = get(m.Config); err != nil {
			return err
		}
		for _, l := range m.Layers {
			b, err := get(l)
			if err != nil {
				return err
			}
			im.Layers = append(im.Layers, testarchive.PlainBlob(b))
		}
		images = append(images, im)
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	err = testarchive.WriteOCI(f, testarchive.OCIOptions{Comp: comp, Docker: true}, images...)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
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
	err = testarchive.Each(f, func(m testarchive.Member) error {
		clean := path.Clean(m.Header.Name)
		switch m.Header.Typeflag {
		case tar.TypeReg:
			b, err := io.ReadAll(m.Body)
			if err != nil {
				return fmt.Errorf("%s: %w", m.Header.Name, err)
			}
			members[clean] = b
		case tar.TypeSymlink:
			links[clean] = m.Header.Linkname
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	return members, links, nil
}
