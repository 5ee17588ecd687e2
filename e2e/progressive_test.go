package e2e

// The progressive load against the engines: an image of over 200 MB whose
// small first layer the engine's save streams first, so that its tree can
// show long before the stream ends (issue 14), and archives on disk bound
// layer by layer, or, compressed whole, at the end with the same figures.

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"lx.dev/lx/internal/testarchive"
	"lx.dev/lx/internal/testengine"
)

const (
	bigChunks    = 8
	bigChunkSize = 26 << 20 // 8 × 26 MiB: a 208 MiB second layer
)

// bigImage is the test's image of over 200 MB: layer 0 a few small files
// (app/file-NN, and a nonce), layer 1 eight files of 26 MiB, layer 2
// deleting one of them (26 MiB wasted).
type bigImage struct {
	tag    string
	layer0 testarchive.Blob
	layer1 testarchive.Blob
}

func bigLayer1(t *testing.T) testarchive.Blob {
	t.Helper()
	b, err := testarchive.StreamBlob(testarchive.Plain, func(w io.Writer) error {
		tw := tar.NewWriter(w)
		if err := testarchive.WriteEntry(tw, testarchive.Dir("data/", 0o755)); err != nil {
			return err
		}
		for i := range bigChunks {
			if err := testarchive.WriteEntry(tw, testarchive.Zeros(fmt.Sprintf("data/chunk-%d", i), 0o644, bigChunkSize)); err != nil {
				return err
			}
		}
		return tw.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func bigLayer0(t *testing.T, nonce int) testarchive.Blob {
	t.Helper()
	ents := []testarchive.Entry{dir("app/"), testarchive.File("app/nonce", 0o644, strconv.Itoa(nonce))}
	for i := range 40 {
		ents = append(ents, file(fmt.Sprintf("app/file-%02d", i), 2000+i, byte('a'+i%26)))
	}
	b, err := testarchive.LayerBlob(testarchive.Plain, ents...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// loadBigImage loads the image into the engine, trying nonces in layer 0
// until the engine's save streams layer 0's blob before layer 1's: engines
// order a save's members by name (a hash), not by layer.
func loadBigImage(t *testing.T, e testengine.Engine) bigImage {
	t.Helper()
	im := bigImage{tag: "lx-progressive/big:latest", layer1: bigLayer1(t)}
	layer2 := testarchive.Layer(t, testarchive.Whiteout("data/chunk-0"))
	for nonce := range 16 {
		im.layer0 = bigLayer0(t, nonce)
		arch := testarchive.Image{Tag: im.tag, Arch: runtime.GOARCH, Layers: []testarchive.Blob{im.layer0, im.layer1, layer2},
			History: []testarchive.Step{{CreatedBy: "COPY app /app"}, {CreatedBy: "COPY data /data"}, {CreatedBy: "RUN rm /data/chunk-0"}}}
		load := exec.Command("docker", "load")
		load.Env = engineEnv(t, "DOCKER_HOST="+e.Host)
		in, err := load.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		load.Stdout, load.Stderr = &out, &out
		if err := load.Start(); err != nil {
			t.Fatal(err)
		}
		werr := testarchive.WriteLegacy(in, arch)
		in.Close()
		if err := load.Wait(); err != nil || werr != nil {
			t.Fatalf("docker load: %v %v\n%s", err, werr, out.Bytes())
		}
		t.Cleanup(func() { exec.Command("docker", "-H", e.Host, "rmi", "-f", im.tag).Run() })
		if firstLayerSaved(t, e, im) == 0 {
			t.Logf("%s: layer 0 is saved first with nonce %d", e.Name, nonce)
			return im
		}
		dockerCLI(t, e.Host, "rmi", "-f", im.tag)
	}
	t.Fatalf("%s: no nonce made the engine save layer 0 first", e.Name)
	return im
}

// firstLayerSaved reads the engine's save of the image until the first
// layer blob (known by its size) and says which layer it is.
func firstLayerSaved(t *testing.T, e testengine.Engine, im bigImage) int {
	t.Helper()
	save := exec.Command("docker", "save", im.tag)
	save.Env = engineEnv(t, "DOCKER_HOST="+e.Host)
	out, err := save.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := save.Start(); err != nil {
		t.Fatal(err)
	}
	// The save is read to its end: an engine on the containerd store may
	// not take a save cut short well.
	defer func() { io.Copy(io.Discard, out); save.Wait() }()
	tr := tar.NewReader(out)
	for {
		h, err := tr.Next()
		if err != nil {
			t.Fatalf("the engine's save of %s ended before a layer: %v", im.tag, err)
		}
		switch h.Size {
		case int64(len(im.layer0.Data)):
			return 0
		case int64(len(im.layer1.Data)):
			return 1
		}
	}
}

var traceLine = regexp.MustCompile(`(?m)^lx: trace: (layer (\d+) (bound|applied)|stream of (\d+) bytes from) (?:after )?(\S+)(?: to (\S+))?$`)

// trace is what LX_TRACE=1 said: when each layer was bound and applied,
// and the stream's span.
type trace struct {
	bound, applied       map[int]time.Duration
	order                []string // "bound 0", "applied 0", … as they came
	streamFrom, streamTo time.Duration
	streamBytes          int64
	deferred             bool
}

func parseTrace(t *testing.T, stderr []byte) trace {
	t.Helper()
	tr := trace{bound: map[int]time.Duration{}, applied: map[int]time.Duration{}}
	tr.deferred = bytes.Contains(stderr, []byte("lx: trace: layers bound once the manifest is read"))
	dur := func(s string) time.Duration {
		d, err := time.ParseDuration(s)
		if err != nil {
			t.Fatalf("trace: %q is no duration", s)
		}
		return d
	}
	for _, m := range traceLine.FindAllStringSubmatch(string(stderr), -1) {
		if m[4] != "" {
			tr.streamBytes, _ = strconv.ParseInt(m[4], 10, 64)
			tr.streamFrom, tr.streamTo = dur(m[5]), dur(m[6])
			continue
		}
		k, _ := strconv.Atoi(m[2])
		if m[3] == "bound" {
			tr.bound[k] = dur(m[5])
		} else {
			tr.applied[k] = dur(m[5])
		}
		tr.order = append(tr.order, m[3]+" "+m[2])
	}
	return tr
}

// progressive tells whether the trace shows layer 0 applied before the
// last layer was bound: the load did not wait for the stream's end.
func (tr trace) progressive(layers int) bool {
	first, last := -1, -1
	for i, o := range tr.order {
		switch o {
		case "applied 0":
			first = i
		case fmt.Sprintf("bound %d", layers-1):
			last = i
		}
	}
	return first >= 0 && last >= 0 && first < last
}

// TestEngineProgressive: on each engine, the image of over 200 MB whose
// layer 0 the save streams first has layer 0 applied before half the
// stream's time (LX_TRACE), the same figures as its archive, and in tmux
// the tree lists layer 0's files while the progress bar is still on
// screen (the save slowed to 60 MB/s by a proxy, so a fast machine shows
// it too).
func TestEngineProgressive(t *testing.T) {
	testengine.Each(t, func(t *testing.T, e testengine.Engine) {
		im := loadBigImage(t, e)
		dir := t.TempDir()

		res := runLXEnv(t, dir, append(os.Environ(), "LX_TRACE=1"), "report", "--no-pull", "--host", e.Host, "--format", "json", im.tag)
		if res.code != 0 {
			t.Fatalf("lx report: exit %d\n%s", res.code, res.stderr)
		}
		tr := parseTrace(t, res.stderr)
		if tr.streamBytes < 200<<20 {
			t.Fatalf("the stream was %d bytes, want over 200 MB:\n%s", tr.streamBytes, res.stderr)
		}
		span := tr.streamTo - tr.streamFrom
		at, ok := tr.applied[0]
		if !ok || at-tr.streamFrom >= span/2 {
			t.Fatalf("layer 0 applied %v into a stream of %v, want under half:\n%s", at-tr.streamFrom, span, res.stderr)
		}
		t.Logf("%s: layer 0 applied %v into a %v stream of %d bytes", e.Name, at-tr.streamFrom, span, tr.streamBytes)
		var rep struct {
			Image struct {
				TotalBytes  int64 `json:"totalBytes"`
				WastedBytes int64 `json:"wastedBytes"`
			} `json:"image"`
		}
		if err := json.Unmarshal(res.stdout, &rep); err != nil {
			t.Fatal(err)
		}
		if rep.Image.WastedBytes != bigChunkSize {
			t.Errorf("wasted %d bytes, want the deleted chunk's %d", rep.Image.WastedBytes, bigChunkSize)
		}

		proxy := testengine.StartProxy(t, e.Host, testengine.Pace, 60<<20)
		tt := startTmux(t, dir, 120, 40, "--no-pull", "--host", proxy.Host, im.tag)
		deadline := time.Now().Add(60 * time.Second)
		for {
			s := tt.screen()
			reading := strings.Contains(strings.SplitN(s, "\n", 2)[0], "reading")
			if reading && strings.Contains(s, "file-00") {
				t.Logf("%s: layer 0's files shown while the stream goes on:\n%s", e.Name, s)
				break
			}
			if !reading && strings.Contains(s, "efficiency") || time.Now().After(deadline) {
				t.Fatalf("the tree did not show layer 0 while the image streamed:\n%s", s)
			}
			time.Sleep(20 * time.Millisecond)
		}
		tt.keys("q")
		if code := tt.exitCode(); code != "0" {
			t.Fatalf("lx exited %s", code)
		}
	})
}

// TestArchivesBindProgressively: a plain legacy save and a Docker 25+
// layout on disk bind each layer as it is read (layer 0 applied before
// the last is bound); a wholly zstd-compressed archive says in the trace
// that it binds at the end, and gives the same figures.
func TestArchivesBindProgressively(t *testing.T) {
	want := figures(t, testengine.Archive(t, "app-build.docker.tar"))
	for _, c := range []struct {
		name     string
		deferred bool
	}{
		{"app-build.docker.tar", false},
		{"app-build.docker25.tar", false},
		{"app-build.docker.tar.zst", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := testengine.Archive(t, c.name)
			res := runLXEnv(t, t.TempDir(), append(os.Environ(), "LX_TRACE=1"), "report", "--format", "json", path)
			if res.code != 0 {
				t.Fatalf("exit %d\n%s", res.code, res.stderr)
			}
			tr := parseTrace(t, res.stderr)
			layers := len(tr.applied)
			if layers < 2 {
				t.Fatalf("the trace lists %d layers:\n%s", layers, res.stderr)
			}
			if tr.deferred != c.deferred || !c.deferred && !tr.progressive(layers) {
				t.Errorf("deferred %v, progressive %v; want deferred %v:\n%s", tr.deferred, tr.progressive(layers), c.deferred, res.stderr)
			}
			if got := figures(t, path); got != want {
				t.Errorf("figures %s, want those of the plain save, %s", got, want)
			}
		})
	}
}

// figures sums up a report: the image's totals, each layer's counts and
// the waste list.
func figures(t *testing.T, path string) string {
	t.Helper()
	_, rep := jsonReport(t, path)
	out := fmt.Sprintf("total %d wasted %d;", rep.Image.TotalBytes, rep.Image.WastedBytes)
	for _, l := range rep.Layers {
		out += fmt.Sprintf(" %d:+%d~%d-%d", l.Index, l.Added, l.Changed, l.Deleted)
	}
	for _, w := range rep.Waste {
		out += "; " + w.String()
	}
	return out
}
