package main

// End-to-end tests of the Docker Engine source: the lx binary against the
// real private engine that ./scripts/test.sh starts (internal/testengine),
// never a mock. Every run names the engine with --host and a private
// DOCKER_CONFIG, so nothing of the machine's own docker setup leaks in.

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"lx.dev/lx/internal/testengine"
)

// engineEnv is this process's environment without the docker CLI's
// settings, with a private, empty DOCKER_CONFIG.
func engineEnv(t *testing.T, extra ...string) []string {
	t.Helper()
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "DOCKER_") || k == "LX_TRACE" {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "DOCKER_CONFIG="+t.TempDir())
	return append(env, extra...)
}

// dockerCLI runs the docker CLI against host and returns its stdout.
func dockerCLI(t *testing.T, host string, args ...string) string {
	t.Helper()
	cmd := exec.Command("docker", args...)
	cmd.Env = engineEnv(t, "DOCKER_HOST="+host)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("docker %s: %v: %s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return strings.TrimSpace(string(out))
}

// engineClient is an API client of the test engine, for the steps the
// tests take themselves (containers, history).
func engineClient(t *testing.T, host string) *client.Client {
	t.Helper()
	c, err := client.New(client.WithHost(host), client.WithAPIVersionNegotiation())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// engineReport runs lx report --changes on ref through the engine; it
// must succeed.
func engineReport(t *testing.T, host, ref string, args ...string) ([]byte, *e2eReport) {
	t.Helper()
	res := runLXEnv(t, t.TempDir(), engineEnv(t), append([]string{"report", "--changes", "--no-pull", "--host", host}, append(args, ref)...)...)
	if res.code != 0 {
		t.Fatalf("lx report %s: exit %d: %s", ref, res.code, res.stderr)
	}
	var r e2eReport
	if err := json.Unmarshal(res.stdout, &r); err != nil {
		t.Fatalf("lx report %s: not JSON: %v", ref, err)
	}
	return res.stdout, &r
}

// sameReport fails when two reports of one image differ in anything but
// the fields that name the source.
func sameReport(t *testing.T, what string, want, got []byte) {
	t.Helper()
	var diffs []string
	diffJSON("", normalized(t, want), normalized(t, got), &diffs, 10)
	if len(diffs) > 0 {
		t.Errorf("%s:\n  %s", what, strings.Join(diffs, "\n  "))
	}
}

// TestEngineSameAsArchive: every fixture image gives the same report
// through the engine as through its docker save archive.
func TestEngineSameAsArchive(t *testing.T) {
	host := testengine.Host(t)
	archives := map[string]string{}
	for image, fixtures := range fixturesByImage(t) {
		for _, f := range fixtures {
			if f.Layout == baseLayout {
				archives["lx-fixture/"+image+":latest"] = f.Path
			}
		}
	}
	// The base image too, saved here.
	bb := filepath.Join(t.TempDir(), "busybox.tar")
	dockerCLI(t, host, "save", "-o", bb, "busybox:latest")
	archives["busybox:latest"] = bb
	if len(archives) < 4 {
		t.Fatalf("only %d images to compare: %v", len(archives), archives)
	}
	for ref, path := range archives {
		t.Run(ref, func(t *testing.T) {
			raw, r := engineReport(t, host, ref)
			wantRaw, want := jsonReport(t, path)
			sameReport(t, "the engine's report differs from the archive's", wantRaw, raw)
			if r.Image.ID != want.Image.ID || r.Image.Ref != ref {
				t.Errorf("image id %s ref %s; the archive's id %s ref %s", r.Image.ID, r.Image.Ref, want.Image.ID, want.Image.Ref)
			}
			if r.Image.LayerCount == 0 || r.Image.TotalBytes == 0 {
				t.Errorf("an empty report: %+v", r.Image)
			}
		})
	}
}

// TestEngineMarkersMatchDockerDiff re-runs every RUN step of the fixture
// Dockerfiles in a container of the image the step started from, and
// compares the engine's own `docker diff` of it with lx's markers for the
// layer that step made. The one difference SEMANTICS.md allows: docker diff
// lists a C for every directory above a change; lx marks a directory only
// when the directory itself changed.
func TestEngineMarkersMatchDockerDiff(t *testing.T) {
	host := testengine.Host(t)
	cli := engineClient(t, host)
	ctx := context.Background()
	dockerfiles, err := filepath.Glob("testdata/dockerfiles/*/Dockerfile")
	if err != nil || len(dockerfiles) == 0 {
		t.Fatalf("no testdata/dockerfiles/*/Dockerfile (%v)", err)
	}
	for _, df := range dockerfiles {
		ref := "lx-fixture/" + filepath.Base(filepath.Dir(df)) + ":latest"
		t.Run(ref, func(t *testing.T) {
			_, r := engineReport(t, host, ref)
			hist, err := cli.ImageHistory(ctx, ref)
			if err != nil {
				t.Fatal(err)
			}
			steps := hist.Items
			for i, j := 0, len(steps)-1; i < j; i, j = i+1, j-1 {
				steps[i], steps[j] = steps[j], steps[i]
			}
			if len(steps) != len(r.Steps) {
				t.Fatalf("the engine's history has %d steps, lx's %d", len(steps), len(r.Steps))
			}
			runs := 0
			for i, s := range steps {
				cmd, ok := strings.CutPrefix(s.CreatedBy, "/bin/sh -c ")
				if !ok || strings.HasPrefix(cmd, "#(nop)") || i == 0 {
					continue
				}
				parent := steps[i-1].ID
				if parent == "" || parent == "<missing>" {
					t.Fatalf("step %d: the image before it is not on the engine", i)
				}
				layer := r.Steps[i].Layer
				if layer == nil {
					t.Fatalf("step %d (%s) made no layer in lx's report", i, cmd)
				}
				runs++
				got := markers(r, *layer)
				want := dockerDiff(t, cli, parent, cmd)
				if d := compareDiff(want, got); d != "" {
					t.Errorf("step %d, layer %d: RUN %.60s\n%s", i, *layer, cmd, d)
				}
			}
			if runs == 0 {
				t.Error("no RUN step found")
			}
		})
	}
}

// markers is lx's path → marker map for one layer.
func markers(r *e2eReport, layer int) map[string]string {
	out := map[string]string{}
	for _, c := range r.Layers[layer].Changes {
		out[c.Path] = c.Marker
	}
	return out
}

// dockerDiff runs cmd in a fresh container of image and returns the
// engine's diff of it.
func dockerDiff(t *testing.T, cli *client.Client, image, cmd string) map[string]string {
	t.Helper()
	ctx := context.Background()
	c, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{
		Config:     &container.Config{Image: image, Cmd: []string{"/bin/sh", "-c", cmd}},
		HostConfig: &container.HostConfig{NetworkMode: "none"},
	})
	if err != nil {
		t.Fatalf("creating a container of %s: %v", image, err)
	}
	defer cli.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true})
	wait := cli.ContainerWait(ctx, c.ID, client.ContainerWaitOptions{Condition: container.WaitConditionNextExit})
	if _, err := cli.ContainerStart(ctx, c.ID, client.ContainerStartOptions{}); err != nil {
		t.Fatalf("starting %s: %v", cmd, err)
	}
	select {
	case res := <-wait.Result:
		if res.StatusCode != 0 {
			t.Fatalf("%s: exit %d", cmd, res.StatusCode)
		}
	case err := <-wait.Error:
		t.Fatalf("waiting for %s: %v", cmd, err)
	case <-time.After(2 * time.Minute):
		t.Fatalf("%s did not end", cmd)
	}
	diff, err := cli.ContainerDiff(ctx, c.ID, client.ContainerDiffOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, ch := range diff.Changes {
		out[ch.Path] = ch.Kind.String()
	}
	return out
}

