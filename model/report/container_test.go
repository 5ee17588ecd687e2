package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"lx.dev/lx/model"
)

// containerImage is busybox, an image layer adding a 64 KiB file, and the
// writable layer of a container that rewrote it (same bytes or not),
// deleted an applet and wrote 100 KiB.
func containerImage(t *testing.T, sameBytes bool) *model.Image {
	t.Helper()
	when := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	cfg := model.Config{
		Ref: "container:web", ID: "sha256:abc", OS: "linux", Architecture: "amd64",
		DiffIDs: []string{"sha256:" + strings.Repeat("a", 64), "sha256:" + strings.Repeat("b", 64), ""},
		History: []model.History{{CreatedBy: "/bin/sh -c #(nop) ADD file:busybox in /"}, {CreatedBy: "/bin/sh -c #(nop) COPY file:big64 in /opt/big64"}},
		Container: &model.Container{ID: strings.Repeat("c", 64), Name: "web", Image: "app:1", State: "running", Created: when,
			SizeRw: 167936, SizeRootFs: 2215895},
	}
	// The image's blobs are known (an OCI save): the pull size is theirs.
	cfg.Layers = []model.LayerBlob{{Digest: "sha256:1", CompressedSize: 100}, {Digest: "sha256:2", CompressedSize: 200}}
	digest := uint64(64)
	if !sameBytes {
		digest = 65
	}
	return buildImage(t, cfg, [][]model.Entry{
		{{Path: "bin", Kind: model.KindDir, Mode: 0o755}, {Path: "bin/vi", Kind: model.KindRegular, Mode: 0o755, Size: 1000, Digest: 7}},
		{{Path: "opt", Kind: model.KindDir, Mode: 0o755}, {Path: "opt/big64", Kind: model.KindRegular, Mode: 0o644, Size: 65536, Digest: 64}},
		{
			{Path: "bin", Kind: model.KindDir, Mode: 0o755}, {Path: "bin/vi", Kind: model.KindWhiteout},
			{Path: "opt", Kind: model.KindDir, Mode: 0o755}, {Path: "opt/big64", Kind: model.KindRegular, Mode: 0o644, Size: 65536, Digest: digest},
			{Path: "root", Kind: model.KindDir, Mode: 0o700}, {Path: "root/new100k", Kind: model.KindRegular, Mode: 0o644, Size: 102400, Digest: 100},
		},
	})
}

