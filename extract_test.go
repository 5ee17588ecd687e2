package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lx.dev/lx/internal/testarchive"
)

// escapeArchive is an image whose layer holds a symlink out that climbs
// four levels above the root to /tmp/NAME, and, when inside is set, a
// /tmp/NAME of its own; and a file written by two layers.
func escapeArchive(t *testing.T, name string, inside bool) string {
	t.Helper()
	base := []testarchive.Entry{testarchive.Dir("etc/", 0o755), testarchive.File("etc/motd", 0o644, "first\n"), testarchive.Dir("tmp/", 0o1777)}
	if inside {
		base = append(base, testarchive.File("tmp/"+name, 0o644, "the image's own file\n"))
	}
	top := []testarchive.Entry{
		testarchive.Dir("opt/", 0o755), testarchive.Dir("opt/app/", 0o755),
		testarchive.Symlink("opt/app/out", "../../../../tmp/"+name),
		testarchive.Dir("etc/", 0o755), testarchive.File("etc/motd", 0o644, "second\n"),
	}
	b := testarchive.Legacy(t, testarchive.Image{Tag: "escape:latest", Layers: []testarchive.Blob{testarchive.Layer(t, base...), testarchive.Layer(t, top...)}})
	return testarchive.WriteFile(t, "escape.tar", b)
}

// The check: extracting through a symlink that points above the
// root never writes outside the target directory: the link is followed
// inside the image, and the file takes the link's own name.
func TestExtractThroughEscapingSymlink(t *testing.T) {
	name := fmt.Sprintf("lx-escape-%d", os.Getpid())
	host := filepath.Join("/tmp", name)
	os.Remove(host)
	for _, inside := range []bool{false, true} {
		t.Run(fmt.Sprintf("inside=%v", inside), func(t *testing.T) {
			archive := escapeArchive(t, name, inside)
			dir := t.TempDir()
			code, _, stderr := runIn(t, dir, "extract", archive, "/opt/app/out")
			switch {
			case !inside && (code != exitError || !strings.Contains(stderr, "leads to /tmp/"+name+" (its symlinks followed inside the image), which is not there")):
				t.Errorf("a link to nothing in the image: exit %d, %s", code, stderr)
			case inside && code != exitOK:
				t.Errorf("exit %d: %s", code, stderr)
			}
			if _, err := os.Lstat(host); err == nil {
				t.Fatalf("%s was written on the host", host)
			}
			entries, _ := os.ReadDir(dir)
			switch {
			case !inside && len(entries) != 0:
				t.Errorf("files written for a link to nothing: %v", entries)
			case inside && (len(entries) != 1 || entries[0].Name() != "out"):
				t.Errorf("in the target directory: %v, want out alone", entries)
			case inside:
				if b, _ := os.ReadFile(filepath.Join(dir, "out")); string(b) != "the image's own file\n" {
					t.Errorf("out holds %q", b)
				}
			}
		})
	}
}

// A file as of a layer, to a file or stdout; never over a file without
// --yes; one line and exit 2 for what cannot be done.
func TestExtractCommand(t *testing.T) {
	archive := escapeArchive(t, "x", true)
	dir := t.TempDir()
	if code, _, stderr := runIn(t, dir, "extract", "--layer", "0", archive, "etc/motd"); code != exitOK || !strings.Contains(stderr, "wrote motd: /etc/motd as it is after layer 0 (6 bytes)") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "motd")); string(b) != "first\n" {
		t.Errorf("layer 0's motd: %q", b)
	}
	code, _, stderr := runIn(t, dir, "extract", archive, "/etc/motd")
	if code != exitError || !strings.Contains(stderr, "motd exists: lx extract replaces a file only with --yes") {
		t.Errorf("over a file: exit %d, %s", code, stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "motd")); string(b) != "first\n" {
		t.Errorf("the file was touched: %q", b)
	}
	if code, _, stderr := runIn(t, dir, "extract", "--yes", archive, "/etc/motd"); code != exitOK {
		t.Errorf("--yes: exit %d, %s", code, stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "motd")); string(b) != "second\n" {
		t.Errorf("after --yes: %q", b)
	}
	if code, stdout, _ := runIn(t, dir, "extract", "-o", "-", archive, "/etc/motd"); code != exitOK || stdout != "second\n" {
		t.Errorf("-o -: exit %d, %q", code, stdout)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--layer", "7", archive, "/etc/motd"}, "--layer 7: the image's layers are 0 to 1"},
		{[]string{"--layer", "x", archive, "/etc/motd"}, `--layer "x": give a layer's number, from 0`},
		{[]string{archive, "/etc"}, "/etc is a directory after layer 1: lx extract writes files"},
		{[]string{archive, "/nope"}, "/nope is not in the image after layer 1"},
		{[]string{archive, "/"}, "/ names the image's root directory"},
		{[]string{"--keep-contents", "lots", archive, "/etc/motd"}, "--keep-contents:"},
	} {
		code, stdout, stderr := runIn(t, dir, append([]string{"extract", "-o", "new"}, c.args...)...)
		if code != exitError || !strings.Contains(stderr, c.want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 || stdout != "" {
			t.Errorf("%v: exit %d, %q; want exit 2 and one line with %q", c.args, code, stderr, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "new")); err == nil {
		t.Error("a refused extraction wrote a file")
	}
}
