package e2e

// End-to-end tests of lx diff: the binary against the private engines
// (both of them) and the fixture archives, its comparison held to the
// engine's own view of each image's filesystem (docker export of a
// container created from it, never started).

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"lx.dev/lx/internal/testengine"
)

// The comparison's JSON, as far as these tests read it.
type e2eDiff struct {
	SchemaVersion int `json:"schemaVersion"`
	A, B          struct {
		Ref         string `json:"ref"`
		ID          string `json:"id"`
		LayerCount  int    `json:"layerCount"`
		TotalBytes  int64  `json:"totalBytes"`
		WastedBytes int64  `json:"wastedBytes"`
		FinalBytes  int64  `json:"finalBytes"`
		Base        *struct {
			Ref    string `json:"ref"`
			Layers int    `json:"layers"`
		} `json:"base"`
		Layers []struct {
			DiffID     string `json:"diffID"`
			OtherIndex *int   `json:"otherIndex"`
		} `json:"layers"`
	}
	SharedLayers []struct {
		DiffID string `json:"diffID"`
		A      int    `json:"a"`
		B      int    `json:"b"`
		Prefix bool   `json:"prefix"`
	} `json:"sharedLayers"`
	CommonPrefix int           `json:"commonPrefix"`
	TotalDelta   int64         `json:"totalDelta"`
	WastedDelta  int64         `json:"wastedDelta"`
	LayerDelta   int           `json:"layerDelta"`
	FinalDelta   int64         `json:"finalDelta"`
	Added        int           `json:"added"`
	Changed      int           `json:"changed"`
	Deleted      int           `json:"deleted"`
	Changes      []e2eDiffPath `json:"changes"`
}

type e2eDiffPath struct {
	Path    string   `json:"path"`
	Marker  string   `json:"marker"`
	Type    string   `json:"type"`
	SizeA   int64    `json:"sizeA"`
	SizeB   int64    `json:"sizeB"`
	Changed []string `json:"changed"`
	Entries int      `json:"entries"`
}

// lxDiff runs lx diff --format json on two images (engine images through
// host) and decodes it; it must succeed.
func lxDiff(t *testing.T, host, a, b string) *e2eDiff {
	t.Helper()
	res := runLXEnv(t, t.TempDir(), engineEnv(t), "diff", "--format", "json", "--no-pull", "--host", host, a, b)
	if res.code != 0 {
		t.Fatalf("lx diff %s %s: exit %d: %s", a, b, res.code, res.stderr)
	}
	var d e2eDiff
	if err := json.Unmarshal(res.stdout, &d); err != nil {
		t.Fatalf("lx diff %s %s: not JSON: %v", a, b, err)
	}
	return &d
}

// The check: busybox against the seed shares 1 layer, shows
// /data/two added and no /data/one; the deltas are the two reports'.
func TestE2EDiffBaseToSeed(t *testing.T) {
	testengine.Each(t, func(t *testing.T, e testengine.Engine) {
		d := lxDiff(t, e.Host, "busybox:latest", "lx-fixture/seed:latest")
		if len(d.SharedLayers) != 1 || !d.SharedLayers[0].Prefix || d.CommonPrefix != 1 {
			t.Errorf("shared layers %+v (prefix %d), want busybox's one layer", d.SharedLayers, d.CommonPrefix)
		}
		var got []string
		for _, c := range d.Changes {
			got = append(got, c.Marker+" "+c.Path)
			if c.Path == "/data/one" {
				t.Errorf("/data/one is listed: %+v", c)
			}
		}
		if strings.Join(got, ", ") != "A /data, A /data/two" {
			t.Errorf("changes %q, want A /data, A /data/two", got)
		}
		_, base := engineReport(t, e.Host, "busybox:latest")
		_, seed := engineReport(t, e.Host, "lx-fixture/seed:latest")
		if d.TotalDelta != seed.Image.TotalBytes-base.Image.TotalBytes || d.WastedDelta != seed.Image.WastedBytes-base.Image.WastedBytes ||
			d.LayerDelta != 6 || d.WastedDelta != 3<<20 {
			t.Errorf("deltas: total %d, wasted %d, layers %d; the reports say %d, %d", d.TotalDelta, d.WastedDelta, d.LayerDelta,
				seed.Image.TotalBytes-base.Image.TotalBytes, seed.Image.WastedBytes-base.Image.WastedBytes)
		}
		if b := d.B.Base; b == nil || b.Ref != "busybox:latest" || b.Layers != 1 {
			t.Errorf("B's base %+v, want busybox:latest, 1 layer", b)
		}
		if d.A.ID != base.Image.ID || d.B.ID != seed.Image.ID {
			t.Errorf("ids %s, %s; the reports say %s, %s", d.A.ID, d.B.ID, base.Image.ID, seed.Image.ID)
		}
	})
}