func TestJSONContainer(t *testing.T) {
	var buf bytes.Buffer
	if err := JSON.Encode(&buf, Build(containerImage(t, true), Options{Changes: true})); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Image struct {
			LayerCount      int              `json:"layerCount"`
			CompressedBytes *int64           `json:"compressedBytes"`
			Container       *json.RawMessage `json:"container"`
		} `json:"image"`
		Layers []map[string]any `json:"layers"`
		Hints  []Hint           `json:"hints"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Image.LayerCount != 3 || doc.Image.Container == nil || doc.Image.CompressedBytes == nil || *doc.Image.CompressedBytes != 300 {
		t.Fatalf("image %+v", doc.Image)
	}
	want := `{"id":"` + strings.Repeat("c", 64) + `","name":"web","image":"app:1","state":"running","created":"2024-05-06T07:08:09Z","sizeBytes":167936,"virtualSizeBytes":2215895}`
	var got bytes.Buffer
	json.Compact(&got, *doc.Image.Container)
	if got.String() != want {
		t.Errorf("image.container\n got %s\nwant %s", got.String(), want)
	}
	w := doc.Layers[2]
	if w["container"] != true || w["command"] != "container web (running)" || w["diffID"] != "" || w["step"] != nil || w["compressedBytes"] != nil {
		t.Errorf("writable layer %v", w)
	}
	for _, l := range doc.Layers[:2] {
		if _, ok := l["container"]; ok {
			t.Errorf("image layer %v has a container field", l)
		}
	}
	changes := map[string]string{}
	for _, c := range w["changes"].([]any) {
		c := c.(map[string]any)
		changes[c["path"].(string)] = c["marker"].(string)
	}
	for p, m := range map[string]string{"/root/new100k": "A", "/opt/big64": "C", "/bin/vi": "D"} {
		if changes[p] != m {
			t.Errorf("%s: marker %q, want %q (changes %v)", p, changes[p], m, changes)
		}
	}
	// An image report has no container.
	buf.Reset()
	JSON.Encode(&buf, Build(seedImage(t), Options{}))
	if strings.Contains(buf.String(), `"container"`) {
		t.Error("an image's report names a container")
	}
}

// Sizes the engine did not give are null, not 0.
func TestJSONContainerSizesUnknown(t *testing.T) {
	img := containerImage(t, true)
	img.Config.Container.SizeRw, img.Config.Container.SizeRootFs = -1, -1
	r := Build(img, Options{})
	if c := r.Image.Container; c.SizeBytes != nil || c.VirtualSizeBytes != nil {
		t.Errorf("sizes %v %v, want null", c.SizeBytes, c.VirtualSizeBytes)
	}
	var buf bytes.Buffer
	Markdown.Encode(&buf, r)
	if !strings.Contains(buf.String(), "size unknown · virtual size unknown") {
		t.Errorf("markdown:\n%s", buf.String())
	}
}

// The container's writes are told as what they cost the container, with
// advice for a container, not for a Dockerfile step.
func TestContainerHints(t *testing.T) {
	for _, tc := range []struct {
		same bool
		want []string
	}{
		{true, []string{
			"`container web (running)` rewrote `/opt/big64` (64.0 KiB) made by `COPY file:big64 in /opt/big64` with the same bytes: the container's layer holds a second copy",
			"`container web (running)` deletes `/bin/vi`, whose bytes its image still holds (from `ADD file:busybox in /`, 1000 B in all)",
		}},
		{false, []string{"`container web (running)` overwrote `/opt/big64` (64.0 KiB) made by `COPY file:big64 in /opt/big64`: the container's layer holds its own copy"}},
	} {
		r := Build(containerImage(t, tc.same), Options{})
		var texts []string
		for _, h := range r.Hints {
			texts = append(texts, h.Text)
			if strings.Contains(h.Advice, "RUN") || strings.Contains(h.Advice, "COPY --") {
				t.Errorf("advice for a container names Dockerfile steps: %q", h.Advice)
			}
		}
		for _, w := range tc.want {
			if !strings.Contains(strings.Join(texts, "\n"), w) {
				t.Errorf("hints lack %q:\n%s", w, strings.Join(texts, "\n"))
			}
		}
		var buf bytes.Buffer
		Markdown.Encode(&buf, r)
		md := buf.String()
		for _, w := range []string{
			"Container `web` (running) of `app:1`, id `" + strings.Repeat("c", 64) + "` · size 164.0 KiB (167,936 bytes) · virtual size 2.1 MiB (2,215,895 bytes)",
			"| 2 | 164.0 KiB (167,936 bytes) | 2 | 1 | 1 |",
			"| `container web (running)` |",
		} {
			if !strings.Contains(md, w) {
				t.Errorf("markdown lacks %q:\n%s", w, md)
			}
		}
		buf.Reset()
		HTML.Encode(&buf, r)
		if !strings.Contains(buf.String(), "container web (running)") || strings.Contains(buf.String(), "RUN container") {
			t.Error("the HTML report does not name the container's layer as it is")
		}
	}
}

// A path's history in the Markdown report names the writable layer by its
// container, not as a RUN step.
func TestMarkdownPathHistoryOfAContainer(t *testing.T) {
	var buf bytes.Buffer
	Markdown.Encode(&buf, Build(containerImage(t, true), Options{Paths: []string{"/opt/big64"}}))
	md := buf.String()
	if !strings.Contains(md, "`container web (running)`") || strings.Contains(md, "RUN container") {
		t.Errorf("the path's history does not name the container's layer as it is:\n%s", md)
	}
}
