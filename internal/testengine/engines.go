package testengine

import "testing"

// Engine is one of the private engines the test command starts.
type Engine struct {
	// Name names the engine in subtests: "classic" (Docker 20.10, its own
	// image store on vfs) or "containerd" (Docker 26, the containerd image
	// store on the native snapshotter).
	Name string
	Host string // unix://… of its socket
	// Containerd tells the containerd image store: image IDs are manifest
	// digests, saves are OCI layouts, errors are containerd's words.
	Containerd bool
	env        string
}

// Engines are the engines the engine tests run against, in order. Their
// hosts are not read yet: Each and Need do that inside a subtest.
func Engines() []Engine {
	return []Engine{
		{Name: "classic", env: EnvHost},
		{Name: "containerd", Containerd: true, env: EnvHostContainerd},
	}
}

// Need returns e with its host, skipping or failing the test (in CI) when
// the test command did not start it.
func (e Engine) Need(t testing.TB) Engine {
	t.Helper()
	what := "a private Docker Engine"
	if e.Containerd {
		what = "the private Docker Engine on the containerd image store"
	}
	e.Host = need(t, e.env, what)
	return e
}

// Each runs fn as one subtest per engine, named by the engine. An engine
// the test command did not start skips its subtest, except in CI, where it
// fails.
func Each(t *testing.T, fn func(t *testing.T, e Engine)) {
	t.Helper()
	for _, e := range Engines() {
		t.Run(e.Name, func(t *testing.T) {
			fn(t, e.Need(t))
		})
	}
}

// Containerd is the engine on the containerd image store, for the tests of
// what only it does.
func Containerd(t testing.TB) Engine {
	t.Helper()
	return Engines()[1].Need(t)
}
