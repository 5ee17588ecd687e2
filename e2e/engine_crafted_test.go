package e2e

// Hand-written images loaded into the test engine with docker load: opaque
// directories, deleted trees, type changes and hardlinks, checked against
// lx and against docker diff.

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"lx.dev/lx/internal/testengine"
)

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
