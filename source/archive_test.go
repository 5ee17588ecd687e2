package source

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lx.dev/lx/internal/testarchive"
	"lx.dev/lx/model"
	"lx.dev/lx/model/report"

	"lx.dev/lx/internal/fixture/seed"
)

// seedImage is the seed article's Dockerfile as a vfs-driver daemon saves
// it: a busybox base, then mkdir, dd, chmod, dd, chmod, rm.
func seedImage(t testing.TB) testImage {
	const mib = 1 << 20
	return testImage{
		tag: "seed:latest",
		layers: [][]byte{
			tarOf(t, dirM("bin/", 0o755), fileM("bin/busybox", 0o755, "busybox binary"), testarchive.Symlink("bin/sh", "busybox")),
			tarOf(t, dirM("data/", 0o755)),
			tarOf(t, dirM("data/", 0o755), zerosM("data/one", 0o644, mib)),
			tarOf(t, dirM("data/", 0o777), zerosM("data/one", 0o777, mib)),
			tarOf(t, dirM("data/", 0o777), zerosM("data/two", 0o644, mib)),
			tarOf(t, dirM("data/", 0o777), zerosM("data/two", 0o777, mib)),
			tarOf(t, dirM("data/", 0o777), fileM("data/.wh.one", 0, "")),
		},
		steps: []step{
			{"/bin/sh -c #(nop) ADD file:busybox in / ", true},
			{`/bin/sh -c #(nop)  CMD ["sh"]`, false},
			{"/bin/sh -c mkdir /data", true},
			{"/bin/sh -c dd if=/dev/zero bs=1024 count=1024 of=/data/one", true},
			{"/bin/sh -c chmod -R 0777 /data", true},
			{"/bin/sh -c dd if=/dev/zero bs=1024 count=1024 of=/data/two", true},
			{"/bin/sh -c chmod -R 0777 /data", true},
			{"/bin/sh -c rm /data/one", true},
			{`/bin/sh -c #(nop)  CMD ["/bin/sh" "-c" "ls -alh /data"]`, false},
		},
	}
}

func analyzeRef(t testing.TB, ref string, opts Options) (*model.Image, error) {
	t.Helper()
	src, err := Open(ref, opts)
	if err != nil {
		return nil, err
	}
	return Analyze(context.Background(), src, nil)
}

// figures is the report without what legitimately differs between layouts
// of one image: the ref it was opened as and the shipped blobs.
func figures(t testing.TB, img *model.Image) string {
	t.Helper()
	var doc map[string]any
	b, _ := json.Marshal(report.Build(img, report.Options{Changes: true}))
	json.Unmarshal(b, &doc)
	im := doc["image"].(map[string]any)
	delete(im, "ref")
	delete(im, "compressedBytes")
	delete(im, "wastedPullCostEstimate")
	for _, l := range doc["layers"].([]any) {
		delete(l.(map[string]any), "digest")
		delete(l.(map[string]any), "compressedBytes")
	}
	for _, list := range []string{"waste", "hints"} {
		for _, it := range doc[list].([]any) {
			delete(it.(map[string]any), "pullCostEstimate")
		}
	}
	out, _ := json.MarshalIndent(doc, "", " ")
	return string(out)
}

// layouts writes one image in every shape lx reads.
func layouts(t *testing.T, im testImage) map[string]string {
	return map[string]string{
		"legacy docker save":         testarchive.WriteFile(t, "legacy.tar", legacyArchive(t, im)),
		"docker 25 gzip":             "docker-archive:" + testarchive.WriteFile(t, "d25gz.tar", ociArchive(t, Gzip, true, im)),
		"docker 25 zstd":             testarchive.WriteFile(t, "d25zst.tar", ociArchive(t, Zstd, true, im)),
		"docker 25 plain":            testarchive.WriteFile(t, "d25.tar", ociArchive(t, Plain, true, im)),
		"oci-archive gzip":           "oci-archive:" + testarchive.WriteFile(t, "oci.tar", ociArchive(t, Gzip, false, im)),
		"oci dir zstd":               "oci:" + ociDir(t, Zstd, im),
		"oci dir plain, bare path":   ociDir(t, Plain, im),
		"legacy save gzipped whole":  testarchive.WriteFile(t, "legacy.tar.gz", compressed(t, legacyArchive(t, im), Gzip)),
		"docker 25 zstd, zstd whole": testarchive.WriteFile(t, "d25.tar.zst", compressed(t, ociArchive(t, Zstd, true, im), Zstd)),
	}
}

