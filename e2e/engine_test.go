package e2e

// End-to-end tests of the Docker Engine source: the lx binary against the
// real private engine that ./scripts/test.sh starts (internal/testengine),
// never a mock. Every run names the engine with --host and a private
// DOCKER_CONFIG, so nothing of the machine's own docker setup leaks in.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
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
	return reportOf(t, engineEnv(t), ref, append([]string{"--no-pull", "--host", host}, args...)...)
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
// through each engine as through its docker save archive. The containerd
// engine has the images by docker load of those archives: its save is
// another layout (OCI, index and manifests), the figures are the same.
func TestEngineSameAsArchive(t *testing.T) {
	testengine.Each(t, testSameAsArchive)
}

func testSameAsArchive(t *testing.T, e testengine.Engine) {
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
	dockerCLI(t, e.Host, "save", "-o", bb, "busybox:latest")
	archives["busybox:latest"] = bb
	if len(archives) < 4 {
		t.Fatalf("only %d images to compare: %v", len(archives), archives)
	}
	for ref, path := range archives {
		t.Run(ref, func(t *testing.T) {
			raw, r := engineReport(t, e.Host, ref)
			wantRaw, want := jsonReport(t, path)
			sameReport(t, "the engine's report differs from the archive's", wantRaw, raw)
			if r.Image.ID != want.Image.ID || r.Image.Ref != ref {
				t.Errorf("image id %s ref %s; want the archive's id %s and ref %s as asked", r.Image.ID, r.Image.Ref, want.Image.ID, ref)
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
// when the directory itself changed. Each engine built the images itself
// (lx-fixture/NAME:built), so the parent image of every step is there.
func TestEngineMarkersMatchDockerDiff(t *testing.T) {
	testengine.Each(t, testMarkersMatchDockerDiff)
}

func testMarkersMatchDockerDiff(t *testing.T, e testengine.Engine) {
	host := e.Host
	cli := engineClient(t, host)
	ctx := context.Background()
	dockerfiles, err := filepath.Glob("../testdata/dockerfiles/*/Dockerfile")
	if err != nil || len(dockerfiles) == 0 {
		t.Fatalf("no testdata/dockerfiles/*/Dockerfile (%v)", err)
	}
	for _, df := range dockerfiles {
		ref := builtRef(t, cli, "lx-fixture/"+filepath.Base(filepath.Dir(df)))
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

// builtRef is NAME:built, the image the engine built itself, or NAME:latest
// on an engine the test command set up before it tagged :built (the first
// engine built :latest too).
func builtRef(t *testing.T, cli *client.Client, name string) string {
	t.Helper()
	if _, err := cli.ImageInspect(context.Background(), name+":built"); err == nil {
		return name + ":built"
	}
	return name + ":latest"
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
	return dockerDiffOf(t, cli, c.ID)
}

// dockerDiffOf is the engine's diff of a container, as path → marker.
func dockerDiffOf(t *testing.T, cli *client.Client, id string) map[string]string {
	t.Helper()
	diff, err := cli.ContainerDiff(context.Background(), id, client.ContainerDiffOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, ch := range diff.Changes {
		out[ch.Path] = ch.Kind.String()
	}
	return out
}

// compareDiff compares docker diff (want) with lx's markers (got), exactly:
// lx marks a directory whose only change is its modification time too (C,
// metadata only), as docker diff does. It returns the differences, one per
// line.
func compareDiff(want, got map[string]string) string {
	var lines []string
	for p, m := range want {
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
