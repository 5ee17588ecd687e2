package e2e

// Inside the files, end to end: the viewer, its diff, the hex view, x
// and Y in a real terminal (tmux), on testdata/dockerfiles/contents (a
// line appended to /etc/passwd, a config edited by sed, a 5 MB binary,
// a symlink far above the root), from its docker save archive and from
// the engine; the bytes x writes held to the engine's own.

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"lx.dev/lx/internal/testengine"
)

const contentsImage = "lx-fixture/contents:latest"

// catInContainer is a file's bytes as a container of image sees them:
// docker run --rm IMAGE cat PATH (the container removed after).
func catInContainer(t *testing.T, host, image, path string) []byte {
	t.Helper()
	cmd := exec.Command("docker", "run", "--rm", "--network", "none", image, "cat", path)
	cmd.Env = engineEnv(t, "DOCKER_HOST="+host)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("docker run --rm %s cat %s: %v: %s", image, path, err, stderr.Bytes())
	}
	return stdout.Bytes()
}

// diffLines counts the lines a diff on screen adds and removes: a line
// number, then + or - against the line's text.
func diffLines(screen string) (plus, minus int) {
	for _, line := range strings.Split(screen, "\n") {
		if strings.Contains(line, "@@") {
			continue // a hunk's header
		}
		plus += len(regexp.MustCompile(`\d \+\S`).FindAllString(line, -1))
		minus += len(regexp.MustCompile(`\d -\S`).FindAllString(line, -1))
	}
	return plus, minus
}

// openFile opens path in the viewer: the tree's filter finds it (its
// directories above it), Enter keeps the filter, End goes to it, Enter
// opens it.
func (tt *tmuxTerm) openFile(path string) string {
	tt.t.Helper()
	tt.keys("/")
	for _, r := range filepath.Base(path) {
		tt.keys(string(r))
	}
	tt.keys("Enter")
	tt.waitFor("the filter", regexp.MustCompile(`1 matching`))
	tt.keys("End", "Enter")
	return tt.waitFor("the viewer on "+path, regexp.MustCompile(regexp.QuoteMeta(path)+` · layer \d`))
}

// extract writes the file the viewer shows with x, under the name it
// proposes.
func (tt *tmuxTerm) extract() {
	tt.t.Helper()
	tt.keys("x")
	tt.waitFor("the extraction", regexp.MustCompile(`Extract a file`))
	tt.keys("Enter")
	tt.waitFor("the file written", regexp.MustCompile(`Wrote `))
}

// The checks, in tmux at 80x24 and wide: Enter on /etc/passwd in
// the layer that appended to it shows the added line with a +; the sed
// layer's diff shows the changed line; the binary opens in hex through
// the on-demand read; x writes files whose bytes are the container's.
func TestE2EContents(t *testing.T) {
	archive := testengine.Archive(t, "contents.docker.tar")
	host := testengine.Host(t)
	for _, sz := range [][2]int{{80, 24}, {160, 45}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			tt := startTmux(t, dir, sz[0], sz[1], archive)
			tt.tmux("set-option", "-g", "set-clipboard", "on")
			tt.waitFor("the analysed image", regexp.MustCompile(`efficiency \d`))

			tt.keys("]", "]", "Tab") // layer 2: echo … >> /etc/passwd; the tree on its change
			tt.waitFor("the passwd layer", regexp.MustCompile(`Filesystem after layer 2`))
			tt.keys("Enter")
			s := tt.waitFor("the diff of /etc/passwd", regexp.MustCompile(`/etc/passwd · layer 2`))
			if !strings.Contains(s, "4 +app:x:1000:1000:app:/home/app:/bin/sh") {
				t.Errorf("the diff does not show the added line with a +:\n%s", s)
			}
			// One line added (its new number, then +), none removed.
			if plus, minus := diffLines(s); !strings.Contains(s, "+1 −0 lines") || plus != 1 || minus != 0 {
				t.Errorf("the diff adds %d lines and removes %d, not just the one:\n%s", plus, minus, s)
			}
			tt.keys("Y")
			tt.waitFor("the copy", regexp.MustCompile(`copied /etc/passwd`))
			if buf := tt.tmux("show-buffer"); !strings.HasSuffix(buf, "app:x:1000:1000:app:/home/app:/bin/sh\n") {
				t.Errorf("the clipboard (tmux's buffer, by OSC 52) holds %q", buf)
			}
			tt.keys("d")
			tt.waitFor("the whole file", regexp.MustCompile(`4 app:x:1000:1000:app:/home/app:/bin/sh`))

			tt.keys("Escape")
			tt.waitGone("the viewer after Esc", "/etc/passwd · layer")
			tt.keys("]") // layer 3: sed -i on the config
			tt.waitFor("the sed layer", regexp.MustCompile(`Filesystem after layer 3`))
			tt.keys("Enter")
			s = tt.waitFor("the diff of app.conf", regexp.MustCompile(`app\.conf · layer 3`))
			if !regexp.MustCompile(`-workers = 2`).MatchString(s) || !regexp.MustCompile(`\+workers = 8`).MatchString(s) || !strings.Contains(s, "+1 −1 lines") {
				t.Errorf("the sed layer's diff does not show the changed line:\n%s", s)
			}

			tt.keys("Escape", "]") // layer 4: the binary
			tt.waitFor("the binary's layer", regexp.MustCompile(`Filesystem after layer 4`))
			s = tt.openFile("/opt/app/app.bin")
			s = tt.waitFor("the hex view", regexp.MustCompile(`00000000 7f 45 4c 46 02 01 01 00`))
			if !strings.Contains(s, "Binary: its first 64.0 KiB of 5.0 MiB in hex") {
				t.Errorf("the binary's view:\n%s", s)
			}
			tt.extract()
			tt.keys("Escape", "Escape", "Escape") // the dialog, the viewer, the filter

			tt.keys("]") // layer 5: chmod of the config (the same bytes), the escaping symlink
			tt.waitFor("the last layer", regexp.MustCompile(`Filesystem after layer 5`))
			s = tt.openFile("/etc/app/app.conf")
			if !strings.Contains(s, "content unchanged; mode 0644→0777") {
				t.Errorf("the recopy does not say what changed:\n%s", s)
			}
			tt.extract()
			tt.keys("Escape", "Escape", "Escape", "q")
			if code := tt.exitCode(); code != "0" {
				t.Errorf("lx exited %s, want 0", code)
			}
			for name, path := range map[string]string{"app.bin": "/opt/app/app.bin", "app.conf": "/etc/app/app.conf"} {
				got, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				if want := catInContainer(t, host, contentsImage, path); !bytes.Equal(got, want) {
					t.Errorf("x wrote %d bytes of %s, the container holds %d others", len(got), path, len(want))
				}
			}
		})
	}
}