func TestSeedThroughEveryLayout(t *testing.T) {
	var same agreeing
	for name, ref := range layouts(t, seedImage(t)) {
		t.Run(name, func(t *testing.T) {
			img, err := analyzeRef(t, ref, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(img.Layers) != seed.Layers || len(img.Steps) != seed.Steps {
				t.Fatalf("%d layers, %d steps; want %d and %d", len(img.Layers), len(img.Steps), seed.Layers, seed.Steps)
			}
			if img.WastedBytes != seed.Wasted || img.WasteBy[model.Recopied] != seed.Recopied || img.WasteBy[model.Removed] != seed.Removed {
				t.Errorf("wasted %d by %v; want %d = recopied %d + removed %d", img.WastedBytes, img.WasteBy, seed.Wasted, seed.Recopied, seed.Removed)
			}
			if img.Config.Ref != "seed:latest" {
				t.Errorf("ref %q, want the tag inside the archive", img.Config.Ref)
			}
			same.check(t, name, img)
		})
	}
}

// agreeing checks that images have the figures of the first it was given.
type agreeing struct{ first, name string }

func (a *agreeing) check(t *testing.T, name string, img *model.Image) {
	t.Helper()
	f := figures(t, img)
	if a.first == "" {
		a.first, a.name = f, name
	} else if f != a.first {
		t.Errorf("figures differ from %s:\n%s\nvs\n%s", a.name, f, a.first)
	}
}

// failsNaming checks that an archive's bytes, as a plain file (read
// seeking) and gzip-compressed (read as a stream), fail in one line naming
// the archive and saying want.
func failsNaming(t *testing.T, data []byte, want string) {
	t.Helper()
	for _, p := range []string{
		testarchive.WriteFile(t, "bad.tar", data),
		testarchive.WriteFile(t, "bad.tar.gz", compressed(t, data, Gzip)),
	} {
		_, err := analyzeRef(t, p, Options{})
		if err == nil || !strings.Contains(err.Error(), p+": "+want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v; want one line naming the archive and saying %q", filepath.Base(p), err, want)
		}
	}
}

func TestCompressedSizesKnownOnlyForShippedBlobs(t *testing.T) {
	im := seedImage(t)
	img, err := analyzeRef(t, testarchive.WriteFile(t, "a.tar", ociArchive(t, Gzip, true, im)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range img.Config.Layers {
		if want := int64(len(compressed(t, im.layers[i], Gzip))); l.CompressedSize != want || !strings.HasPrefix(l.Digest, "sha256:") {
			t.Errorf("layer %d blob %+v, want compressed size %d", i, l, want)
		}
	}
	img, err = analyzeRef(t, testarchive.WriteFile(t, "b.tar", legacyArchive(t, im)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if l := img.Config.Layers[0]; l.CompressedSize != -1 {
		t.Errorf("legacy layer blob %+v: a docker save does not know pull sizes", l)
	}
	// An uncompressed blob's size is no pull size: a push compresses it.
	img, err = analyzeRef(t, testarchive.WriteFile(t, "c.tar", ociArchive(t, Plain, true, im)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range img.Config.Layers {
		if l.CompressedSize != -1 || !strings.HasPrefix(l.Digest, "sha256:") {
			t.Errorf("plain layer blob %d %+v: want its digest, and no pull size", i, l)
		}
	}
}

// A layer that appears twice is saved once and linked; both places get it.
func TestRepeatedLayerIsDeliveredTwice(t *testing.T) {
	same := tarOf(t, fileM("a", 0o644, "x"))
	im := testImage{tag: "twice:1", layers: [][]byte{same, tarOf(t, fileM(".wh.a", 0, "")), same}, steps: []step{{"1", true}, {"2", true}, {"3", true}}}
	img, err := analyzeRef(t, testarchive.WriteFile(t, "t.tar", legacyArchive(t, im)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(img.Layers) != 3 || img.Layers[2].Added != 1 {
		t.Fatalf("layers %+v", img.Layers)
	}
}

func twoPlatforms(t *testing.T) (amd, arm testImage) {
	amd = testImage{tag: "multi:1", os: "linux", arch: "amd64", layers: [][]byte{tarOf(t, fileM("amd", 0o644, "a"))}, steps: []step{{"amd", true}}}
	arm = testImage{tag: "multi:1", os: "linux", arch: "arm64", layers: [][]byte{tarOf(t, fileM("arm", 0o644, "b"))}, steps: []step{{"arm", true}}}
	return amd, arm
}

func TestPlatformChoice(t *testing.T) {
	amd, arm := twoPlatforms(t)
	choosesArm(t, testarchive.WriteFile(t, "m.tar", ociArchive(t, Gzip, false, amd, arm)), "linux/amd64 (multi:1), linux/arm64 (multi:1)")
	amd.arch, arm.arch = "ppc64le", "riscv64"
	_, err := analyzeRef(t, testarchive.WriteFile(t, "n.tar", ociArchive(t, Gzip, false, amd, arm)), Options{})
	if err == nil || !strings.Contains(err.Error(), "choose one with --platform") {
		t.Errorf("two foreign platforms, none chosen: %v", err)
	}
}

// choosesArm checks that --platform linux/arm64 reads the image of ref
// that holds the file "arm", and that a platform ref lacks lists the
// choices, want among them. It returns the image read.
func choosesArm(t *testing.T, ref, want string) *model.Image {
	t.Helper()
	img, err := analyzeRef(t, ref, Options{Platform: "linux/arm64"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := img.Lookup("arm"); !ok || img.Config.Architecture != "arm64" {
		t.Errorf("--platform linux/arm64 gave %s %s", img.Config.Ref, img.Config.Architecture)
	}
	_, err = analyzeRef(t, ref, Options{Platform: "linux/s390x"})
	if err == nil || !strings.Contains(err.Error(), "the archive holds: "+want) {
		t.Errorf("unknown platform: %v; want the choices listed: %s", err, want)
	}
	return img
}

func TestTagChoice(t *testing.T) {
	a := testImage{tag: "one:latest", layers: [][]byte{tarOf(t, fileM("one", 0o644, "1"))}, steps: []step{{"1", true}}}
	b := testImage{tag: "registry.local/two:v2", layers: [][]byte{tarOf(t, fileM("two", 0o644, "2"))}, steps: []step{{"2", true}}}
	p := testarchive.WriteFile(t, "ab.tar", legacyArchive(t, a, b))
	if _, err := analyzeRef(t, p, Options{}); err == nil || !strings.Contains(err.Error(), "one:latest") || !strings.Contains(err.Error(), "registry.local/two:v2") {
		t.Errorf("no tag: %v; want the tags listed", err)
	}
	img, err := analyzeRef(t, "docker-archive:"+p+":registry.local/two:v2", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := img.Lookup("two"); !ok {
		t.Error("tag two chose the wrong image")
	}
	img, err = analyzeRef(t, p, Options{Tag: "one"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := img.Lookup("one"); !ok || img.Config.Ref != "one:latest" {
		t.Error("tag one chose the wrong image")
	}
}

func TestBadArchives(t *testing.T) {
	seed := seedImage(t)
	legacy := legacyArchive(t, seed)
	d25 := ociArchive(t, Gzip, true, seed)

	missing := renameMember(t, legacy, "manifest.json", "manifest.old")
	// The config claims another diffID for layer 2 than its bytes give.
	lie := bytes.Replace(legacy, []byte(digestOf(seed.layers[2])), []byte("sha256:"+strings.Repeat("0", 64)), 1)

	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"truncated in a layer", legacy[:len(legacy)/2], "truncated"},
		{"cut before manifest", legacy[:len(legacy)-4096], ""},
		{"empty file", nil, "empty archive"},
		{"not a tar", []byte(strings.Repeat("hello ", 200)), "not a tar file, so not an image archive"},
		{"short text", []byte("FROM busybox\n"), "not a tar file, so not an image archive"},
		{"short gzip", compressed(t, legacy, Gzip)[:40], "truncated"},
		{"no manifest", missing, "no manifest.json or index.json"},
		{"gzip corrupt", corruptMiddle(d25), ""},
		{"diffID lie", lie, "diffID mismatch"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := analyzeRef(t, testarchive.WriteFile(t, "bad.tar", c.data), Options{})
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "bad.tar") || strings.Contains(err.Error(), "\n") {
				t.Errorf("err = %q; want one line naming bad.tar, containing %q", err, c.want)
			}
		})
	}
}

// renameMember rewrites an archive with one member renamed.
func renameMember(t testing.TB, archive []byte, from, to string) []byte {
	return testarchive.Rewritten(t, archive, func(e testarchive.Edit) testarchive.Edit {
		if e.Name == from {
			e.Name = to
		}
		return e
	})
}

func corruptMiddle(b []byte) []byte {
	c := append([]byte{}, b...)
	for i := len(c) / 3; i < len(c)/3+64; i++ {
		c[i] ^= 0x5a
	}
	return c
}

func TestDiffIDMismatchAndMissingBlob(t *testing.T) {
	seed := seedImage(t)
	dir := ociDir(t, Gzip, seed)
	// Replace a layer blob's bytes with another valid layer's.
	var layerBlob string
	filepath.Walk(filepath.Join(dir, "blobs"), func(p string, fi os.FileInfo, err error) error {
		if fi.Mode().IsRegular() && fi.Size() > 1000 && layerBlob == "" {
			layerBlob = p
		}
		return nil
	})
	os.WriteFile(layerBlob, compressed(t, tarOf(t, fileM("intruder", 0o644, "x")), Gzip), 0o644)
	_, err := analyzeRef(t, dir, Options{})
	if err == nil || !strings.Contains(err.Error(), "diffID mismatch") || !strings.Contains(err.Error(), filepath.Base(layerBlob)) {
		t.Errorf("swapped blob: %v", err)
	}
	os.Remove(layerBlob)
	_, err = analyzeRef(t, dir, Options{})
	if err == nil || !strings.Contains(err.Error(), "not in the directory") {
		t.Errorf("missing blob: %v", err)
	}

	// In a stream: a manifest naming a layer member that is not there.
	legacy := legacyArchive(t, seed)
	var ms []map[string]any
	scan, _ := scanArchive(context.Background(), bytes.NewReader(legacy), nil, nil)
	json.Unmarshal(scan.files["manifest.json"], &ms)
	first := ms[0]["Layers"].([]any)[1].(string)
	broken := renameMember(t, legacy, first, first+".old")
	_, err = analyzeRef(t, testarchive.WriteFile(t, "m.tar", broken), Options{})
	if err == nil || !strings.Contains(err.Error(), "not in the archive") {
		t.Errorf("missing member: %v", err)
	}
}

// A legacy docker save names no platform in manifest.json: each config
// does, and --platform chooses by it.
func TestLegacyPlatformFromConfig(t *testing.T) {
	amd, arm := twoPlatforms(t)
	arm.tag = "multi:arm"
	one := testarchive.WriteFile(t, "one.tar", legacyArchive(t, amd))
	img, err := analyzeRef(t, one, Options{Platform: "linux/amd64"})
	if err != nil {
		t.Fatalf("--platform linux/amd64 on a linux/amd64 legacy save: %v", err)
	}
	if img.Config.Architecture != "amd64" {
		t.Errorf("architecture %q", img.Config.Architecture)
	}
	_, err = analyzeRef(t, one, Options{Platform: "linux/arm64"})
	if err == nil || !strings.Contains(err.Error(), "the archive holds: linux/amd64 (multi:1)") {
		t.Errorf("--platform linux/arm64: %v; want the choices with their platform", err)
	}

	both := testarchive.WriteFile(t, "both.tar", legacyArchive(t, amd, arm))
	img, err = analyzeRef(t, both, Options{Platform: "linux/arm64"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := img.Lookup("arm"); !ok {
		t.Error("--platform linux/arm64 chose the amd64 image")
	}

	// Two images of one platform: --platform cannot tell them apart, a tag can.
	amd2 := amd
	amd2.tag, amd2.layers = "other:1", [][]byte{tarOf(t, fileM("other", 0o644, "c"))}
	_, err = analyzeRef(t, testarchive.WriteFile(t, "same.tar", legacyArchive(t, amd, amd2)), Options{Platform: "linux/amd64"})
	if err == nil || !strings.Contains(err.Error(), "choose one by its tag") || strings.Contains(err.Error(), "--platform") ||
		!strings.Contains(err.Error(), "linux/amd64 (multi:1), linux/amd64 (other:1)") {
		t.Errorf("two linux/amd64 images: %v; want a tag asked for, not --platform", err)
	}
}

// An image whose config names no platform is listed without an empty "/".
func TestUnknownPlatformListed(t *testing.T) {
	c := candidate{ref: "app:1", config: "c.json"}
	if got := c.describe(); got != "app:1 (platform unknown)" {
		t.Errorf("describe = %q", got)
	}
	c.ref = ""
	if got := c.describe(); got != "untagged image c.json, platform unknown" {
		t.Errorf("describe = %q", got)
	}
}

// An index entry that points at a nested index names the image: the names
// the nested index gives its manifests do not replace it.
func TestNestedIndexOuterTagNamesImage(t *testing.T) {
	amd, arm := twoPlatforms(t)
	amd.tag, arm.tag = "inner:1", "inner:1"
	p := testarchive.WriteFile(t, "nested.tar", testarchive.OCI(t, testarchive.OCIOptions{Comp: testarchive.Gzip, Nest: "multi:1"}, archived([]testImage{amd, arm})...))
	if img := choosesArm(t, "oci-archive:"+p+":multi:1", "linux/amd64 (multi:1), linux/arm64 (multi:1)"); img.Config.Ref != "multi:1" {
		t.Errorf("ref %q; want the outer tag", img.Config.Ref)
	}
}

// An archive whose manifest lists no image says so, naming the member,
// through the seekable reader (a plain file), the streaming one (a
// compressed archive) and a layout directory.
func TestManifestListsNoImage(t *testing.T) {
	legacy := testarchive.Legacy(t) // manifest.json is null
	empty := testarchive.Rewritten(t, legacy, testarchive.Replace("manifest.json", []byte("[]\n")))
	spaced := testarchive.Rewritten(t, legacy, testarchive.Replace("manifest.json", []byte(" null\n")))
	oci := testarchive.OCI(t, testarchive.OCIOptions{})                                           // index.json lists no manifest
	d25 := testarchive.OCI(t, testarchive.OCIOptions{Docker: true})                               // neither does manifest.json
	nullIndex := testarchive.Rewritten(t, oci, testarchive.Replace("index.json", []byte("null"))) // an index that is null
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"manifest.json null", legacy, "manifest.json lists no image"},
		{"manifest.json null, spaced", spaced, "manifest.json lists no image"},
		{"manifest.json []", empty, "manifest.json lists no image"},
		{"index.json, no manifests", oci, "index.json lists no image"},
		{"index.json null", nullIndex, "index.json lists no image"},
		{"docker 25, no image", d25, "manifest.json lists no image"},
		{"manifest.json {}", testarchive.Rewritten(t, legacy, testarchive.Replace("manifest.json", []byte("{}"))), "manifest.json: invalid JSON: the document is an object, not an array"},
		{"index.json []", testarchive.Rewritten(t, oci, testarchive.Replace("index.json", []byte("[]"))), "index.json: invalid JSON: the document is an array, not an object"},
	} {
		t.Run(c.name, func(t *testing.T) { failsNaming(t, c.data, c.want) })
	}
	dir := ociDir(t, Plain)
	if _, err := analyzeRef(t, dir, Options{}); err == nil || !strings.Contains(err.Error(), dir+": index.json lists no image") {
		t.Errorf("a layout directory: %v; want it named, and index.json", err)
	}
}

// A manifest that is no JSON at all is named, whichever reader finds it.
func TestManifestNotJSONNamed(t *testing.T) {
	garbage := testarchive.Rewritten(t, legacyArchive(t, seedImage(t)), testarchive.Replace("manifest.json", []byte("garbage, not a manifest")))
	failsNaming(t, garbage, "manifest.json")
}

// Kaniko writes a directory named "/" for the root in every layer. A
// compressed archive decodes every blob as it streams past, so such a
// layer of another image is read too: it must not fail the one chosen.
func TestKanikoRootInAnotherImage(t *testing.T) {
	kaniko := testImage{tag: "kaniko:1", layers: [][]byte{tarOf(t, dirM("/", 0o755), fileM("app", 0o644, "k"))}, steps: []step{{"kaniko", true}}}
	other := testImage{tag: "other:1", layers: [][]byte{tarOf(t, fileM("other", 0o644, "o"))}, steps: []step{{"other", true}}}
	p := testarchive.WriteFile(t, "both.tar.zst", compressed(t, ociArchive(t, Gzip, true, kaniko, other), Zstd))
	for tag, file := range map[string]string{"other:1": "other", "kaniko:1": "app"} {
		img, err := analyzeRef(t, p, Options{Tag: tag})
		if err != nil {
			t.Fatalf("%s: %v", tag, err)
		}
		if _, ok := img.Lookup(file); !ok || len(img.Warnings) != 0 {
			t.Errorf("%s: no %s, or warnings %q", tag, file, img.Warnings)
		}
	}
}
