package source

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"

	"lx.dev/lx/internal/testarchive"
	"lx.dev/lx/model"
)

// The real engines show a container's writable layer in the e2e tests;
// these stand in for an engine where a real one cannot show a case: a
// path that goes between the diff and its archive, a container removed or
// stopped mid-read, a stream cut short.

// fakeContainers serves one container of the fake engine's linux/amd64
// image (etc/, etc/os, bin-amd64): inspect, changes, the archive API; the
// image's requests go to the fake engine.
type fakeContainers struct {
	*fakeEngine
	t *testing.T

	mu       sync.Mutex
	removed  bool
	status   string
	changes  []container.FilesystemChange
	files    map[string][]testarchive.Entry // by absolute path: the archive API's tar of it
	inspects int
	archives []string // the paths asked for, in order
	// Hooks, run under no lock before answering.
	onArchive func(p string)
	onInspect func(n int) // n counts from 1
	cut       string      // the path whose archive stream breaks off
}

const fakeID = "4242424242424242424242424242424242424242424242424242424242424242"

func startFakeContainers(t *testing.T) (*fakeContainers, string) {
	t.Helper()
	fc := &fakeContainers{fakeEngine: newFakeEngine(t, "1.41"), t: t, status: "running"}
	fc.changes = diffOf("C /etc", "D /etc/os", "C /bin-amd64", "A /data", "A /data/log", "A /data/log2", "A /link")
	fc.files = map[string][]testarchive.Entry{
		"/etc":       {dirM("etc/", 0o755)},
		"/bin-amd64": {fileM("bin-amd64", 0o755, strings.Repeat("amd64", 100))}, // the same bytes again
		// An added directory's tar holds its subtree: lx takes from it what
		// the diff lists (data/big stands for a volume mounted there).
		"/data": {dirM("data/", 0o700), zerosM("data/log", 0o644, 1000), testarchive.Hardlink("data/log2", "data/log"),
			zerosM("data/big", 0o644, 10<<20)},
		"/data/log": {zerosM("log", 0o644, 1000)},
		"/link":     {testarchive.Symlink("link", "etc/os")},
	}
	dir, err := os.MkdirTemp("", "lxfakec")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := dir + "/e.sock"
	serveUnix(t, sock, fc)
	return fc, "unix://" + sock
}

// diffOf is a diff as the changes API gives it, from "A /path" lines (a
// kind other than A, C and D is one the API does not know).
func diffOf(lines ...string) []container.FilesystemChange {
	kinds := map[string]container.ChangeType{"C": container.ChangeModify, "A": container.ChangeAdd, "D": container.ChangeDelete}
	var out []container.FilesystemChange
	for _, l := range lines {
		k, p, _ := strings.Cut(l, " ")
		kind, ok := kinds[k]
		if !ok {
			kind = 9
		}
		out = append(out, container.FilesystemChange{Kind: kind, Path: p})
	}
	return out
}

func (fc *fakeContainers) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, rest, ok := strings.Cut(r.URL.Path, "/containers/")
	if !ok {
		fc.fakeEngine.ServeHTTP(w, r)
		return
	}
	w.Header().Set("Api-Version", fc.api)
	name, what, _ := strings.Cut(rest, "/")
	fc.mu.Lock()
	gone := fc.removed || (name != fakeID && name != "web")
	fc.mu.Unlock()
	if gone {
		notFound(w, "No such container: "+name)
		return
	}
	switch what {
	case "json":
		fc.mu.Lock()
		fc.inspects++
		n := fc.inspects
		fc.mu.Unlock()
		if fc.onInspect != nil {
			fc.onInspect(n)
		}
		fc.inspect(w, r)
	case "changes":
		fc.mu.Lock()
		defer fc.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(fc.changes)
	case "archive":
		fc.archive(w, r)
	default:
		http.NotFound(w, r)
	}
}

func notFound(w http.ResponseWriter, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusNotFound)
	json.NewEncoder(w).Encode(map[string]string{"message": msg})
}

