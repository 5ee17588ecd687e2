// Package model is lx's pure domain: layers, the entries they carry, the path
// table built from them, per-layer views and waste accounting. It imports
// nothing of lx's own and no Docker or terminal package.
package model

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Kind says what a layer entry is. Whiteout and Opaque are not files: they
// are the OCI changeset's deletion markers, already decoded by the reader.
type Kind uint8

const (
	KindRegular Kind = iota + 1
	KindDir
	KindSymlink
	KindHardlink // names content held by its target in the same layer
	KindCharDev
	KindBlockDev
	KindFIFO
	KindWhiteout // DIR/.wh.NAME: removes Path and its subtree as lower layers left it
	KindOpaque   // DIR/.wh..wh..opq: hides every lower-layer child of directory Path
)

var kindNames = [...]string{
	KindRegular:  "file",
	KindDir:      "dir",
	KindSymlink:  "symlink",
	KindHardlink: "hardlink",
	KindCharDev:  "char",
	KindBlockDev: "block",
	KindFIFO:     "fifo",
	KindWhiteout: "whiteout",
	KindOpaque:   "opaque",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Entry is one tar member of a layer, reduced to what the analysis needs.
// File contents are never kept: Digest stands for them.
type Entry struct {
	// Path is clean, slash-separated and relative to the image root, without
	// a leading "/" or "./" (e.g. "data/one"). For a Whiteout it is the path
	// removed; for an Opaque it is the directory whose lower children hide.
	Path   string
	Kind   Kind
	Mode   uint32 // permission bits with setuid/setgid/sticky (07777)
	UID    uint32
	GID    uint32
	Size   int64  // content length of a regular file
	Link   string // symlink target, or the hardlink's target path (clean, relative)
	Digest uint64 // hash of a regular file's bytes
	Xattrs uint64 // hash of the entry's extended attributes; 0 when none
	Dev    uint64 // device major<<32 | minor for char and block devices
	MTime  int64  // modification time, nanoseconds since 1970; 0 when unknown
}

// DisplayPath renders a path for people and reports: "/" + path, with bytes
// that are not valid UTF-8 and control characters escaped, never dropped.
func DisplayPath(p string) string {
	return "/" + EscapeName(p)
}

// EscapeName escapes invalid UTF-8 bytes as \xNN and control characters as
// Go escapes, leaving every other character as it is.
func EscapeName(s string) string {
	clean := true
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf { // ASCII, most names: no decoding
			if c < 0x20 || c == 0x7f || c == '\\' {
				clean = false
				break
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || r < 0x20 || r == 0x7f || r == '\\' {
			clean = false
			break
		}
		i += size
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x`)
			b.WriteString(strconv.FormatUint(uint64(s[i])>>4, 16))
			b.WriteString(strconv.FormatUint(uint64(s[i])&0xf, 16))
		case r == '\\':
			b.WriteString(`\\`)
		case r < 0x20 || r == 0x7f:
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}
