package e2e

// Hand-written images loaded into the test engine with docker load: opaque
// directories, deleted trees, type changes and hardlinks, checked against
// lx and against docker diff.

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"lx.dev/lx/internal/testarchive"
	"lx.dev/lx/internal/testengine"
)

// file is a regular file of size bytes of fill.
func file(name string, size int, fill byte) testarchive.Entry {
	return testarchive.File(name, 0o644, strings.Repeat(string(fill), size))
}
func dir(name string) testarchive.Entry { return testarchive.Dir(name, 0o755) }

// craftArchive writes a legacy docker save archive of one image, tagged
// tag, made of the layer tar base (if any) and the given layers, and
// returns its path.
func craftArchive(t *testing.T, tag string, base []byte, layers [][]testarchive.Entry) string {
	t.Helper()
	im := testarchive.Image{Tag: tag, Arch: runtime.GOARCH, History: []testarchive.Step{}}
	if base != nil {
		im.Layers = append(im.Layers, testarchive.PlainBlob(base))
		im.History = append(im.History, testarchive.Step{CreatedBy: "base"})
	}
	for i, ents := range layers {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name)
		}
		im.Layers = append(im.Layers, testarchive.Layer(t, ents...))
		im.History = append(im.History, testarchive.Step{CreatedBy: fmt.Sprintf("layer %d: %s", i, strings.Join(names, " "))})
	}
	return testarchive.WriteFile(t, "crafted.tar", testarchive.Legacy(t, im))
}

// TestEngineCraftedImage: an image made of hand-written layers (opaque
// directory, deleted tree, file→dir, dir→symlink, hardlinks, a recopy) is
// loaded with `docker load`; lx through the engine gives the expected
// markers and waste, and the same report as the archive itself, on each
// engine.
func TestEngineCraftedImage(t *testing.T) {
	testengine.Each(t, testCraftedImage)
}

func testCraftedImage(t *testing.T, e testengine.Engine) {
	host := e.Host
	const tag = "lx-crafted/types:latest"
	layers := [][]testarchive.Entry{
		{ // 0: the base
			dir("a/"), file("a/x", 100, 'x'), file("a/y", 200, 'y'),
			dir("b/"), dir("b/sub/"), file("b/sub/f", 300, 'f'),
			file("c", 400, 'c'),
			dir("d/"), file("d/g", 500, 'g'),
			file("h1", 600, 'h'),
			dir("keep/"), file("keep/k", 10, 'k'),
		},
		{dir("a/"), testarchive.Opaque("a"), file("a/new", 50, 'n')}, // 1: opaque directory
		{testarchive.Whiteout("b")},                                  // 2: a deleted tree
		{dir("c/"), file("c/inner", 20, 'i')},                        // 3: file → directory
		{testarchive.Symlink("d", "keep")},                           // 4: directory → symlink
		{ // 5: hardlinks, and h1 again with the same bytes, another mode
			file("h3", 700, '3'), testarchive.Hardlink("h4", "h3"),
			testarchive.File("h1", 0o755, strings.Repeat("h", 600)),
		},
		{testarchive.Whiteout("h3")}, // 6: one name of the hardlinked file goes
	}
	archive := craftArchive(t, tag, nil, layers)
	dockerCLI(t, host, "load", "-i", archive)
	t.Cleanup(func() { exec.Command("docker", "-H", host, "rmi", "-f", tag).Run() })

	raw, r := engineReport(t, host, tag)
	wantRaw, _ := jsonReport(t, archive)
	sameReport(t, "through the engine vs the crafted archive", wantRaw, raw)

	wantMarks := []map[string]string{
		1: {"/a": "C", "/a/new": "A", "/a/x": "D", "/a/y": "D"}, // /a listed again: C, metadata only
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
// from a docker save of it: manifest.json names it in both the legacy
// layout and the OCI layout that the containerd image store saves.
func busyboxLayer(t *testing.T, host string) []byte {
	t.Helper()
	p := filepath.Join(t.TempDir(), "busybox.tar")
	dockerCLI(t, host, "save", "-o", p, "busybox:latest")
	files, _ := tarFiles(t, p)
	var manifest []struct{ Layers []string }
	if err := json.Unmarshal(files["manifest.json"], &manifest); err != nil {
		t.Fatalf("the save of busybox:latest: manifest.json: %v", err)
	}
	if len(manifest) != 1 || len(manifest[0].Layers) != 1 {
		t.Fatalf("the save of busybox:latest is not one image of one layer: %+v", manifest)
	}
	layer, ok := files[manifest[0].Layers[0]]
	if !ok {
		t.Fatalf("the save of busybox:latest has no %s", manifest[0].Layers[0])
	}
	return layer
}
