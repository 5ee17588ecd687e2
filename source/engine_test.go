package source

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/image"

	"lx.dev/lx/internal/testengine"
	"lx.dev/lx/model"
)

// The images ./scripts/test.sh puts on its engine.
var engineImages = []string{
	"busybox:latest",
	"lx-fixture/seed:latest",
	"lx-fixture/waste-mix:latest",
	"lx-fixture/multi-small:latest",
}

func engineFor(t testing.TB, ref, host string) *Engine {
	t.Helper()
	e, err := NewEngine(ref, Options{Engine: EngineOptions{Host: host, NoPull: true}})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestEnginePreviewMatchesConfig: the cheap answer (inspect + history) has
// the exact layer list, and a history that the saved config confirms.
func TestEnginePreviewMatchesConfig(t *testing.T) {
	host := testengine.Host(t)
	for _, ref := range engineImages {
		t.Run(ref, func(t *testing.T) {
			var preview, cfg model.Config
			var previewAt, configAt time.Duration
			start := time.Now()
			img, err := Analyze(context.Background(), engineFor(t, ref, host), func(ev Event) {
				switch ev := ev.(type) {
				case Previewed:
					preview, previewAt = ev.Config, time.Since(start)
				case Configured:
					cfg, configAt = ev.Config, time.Since(start)
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("preview after %v, config after %v", previewAt, configAt)
			if previewAt == 0 || previewAt > configAt {
				t.Errorf("the preview came at %v, the config at %v", previewAt, configAt)
			}
			if strings.Join(preview.DiffIDs, ",") != strings.Join(cfg.DiffIDs, ",") || len(cfg.DiffIDs) == 0 {
				t.Errorf("preview diffIDs %v, config %v", preview.DiffIDs, cfg.DiffIDs)
			}
			if preview.ID != cfg.ID || preview.OS != cfg.OS || preview.Architecture != cfg.Architecture {
				t.Errorf("preview %s %s/%s, config %s %s/%s", preview.ID, preview.OS, preview.Architecture, cfg.ID, cfg.OS, cfg.Architecture)
			}
			if !preview.Created.Equal(cfg.Created) {
				t.Errorf("created: preview %v, config %v", preview.Created, cfg.Created)
			}
			if len(preview.History) != len(cfg.History) {
				t.Fatalf("preview has %d steps, the config %d", len(preview.History), len(cfg.History))
			}
			for i, h := range cfg.History {
				p := preview.History[i]
				if p.CreatedBy != h.CreatedBy || p.EmptyLayer != h.EmptyLayer || p.Created.Unix() != h.Created.Unix() {
					t.Errorf("step %d: preview %q empty %v at %v, config %q empty %v at %v",
						i, p.CreatedBy, p.EmptyLayer, p.Created, h.CreatedBy, h.EmptyLayer, h.Created)
				}
			}
			if img.Config.Ref == "" || len(img.Layers) != len(cfg.DiffIDs) {
				t.Errorf("image %q with %d layers", img.Config.Ref, len(img.Layers))
			}
		})
	}
}

// TestEngineRefForms: a tag, the tag left implicit, full and short IDs and
// the explicit prefix all name the same image.
func TestEngineRefForms(t *testing.T) {
	host := testengine.Host(t)
	e := engineFor(t, "lx-fixture/seed:latest", host)
	want, err := e.Preview(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	hexID := strings.TrimPrefix(want.ID, "sha256:")
	for _, ref := range []string{"lx-fixture/seed", want.ID, hexID, hexID[:12], EnginePrefix + "lx-fixture/seed:latest"} {
		src, err := Open(ref, Options{Engine: EngineOptions{Host: host, NoPull: true}})
		if err != nil {
			t.Fatalf("%s: %v", ref, err)
		}
		eng, ok := src.(*Engine)
		if !ok {
			t.Fatalf("Open(%s) = %T, want the engine", ref, src)
		}
		img, err := Analyze(context.Background(), eng, nil)
		if err != nil {
			t.Fatalf("%s: %v", ref, err)
		}
		if img.Config.ID != want.ID {
			t.Errorf("%s is %s, want %s", ref, img.Config.ID, want.ID)
		}
	}
}

// TestEngineCancel: cancelling while the engine sends nothing more (a
// stalled save) ends the read within a second.
func TestEngineCancel(t *testing.T) {
	p := testengine.StartProxy(t, testengine.Host(t), testengine.Stall, 1<<20)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := Analyze(ctx, engineFor(t, "lx-fixture/seed:latest", p.Host), nil)
		done <- err
	}()
	select {
	case <-p.Broken:
	case err := <-done:
		t.Fatalf("the read ended before the stall: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("the save never reached the stall")
	}
	time.Sleep(100 * time.Millisecond) // let the reader block
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if took := time.Since(start); took > time.Second {
			t.Errorf("the read ended %v after the cancel", took)
		}
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the read did not end within 5 s of the cancel")
	}
}

// TestEngineGoneMidStream: an engine that hangs up in the middle of the
// save is an error, never a partial image.
func TestEngineGoneMidStream(t *testing.T) {
	for _, limit := range []int64{1 << 20, 3<<20 + 777} {
		p := testengine.StartProxy(t, testengine.Host(t), testengine.HangUp, limit)
		img, err := Analyze(context.Background(), engineFor(t, "lx-fixture/seed:latest", p.Host), nil)
		if err == nil || img != nil {
			t.Fatalf("cut at %d: got an image (err %v)", limit, err)
		}
		if !strings.Contains(err.Error(), "broke off") || strings.Contains(err.Error(), "\n") {
			t.Errorf("cut at %d: err = %q, want one line saying the stream broke off", limit, err)
		}
	}
}

func TestEngineNotFound(t *testing.T) {
	host := testengine.Host(t)
	_, err := Analyze(context.Background(), engineFor(t, "lx-none/absent:1", host), nil)
	if err == nil || !strings.Contains(err.Error(), "no image lx-none/absent:1") || !strings.Contains(err.Error(), "--no-pull") {
		t.Errorf("err = %v", err)
	}
	// An ID is never pulled.
	e, err := NewEngine("sha256:"+strings.Repeat("0", 64), Options{Engine: EngineOptions{Host: host}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Preview(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "cannot be pulled") {
		t.Errorf("err = %v", err)
	}
}

// TestOpenChoosesEngine: names that are not files go to the engine; paths
// and archive names keep their "no such file".
func TestOpenChoosesEngine(t *testing.T) {
	opts := Options{Engine: EngineOptions{Host: "unix:///nonexistent.sock"}}
	for _, ref := range []string{"nginx", "nginx:1.27", "registry.example:5000/team/app:v1", "app@sha256:" + strings.Repeat("ab", 32), "1280b51fbd52", "docker-daemon:x.tar"} {
		src, err := Open(ref, opts)
		if err != nil {
			t.Errorf("%s: %v", ref, err)
		} else if _, ok := src.(*Engine); !ok {
			t.Errorf("%s: %T, want the engine", ref, src)
		}
	}
	for _, ref := range []string{"./img.tar", "img.tar", "/no/such/dir", "images/app.tar.zst", "Upper:Case"} {
		if src, err := Open(ref, opts); err == nil {
			t.Errorf("%s: opened %s, want an error", ref, src)
		}
	}
}

func TestMarkEmpty(t *testing.T) {
	step := func(by string, size int64) image.HistoryResponseItem {
		return image.HistoryResponseItem{CreatedBy: by, Size: size}
	}
	for _, tc := range []struct {
		name   string
		steps  []image.HistoryResponseItem
		layers int
		want   string // e for empty, L for a layer
	}{
		{"classic", []image.HistoryResponseItem{
			step("/bin/sh -c #(nop) ADD file:abc in / ", 5000),
			step("/bin/sh -c #(nop)  ENV A=b", 0),
			step("/bin/sh -c mkdir /x", 0),
			step("/bin/sh -c #(nop)  CMD [\"sh\"]", 0),
		}, 2, "LeLe"},
		{"buildkit", []image.HistoryResponseItem{
			step("ADD rootfs.tar / # buildkit", 5000),
			step("WORKDIR /app", 0),
			step("RUN /bin/sh -c true # buildkit", 0),
			step("COPY . . # buildkit", 10),
			step("ENTRYPOINT [\"/app\"]", 0),
		}, 3, "LeLLe"},
		{"a WORKDIR that made a layer", []image.HistoryResponseItem{
			step("ADD x /", 10),
			step("WORKDIR /new", 0),
		}, 2, "LL"},
		{"an empty RUN layer the engine left out", []image.HistoryResponseItem{
			step("ADD x /", 10),
			step("RUN true", 0),
		}, 1, "Le"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got strings.Builder
			for _, e := range markEmpty(tc.steps, tc.layers) {
				if e {
					got.WriteByte('e')
				} else {
					got.WriteByte('L')
				}
			}
			if got.String() != tc.want {
				t.Errorf("got %s, want %s", got.String(), tc.want)
			}
		})
	}
}

// BenchmarkEnginePreview: from nothing to the layer list (resolve the host,
// connect, negotiate, inspect, history).
func BenchmarkEnginePreview(b *testing.B) {
	host := testengine.Host(b)
	for b.Loop() {
		e := engineFor(b, "lx-fixture/multi-small:latest", host)
		if _, err := e.Preview(context.Background(), nil); err != nil {
			b.Fatal(err)
		}
		e.Close()
	}
}
