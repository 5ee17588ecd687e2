package source

import (
	"archive/tar"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
)

// members is an archive's directory as a pass over its tar headers finds
// it: the small JSON documents kept whole, the blobs (B: a decoded layer,
// or where its bytes are), the members that are links to others, and the
// ones that are neither JSON nor a layer, with why.
type members[B any] struct {
	files      map[string][]byte
	blobs      map[string]B
	links      map[string]string
	unreadable map[string]string
}

func newMembers[B any]() members[B] {
	return members[B]{files: map[string][]byte{}, blobs: map[string]B{}, links: map[string]string{}, unreadable: map[string]string{}}
}

// link notes a symlink or hardlink member (the same blob under two names).
func (m *members[B]) link(name, target string, symbolic bool) {
	if symbolic {
		target = path.Join(path.Dir(name), target)
	}
	m.links[name] = memberName(target)
}

// isJSON tells a JSON member from a blob by its first bytes (head, at
// most the first 512 of size): an object or an array, or a whole small
// member that is any JSON value ("null" too, which is no tar and no blob).
func isJSON(head []byte, size int64) bool {
	return looksLikeJSON(head) || int64(len(head)) == size && json.Valid(head)
}

// keepJSON keeps a JSON member, unless it is too big to be metadata.
func (m *members[B]) keepJSON(name string, size int64, r io.Reader) error {
	if size > maxMeta {
		m.unreadable[name] = fmt.Sprintf("a JSON document of %d bytes, more than lx reads", size)
		return nil
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m.files[name] = b
	return nil
}

// meta is the archive's metaReader.
func (m *members[B]) meta(name string) ([]byte, error) {
	name = m.resolve(name)
	if b, ok := m.files[name]; ok {
		return b, nil
	}
	if why, ok := m.unreadable[name]; ok {
		return nil, fmt.Errorf("%s: %s", name, why)
	}
	if _, ok := m.blobs[name]; ok {
		return nil, fmt.Errorf("%s is a layer, not a JSON document", name)
	}
	return nil, errMissing
}

// blob is the layer member a manifest names, or why there is none.
func (m *members[B]) blob(name string) (B, error) {
	real := m.resolve(name)
	if b, ok := m.blobs[real]; ok {
		return b, nil
	}
	var none B
	if why, ok := m.unreadable[real]; ok {
		return none, fmt.Errorf("%s: not a layer: %s", name, why)
	}
	if _, ok := m.files[real]; ok {
		return none, fmt.Errorf("%s: not a layer: a JSON document", name)
	}
	return none, fmt.Errorf("the image lists layer %s, which is not in the archive", name)
}

// v1IDs lists the directories that hold a json member: the layers of a
// docker save before Docker 1.10.
func (m *members[B]) v1IDs() []string {
	var ids []string
	for name := range m.files {
		if id, ok := strings.CutSuffix(name, "/json"); ok && !strings.Contains(id, "/") {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

// resolve follows member links (at most a few hops; loops end there).
func (m *members[B]) resolve(name string) string {
	for range 8 {
		next, ok := m.links[name]
		if !ok {
			break
		}
		name = next
	}
	return name
}

// walk reads the archive's tar headers, noting links and giving each
// regular member to regular. plain says the archive is not wholly
// compressed, so that a first header that does not parse means "not a
// tar". A member cut short is reported as the archive's, by its place.
func (m *members[B]) walk(ctx context.Context, tr *tar.Reader, plain bool, regular func(name string, hdr *tar.Header) error) error {
	last := ""
	for n := 0; ; n++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			if n == 0 {
				return fmt.Errorf("empty archive")
			}
			return nil
		}
		if err != nil {
			if n == 0 && plain && (errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, tar.ErrHeader)) {
				return errNotTar // a file shorter than a tar header, or text
			}
			return outerError(err, n, last)
		}
		name := memberName(hdr.Name)
		last = name
		switch hdr.Typeflag {
		case tar.TypeSymlink, tar.TypeLink:
			m.link(name, hdr.Linkname, hdr.Typeflag == tar.TypeSymlink)
		case tar.TypeReg, tar.TypeRegA:
			if err := regular(name, hdr); err != nil {
				if errors.Is(err, io.ErrUnexpectedEOF) {
					return outerError(err, n, last)
				}
				return fmt.Errorf("%s: %w", name, err)
			}
		}
	}
}
