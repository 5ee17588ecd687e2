package e2e

// The explorer on hostile archives (internal/hostile): it shows an image
// that loads with warnings, and the error of one that cannot load, then
// exits 2 after a key; its screen never freezes.

import (
	"regexp"
	"testing"
	"time"

	"lx.dev/lx/internal/hostile"
)

func hostileArchive(t *testing.T, name string) string {
	t.Helper()
	c, ok := hostile.Get(name)
	if !ok {
		t.Fatalf("no hostile case %s", name)
	}
	p, err := c.Write(t.TempDir(), hostile.Legacy)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestE2EExploreHostile(t *testing.T) {
	t.Run("warnings", func(t *testing.T) {
		t.Parallel()
		tt := startTmux(t, t.TempDir(), 160, 45, hostileArchive(t, "pair/file-file"))
		tt.waitFor("the analysed image", regexp.MustCompile(`efficiency \d`))
		tt.waitFor("the warnings' count in the header", regexp.MustCompile(`wasted 14 B of 20 B · 1 warning`))
		tt.waitFor("the warning in Details", regexp.MustCompile(`Warnings · 1(.|\n)*duplicate path /x in one`))
		tt.waitFor("the overwritten copy", regexp.MustCompile(`overwritten\s+9 B`))
		tt.keys("q")
		if code := tt.exitCode(); code != "0" {
			t.Errorf("lx exited %s, want 0", code)
		}
	})
	t.Run("error", func(t *testing.T) {
		t.Parallel()
		tt := startTmux(t, t.TempDir(), 160, 45, hostileArchive(t, "blob-cut-mid-entry"))
		tt.waitFor("the error", regexp.MustCompile(`could not read the image(.|\n)*truncated`))
		tt.keys("x")
		if code := tt.exitCode(); code != "2" {
			t.Errorf("lx exited %s, want 2", code)
		}
	})
	// 1,000 layers: moving through them answers at once.
	t.Run("1000 layers", func(t *testing.T) {
		tt := startTmux(t, t.TempDir(), 160, 45, hostileArchive(t, "layers/1000"))
		tt.waitFor("the analysed image", regexp.MustCompile(`efficiency \d`))
		start := time.Now()
		tt.keys("]", "]", "]")
		tt.waitFor("layer 3", regexp.MustCompile(`Filesystem after layer 3`))
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("three keys took %v to show", d)
		}
		tt.keys("q")
		if code := tt.exitCode(); code != "0" {
			t.Errorf("lx exited %s, want 0", code)
		}
	})
	// 300,000 files in one directory: the screen answers keys while and
	// after it loads.
	t.Run("300000 files", func(t *testing.T) {
		tt := startTmux(t, t.TempDir(), 160, 45, hostileArchive(t, "files/300000-in-one-directory"))
		tt.waitFor("the analysed image", regexp.MustCompile(`efficiency \d`))
		start := time.Now()
		tt.keys("]")
		tt.waitFor("the top layer", regexp.MustCompile(`Filesystem after layer 1`))
		tt.keys("Tab", "Right")
		tt.waitFor("the directory's files", regexp.MustCompile(`f000000`))
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("three keys and the directory of 300,000 took %v to show", d)
		}
		tt.keys("q")
		if code := tt.exitCode(); code != "0" {
			t.Errorf("lx exited %s, want 0", code)
		}
	})
}
