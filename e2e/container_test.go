package e2e

// container:NAME against the real engines: a container from busybox that
// writes a 100 KiB file, deletes a busybox applet and a file of its image,
// and rewrites two 64 KiB files of its image (one with the same bytes, one
// with others) shows them as A, D and C in its writable layer, as docker
// diff does; its size and virtual size are docker ps -s's; and the
// engine's images and containers are the same before and after lx.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"lx.dev/lx/internal/testengine"
	"lx.dev/lx/model/report"
)

// writes is what the container does before it idles: the three
// changes, a second file of the image rewritten with other bytes, and a
// new directory (read as one tree) holding a hardlink.
const writes = `head -c 102400 /dev/urandom > /root/new100k &&
mkdir -p /cache/sub && echo a > /cache/sub/a && echo b > /cache/b && ln /cache/b /cache/b2 &&
rm /bin/vi /opt/gone4k &&
dd if=/opt/big64 of=/opt/big64 bs=4096 conv=notrunc 2>/dev/null &&
head -c 65536 /dev/zero > /opt/other64 &&
echo ready && exec sleep 3600`

// writingContainer builds an image FROM busybox:latest with three files
// in /opt (big64 and other64 of 64 KiB, gone4k of 4 KiB), runs a container
// of it that makes the changes of writes, and waits until it has. Both
// are removed when the test ends.
func writingContainer(t *testing.T, host string, script string) (name, id string) {
	t.Helper()
	dir := t.TempDir()
	for f, n := range map[string]int{"big64": 64 << 10, "other64": 64 << 10, "gone4k": 4 << 10} {
		b := make([]byte, n)
		rand.Read(b)
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
		// The engine's diff takes a file whose mtime has the same second
		// as the image's copy, whose nanoseconds a layer tar drops, for
		// unchanged: a rewrite in the second the files were made (a fast
		// build and run) would go unseen by docker diff. Old mtimes, as
		// real images have, keep the rewrites visible.
		old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
		if err := os.Chtimes(filepath.Join(dir, f), old, old); err != nil {
			t.Fatal(err)
		}
	}
	df := "FROM busybox:latest\nCOPY big64 other64 gone4k /opt/\n"
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(df), 0o644); err != nil {
		t.Fatal(err)
	}
	stamp := strconv.FormatInt(time.Now().UnixNano(), 36)
	tag := "lx-e2e-container/big64:" + stamp
	name = "lx-e2e-writer-" + stamp
	t.Cleanup(func() {
		// The container first: the image is in use until it goes.
		exec.Command("docker", "-H", host, "rm", "-f", name).Run()
		exec.Command("docker", "-H", host, "rmi", "-f", tag).Run()
	})
	dockerCLI(t, host, "build", "-q", "-t", tag, dir)
	id = dockerCLI(t, host, "run", "-d", "--network", "none", "--name", name, tag, "sh", "-c", script)
	deadline := time.Now().Add(time.Minute)
	for !strings.Contains(dockerCLI(t, host, "logs", name), "ready") {
		if time.Now().After(deadline) {
			t.Fatalf("the container never got ready: %s", dockerCLI(t, host, "ps", "-a", "--no-trunc", "--filter", "id="+id))
		}
		time.Sleep(100 * time.Millisecond)
	}
	return name, id
}

// engineState is what the engine lists: its images, its containers and
// their states. lx must leave it as it found it.
func engineState(t *testing.T, host string) string {
	t.Helper()
	return strings.Join([]string{
		"docker images -q:\n" + dockerCLI(t, host, "images", "-q"),
		"docker ps -aq:\n" + dockerCLI(t, host, "ps", "-aq"),
		"docker ps -a --no-trunc:\n" + dockerCLI(t, host, "ps", "-a", "--no-trunc", "--format", "{{.ID}} {{.Image}} {{.State}} {{.Names}}"),
	}, "\n")
}