// Every pair of fixture images, one side read from its archive where one
// is given: lx diff's changes are those of the two filesystems the engine
// exports.
func TestE2EDiffMatchesTheEnginesFilesystems(t *testing.T) {
	pairs := [][2]string{
		{"busybox", "seed"}, {"seed", "app-build"}, {"app-build", "seed"},
		{"waste-mix", "multi-small"}, {"seed.docker.tar", "app-build"}, {"multi-small.oci-zstd.tar", "waste-mix"},
	}
	testengine.Each(t, func(t *testing.T, e testengine.Engine) {
		cli := engineClient(t, e.Host)
		fs := map[string]map[string]fsEntry{}
		exported := func(name string) map[string]fsEntry {
			if fs[name] == nil {
				fs[name] = exportFS(t, cli, engineRef(name))
			}
			return fs[name]
		}
		for _, p := range pairs {
			t.Run(p[0]+"_"+p[1], func(t *testing.T) {
				d := lxDiff(t, e.Host, diffArg(t, p[0]), diffArg(t, p[1]))
				want := refChanges(exported(imageOf(p[0])), exported(imageOf(p[1])))
				if len(want) == 0 {
					t.Fatalf("the engine's exports of %s and %s do not differ: nothing is checked", p[0], p[1])
				}
				got := map[string]string{}
				for _, c := range d.Changes {
					if !exportNoise(c.Path) {
						got[c.Path] = describe(c.Marker, normType(c.Type), c.Changed, c.SizeA, c.SizeB)
					}
				}
				if diff := compareMaps(want, got); diff != "" {
					t.Errorf("lx diff %s %s against the engine's exports:\n%s", p[0], p[1], diff)
				}
				if d.Added+d.Changed+d.Deleted != len(d.Changes) {
					t.Errorf("counts %d+%d+%d, %d changes", d.Added, d.Changed, d.Deleted, len(d.Changes))
				}
			})
		}
	})
}

// The same image from the engine and from its archives in other layouts
// is no difference at all: every layer shared, every delta 0.
func TestE2EDiffSameImageIsEmpty(t *testing.T) {
	testengine.Each(t, func(t *testing.T, e testengine.Engine) {
		for _, b := range []string{"seed.docker.tar", "seed.oci-zstd.tar", "seed.docker25.tar"} {
			d := lxDiff(t, e.Host, "lx-fixture/seed:latest", testengine.Archive(t, b))
			if len(d.Changes) != 0 || d.CommonPrefix != 7 || len(d.SharedLayers) != 7 || d.TotalDelta != 0 || d.WastedDelta != 0 || d.LayerDelta != 0 || d.FinalDelta != 0 {
				t.Errorf("the seed against %s: %d changes, prefix %d, deltas %d %d %d %d", b, len(d.Changes), d.CommonPrefix, d.TotalDelta, d.WastedDelta, d.LayerDelta, d.FinalDelta)
			}
		}
	})
}

// -o writes Markdown and HTML by the file's extension, whole; a missing
// image is one line and exit 2, and no file.
func TestE2EDiffFiles(t *testing.T) {
	host := testengine.Host(t)
	dir := t.TempDir()
	seed := testengine.Archive(t, "seed.docker.tar")
	for name, start := range map[string]string{"d.md": "# lx diff: `lx-fixture/seed:latest` → `lx-fixture/app-build:latest`", "d.html": "<!DOCTYPE html>"} {
		res := runLXEnv(t, dir, engineEnv(t), "diff", "--no-pull", "--host", host, "-o", name, seed, "lx-fixture/app-build:latest")
		b, err := os.ReadFile(filepath.Join(dir, name))
		if res.code != 0 || err != nil || !strings.HasPrefix(string(b), start) || len(res.stdout) != 0 {
			t.Errorf("lx diff -o %s: exit %d (%s), %v, starts %.60q", name, res.code, res.stderr, err, b)
		}
	}
	res := runLXEnv(t, dir, engineEnv(t), "diff", "--no-pull", "--host", host, "-o", "gone.json", seed, "lx-fixture/no-such:latest")
	_, err := os.Stat(filepath.Join(dir, "gone.json"))
	lines := strings.Split(strings.TrimSpace(string(res.stderr)), "\n")
	if res.code != 2 || len(lines) != 1 || !strings.Contains(lines[0], "no-such") || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing image: exit %d, stderr %q, file: %v", res.code, res.stderr, err)
	}
}

// diffArg is a pair's side as lx diff takes it: a fixture archive's path,
// or the engine's image.
func diffArg(t *testing.T, name string) string {
	if strings.Contains(name, ".") {
		return testengine.Archive(t, name)
	}
	return engineRef(name)
}

// imageOf is the fixture image a pair's side is (an archive's too).
func imageOf(name string) string { return strings.SplitN(name, ".", 2)[0] }

func engineRef(name string) string {
	if name == "busybox" {
		return "busybox:latest"
	}
	return "lx-fixture/" + imageOf(name) + ":latest"
}

