package model

import "testing"

func TestChangesBelow(t *testing.T) {
	img := build(t, layers(
		[]Entry{dir("opt", 0o755), dir("opt/app", 0o755), blob("opt/app/old", 0o644, 1, 1), blob("opt/app/keep", 0o644, 1, 2), dir("bin", 0o755)},
		[]Entry{dir("opt", 0o755), dir("opt/app", 0o755), dir("opt/app/lib", 0o755), blob("opt/app/lib/a", 0o644, 1, 3), blob("opt/app/lib/b", 0o644, 1, 4), blob("opt/app/keep", 0o600, 1, 2), wh("opt/app/old")},
	))
	got := img.ChangesBelow(1)
	for path, want := range map[string]Counts{"": {3, 1, 1}, "opt": {3, 1, 1}, "opt/app": {3, 1, 1}, "opt/app/lib": {2, 0, 0}} {
		if c := got[mustNode(t, img, path)]; c != want {
			t.Errorf("below /%s: %+v, want %+v", path, c, want)
		}
	}
	if _, ok := got[mustNode(t, img, "bin")]; ok {
		t.Error("bin holds no change but is counted")
	}
}