// humanSize is the docker CLI's size (go-units' HumanSizeWithPrecision,
// 3 digits, powers of 1000), as docker ps -s prints it.
func humanSize(n int64) string {
	units := []string{"B", "kB", "MB", "GB", "TB", "PB"}
	v, i := float64(n), 0
	for v >= 1000 && i < len(units)-1 {
		v /= 1000
		i++
	}
	return strconv.FormatFloat(v, 'g', 3, 64) + units[i]
}

// The container part of the JSON report.
type containerReport struct {
	Image struct {
		Container *struct {
			ID, Name, Image, State string
			SizeBytes              *int64 `json:"sizeBytes"`
			VirtualSizeBytes       *int64 `json:"virtualSizeBytes"`
		} `json:"container"`
	} `json:"image"`
	Layers []struct {
		Container bool `json:"container"`
	} `json:"layers"`
}

func TestContainerWritableLayer(t *testing.T) {
	testengine.Each(t, testContainerWritableLayer)
}

func testContainerWritableLayer(t *testing.T, e testengine.Engine) {
	host := e.Host
	name, id := writingContainer(t, host, writes)
	cli := engineClient(t, host)
	ctx := context.Background()
	before := engineState(t, host)
	since := time.Now()

	raw, r := engineReport(t, host, "container:"+name)
	ci := runLXEnv(t, t.TempDir(), engineEnv(t), "ci", "--host", host, "--highestUserWastedPercent", "disabled", "container:"+id[:12])
	if ci.code != 0 || !bytes.Contains(ci.stdout, []byte("container:"+id[:12])) {
		t.Errorf("lx ci container:%s: exit %d\n%s%s", id[:12], ci.code, ci.stdout, ci.stderr)
	}
	md := runLXEnv(t, t.TempDir(), engineEnv(t), "report", "--host", host, "-f", "markdown", "container:"+name)
	until := time.Now()

	if after := engineState(t, host); after != before {
		t.Errorf("lx changed the engine's lists:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	// No step of lx wrote, paused, committed or ran anything: the engine's
	// events of the container while lx ran are reads (archive-path), and
	// those of its image, its saves.
	image := dockerCLI(t, host, "inspect", "--format", "{{.Image}}", id)
	for filter, allowed := range map[string]string{"container=" + id: "container archive-path", "image=" + image: "image save"} {
		events := dockerCLI(t, host, "events", "--since", stampOf(since), "--until", stampOf(until), "--filter", filter, "--format", "{{.Type}} {{.Action}}")
		for _, ev := range strings.Split(events, "\n") {
			if ev != allowed {
				t.Errorf("the engine saw %q (%s) while lx read the container; all its events: %q", ev, filter, events)
			}
		}
	}

	last := len(r.Layers) - 1
	var cr containerReport
	if err := json.Unmarshal(raw, &cr); err != nil {
		t.Fatal(err)
	}
	if last < 1 || !cr.Layers[last].Container || r.Layers[last].Command != "container "+name+" (running)" || r.Layers[last].Step != nil {
		t.Fatalf("the last layer is not the container's: %+v", r.Layers[last])
	}
	for _, l := range cr.Layers[:last] {
		if l.Container {
			t.Errorf("an image layer is marked as the container's")
		}
	}
	if d := compareDiff(dockerDiffOf(t, cli, id), markers(r, last)); d != "" {
		t.Errorf("the writable layer against docker diff:\n%s", d)
	}
	want := map[string]string{"/root/new100k": "A", "/bin/vi": "D", "/opt/gone4k": "D", "/opt/big64": "C", "/opt/other64": "C", "/cache/sub/a": "A", "/cache/b2": "A"}
	got := markers(r, last)
	for p, m := range want {
		if got[p] != m {
			t.Errorf("%s: marker %q, want %q", p, got[p], m)
		}
	}
	// /cache/b2 is a hardlink to /cache/b: its bytes count once.
	if l := r.Layers[last]; l.SizeBytes != 102400+2*65536+4 || l.Added != 6 || l.Changed != 2 || l.Deleted != 2 {
		t.Errorf("writable layer figures %+v", l)
	}
	// The waste accounting is a layer's: the same bytes again are
	// recopied, others overwritten, the deleted file's bytes still ship.
	wantWaste := map[string]e2eWaste{
		"/opt/big64":   {Path: "/opt/big64", Bytes: 65536, Cause: "recopied", MadeBy: last - 1, KilledBy: last, Changed: "mtime only"},
		"/opt/other64": {Path: "/opt/other64", Bytes: 65536, Cause: "overwritten", MadeBy: last - 1, KilledBy: last},
		"/opt/gone4k":  {Path: "/opt/gone4k", Bytes: 4096, Cause: "removed", MadeBy: last - 1, KilledBy: last},
	}
	if len(r.Waste) != len(wantWaste) {
		t.Errorf("waste %v, want %v", r.Waste, wantWaste)
	}
	for _, w := range r.Waste {
		if w != wantWaste[w.Path] {
			t.Errorf("waste %v, want %v", w, wantWaste[w.Path])
		}
	}

	// Size and virtual size: docker ps -s's, to the byte (the list API
	// it reads) and as it prints them.
	list, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Size: true, Filters: make(client.Filters).Add("id", id)})
	if err != nil || len(list.Items) != 1 {
		t.Fatalf("listing %s: %v %+v", id, err, list)
	}
	ps := list.Items[0]
	c := cr.Image.Container
	if c == nil || c.SizeBytes == nil || c.VirtualSizeBytes == nil {
		t.Fatalf("image.container %+v", c)
	}
	if *c.SizeBytes != ps.SizeRw || *c.VirtualSizeBytes != ps.SizeRootFs {
		t.Errorf("size %d, virtual %d; docker ps -s: %d, %d", *c.SizeBytes, *c.VirtualSizeBytes, ps.SizeRw, ps.SizeRootFs)
	}
	psText := dockerCLI(t, host, "ps", "-s", "--filter", "id="+id, "--format", "{{.Size}}")
	if want := fmt.Sprintf("%s (virtual %s)", humanSize(*c.SizeBytes), humanSize(*c.VirtualSizeBytes)); psText != want {
		t.Errorf("docker ps -s prints %q, lx's figures %q", psText, want)
	}
	if c.ID != id || c.Name != name || c.State != "running" || !strings.HasPrefix(c.Image, "lx-e2e-container/big64:") {
		t.Errorf("image.container %+v", c)
	}
	if md.code != 0 || !bytes.Contains(md.stdout, []byte(fmt.Sprintf("· size %s · virtual size %s", report.BytesExact(*c.SizeBytes), report.BytesExact(*c.VirtualSizeBytes)))) {
		t.Errorf("the Markdown report lacks the sizes (exit %d):\n%s%s", md.code, md.stdout, md.stderr)
	}
	t.Logf("%s: size %d, virtual %d; docker ps -s %q", e.Name, *c.SizeBytes, *c.VirtualSizeBytes, psText)
}