// From the engine, a file not kept is read again from a second save:
// the binary opens in hex.
func TestE2EContentsFromEngine(t *testing.T) {
	testengine.Each(t, func(t *testing.T, e testengine.Engine) {
		tt := startTmux(t, t.TempDir(), 120, 36, "--host", e.Host, "--no-pull", contentsImage)
		tt.waitFor("the analysed image", regexp.MustCompile(`efficiency \d`))
		tt.keys("]", "]", "]", "]", "Tab")
		tt.waitFor("the binary's layer", regexp.MustCompile(`Filesystem after layer 4`))
		tt.openFile("/opt/app/app.bin")
		tt.waitFor("the hex view", regexp.MustCompile(`00000000 7f 45 4c 46 02 01 01 00`))
		tt.keys("Escape", "Escape", "q")
		if code := tt.exitCode(); code != "0" {
			t.Errorf("lx exited %s, want 0", code)
		}
	})
}

// lx extract writes every file the container shows the same, from the
// archive and from the engine; through the symlink that climbs above the
// root it writes nothing outside the target directory.
func TestE2EExtract(t *testing.T) {
	host := testengine.Host(t)
	sources := map[string][]string{
		"archive":  {testengine.Archive(t, "contents.docker.tar")},
		"oci-zstd": {testengine.Archive(t, "contents.oci-zstd.tar")},
		"engine":   {"--host", host, "--no-pull", contentsImage},
	}
	_, hostHadX := os.Lstat("/tmp/x")
	t.Cleanup(func() {
		if _, err := os.Lstat("/tmp/x"); err == nil && hostHadX != nil {
			t.Errorf("/tmp/x was written on the host")
		}
	})
	for name, src := range sources {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			for _, path := range []string{"/etc/passwd", "/etc/app/app.conf", "/opt/app/app.bin"} {
				res := runLX(t, dir, append([]string{"extract"}, append(src, path)...)...)
				if res.code != 0 {
					t.Fatalf("lx extract %s: exit %d: %s", path, res.code, res.stderr)
				}
				got, _ := os.ReadFile(filepath.Join(dir, filepath.Base(path)))
				if want := catInContainer(t, host, contentsImage, path); !bytes.Equal(got, want) {
					t.Errorf("%s: lx extract wrote %d bytes, the container holds %d others", path, len(got), len(want))
				}
			}
			res := runLX(t, dir, append([]string{"extract", "-o", "-", "--layer", "1"}, append(src, "/etc/passwd")...)...)
			if res.code != 0 || bytes.Contains(res.stdout, []byte("app:x:1000")) || !bytes.HasPrefix(res.stdout, []byte("root:x:0:0:")) {
				t.Errorf("/etc/passwd after layer 1: exit %d, %q", res.code, res.stdout)
			}
			sub := filepath.Join(dir, "a", "b", "c")
			os.MkdirAll(sub, 0o755)
			res = runLX(t, sub, append([]string{"extract"}, append(src, "/opt/app/out")...)...)
			if res.code != 2 || !strings.Contains(string(res.stderr), "leads to /tmp/x") {
				t.Errorf("the escaping symlink: exit %d: %s", res.code, res.stderr)
			}
			if entries, _ := os.ReadDir(sub); len(entries) != 0 {
				t.Errorf("written through the escaping symlink: %v", entries)
			}
			if _, err := os.Lstat(filepath.Join(dir, "tmp")); err == nil {
				t.Errorf("something was written above the target directory")
			}
		})
	}
}