// fsEntry is one path of a filesystem as docker export writes it.
type fsEntry struct {
	kind      string // dir, file, symlink, char, block, fifo
	mode      int64
	uid, gid  int
	size      int64
	sum, link string
}

// exportFS is image's filesystem as the engine exports it: a container
// created from it (not started, no network), exported, removed.
func exportFS(t *testing.T, cli *client.Client, image string) map[string]fsEntry {
	t.Helper()
	ctx := context.Background()
	c, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{
		Config:     &container.Config{Image: image, Cmd: []string{"/bin/true"}},
		HostConfig: &container.HostConfig{NetworkMode: "none"},
	})
	if err != nil {
		t.Fatalf("creating a container of %s: %v", image, err)
	}
	defer cli.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true})
	rc, err := cli.ContainerExport(ctx, c.ID, client.ContainerExportOptions{})
	if err != nil {
		t.Fatalf("exporting %s: %v", image, err)
	}
	defer rc.Close()
	out := map[string]fsEntry{}
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("reading the export of %s: %v", image, err)
		}
		p := "/" + strings.Trim(strings.TrimPrefix(h.Name, "./"), "/")
		if p == "/" {
			continue
		}
		e := fsEntry{mode: h.Mode & 0o7777, uid: h.Uid, gid: h.Gid}
		switch h.Typeflag {
		case tar.TypeDir:
			e.kind = "dir"
		case tar.TypeReg:
			e.kind, e.size = "file", h.Size
			sum := sha256.New()
			if _, err := io.Copy(sum, tr); err != nil {
				t.Fatal(err)
			}
			e.sum = hex.EncodeToString(sum.Sum(nil))
		case tar.TypeLink:
			target := out["/"+strings.Trim(strings.TrimPrefix(h.Linkname, "./"), "/")]
			e.kind, e.size, e.sum = "file", target.size, target.sum
		case tar.TypeSymlink:
			e.kind, e.link = "symlink", h.Linkname
		case tar.TypeChar:
			e.kind = "char"
		case tar.TypeBlock:
			e.kind = "block"
		case tar.TypeFifo:
			e.kind = "fifo"
		}
		out[p] = e
	}
	return out
}

// exportNoise tells the paths a container has whatever its image: the
// engine's mount points and the files it writes for every container.
func exportNoise(p string) bool {
	for _, d := range []string{"/dev", "/proc", "/sys"} {
		if p == d || strings.HasPrefix(p, d+"/") {
			return true
		}
	}
	switch p {
	case "/.dockerenv", "/etc/hosts", "/etc/hostname", "/etc/resolv.conf", "/etc/mtab":
		return true
	}
	return false
}

// refChanges is what the definitions say differs between two exported
// filesystems: every path B adds, the top of every subtree B lacks, every
// path both hold whose type, bytes, link, mode or owner differ.
func refChanges(a, b map[string]fsEntry) map[string]string {
	out := map[string]string{}
	for p, eb := range b {
		if exportNoise(p) {
			continue
		}
		ea, ok := a[p]
		switch {
		case !ok:
			out[p] = describe("A", eb.kind, nil, 0, eb.size)
		default:
			var what []string
			switch {
			case ea.kind != eb.kind:
				what = []string{"kind"}
			default:
				if ea.kind == "file" && (ea.size != eb.size || ea.sum != eb.sum) {
					what = append(what, "content")
				}
				if ea.link != eb.link {
					what = append(what, "link")
				}
				if ea.mode != eb.mode {
					what = append(what, "mode")
				}
				if ea.uid != eb.uid || ea.gid != eb.gid {
					what = append(what, "owner")
				}
			}
			if len(what) > 0 {
				out[p] = describe("C", eb.kind, what, ea.size, eb.size)
			}
		}
	}
	for p, ea := range a {
		parent := filepath.Dir(p)
		if _, inB := b[p]; inB || exportNoise(p) || (parent != "/" && b[parent].kind != "dir") {
			continue
		}
		out[p] = describe("D", ea.kind, nil, ea.size, 0)
	}
	return out
}

// describe is a change as the tests compare it: marker, type, what
// differs, and a file's sizes (a directory's are not compared).
func describe(marker, kind string, what []string, sizeA, sizeB int64) string {
	s := marker + " " + kind + " " + strings.Join(what, ",")
	if kind == "file" && (len(what) == 0 || what[0] != "kind") {
		s += fmt.Sprintf(" %d→%d", sizeA, sizeB)
	}
	return s
}

func normType(t string) string {
	if t == "hardlink" {
		return "file"
	}
	return t
}

func compareMaps(want, got map[string]string) string {
	var lines []string
	for p, w := range want {
		if got[p] != w {
			lines = append(lines, fmt.Sprintf("  %s: the engine's filesystems say %q, lx %q", p, w, got[p]))
		}
	}
	for p, g := range got {
		if _, ok := want[p]; !ok {
			lines = append(lines, fmt.Sprintf("  %s: lx says %q, the engine's filesystems nothing", p, g))
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}