// stampOf is a time as docker events takes it: seconds.nanoseconds.
func stampOf(t time.Time) string { return fmt.Sprintf("%d.%09d", t.Unix(), t.Nanosecond()) }

// A container removed or stopped while lx reads it, or an archive stream
// that breaks off: exit 2 and one line, nothing on stdout. The engine
// keeps a container locked while its archive streams, so the test
// changes it while the proxy holds the answer to the changes call, and
// lets it go on after: lx then reads the archives of a container gone
// or stopped.
func TestContainerChangedMidRead(t *testing.T) {
	testengine.Each(t, func(t *testing.T, e testengine.Engine) {
		for _, tc := range []struct {
			name, match, do string
			mode            testengine.Break
			limit           int64
			want            *regexp.Regexp
		}{
			{"removed", "/changes", "rm -f", testengine.Hold, 0,
				regexp.MustCompile(`^lx: container \S+ on unix://\S+ was removed while lx read it: nothing was analysed\n$`)},
			{"stopped", "/changes", "kill", testengine.Hold, 0,
				regexp.MustCompile(`^lx: container \S+ on unix://\S+ stopped \(exited\) while lx read it: nothing was analysed; run lx again\n$`)},
			{"stream broken", "/archive", "", testengine.HangUp, 64 << 10,
				regexp.MustCompile(`^lx: container \S+ on unix://\S+: reading /root/big through the archive API: truncated tar: the data ends in the middle of an entry; nothing was analysed\n$`)},
		} {
			t.Run(tc.name, func(t *testing.T) {
				name, _ := writingContainer(t, e.Host, "head -c 1048576 /dev/urandom > /root/big && echo ready && exec sleep 3600")
				proxy := testengine.StartProxyOn(t, e.Host, tc.match, tc.mode, tc.limit)
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				cmd := exec.CommandContext(ctx, lxBinary(t), "report", "--host", proxy.Host, "container:"+name)
				cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGQUIT) } // a hung lx shows where
				cmd.Env = engineEnv(t)
				var stdout, stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				select {
				case <-proxy.Broken:
				case <-time.After(time.Minute):
					t.Fatal("no answer reached the proxy's limit")
				}
				if tc.do != "" {
					dockerCLI(t, e.Host, append(strings.Fields(tc.do), name)...)
				}
				proxy.Release()
				err := cmd.Wait()
				code := cmd.ProcessState.ExitCode()
				if code != 2 || !tc.want.Match(stderr.Bytes()) || stdout.Len() != 0 {
					t.Errorf("lx exited %d (%v); stderr %q, want %s; stdout %d bytes", code, err, stderr.String(), tc.want, stdout.Len())
				}
			})
		}
	})
}

