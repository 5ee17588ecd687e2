package model

import "testing"

func TestMarkerString(t *testing.T) {
	for m, want := range map[Marker]string{Unchanged: "", Added: "A", Changed: "C", Deleted: "D", Touched: "c", Touched + 1: "?", 255: "?"} {
		if got := m.String(); got != want {
			t.Errorf("Marker(%d).String() = %q, want %q", m, got, want)
		}
	}
}