// compareDiff compares docker diff (want) with lx's markers (got), after
// dropping docker diff's C on a directory above another change that lx
// does not mark. It returns the differences, one per line.
func compareDiff(want, got map[string]string) string {
	var lines []string
	for p, m := range want {
		if m == "C" && got[p] == "" {
			noise := false
			for q := range want {
				if strings.HasPrefix(q, p+"/") {
					noise = true
					break
				}
			}
			if noise {
				continue
			}
		}
		if got[p] != m {
			lines = append(lines, fmt.Sprintf("  docker diff %s %s, lx %q", m, p, got[p]))
		}
	}
	for p, m := range got {
		if want[p] == "" {
			lines = append(lines, fmt.Sprintf("  lx %s %s, docker diff nothing", m, p))
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// tarEnt is one member of a crafted layer.
type tarEnt struct {
	name string
	typ  byte
	mode int64
	size int    // regular files: that many bytes of fill
	fill byte   // the byte they are made of
	link string // symlink or hardlink target
}

func file(name string, size int, fill byte) tarEnt {
	return tarEnt{name: name, typ: tar.TypeReg, mode: 0o644, size: size, fill: fill}
}
func dir(name string) tarEnt { return tarEnt{name: name, typ: tar.TypeDir, mode: 0o755} }

// craftArchive writes a legacy docker save archive of one image, tagged
// tag, made of the layer tar base (if any) and the given layers, and
// returns its path.
func craftArchive(t *testing.T, tag string, base []byte, layers [][]tarEnt) string {
	t.Helper()
	mtime := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var out bytes.Buffer
	tw := tar.NewWriter(&out)
	add := func(name string, b []byte) {
		if err := tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(b)), ModTime: mtime}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	type hist struct {
		Created   time.Time `json:"created"`
		CreatedBy string    `json:"created_by"`
	}
	var diffIDs, members []string
	var history []hist
	addLayer := func(b []byte, createdBy string) {
		sum := sha256.Sum256(b)
		diffIDs = append(diffIDs, "sha256:"+hex.EncodeToString(sum[:]))
		member := fmt.Sprintf("%064x/layer.tar", len(members)+1)
		add(member, b)
		members = append(members, member)
		history = append(history, hist{Created: mtime, CreatedBy: createdBy})
	}
	if base != nil {
		addLayer(base, "base")
	}
	for i, ents := range layers {
		var lb bytes.Buffer
		lw := tar.NewWriter(&lb)
		var names []string
		for _, e := range ents {
			h := &tar.Header{Name: e.name, Typeflag: e.typ, Mode: e.mode, Linkname: e.link, ModTime: mtime, Format: tar.FormatPAX}
			if e.typ == tar.TypeReg {
				h.Size = int64(e.size)
			}
			if err := lw.WriteHeader(h); err != nil {
				t.Fatal(err)
			}
			if e.typ == tar.TypeReg {
				if _, err := lw.Write(bytes.Repeat([]byte{e.fill}, e.size)); err != nil {
					t.Fatal(err)
				}
			}
			names = append(names, e.name)
		}
		if err := lw.Close(); err != nil {
			t.Fatal(err)
		}
		addLayer(lb.Bytes(), fmt.Sprintf("layer %d: %s", i, strings.Join(names, " ")))
	}
	cfg, err := json.Marshal(map[string]any{
		"architecture": runtime.GOARCH, "os": "linux", "created": mtime,
		"config":  map[string]any{},
		"rootfs":  map[string]any{"type": "layers", "diff_ids": diffIDs},
		"history": history,
	})
	if err != nil {
		t.Fatal(err)
	}
	cfgSum := sha256.Sum256(cfg)
	cfgName := hex.EncodeToString(cfgSum[:]) + ".json"
	add(cfgName, cfg)
	manifest, _ := json.Marshal([]map[string]any{{"Config": cfgName, "RepoTags": []string{tag}, "Layers": members}})
	add("manifest.json", manifest)
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "crafted.tar")
	if err := os.WriteFile(p, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestEngineCraftedImage: an image made of hand-written layers (opaque
// directory, deleted tree, file→dir, dir→symlink, hardlinks, a recopy) is
// loaded with `docker load`; lx through the engine gives the expected
// markers and waste, and the same report as the archive itself.
func TestEngineCraftedImage(t *testing.T) {
	host := testengine.Host(t)
	const tag = "lx-crafted/types:latest"
	layers := [][]tarEnt{
		{ // 0: the base
			dir("a/"), file("a/x", 100, 'x'), file("a/y", 200, 'y'),
			dir("b/"), dir("b/sub/"), file("b/sub/f", 300, 'f'),
			file("c", 400, 'c'),
			dir("d/"), file("d/g", 500, 'g'),
			file("h1", 600, 'h'),
			dir("keep/"), file("keep/k", 10, 'k'),
		},
		{dir("a/"), {name: "a/.wh..wh..opq", typ: tar.TypeReg, mode: 0o644}, file("a/new", 50, 'n')}, // 1: opaque directory
		{{name: ".wh.b", typ: tar.TypeReg, mode: 0o644}},                                             // 2: a deleted tree
		{dir("c/"), file("c/inner", 20, 'i')},                                                        // 3: file → directory
		{{name: "d", typ: tar.TypeSymlink, mode: 0o777, link: "keep"}},                               // 4: directory → symlink
		{ // 5: hardlinks, and h1 again with the same bytes, another mode
			file("h3", 700, '3'), {name: "h4", typ: tar.TypeLink, mode: 0o644, link: "h3"},
			{name: "h1", typ: tar.TypeReg, mode: 0o755, size: 600, fill: 'h'},
		},
		{{name: ".wh.h3", typ: tar.TypeReg, mode: 0o644}}, // 6: one name of the hardlinked file goes
	}
	archive := craftArchive(t, tag, nil, layers)
	dockerCLI(t, host, "load", "-i", archive)
	t.Cleanup(func() { exec.Command("docker", "-H", host, "rmi", "-f", tag).Run() })

	raw, r := engineReport(t, host, tag)
	wantRaw, _ := jsonReport(t, archive)
	sameReport(t, "through the engine vs the crafted archive", wantRaw, raw)

	wantMarks := []map[string]string{
		1: {"/a/new": "A", "/a/x": "D", "/a/y": "D"},
		2: {"/b": "D"},
		3: {"/c": "C", "/c/inner": "A"},
		4: {"/d": "C"}, // docker diff lists no D /d/g under a replaced directory
		5: {"/h1": "C", "/h3": "A", "/h4": "A"},
		6: {"/h3": "D"},
	}
	// What a container step does to make each layer, for the real docker
	// diff: run it in a container of the image of the layers below.
	steps := []string{
		1: "rm -rf /a/x /a/y && echo n > /a/new",
		2: "rm -rf /b",
		3: "rm /c && mkdir /c && echo i > /c/inner",
		4: "rm -rf /d && ln -s keep /d",
		5: "echo 3 > /h3 && ln /h3 /h4 && chmod 0755 /h1",
		6: "rm /h3",
	}
	// The steps need a shell: those images have busybox below.
	bb := busyboxLayer(t, host)
	cli := engineClient(t, host)
	for i := 1; i < len(layers); i++ {
		if d := compareDiff(wantMarks[i], markers(r, i)); d != "" {
			t.Errorf("layer %d markers:\n%s", i, d)
		}
		prefix := fmt.Sprintf("lx-crafted/prefix:%d", i)
		dockerCLI(t, host, "load", "-i", craftArchive(t, prefix, bb, layers[:i]))
		t.Cleanup(func() { exec.Command("docker", "-H", host, "rmi", "-f", prefix).Run() })
		if d := compareDiff(dockerDiff(t, cli, prefix, steps[i]), markers(r, i)); d != "" {
			t.Errorf("layer %d against docker diff of %q:\n%s", i, steps[i], d)
		}
	}
	want := []e2eWaste{
		{Path: "/a/x", Bytes: 100, Cause: "removed", MadeBy: 0, KilledBy: 1},
		{Path: "/a/y", Bytes: 200, Cause: "removed", MadeBy: 0, KilledBy: 1},
		{Path: "/b/sub/f", Bytes: 300, Cause: "removed", MadeBy: 0, KilledBy: 2},
		{Path: "/c", Bytes: 400, Cause: "removed", MadeBy: 0, KilledBy: 3},
		{Path: "/d/g", Bytes: 500, Cause: "removed", MadeBy: 0, KilledBy: 4},
		{Path: "/h1", Bytes: 600, Cause: "recopied", MadeBy: 0, KilledBy: 5, Changed: "mode 0644\u21920755"},
	}
	checkWaste(t, r.Waste, want)
	if r.Image.WastedBytes != 2100 || r.Image.TotalBytes != 100+200+300+400+500+600+10+50+20+700+600 {
		t.Errorf("wasted %d of %d bytes", r.Image.WastedBytes, r.Image.TotalBytes)
	}
}

// busyboxLayer is the layer tar of busybox:latest (one layer, imported),
// from a docker save of it.
func busyboxLayer(t *testing.T, host string) []byte {
	t.Helper()
	p := filepath.Join(t.TempDir(), "busybox.tar")
	dockerCLI(t, host, "save", "-o", p, "busybox:latest")
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr := tar.NewReader(f)
	var layer []byte
	for {
		h, err := tr.Next()
		if err != nil {
			break
		}
		if strings.HasSuffix(h.Name, "/layer.tar") {
			if layer != nil {
				t.Fatal("busybox:latest has more than one layer")
			}
			if layer, err = io.ReadAll(tr); err != nil {
				t.Fatal(err)
			}
		}
	}
	if layer == nil {
		t.Fatal("no layer.tar in the save of busybox:latest")
	}
	return layer
}

// oneLine checks an lx failure: exit 2, exactly one line on stderr that
// says all of says.
func oneLine(t *testing.T, res lxResult, says ...string) {
	t.Helper()
	msg := string(res.stderr)
	if res.code != 2 {
		t.Errorf("exit %d, want 2 (stderr %q)", res.code, msg)
	}
	if strings.Count(msg, "\n") != 1 || !strings.HasSuffix(msg, "\n") {
		t.Errorf("stderr is not one line: %q", msg)
	}
	for _, s := range says {
		if !strings.Contains(msg, s) {
			t.Errorf("stderr does not say %q: %q", s, msg)
		}
	}
	if len(res.stdout) != 0 {
		t.Errorf("stdout: %.200q", res.stdout)
	}
}

func TestEngineErrors(t *testing.T) {
	host := testengine.Host(t)
	t.Run("missing socket", func(t *testing.T) {
		sock := filepath.Join(t.TempDir(), "none.sock")
		res := runLXEnv(t, t.TempDir(), engineEnv(t), "report", "--host", "unix://"+sock, "busybox")
		oneLine(t, res, "unix://"+sock, "(--host)", "no such socket", "start Docker")
		res = runLXEnv(t, t.TempDir(), engineEnv(t, "DOCKER_HOST=unix://"+sock), "report", "busybox")
		oneLine(t, res, "unix://"+sock, "(DOCKER_HOST)")
	})
	t.Run("nothing listening", func(t *testing.T) {
		sock := filepath.Join(t.TempDir(), "dead.sock")
		l, err := net.Listen("unix", sock)
		if err != nil {
			t.Fatal(err)
		}
		l.(*net.UnixListener).SetUnlinkOnClose(false)
		l.Close()
		res := runLXEnv(t, t.TempDir(), engineEnv(t), "report", "--host", "unix://"+sock, "busybox")
		oneLine(t, res, "unix://"+sock, "connection refused")
	})
	t.Run("unknown context", func(t *testing.T) {
		res := runLXEnv(t, t.TempDir(), engineEnv(t, "DOCKER_CONTEXT=lx-nope"), "report", "busybox")
		oneLine(t, res, `docker context "lx-nope"`, "DOCKER_CONTEXT", "does not exist")
	})
	t.Run("no such image, --no-pull", func(t *testing.T) {
		res := runLXEnv(t, t.TempDir(), engineEnv(t), "report", "--host", host, "--no-pull", "lx-none/absent:1")
		oneLine(t, res, "lx-none/absent:1", host, "--no-pull")
	})
	t.Run("no such file", func(t *testing.T) {
		res := runLXEnv(t, t.TempDir(), engineEnv(t), "report", "--host", host, "./absent.tar")
		oneLine(t, res, "absent.tar", "no such file")
	})
	t.Run("platform on an old engine", func(t *testing.T) {
		api := dockerCLI(t, host, "version", "--format", "{{.Server.APIVersion}}")
		if v, _ := strconv.ParseFloat(api, 64); v >= 1.48 {
			t.Skipf("the engine speaks API %s, which chooses platforms", api)
		}
		res := runLXEnv(t, t.TempDir(), engineEnv(t), "report", "--host", host, "--platform", "linux/s390x", "busybox")
		oneLine(t, res, "linux/s390x", "API "+api, "1.48")
		// The platform the image has is fine.
		res = runLXEnv(t, t.TempDir(), engineEnv(t), "report", "--host", host, "--platform", "linux/"+runtime.GOARCH, "busybox")
		if res.code != 0 {
			t.Errorf("--platform linux/%s: exit %d: %s", runtime.GOARCH, res.code, res.stderr)
		}
	})
	t.Run("permission denied", func(t *testing.T) {
		setpriv, err := exec.LookPath("setpriv")
		if err != nil || os.Getuid() != 0 {
			t.Skip("needs root and setpriv to run lx as another user")
		}
		// A socket only root may use (in a directory anyone may enter),
		// and lx run as nobody.
		p := testengine.StartProxy(t, host, testengine.HangUp, 1<<40)
		sock := strings.TrimPrefix(p.Host, "unix://")
		if err := os.Chmod(filepath.Dir(sock), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(sock, 0o600); err != nil {
			t.Fatal(err)
		}
		binDir, err := os.MkdirTemp("", "lx-nobody-")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(binDir) })
		if err := os.Chmod(binDir, 0o755); err != nil {
			t.Fatal(err)
		}
		bin := filepath.Join(binDir, "lx")
		copyFile(t, lxBinary(t), bin, 0o755)
		cmd := exec.Command(setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", bin, "report", "--host", p.Host, "busybox")
		cmd.Env = engineEnv(t)
		cmd.Dir = "/"
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err = cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		oneLine(t, lxResult{code: code, stderr: stderr.Bytes()}, "permission denied", p.Host, "docker group", "DOCKER_HOST")
	})
}

func copyFile(t *testing.T, src, dst string, mode os.FileMode) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, mode); err != nil {
		t.Fatal(err)
	}
}

// TestEngineGoneMidStream: the engine hanging up in the middle of the save
// is exit 2, one line, and no report file.
func TestEngineGoneMidStream(t *testing.T) {
	p := testengine.StartProxy(t, testengine.Host(t), testengine.HangUp, 2<<20)
	dir := t.TempDir()
	res := runLXEnv(t, dir, engineEnv(t), "report", "--host", p.Host, "-o", "out.json", "lx-fixture/seed:latest")
	oneLine(t, res, "lx-fixture/seed:latest", "broke off", "nothing was analysed")
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("left %d files in the output directory", len(ents))
	}
}

// TestEngineInterrupt: Ctrl-C while the engine is stalled mid-stream ends
// lx within a second.
func TestEngineInterrupt(t *testing.T) {
	p := testengine.StartProxy(t, testengine.Host(t), testengine.Stall, 2<<20)
	cmd := exec.Command(lxBinary(t), "report", "--host", p.Host, "-o", "out.json", "lx-fixture/seed:latest")
	cmd.Dir = t.TempDir()
	cmd.Env = engineEnv(t)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	select {
	case <-p.Broken:
	case <-time.After(30 * time.Second):
		t.Fatal("the save never reached the stall")
	}
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if took := time.Since(start); took > time.Second {
			t.Errorf("lx ended %v after Ctrl-C", took)
		}
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
			t.Errorf("exit: %v, want 2", err)
		}
		if !strings.Contains(stderr.String(), "context canceled") {
			t.Errorf("stderr: %q", stderr.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("lx still runs 5 s after Ctrl-C")
	}
}

// TestEngineContext: a context made by `docker context create`, and made
// current with `docker context use`, is where lx goes with no --host.
func TestEngineContext(t *testing.T) {
	host := testengine.Host(t)
	cfg := t.TempDir()
	env := func(extra ...string) []string {
		e := engineEnv(t, extra...)
		return append(e, "DOCKER_CONFIG="+cfg) // the last one wins
	}
	cli := func(args ...string) {
		t.Helper()
		cmd := exec.Command("docker", args...)
		cmd.Env = env()
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("docker %s: %v: %s", strings.Join(args, " "), err, out)
		}
	}
	cli("context", "create", "lx-test", "--docker", "host="+host)
	cli("context", "create", "lx-elsewhere", "--docker", "host=unix:///nonexistent/lx.sock")
	cli("context", "use", "lx-test")
	res := runLXEnv(t, t.TempDir(), env(), "report", "--no-pull", "busybox")
	if res.code != 0 {
		t.Fatalf("through the current context: exit %d: %s", res.code, res.stderr)
	}
	// DOCKER_CONTEXT beats the current context, and errors say so.
	res = runLXEnv(t, t.TempDir(), env("DOCKER_CONTEXT=lx-elsewhere"), "report", "--no-pull", "busybox")
	oneLine(t, res, "unix:///nonexistent/lx.sock", `context "lx-elsewhere" from DOCKER_CONTEXT`)
}

