package model

import (
	"reflect"
	"testing"
)

// The seed's /data/one: added by layer 2, recopied by the chmod of layer 3
// (mode 0644→0777), deleted by layer 6; both copies wasted.
func TestHistorySeed(t *testing.T) {
	img := build(t, seedLayers())
	h := img.History(mustNode(t, img, "data/one"))
	type line struct {
		layer  int
		marker Marker
		change PathChange
		cause  DeleteCause
		bytes  int64
		fate   Cause // 0 when live or no copy
	}
	var got []line
	for _, e := range h {
		l := line{layer: e.Layer, marker: e.Marker, change: e.Change, cause: e.DeletedBy, bytes: e.Bytes}
		l.fate = e.Cause
		got = append(got, l)
	}
	want := []line{
		{layer: 2, marker: Added, bytes: mib, fate: Recopied},
		{layer: 3, marker: Changed, change: PathChange{Meta: chmod(0o644, 0o777)}, bytes: mib, fate: Removed},
		{layer: 6, marker: Deleted, cause: ByWhiteout},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("history of /data/one:\n%+v\nwant\n%+v", got, want)
	}
	// /data: added, touched by the writes inside it, its mode changed.
	var marks []string
	for _, e := range img.History(mustNode(t, img, "data")) {
		marks = append(marks, e.Marker.String())
	}
	if want := []string{"A", "c", "C", "c", "c", "c"}; !reflect.DeepEqual(marks, want) {
		t.Errorf("history of /data: %v, want %v", marks, want)
	}
}

func TestHistoryKindsOfChange(t *testing.T) {
	img := build(t, layers(
		[]Entry{blob("f", 0o644, 10, 1), sym("l", "a"), dir("d", 0o755), blob("d/x", 0o644, 5, 7)},
		[]Entry{blob("f", 0o644, 12, 2), sym("l", "b"), blob("d", 0o644, 3, 3)},
		[]Entry{wh("f")},
		[]Entry{blob("f", 0o644, 12, 2)},
	))
	f := img.History(mustNode(t, img, "f"))
	if len(f) != 4 || !f[1].Change.Content || !f[1].Copy || f[1].Cause != Removed || !f[3].CameBack || !f[3].Copy || f[3].Cause != 0 {
		t.Errorf("history of f: %+v", f)
	}
	if l := img.History(mustNode(t, img, "l")); len(l) != 2 || !l[1].Change.Link || l[1].Change.Content {
		t.Errorf("history of l: %+v", l)
	}
	x := img.History(mustNode(t, img, "d/x"))
	if len(x) != 2 || x[1].Marker != Deleted || x[1].DeletedBy != ByParentReplaced || x[1].Layer != 1 {
		t.Errorf("history of d/x: %+v", x)
	}
	if d := img.History(mustNode(t, img, "d")); len(d) != 2 || !d[1].Change.Kind {
		t.Errorf("history of d: %+v", d)
	}
}