func (fc *fakeContainers) inspect(w http.ResponseWriter, r *http.Request) {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if fc.removed {
		notFound(w, "No such container: web")
		return
	}
	in := map[string]any{
		"Id": fakeID, "Name": "/web", "Image": digestOf(fc.images["linux/amd64"].config()),
		"Created": "2024-01-02T03:04:05.5Z",
		"Config":  map[string]any{"Image": "app:1"},
		"State":   map[string]any{"Status": fc.status, "Running": fc.status == "running", "StartedAt": "2024-01-02T03:04:06Z", "FinishedAt": "0001-01-01T00:00:00Z"},
	}
	if r.URL.Query().Get("size") == "1" {
		in["SizeRw"], in["SizeRootFs"] = 1500, 3000
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(in)
}

func (fc *fakeContainers) archive(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Query().Get("path")
	fc.mu.Lock()
	fc.archives = append(fc.archives, p)
	fc.mu.Unlock()
	if fc.onArchive != nil {
		fc.onArchive(p)
	}
	fc.mu.Lock()
	ents, ok := fc.files[p]
	removed := fc.removed
	fc.mu.Unlock()
	switch {
	case removed:
		notFound(w, "No such container: web")
		return
	case !ok:
		notFound(w, "Could not find the file "+p+" in container web")
		return
	}
	stat, _ := json.Marshal(container.PathStat{Name: path.Base(p), Size: ents[0].Size(), Mode: os.FileMode(ents[0].Mode), Mtime: epoch, LinkTarget: ents[0].Link})
	w.Header().Set("X-Docker-Container-Path-Stat", base64.StdEncoding.EncodeToString(stat))
	w.Header().Set("Content-Type", "application/x-tar")
	body := tarOf(fc.t, ents...)
	if p == fc.cut {
		body = body[:600] // inside the first member's bytes
	}
	w.Write(body)
}

func (fc *fakeContainers) set(fn func()) {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	fn()
}

func analyzeContainer(t *testing.T, host, name string) (*model.Image, error) {
	t.Helper()
	src, err := Open(ContainerPrefix+name, Options{Engine: EngineOptions{Host: host}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return Analyze(ctx, src, nil)
}

// changesOf renders layer k's changes as "A /path" lines, sorted, with
// docker diff's C for a directory listed again.
func changesOf(img *model.Image, k int) []string {
	var out []string
	for _, c := range img.Changes(k) {
		m := c.Marker.String()
		if c.Marker == model.Touched {
			m = "c"
		}
		out = append(out, m+" "+model.DisplayPath(img.Path(c.Node)))
	}
	slices.Sort(out)
	return out
}

func TestContainerWritableLayer(t *testing.T) {
	fc, host := startFakeContainers(t)
	img, err := analyzeContainer(t, host, "web")
	if err != nil {
		t.Fatal(err)
	}
	if len(img.Layers) != 3 || !img.Layers[2].Container || img.Layers[1].Container {
		t.Fatalf("layers %+v", img.Layers)
	}
	cfg := img.Config
	want := model.Container{ID: fakeID, Name: "web", Image: "app:1", State: "running", Created: time.Date(2024, 1, 2, 3, 4, 5, 5e8, time.UTC), SizeRw: 1500, SizeRootFs: 3000}
	if cfg.Container == nil || *cfg.Container != want || cfg.Ref != "container:web" {
		t.Fatalf("container %+v (ref %q), want %+v", cfg.Container, cfg.Ref, want)
	}
	if got, want := changesOf(img, 2), []string{"A /data", "A /data/log", "A /data/log2", "A /link", "C /bin-amd64", "D /etc/os", "c /etc"}; !slices.Equal(got, want) {
		t.Errorf("writable layer changes %q, want %q", got, want)
	}
	w := img.Layers[2]
	n, _ := img.Lookup("data/log2")
	if fi, _ := img.Stat(n, 2); fi.Kind != model.KindHardlink {
		t.Errorf("/data/log2 is a %v, not the hardlink its tree holds", fi.Kind)
	}
	if w.SizeBytes != 500+1000 || w.Command != "container web (running)" || w.WastedKilled != 500+4 {
		t.Errorf("writable layer %+v", w)
	}
	var waste []string
	for _, x := range img.Waste {
		waste = append(waste, x.Path+" "+x.Cause.String())
	}
	if want := []string{"bin-amd64 recopied", "etc/os removed"}; !slices.Equal(waste, want) {
		t.Errorf("waste %q, want %q", waste, want)
	}
	// An added directory comes whole, its listed paths with it; the other
	// paths are asked for one by one, deletions not at all.
	if want := []string{"/bin-amd64", "/data", "/etc", "/link"}; !slices.Equal(sorted(fc.archives), want) {
		t.Errorf("archive requests %q, want %q", fc.archives, want)
	}
	if len(img.Warnings) != 0 {
		t.Errorf("warnings %q", img.Warnings)
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// A running container may delete a path between the diff and its read:
// the layer says what is there now, and a warning says so.
func TestContainerPathGoneMidRead(t *testing.T) {
	fc, host := startFakeContainers(t)
	fc.onArchive = func(p string) {
		switch p {
		case "/bin-amd64":
			fc.set(func() { delete(fc.files, p) })
		case "/data": // its tree no longer holds log, which is then asked for alone
			fc.set(func() {
				delete(fc.files, "/data/log")
				fc.files["/data"] = []testarchive.Entry{dirM("data/", 0o700)}
			})
		}
	}
	img, err := analyzeContainer(t, host, "web")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := changesOf(img, 2), []string{"A /data", "A /link", "D /bin-amd64", "D /etc/os", "c /etc"}; !slices.Equal(got, want) {
		t.Errorf("writable layer changes %q, want %q", got, want)
	}
	want := []string{
		"layer 2: /bin-amd64: the container removed it while lx read it (the diff listed it as C); taken as deleted",
		"layer 2: /data/log: the container removed it while lx read it (the diff listed it as added); left out",
		"layer 2: /data/log2: the container removed it while lx read it (the diff listed it as added); left out",
	}
	if !slices.Equal(img.Warnings, want) {
		t.Errorf("warnings %q, want %q", img.Warnings, want)
	}
}

// A container removed, stopped or cut off mid-read fails the read with
// one line; no writable layer is given as complete.
func TestContainerChangedMidRead(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  func(fc *fakeContainers)
		want string
	}{
		{"removed between the diff and the archive", func(fc *fakeContainers) {
			fc.onArchive = func(string) { fc.set(func() { fc.removed = true }) }
		}, "container web on unix://… was removed while lx read it: nothing was analysed"},
		{"stopped after its files were read", func(fc *fakeContainers) {
			fc.onInspect = func(n int) {
				if n > 1 {
					fc.set(func() { fc.status = "exited" })
				}
			}
		}, "container web on unix://… stopped (exited) while lx read it: nothing was analysed; run lx again"},
		{"stopped while a stream broke off", func(fc *fakeContainers) {
			fc.cut = "/data"
			fc.onArchive = func(p string) {
				if p == "/data" {
					fc.set(func() { fc.status = "exited" })
				}
			}
		}, "container web on unix://… stopped (exited) while lx read it: nothing was analysed; run lx again"},
		{"a stream broke off", func(fc *fakeContainers) { fc.cut = "/bin-amd64" },
			"container web on unix://…: reading /bin-amd64 through the archive API: truncated tar: the data ends in the middle of an entry; nothing was analysed"},
		{"a tree's stream broke off", func(fc *fakeContainers) { fc.cut = "/data" },
			"container web on unix://…: reading /data through the archive API: truncated tar: the data ends in the middle of an entry; nothing was analysed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fc, host := startFakeContainers(t)
			tc.set(fc)
			img, err := analyzeContainer(t, host, "web")
			if err == nil {
				t.Fatalf("no error; layers %+v", img.Layers)
			}
			got := strings.ReplaceAll(err.Error(), host, "unix://…")
			if got != tc.want {
				t.Errorf("error\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestContainerOpenErrors(t *testing.T) {
	_, host := startFakeContainers(t)
	if _, err := analyzeContainer(t, host, "nope"); err == nil || !strings.Contains(err.Error(), "no container nope on the Docker Engine at "+host) || !strings.HasSuffix(err.Error(), "check the name with `docker ps -a`") {
		t.Errorf("a missing container: %v", err)
	}
	for ref, want := range map[string]string{
		"container:":    "container: names no container; give its name or ID: container:NAME",
		"container:web": "container:web: --platform does not apply to a container, whose image is the one it was created from",
	} {
		if _, err := Open(ref, Options{Platform: "linux/arm64", Engine: EngineOptions{Host: host}}); err == nil || err.Error() != want {
			t.Errorf("Open(%q): %v, want %s", ref, err, want)
		}
	}
}

// The diff is cleaned and sorted, parents first; what a deletion above
// covers, the root, repeats and unknown kinds go.
func TestDiffChanges(t *testing.T) {
	got, warnings := diffChanges(diffOf("A /b/x", "D /a", "D /a/inner", "C /b", "C /", "A /b/x", "A /a-b", "? /odd"))
	var lines []string
	for _, c := range got {
		lines = append(lines, c.kind.String()+" "+c.path)
	}
	if want := []string{"D a", "A a-b", "C b", "A b/x"}; !slices.Equal(lines, want) {
		t.Errorf("changes %q, want %q", lines, want)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "/odd") {
		t.Errorf("warnings %q", warnings)
	}
	// An added path with added paths below it is read as a tree; the rest
	// one by one.
	changes, _ := diffChanges(diffOf("A /n", "A /n/x", "A /n/y", "A /n/y/z", "C /c", "A /c/new", "A /lone", "D /gone", "A /n-x"))
	trees, singles := addedTrees(changes)
	var got2 []string
	for _, i := range trees {
		got2 = append(got2, "tree "+changes[i].path)
	}
	for _, i := range singles {
		got2 = append(got2, changes[i].path)
	}
	if want := []string{"tree n", "c", "c/new", "lone", "n-x"}; !slices.Equal(got2, want) {
		t.Errorf("reads %q, want %q", got2, want)
	}
}

// The progress counts the writable layer's bytes into the save's, against
// the save's expected size and the container's size.
func TestContainerProgress(t *testing.T) {
	fc, host := startFakeContainers(t)
	src, err := Open(ContainerPrefix+"web", Options{Engine: EngineOptions{Host: host}})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var last BytesRead
	if _, err := Analyze(context.Background(), src, func(ev Event) {
		if b, ok := ev.(BytesRead); ok {
			mu.Lock()
			if b.Read >= last.Read {
				last = b
			}
			mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	// The fake's inspect says 1000 bytes for the image and 1500 for the
	// writable layer, whose files hold 1500 bytes.
	want := BytesRead{Read: int64(len(fc.fakeEngine.archive)) + 1500, Total: 1000 + 1500, Approximate: true}
	if last != want {
		t.Errorf("last progress %+v, want %+v", last, want)
	}
}