// TestEnginePull: an image the engine lacks is pulled through it from a
// registry (Debian's docker-registry on a loopback port, where the engine
// allows plain HTTP), with progress on stderr; --no-pull refuses; a failed
// pull is one line with the registry's answer.
func TestEnginePull(t *testing.T) {
	host := testengine.Host(t)
	reg := startRegistry(t)
	ref := reg + "/lx/seed:pulled"
	dockerCLI(t, host, "tag", "lx-fixture/seed:latest", ref)
	dockerCLI(t, host, "push", ref)
	digest := dockerCLI(t, host, "image", "inspect", "--format", "{{index .RepoDigests 0}}", ref)
	dockerCLI(t, host, "rmi", ref)
	t.Cleanup(func() {
		exec.Command("docker", "-H", host, "rmi", ref).Run()
		exec.Command("docker", "-H", host, "rmi", digest).Run()
	})

	res := runLXEnv(t, t.TempDir(), engineEnv(t), "report", "--host", host, "--no-pull", ref)
	oneLine(t, res, ref, "--no-pull")

	res = runLXEnv(t, t.TempDir(), engineEnv(t), "report", "--changes", "--host", host, ref)
	if res.code != 0 {
		t.Fatalf("lx report %s: exit %d: %s", ref, res.code, res.stderr)
	}
	if !strings.Contains(string(res.stderr), "pulling "+ref) {
		t.Errorf("no pull progress on stderr: %q", res.stderr)
	}
	want, _ := jsonReport(t, testengine.Archive(t, "seed.docker.tar"))
	sameReport(t, "the pulled image differs from the seed archive", want, res.stdout)
	if out := dockerCLI(t, host, "image", "inspect", "--format", "{{.Id}}", ref); out == "" {
		t.Error("the pulled image is not on the engine")
	}

	// By digest: name@sha256:…, pulled as well once the engine lacks it.
	dockerCLI(t, host, "rmi", ref)
	res = runLXEnv(t, t.TempDir(), engineEnv(t), "report", "--changes", "--host", host, digest)
	if res.code != 0 {
		t.Fatalf("lx report %s: exit %d: %s", digest, res.code, res.stderr)
	}
	sameReport(t, "the image pulled by digest differs from the seed archive", want, res.stdout)

	absent := reg + "/lx/absent:1"
	res = runLXEnv(t, t.TempDir(), engineEnv(t), "report", "--host", host, absent)
	oneLine(t, res, absent, "pulling it failed", "manifest unknown")
}

