// Package testengine hands tests the private Docker Engines and the fixture
// archives that ./scripts/test.sh sets up: the first engine's host in
// LX_DOCKER_HOST, the second's (on the containerd image store) in
// LX_DOCKER_HOST_CONTAINERD, the archives' directory in LX_FIXTURES.
//
// Without them a test is skipped, with a message saying how to get them,
// except in CI (CI=true), where the engine tests must run: there it fails.
package testengine

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The variables ./scripts/test.sh exports.
const (
	EnvFixtures       = "LX_FIXTURES"
	EnvHost           = "LX_DOCKER_HOST"
	EnvHostContainerd = "LX_DOCKER_HOST_CONTAINERD"
)

// Fixtures returns the directory of fixture archives ($LX_FIXTURES).
func Fixtures(t testing.TB) string {
	t.Helper()
	dir := need(t, EnvFixtures, "the fixture archives")
	fi, err := os.Stat(dir)
	if err != nil || !fi.IsDir() {
		t.Fatalf("%s=%s is not a directory of fixture archives: %v", EnvFixtures, dir, err)
	}
	return dir
}

// Host returns the private Docker Engine's address ($LX_DOCKER_HOST), such as
// unix:///tmp/lxe.XXXX/docker.sock.
func Host(t testing.TB) string {
	t.Helper()
	return need(t, EnvHost, "a private Docker Engine")
}

// Archive returns the path of the fixture NAME (as in "seed.docker.tar"),
// failing the test when it is missing.
func Archive(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join(Fixtures(t), name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("fixture %s is missing (./scripts/test.sh makes it): %v", name, err)
	}
	return p
}

// Fixture is one archive (or OCI layout directory) of one fixture image.
type Fixture struct {
	Image  string // the Dockerfile's directory in testdata/dockerfiles: "seed"
	Layout string // how it was saved: "docker.tar", "oci-zstd.tar", "oci" (a directory)...
	Path   string
}

// Name is the fixture's file name: IMAGE.LAYOUT.
func (f Fixture) Name() string { return f.Image + "." + f.Layout }

// List returns every fixture archive, sorted by image then layout.
func List(t testing.TB) []Fixture {
	t.Helper()
	dir := Fixtures(t)
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("reading %s: %v", dir, err)
	}
	var out []Fixture
	for _, e := range ents {
		image, layout, ok := strings.Cut(e.Name(), ".")
		if !ok || image == "" || layout == "" {
			continue
		}
		out = append(out, Fixture{Image: image, Layout: layout, Path: filepath.Join(dir, e.Name())})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Image != out[j].Image {
			return out[i].Image < out[j].Image
		}
		return out[i].Layout < out[j].Layout
	})
	if len(out) == 0 {
		t.Fatalf("%s=%s holds no fixture archives", EnvFixtures, dir)
	}
	return out
}

// InCI tells whether the tests run in CI, where nothing may be skipped for
// want of the engine.
func InCI() bool {
	ci, err := strconv.ParseBool(os.Getenv("CI"))
	return err == nil && ci
}

func need(t testing.TB, key, what string) string {
	t.Helper()
	if v := os.Getenv(key); v != "" {
		return v
	}
	msg := fmt.Sprintf("%s is not set: this test needs %s; ./scripts/test.sh starts a private Docker Engine, builds the fixtures and sets it", key, what)
	if InCI() {
		t.Fatal("the Docker Engine tests must run in CI: " + msg)
	}
	t.Skip(msg)
	return ""
}

// The loopback registries ./scripts/test.sh starts (scripts/lib-registry.sh
// says what they hold).
const (
	EnvRegistry             = "LX_REGISTRY"
	EnvRegistryAuth         = "LX_REGISTRY_AUTH"
	EnvRegistryAuthUser     = "LX_REGISTRY_AUTH_USER"
	EnvRegistryAuthPassword = "LX_REGISTRY_AUTH_PASSWORD"
)

// Registry returns the open loopback registry's "127.0.0.1:PORT", which
// holds every fixture as lx-fixture/NAME:latest.
func Registry(t testing.TB) string {
	t.Helper()
	return need(t, EnvRegistry, "the loopback registry of the fixtures")
}

// RegistryAuth returns the loopback registry behind basic auth, and the
// user and password it takes.
func RegistryAuth(t testing.TB) (addr, user, password string) {
	t.Helper()
	addr = need(t, EnvRegistryAuth, "the loopback registry behind basic auth")
	return addr, need(t, EnvRegistryAuthUser, "its user"), need(t, EnvRegistryAuthPassword, "its password")
}
