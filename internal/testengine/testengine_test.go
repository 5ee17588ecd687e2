package testengine

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeTB records how a helper ended the test. Skip and Fatal stop the
// helper the way the real ones do (they never return), here by a panic that
// run recovers.
type fakeTB struct {
	testing.TB
	skipped, failed bool
	msg             string
}

type stopped struct{}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Skip(args ...any) {
	f.skipped, f.msg = true, fmt.Sprint(args...)
	panic(stopped{})
}
func (f *fakeTB) Skipf(format string, args ...any) { f.Skip(fmt.Sprintf(format, args...)) }
func (f *fakeTB) SkipNow()                         { f.Skip() }
func (f *fakeTB) Fatal(args ...any) {
	f.failed, f.msg = true, fmt.Sprint(args...)
	panic(stopped{})
}
func (f *fakeTB) Fatalf(format string, args ...any) { f.Fatal(fmt.Sprintf(format, args...)) }
func (f *fakeTB) FailNow()                          { f.Fatal() }
func (f *fakeTB) Errorf(format string, args ...any) { f.Fatalf(format, args...) }

// run calls fn with a fake TB and returns it, with what fn returned.
func run(fn func(testing.TB) string) (f *fakeTB, got string) {
	f = &fakeTB{}
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(stopped); !ok {
				panic(r)
			}
		}
	}()
	got = fn(f)
	return f, got
}

func TestSkipOrFail(t *testing.T) {
	helpers := map[string]func(testing.TB) string{
		"Fixtures": Fixtures,
		"Host":     Host,
		"Archive":  func(tb testing.TB) string { return Archive(tb, "seed.docker.tar") },
	}
	for name, fn := range helpers {
		for _, tc := range []struct {
			ci          string
			wantSkip    bool
			wantFail    bool
			wantMessage string
		}{
			{ci: "", wantSkip: true, wantMessage: "./scripts/test.sh"},
			{ci: "false", wantSkip: true, wantMessage: "is not set"},
			{ci: "true", wantFail: true, wantMessage: "the Docker Engine tests must run in CI"},
			{ci: "1", wantFail: true, wantMessage: "the Docker Engine tests must run in CI"},
		} {
			t.Run(name+"/CI="+tc.ci, func(t *testing.T) {
				t.Setenv(EnvFixtures, "")
				t.Setenv(EnvHost, "")
				t.Setenv("CI", tc.ci)
				f, got := run(fn)
				if f.skipped != tc.wantSkip || f.failed != tc.wantFail {
					t.Fatalf("skipped=%v failed=%v, want skipped=%v failed=%v (message %q)", f.skipped, f.failed, tc.wantSkip, tc.wantFail, f.msg)
				}
				if !strings.Contains(f.msg, tc.wantMessage) {
					t.Errorf("message %q does not say %q", f.msg, tc.wantMessage)
				}
				if got != "" {
					t.Errorf("returned %q after stopping the test", got)
				}
			})
		}
	}
}

func TestSet(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "seed.docker.tar"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "seed.oci"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "README"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, ci := range []string{"", "true"} {
		t.Setenv("CI", ci)
		t.Setenv(EnvFixtures, dir)
		t.Setenv(EnvHost, "unix:///tmp/lxe.x/docker.sock")
		if f, got := run(Fixtures); f.skipped || f.failed || got != dir {
			t.Errorf("CI=%q: Fixtures = %q (skipped=%v failed=%v %q)", ci, got, f.skipped, f.failed, f.msg)
		}
		if f, got := run(Host); f.skipped || f.failed || got != "unix:///tmp/lxe.x/docker.sock" {
			t.Errorf("CI=%q: Host = %q (skipped=%v failed=%v %q)", ci, got, f.skipped, f.failed, f.msg)
		}
		archive := func(tb testing.TB) string { return Archive(tb, "seed.docker.tar") }
		if f, got := run(archive); f.skipped || f.failed || got != filepath.Join(dir, "seed.docker.tar") {
			t.Errorf("CI=%q: Archive = %q (skipped=%v failed=%v %q)", ci, got, f.skipped, f.failed, f.msg)
		}
		// A missing archive fails even outside CI: the script should have made it.
		missing := func(tb testing.TB) string { return Archive(tb, "seed.nope.tar") }
		if f, _ := run(missing); !f.failed || !strings.Contains(f.msg, "seed.nope.tar") {
			t.Errorf("CI=%q: Archive of a missing fixture: failed=%v %q", ci, f.failed, f.msg)
		}
	}

	var list []Fixture
	f, _ := run(func(tb testing.TB) string { list = List(tb); return "" })
	if f.failed || f.skipped {
		t.Fatalf("List: %q", f.msg)
	}
	want := []Fixture{
		{Image: "seed", Layout: "docker.tar", Path: filepath.Join(dir, "seed.docker.tar")},
		{Image: "seed", Layout: "oci", Path: filepath.Join(dir, "seed.oci")},
	}
	if fmt.Sprint(list) != fmt.Sprint(want) {
		t.Errorf("List = %v, want %v", list, want)
	}
	if list[0].Name() != "seed.docker.tar" {
		t.Errorf("Name = %q", list[0].Name())
	}

	// A fixtures variable naming no directory fails, in or out of CI.
	t.Setenv("CI", "")
	t.Setenv(EnvFixtures, filepath.Join(dir, "nowhere"))
	if f, _ := run(Fixtures); !f.failed {
		t.Errorf("Fixtures with a missing directory: skipped=%v failed=%v", f.skipped, f.failed)
	}
}

// A tool the test command installs skips outside CI, saying how to get it,
// and fails in CI.
func TestTool(t *testing.T) {
	missing := func(tb testing.TB) string { return Tool(tb, "lx-no-such-package", "lx-no-such-tool", "lx-nor-this") }
	for ci, want := range map[string]struct{ skip, fail bool }{"": {skip: true}, "false": {skip: true}, "true": {fail: true}, "1": {fail: true}} {
		t.Setenv("CI", ci)
		f, got := run(missing)
		if f.skipped != want.skip || f.failed != want.fail || got != "" || !strings.Contains(f.msg, "apt-get install lx-no-such-package") {
			t.Errorf("CI=%q: skipped=%v failed=%v %q; want skipped=%v failed=%v and how to install it", ci, f.skipped, f.failed, f.msg, want.skip, want.fail)
		}
	}
	t.Setenv("CI", "true")
	if f, got := run(func(tb testing.TB) string { return Tool(tb, "coreutils", "lx-no-such-tool", "sh") }); f.skipped || f.failed || got == "" {
		t.Errorf("sh: %q (skipped=%v failed=%v %q)", got, f.skipped, f.failed, f.msg)
	}
}