// startRegistry runs Debian's docker-registry on a free loopback port with
// its storage in a temp dir, stopped (by its PID) when the test ends, and
// returns its "127.0.0.1:PORT".
func startRegistry(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("docker-registry")
	if err != nil {
		if testengine.InCI() {
			t.Fatal("docker-registry is missing: ./scripts/test.sh installs it")
		}
		t.Skip("no docker-registry (apt-get install docker-registry)")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yml")
	conf := fmt.Sprintf("version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\nhttp:\n  addr: %s\n", filepath.Join(dir, "data"), addr)
	if err := os.WriteFile(cfg, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	startService(t, exec.Command(bin, "serve", cfg), func() error {
		resp, err := http.Get("http://" + addr + "/v2/")
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("/v2/ answers %s", resp.Status)
		}
		return nil
	})
	return addr
}

// startService starts a server the test needs, waits until ready answers
// nil (20 s at most), and stops it by its PID when the test ends.
func startService(t *testing.T, cmd *exec.Cmd, ready func() error) {
	t.Helper()
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	})
	for deadline := time.Now().Add(20 * time.Second); ; {
		err := ready()
		if err == nil {
			return
		}
		select {
		case <-exited:
			t.Fatalf("%s exited: %s", cmd.Path, logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s is not ready: %v; %s", cmd.Path, err, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestEnginePodmanSocket: podman's Docker-compatible API is an engine like
// any other. A private podman service (its own storage and socket, stopped
// by its PID) gets the seed archive; lx through its socket gives the seed's
// report. Skipped where podman cannot run, as the podman fixtures are.
func TestEnginePodmanSocket(t *testing.T) {
	podman, err := exec.LookPath("podman")
	if err != nil {
		t.Skip("no podman")
	}
	seed := testengine.Archive(t, "seed.docker.tar")
	dir, err := os.MkdirTemp("", "lxpod")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	flags := []string{"--root", filepath.Join(dir, "root"), "--runroot", filepath.Join(dir, "run"), "--tmpdir", filepath.Join(dir, "tmp"),
		"--storage-driver", "vfs", "--cgroup-manager", "cgroupfs", "--events-backend", "none"}
	if out, err := exec.Command(podman, append(flags, "load", "-q", "-i", seed)...).CombinedOutput(); err != nil {
		t.Skipf("podman cannot run here: %v: %s", err, out)
	}
	sock := filepath.Join(dir, "p.sock")
	startService(t, exec.Command(podman, append(flags, "system", "service", "--time=0", "unix://"+sock)...), func() error {
		c, err := net.Dial("unix", sock)
		if err == nil {
			c.Close()
		}
		return err
	})
	raw, r := engineReport(t, "unix://"+sock, "lx-fixture/seed:latest")
	want, _ := jsonReport(t, seed)
	sameReport(t, "through podman's socket vs the seed archive", want, raw)
	if !strings.HasSuffix(r.Image.Ref, "lx-fixture/seed:latest") {
		t.Errorf("ref %q", r.Image.Ref)
	}
}
