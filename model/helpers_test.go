package model

import (
	"hash/fnv"
	"sort"
	"testing"
)

// Terse constructors for synthetic layers.

func dir(p string, mode uint32) Entry { return Entry{Path: p, Kind: KindDir, Mode: mode} }

func file(p string, mode uint32, content string) Entry {
	h := fnv.New64a()
	h.Write([]byte(content))
	return Entry{Path: p, Kind: KindRegular, Mode: mode, Size: int64(len(content)), Digest: h.Sum64()}
}

// blob is a regular file of n bytes whose content is named by seed.
func blob(p string, mode uint32, n int64, seed uint64) Entry {
	return Entry{Path: p, Kind: KindRegular, Mode: mode, Size: n, Digest: seed}
}

func owned(e Entry, uid, gid uint32) Entry { e.UID, e.GID = uid, gid; return e }

func wh(p string) Entry          { return Entry{Path: p, Kind: KindWhiteout} }
func opq(p string) Entry         { return Entry{Path: p, Kind: KindOpaque} }
func sym(p, target string) Entry { return Entry{Path: p, Kind: KindSymlink, Mode: 0o777, Link: target} }
func hardlink(p, target string) Entry {
	return Entry{Path: p, Kind: KindHardlink, Mode: 0o644, Link: target}
}

func layers(ls ...[]Entry) [][]Entry { return ls }

// build applies layers to an image whose history gives each a command
// "L<index>".
func build(t testing.TB, ls [][]Entry) *Image {
	t.Helper()
	var ids []string
	for i := range ls {
		ids = append(ids, "sha256:"+string(rune('a'+i)))
	}
	return buildIDs(t, ids, ls)
}

// buildIDs is build with the layers' diffIDs given.
func buildIDs(t testing.TB, ids []string, ls [][]Entry) *Image {
	t.Helper()
	cfg := Config{DiffIDs: ids}
	for i := range ls {
		cfg.History = append(cfg.History, History{CreatedBy: "L" + string(rune('0'+i))})
	}
	return buildFrom(t, cfg, ls)
}

// buildFrom applies layers to an image of config cfg and checks the
// model's invariants.
func buildFrom(t testing.TB, cfg Config, ls [][]Entry) *Image {
	t.Helper()
	b := NewBuilder(cfg)
	for _, l := range ls {
		if _, err := b.AddLayer(l); err != nil {
			t.Fatal(err)
		}
	}
	img, err := b.Finish()
	if err != nil {
		t.Fatal(err)
	}
	if err := img.CheckInvariants(); err != nil {
		t.Fatalf("invariants broken:\n%v", err)
	}
	return img
}

func mustNode(t testing.TB, img *Image, p string) NodeID {
	t.Helper()
	n, ok := img.Lookup(p)
	if !ok {
		t.Fatalf("path %q not in the path table", p)
	}
	return n
}

// markers renders layer k's changes as "A data/one" lines, sorted.
func markers(img *Image, k int) []string {
	var out []string
	for _, c := range img.Changes(k) {
		out = append(out, c.Marker.String()+" "+img.Path(c.Node))
	}
	sort.Strings(out)
	return out
}

// visible lists every path visible after layer k, depth first, sorted.
func visible(img *Image, k int) []string {
	var out []string
	var walk func(NodeID)
	walk = func(d NodeID) {
		for _, c := range img.Children(d, k) {
			out = append(out, img.Path(c))
			walk(c)
		}
	}
	walk(Root)
	return out
}
