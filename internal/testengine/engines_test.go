package testengine

import (
	"strings"
	"testing"
)

// The second engine is needed like the first: its absence skips outside CI
// and fails in CI, saying which engine is missing.
func TestEngineNeed(t *testing.T) {
	engines := Engines()
	if len(engines) != 2 || engines[0].Name != "classic" || engines[1].Name != "containerd" || !engines[1].Containerd {
		t.Fatalf("Engines() = %+v", engines)
	}
	for _, tc := range []struct {
		ci                 string
		wantSkip, wantFail bool
	}{{ci: "", wantSkip: true}, {ci: "true", wantFail: true}} {
		t.Setenv("CI", tc.ci)
		t.Setenv(EnvHost, "unix:///tmp/lxe.x/docker.sock")
		t.Setenv(EnvHostContainerd, "")
		var got Engine
		f, _ := run(func(tb testing.TB) string { got = Containerd(tb); return got.Host })
		if f.skipped != tc.wantSkip || f.failed != tc.wantFail {
			t.Errorf("CI=%q: skipped=%v failed=%v, want skipped=%v failed=%v (%q)", tc.ci, f.skipped, f.failed, tc.wantSkip, tc.wantFail, f.msg)
		}
		if !strings.Contains(f.msg, EnvHostContainerd) || !strings.Contains(f.msg, "containerd image store") {
			t.Errorf("CI=%q: the message does not name the missing engine: %q", tc.ci, f.msg)
		}
		f, _ = run(func(tb testing.TB) string { got = engines[0].Need(tb); return got.Host })
		if f.skipped || f.failed || got.Host != "unix:///tmp/lxe.x/docker.sock" {
			t.Errorf("CI=%q: the classic engine: %+v (skipped=%v failed=%v %q)", tc.ci, got, f.skipped, f.failed, f.msg)
		}
	}
	t.Setenv(EnvHostContainerd, "unix:///tmp/lxe.x/c/docker.sock")
	if f, host := run(func(tb testing.TB) string { return Containerd(tb).Host }); f.skipped || f.failed || host != "unix:///tmp/lxe.x/c/docker.sock" {
		t.Errorf("Containerd = %q (skipped=%v failed=%v %q)", host, f.skipped, f.failed, f.msg)
	}
}

// Each names its subtests by engine and hands each its host.
func TestEach(t *testing.T) {
	t.Setenv(EnvHost, "unix:///a.sock")
	t.Setenv(EnvHostContainerd, "unix:///b.sock")
	seen := map[string]string{}
	Each(t, func(t *testing.T, e Engine) {
		seen[t.Name()] = e.Host
	})
	if seen["TestEach/classic"] != "unix:///a.sock" || seen["TestEach/containerd"] != "unix:///b.sock" || len(seen) != 2 {
		t.Errorf("subtests: %v", seen)
	}
}
