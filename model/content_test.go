package model

import (
	"errors"
	"reflect"
	"testing"
)

// A file's bytes are held by its own member; a hardlink's by the file it
// links to in its layer; a later layer's copy by that layer.
func TestFileRef(t *testing.T) {
	img := build(t, layers(
		[]Entry{dir("bin", 0o755), blob("bin/tool", 0o755, 100, 1), hardlink("bin/alias", "bin/tool"), sym("bin/sl", "tool")},
		[]Entry{dir("bin", 0o755), blob("bin/tool", 0o700, 100, 1)},
	))
	cases := []struct {
		path string
		k    int
		want FileRef
		ok   bool
	}{
		{"bin/tool", 0, FileRef{Layer: 0, Path: "bin/tool", Size: 100, Digest: 1}, true},
		{"bin/alias", 0, FileRef{Layer: 0, Path: "bin/tool", Size: 100, Digest: 1}, true},
		{"bin/alias", 1, FileRef{Layer: 0, Path: "bin/tool", Size: 100, Digest: 1}, true},
		{"bin/tool", 1, FileRef{Layer: 1, Path: "bin/tool", Size: 100, Digest: 1}, true},
		{"bin/sl", 0, FileRef{}, false},
		{"bin", 0, FileRef{}, false},
	}
	for _, c := range cases {
		got, ok := img.FileRef(mustNode(t, img, c.path), c.k)
		if ok != c.ok || got != c.want {
			t.Errorf("FileRef(%s, %d) = %+v, %v; want %+v, %v", c.path, c.k, got, ok, c.want, c.ok)
		}
	}
	if _, ok := img.FileRef(Root, 1); ok {
		t.Error("the root has a FileRef")
	}
}

// The inode group: the paths that still show one copy, by path.
func TestHardlinks(t *testing.T) {
	img := build(t, layers(
		[]Entry{blob("z", 0o644, 5, 1), hardlink("a", "z"), hardlink("m", "a"), blob("other", 0o644, 5, 1)},
		[]Entry{wh("m")},
		[]Entry{blob("a", 0o644, 5, 2)},
	))
	names := func(ns []NodeID) []string {
		var out []string
		for _, n := range ns {
			out = append(out, img.Path(n))
		}
		return out
	}
	z := mustNode(t, img, "z")
	if got, want := names(img.Hardlinks(z, 0)), []string{"a", "m", "z"}; !reflect.DeepEqual(got, want) {
		t.Errorf("layer 0: %v, want %v", got, want)
	}
	if got, want := names(img.Hardlinks(mustNode(t, img, "a"), 1)), []string{"a", "z"}; !reflect.DeepEqual(got, want) {
		t.Errorf("layer 1: %v, want %v", got, want)
	}
	if got := img.Hardlinks(z, 2); got != nil {
		t.Errorf("layer 2: z shares its copy with %v, want none (a has its own now)", names(got))
	}
	if got := img.Hardlinks(mustNode(t, img, "other"), 0); got != nil {
		t.Errorf("a file with the same bytes but its own copy is in a group: %v", names(got))
	}
}

// Symlinks resolve inside the image: ".." and absolute targets stop at
// its root, whatever they name.
func TestResolve(t *testing.T) {
	img := build(t, layers(
		[]Entry{
			dir("opt", 0o755), dir("opt/app", 0o755), dir("tmp", 0o755), blob("tmp/x", 0o644, 3, 1),
			sym("opt/app/out", "../../../../tmp/x"), sym("opt/app/abs", "/tmp/x"), sym("opt/app/dirlink", "../../tmp"),
			sym("opt/app/missing", "/nowhere/file"), sym("loop1", "loop2"), sym("loop2", "loop1"),
		},
		[]Entry{wh("tmp/x")},
	))
	cases := []struct {
		p    string
		k    int
		want string
		ok   bool
	}{
		{"opt/app/out", 0, "tmp/x", true},
		{"/opt/app/abs", 0, "tmp/x", true},
		{"opt/app/dirlink/x", 0, "tmp/x", true},
		{"opt/app/dirlink", 0, "tmp", true},
		{"opt/app/missing", 0, "nowhere/file", false},
		{"opt/app/out", 1, "tmp/x", false},
		{"../../etc", 0, "etc", false},
		{"", 0, "", true},
	}
	for _, c := range cases {
		got, n, ok, err := img.Resolve(c.p, c.k)
		if err != nil || got != c.want || ok != c.ok {
			t.Errorf("Resolve(%q, %d) = %q, %v, %v; want %q, %v", c.p, c.k, got, ok, err, c.want, c.ok)
		}
		if ok && img.Path(n) != c.want {
			t.Errorf("Resolve(%q) node is %q, want %q", c.p, img.Path(n), c.want)
		}
	}
	if _, _, _, err := img.Resolve("loop1", 0); !errors.Is(err, ErrLinkLoop) {
		t.Errorf("a link loop: %v, want ErrLinkLoop", err)
	}
}

func TestFileName(t *testing.T) {
	for p, want := range map[string]string{"etc/passwd": "passwd", "/etc/passwd": "passwd", "a": "a", "opt/out/": "out", "../../x": "x"} {
		if got, err := FileName(p); err != nil || got != want {
			t.Errorf("FileName(%q) = %q, %v; want %q", p, got, err, want)
		}
	}
	for _, p := range []string{"", "/", ".", "..", "a/..", "x\x00y"} {
		if got, err := FileName(p); err == nil {
			t.Errorf("FileName(%q) = %q, want an error", p, got)
		}
	}
}
