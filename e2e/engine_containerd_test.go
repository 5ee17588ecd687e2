package e2e

// What only the containerd image store does: a save that leaves out the
// blobs of an image whose layers the engine had before it pulled it.

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"lx.dev/lx/internal/testarchive"
	"lx.dev/lx/internal/testengine"
)

// seedImage is the seed image as its docker save archive holds it: the
// config's bytes and the plain layer tars.
func seedImage(t *testing.T) testarchive.Image {
	t.Helper()
	files, _ := tarFiles(t, testengine.Archive(t, "seed.docker.tar"))
	var manifest []struct {
		Config string
		Layers []string
	}
	if err := json.Unmarshal(files["manifest.json"], &manifest); err != nil || len(manifest) != 1 {
		t.Fatalf("seed.docker.tar: manifest.json: %v (%d images)", err, len(manifest))
	}
	im := testarchive.Image{RawConfig: files[manifest[0].Config]}
	for _, l := range manifest[0].Layers {
		im.Layers = append(im.Layers, testarchive.PlainBlob(files[l]))
	}
	return im
}

// pushTwoPlatforms pushes an index of img (this machine's platform) and a
// small image of another platform as reg/repo:1 (gzip layers), and
// returns the reference.
func pushTwoPlatforms(t *testing.T, reg, repo string, img testarchive.Image) string {
	t.Helper()
	other := "arm64"
	if runtime.GOARCH == "arm64" {
		other = "amd64"
	}
	small := testarchive.Image{Arch: other, Layers: []testarchive.Blob{testarchive.Layer(t, testarchive.File("only-"+other, 0o644, other))}}
	if _, err := testarchive.PushIndex(reg, repo, "1", testarchive.Gzip, img, small); err != nil {
		t.Fatal(err)
	}
	return reg + "/" + repo + ":1"
}

// savedMembers lists the members of the engine's own docker save of ref.
func savedMembers(t *testing.T, host, ref string) map[string]bool {
	t.Helper()
	p := filepath.Join(t.TempDir(), "save.tar")
	dockerCLI(t, host, "save", "-o", p, ref)
	_, names := tarFiles(t, p)
	have := map[string]bool{}
	for _, n := range names {
		have[n] = true
	}
	return have
}

// TestEngineContainerdPartialSave: the containerd engine has the seed's
// layers from docker load (./scripts/test.sh loaded seed.docker.tar), then
// pulls a two-platform index whose image for this platform has the same
// layers: it fetches no layer blob, and its own docker save leaves out the
// config and layers. lx reads such an image through the loaded one, which
// has the same config (its digest checked), and says so; an image whose
// config no other image has is one line saying what happened and what to
// do, never a wrong answer.
func TestEngineContainerdPartialSave(t *testing.T) {
	e := testengine.Containerd(t)
	reg := startRegistry(t)
	seed := seedImage(t)
	configBlob := "blobs/sha256/" + strings.TrimPrefix(testarchive.Digest(seed.RawConfig), "sha256:")

	t.Run("same config as a loaded image", func(t *testing.T) {
		ref := pushTwoPlatforms(t, reg, "lx/multi-seed", seed)
		dockerCLI(t, e.Host, "pull", ref)
		t.Cleanup(func() { exec.Command("docker", "-H", e.Host, "rmi", ref).Run() })
		if savedMembers(t, e.Host, ref)[configBlob] {
			t.Fatalf("the engine's save of %s holds its config: the engine no longer leaves the blobs out, and this test sets up nothing", ref)
		}
		raw, r := engineReport(t, e.Host, ref)
		want, _ := jsonReport(t, testengine.Archive(t, "seed.docker.tar"))
		sameReport(t, "read through the loaded seed image vs the seed archive", want, withoutWarnings(t, raw))
		if r.Image.Ref != ref || r.Image.ID != testarchive.Digest(seed.RawConfig) {
			t.Errorf("ref %s id %s", r.Image.Ref, r.Image.ID)
		}
		if r.Image.CompressedBytes != nil {
			t.Errorf("compressed bytes %d: those of another image's blobs", *r.Image.CompressedBytes)
		}
		said := strings.Join(r.Warnings, "\n")
		for _, s := range []string{"left out", "lx-fixture/seed:latest", "same config"} {
			if !strings.Contains(said, s) {
				t.Errorf("the warnings do not say %q: %q", s, r.Warnings)
			}
		}
	})

	t.Run("a config no other image has", func(t *testing.T) {
		other := seed
		other.RawConfig = []byte(strings.Replace(string(seed.RawConfig), "rm /data/one", "rm -f /data/one", 1))
		if string(other.RawConfig) == string(seed.RawConfig) {
			t.Fatal("the seed's config has no step `rm /data/one` to change")
		}
		ref := pushTwoPlatforms(t, reg, "lx/multi-other", other)
		dockerCLI(t, e.Host, "pull", ref)
		t.Cleanup(func() { exec.Command("docker", "-H", e.Host, "rmi", ref).Run() })
		version := dockerCLI(t, e.Host, "version", "--format", "{{.Server.Version}}")
		res := runLXEnv(t, t.TempDir(), engineEnv(t), "report", "--no-pull", "--host", e.Host, ref)
		t.Logf("lx says: %s", res.stderr)
		oneLine(t, res, ref, "Docker "+version, "containerd image store", "left out",
			"docker pull --platform linux/"+runtime.GOARCH+" "+ref, "Docker 28")
	})
}

// tarFiles reads the regular members of the tar at p, and lists every
// member's name.
func tarFiles(t *testing.T, p string) (map[string][]byte, []string) {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	files, names, err := testarchive.Files(f)
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	return files, names
}

// withoutWarnings is a JSON report without its warnings.
func withoutWarnings(t *testing.T, raw []byte) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	m["warnings"] = []any{}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
