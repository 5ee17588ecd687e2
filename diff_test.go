package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Piped, lx diff writes the comparison as JSON; -o takes the format from
// the file's extension unless --format says it.
func TestDiffWritesTheComparison(t *testing.T) {
	dir := t.TempDir()
	tar := demoTar(t, dir)
	code, stdout, stderr := runIn(t, dir, "diff", tar, tar)
	var doc struct {
		SharedLayers []struct{ Prefix bool } `json:"sharedLayers"`
		CommonPrefix int                     `json:"commonPrefix"`
		Changes      []json.RawMessage       `json:"changes"`
		TotalDelta   *int64                  `json:"totalDelta"`
	}
	if code != exitOK || json.Unmarshal([]byte(stdout), &doc) != nil {
		t.Fatalf("exit %d, stderr %q, stdout %.200q", code, stderr, stdout)
	}
	if len(doc.SharedLayers) != 7 || doc.CommonPrefix != 7 || len(doc.Changes) != 0 || doc.TotalDelta == nil || *doc.TotalDelta != 0 {
		t.Errorf("the demo image against itself: %+v", doc)
	}
	for _, c := range []struct {
		args  []string
		file  string
		start string
	}{
		{[]string{"-o", "d.md"}, "d.md", "# lx diff: "},
		{[]string{"-o", "d.html"}, "d.html", "<!DOCTYPE html>"},
		{[]string{"-o", "d.txt"}, "d.txt", "{"},
		{[]string{"-o", "d2.md", "--format", "json"}, "d2.md", "{"},
	} {
		code, stdout, stderr := runIn(t, dir, append(append([]string{"diff"}, c.args...), tar, tar)...)
		b, err := os.ReadFile(filepath.Join(dir, c.file))
		if code != exitOK || err != nil || !strings.HasPrefix(string(b), c.start) || stdout != "" {
			t.Errorf("lx diff %s: exit %d (%s), %v, file starts %.20q, stdout %.20q", strings.Join(c.args, " "), code, stderr, err, b, stdout)
		}
	}
}

// Bad input is one line and exit 2, before any image is read.
func TestDiffBadInput(t *testing.T) {
	dir := t.TempDir()
	tar := demoTar(t, dir)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{tar}, "lx: diff compares two images: lx diff A B (1 given)\n"},
		{[]string{tar, tar, tar}, "lx: diff compares two images: lx diff A B (3 given)\n"},
		{[]string{"--format", "pdf", tar, tar}, "lx: unknown report format \"pdf\" (choose json, markdown, html)\n"},
		{[]string{"--base", tar, tar, tar}, "lx: --base names what one image is built on; lx diff compares the two images it is given\n"},
		{[]string{"-o", filepath.Join(dir, "no", "such", "d.json"), tar, filepath.Join(dir, "missing.tar")}, ""},
		{[]string{tar, filepath.Join(dir, "missing.tar")}, ""},
	} {
		code, stdout, stderr := runIn(t, dir, append([]string{"diff"}, c.args...)...)
		lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
		if code != exitError || stdout != "" || len(lines) != 1 || !strings.HasPrefix(stderr, "lx: ") || (c.want != "" && stderr != c.want) {
			t.Errorf("lx diff %s: exit %d, stdout %q, stderr %q; want exit 2 and one line %q", strings.Join(c.args, " "), code, stdout, stderr, c.want)
		}
	}
}
