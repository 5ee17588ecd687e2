package e2e

// The base image and the layers images share, against the engines: the
// engine's image list names the base and counts each layer's sharers; an
// archive knows neither unless --base names the base.

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"lx.dev/lx/internal/testengine"
)

type baseReport struct {
	Image struct {
		LayerCount int `json:"layerCount"`
		Base       *struct {
			Ref       string `json:"ref"`
			ID        string `json:"id"`
			Layers    int    `json:"layers"`
			SizeBytes int64  `json:"sizeBytes"`
			Given     bool   `json:"given"`
		} `json:"base"`
	} `json:"image"`
	Layers []struct {
		SizeBytes  int64 `json:"sizeBytes"`
		SharedWith *int  `json:"sharedWith"`
		InBase     bool  `json:"inBase"`
	} `json:"layers"`
}

func baseReportOf(t *testing.T, args ...string) baseReport {
	t.Helper()
	res := runLXEnv(t, t.TempDir(), engineEnv(t), append([]string{"report", "--format", "json"}, args...)...)
	if res.code != 0 {
		t.Fatalf("lx report %s: exit %d\n%s", strings.Join(args, " "), res.code, res.stderr)
	}
	var r baseReport
	if err := json.Unmarshal(res.stdout, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestEngineBaseAndSharedLayers: the seed image is built on busybox:latest
// (1 layer); an image built FROM the seed is built on the seed, and its 7
// lower layers are shared (the seed holds them); the layer it adds is
// not. On each engine.
func TestEngineBaseAndSharedLayers(t *testing.T) {
	testengine.Each(t, func(t *testing.T, e testengine.Engine) {
		seed := baseReportOf(t, "--no-pull", "--host", e.Host, "lx-fixture/seed:latest")
		b := seed.Image.Base
		if b == nil || b.Ref != "busybox:latest" || b.Layers != 1 || b.Given {
			t.Fatalf("the seed's base is %+v, want busybox:latest of 1 layer", b)
		}
		if b.SizeBytes != seed.Layers[0].SizeBytes || !seed.Layers[0].InBase || seed.Layers[1].InBase {
			t.Errorf("base size %d, layer 0 %d bytes; inBase %v %v", b.SizeBytes, seed.Layers[0].SizeBytes, seed.Layers[0].InBase, seed.Layers[1].InBase)
		}
		if n := seed.Layers[0].SharedWith; n == nil || *n < 2 {
			t.Errorf("busybox's layer is shared with %v images, want busybox and the other fixtures", n)
		}

		dir := t.TempDir()
		const tag = "lx-e2e/on-seed:latest"
		dockerfile := "FROM lx-fixture/seed:latest\nRUN echo on top > /on-top\n"
		if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(dockerfile), 0o644); err != nil {
			t.Fatal(err)
		}
		dockerCLI(t, e.Host, "build", "-q", "-t", tag, dir)
		t.Cleanup(func() { exec.Command("docker", "-H", e.Host, "rmi", "-f", tag).Run() })
		top := baseReportOf(t, "--no-pull", "--host", e.Host, tag)
		b = top.Image.Base
		if b == nil || !strings.HasPrefix(b.Ref, "lx-fixture/seed:") || b.Layers != 7 {
			t.Fatalf("the image FROM the seed is built on %+v, want the seed's 7 layers", b)
		}
		for k, l := range top.Layers {
			shared := l.SharedWith != nil && *l.SharedWith >= 1
			if shared != (k < 7) || l.InBase != (k < 7) {
				t.Errorf("layer %d: sharedWith %v, inBase %v; want shared and in the base below layer 7 only", k, l.SharedWith, l.InBase)
			}
		}
		ci := runLXEnv(t, dir, engineEnv(t), "ci", "--no-pull", "--host", e.Host, tag)
		if !strings.Contains(string(ci.stdout), "above the base image lx-fixture/seed:") {
			t.Errorf("lx ci does not say the boundary it used:\n%s", ci.stdout)
		}
	})
}

// TestArchiveBase: an archive knows no base nor sharers (null); --base
// names it from another archive or an engine image, and a --base whose
// layers are not the image's first fails in one line.
func TestArchiveBase(t *testing.T) {
	seedTar := testengine.Archive(t, "seed.docker.tar")
	plain := baseReportOf(t, seedTar)
	if plain.Image.Base != nil || plain.Layers[0].SharedWith != nil || plain.Layers[0].InBase {
		t.Fatalf("an archive: base %+v, sharedWith %v, inBase %v; want null, null, false", plain.Image.Base, plain.Layers[0].SharedWith, plain.Layers[0].InBase)
	}
	host := testengine.Host(t)
	bb := filepath.Join(t.TempDir(), "busybox.tar")
	dockerCLI(t, host, "save", "-o", bb, "busybox:latest")
	given := baseReportOf(t, "--base", bb, seedTar)
	if b := given.Image.Base; b == nil || b.Ref != bb || b.Layers != 1 || !b.Given || !given.Layers[0].InBase {
		t.Fatalf("--base %s: base %+v", bb, b)
	}
	res := runLX(t, t.TempDir(), "report", "--base", testengine.Archive(t, "app-build.docker.tar"), seedTar)
	lines := strings.Split(strings.TrimSpace(string(res.stderr)), "\n")
	if res.code != 2 || len(lines) != 1 || !strings.Contains(lines[0], "is not its base") {
		t.Fatalf("a --base that is not: exit %d\n%s", res.code, res.stderr)
	}
}
