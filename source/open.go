package source

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/distribution/reference"
)

// Open turns what the user typed into a Source:
//
//	docker-archive:PATH[:TAG]   a docker save or podman save tar
//	oci-archive:PATH[:TAG]      an OCI layout in a tar
//	oci:DIR[:TAG]               an OCI layout directory
//	PATH                        any of these, told apart by what is there
//	docker-daemon:IMAGE         an image of the Docker Engine (see NewEngine)
//	podman:IMAGE                an image of podman, through its API socket (see NewPodman)
//	container:NAME|ID           a container of the Docker Engine: its image's layers
//	                            and its writable layer on top (see NewContainer)
//	registry://HOST[:PORT]/REPO[:TAG|@DIGEST]
//	                            an image straight from a registry (see NewRegistry)
//	IMAGE                       the same, when no file or directory has that name:
//	                            name[:tag], name@sha256:…, a full or short image ID
//
// A tar's layout is found from its contents, so the docker-archive and
// oci-archive prefixes only say the path is a file.
func Open(ref string, opts Options) (Source, error) {
	if image, ok := strings.CutPrefix(ref, EnginePrefix); ok {
		return NewEngine(image, opts)
	}
	if image, ok := strings.CutPrefix(ref, PodmanPrefix); ok {
		return NewPodman(image, opts, PodmanEnv{Getenv: opts.Engine.Getenv})
	}
	if name, ok := strings.CutPrefix(ref, ContainerPrefix); ok {
		return NewContainer(name, opts)
	}
	if image, ok := strings.CutPrefix(ref, RegistryPrefix); ok {
		return NewRegistry(image, opts)
	}
	kind, rest, hasKind := strings.Cut(ref, ":")
	switch kind {
	case "docker-archive", "oci-archive", "oci":
	default:
		hasKind = false
	}
	if !hasKind {
		st, err := os.Stat(ref)
		if errors.Is(err, fs.ErrNotExist) && isImageRef(ref) {
			return NewEngine(ref, opts)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", ref, plainOSError(err))
		}
		if st.IsDir() {
			return &Dir{Path: ref, Opts: opts}, nil
		}
		return &Archive{Path: ref, Opts: opts}, nil
	}
	p, tag, err := splitTag(rest)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ref, err)
	}
	if tag != "" && opts.Tag == "" {
		opts.Tag = tag
	}
	st, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, plainOSError(err))
	}
	if kind == "oci" || st.IsDir() {
		if !st.IsDir() {
			return nil, fmt.Errorf("%s: oci: wants a directory; use oci-archive: for a tar", p)
		}
		return &Dir{Path: p, Opts: opts}, nil
	}
	return &Archive{Path: p, Opts: opts}, nil
}

// splitTag separates "PATH:TAG" where PATH may itself hold colons: the
// longest prefix that exists is the path.
func splitTag(s string) (path, tag string, err error) {
	if _, err := os.Stat(s); err == nil {
		return s, "", nil
	}
	for i := len(s) - 1; i > 0; i-- {
		if s[i] != ':' {
			continue
		}
		if _, err := os.Stat(s[:i]); err == nil {
			return s[:i], s[i+1:], nil
		}
	}
	_, err = os.Stat(s)
	return "", "", plainOSError(err)
}

// isImageRef tells whether a name that is not a file is meant as an image
// of the engine: a valid reference or image ID that does not look like a
// path or an archive's name (a mistyped "./img.tar" must say "no such file").
func isImageRef(ref string) bool {
	if strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, ".") || strings.HasPrefix(ref, "~") || strings.ContainsRune(ref, os.PathSeparator) && os.PathSeparator != '/' {
		return false
	}
	for _, ext := range []string{".tar", ".tgz", ".gz", ".zst", ".zstd", ".json"} {
		if strings.HasSuffix(strings.ToLower(ref), ext) {
			return false
		}
	}
	if strings.HasPrefix(ref, "sha256:") {
		ref = strings.TrimPrefix(ref, "sha256:")
		return ref != "" && len(ref) <= 64 && strings.Trim(ref, "0123456789abcdef") == ""
	}
	_, err := reference.ParseAnyReference(ref)
	return err == nil
}