// The explorer on a running container, in tmux, at 80×24 and wide: it
// opens on the writable layer, whose row names the container with its
// counts and size, and whose tree shows the changes.
func TestContainerExplore(t *testing.T) {
	testengine.Each(t, func(t *testing.T, e testengine.Engine) {
		name, _ := writingContainer(t, e.Host, writes)
		before := engineState(t, e.Host)
		for _, size := range [][2]int{{80, 24}, {160, 45}} {
			t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
				tt := startTmux(t, t.TempDir(), size[0], size[1], "--host", e.Host, "container:"+name)
				// The row: layer 2, 228 KiB (228K at 80 columns), A 6, C 2, D 2,
				// the 128 KiB and 4 KiB of the image's copies it killed, and the
				// container (its name cut at 80 columns).
				row := regexp.MustCompile(`(?m)│\s+2\s+228(K|\.0 KiB)\s+6\s+2\s+2\s+·\s+132(K|\.0 KiB)\s+container ` + regexp.QuoteMeta(name[:16]))
				s := tt.waitFor("the writable layer's row", row)
				if !strings.Contains(s, "Filesystem after layer 2") {
					t.Errorf("the tree does not open on the writable layer:\n%s", s)
				}
				tt.keys("Tab", "c") // the tree: only this layer's changes
				s = tt.waitFor("the changes", regexp.MustCompile(`new100k`))
				for _, re := range []string{`(?m)^│A\s.*new100k`, `(?m)^│C\s.*big64`, `(?m)^│C\s.*other64`, `(?m)^│D\s.*gone4k`, `(?m)^│D\s.*vi -> /bin/busybox`} {
					if !regexp.MustCompile(re).MatchString(s) {
						t.Errorf("the tree lacks %s:\n%s", re, s)
					}
				}
				tt.keys("q")
				if code := tt.exitCode(); code != "0" {
					t.Errorf("lx exited %s, want 0", code)
				}
			})
		}
		if after := engineState(t, e.Host); after != before {
			t.Errorf("the explorer changed the engine's lists:\nbefore:\n%s\nafter:\n%s", before, after)
		}
	})
}
