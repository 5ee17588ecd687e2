package source

import (
	"fmt"
	"os"
	"strings"
)

// Open turns what the user typed into a Source:
//
//	docker-archive:PATH[:TAG]   a docker save or podman save tar
//	oci-archive:PATH[:TAG]      an OCI layout in a tar
//	oci:DIR[:TAG]               an OCI layout directory
//	PATH                        any of these, told apart by what is there
//
// A tar's layout is found from its contents, so the docker-archive and
// oci-archive prefixes only say the path is a file.
func Open(ref string, opts Options) (Source, error) {
	kind, rest, hasKind := strings.Cut(ref, ":")
	switch kind {
	case "docker-archive", "oci-archive", "oci":
	default:
		hasKind = false
	}
	if !hasKind {
		st, err := os.Stat(ref)
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
