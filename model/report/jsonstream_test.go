package report

import (
	"bytes"
	"encoding/json"
	"testing"
)

// marshalled is w as encoding/json writes a waste line.
func marshalled(t *testing.T, w WasteReport) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(w); err != nil {
		t.Fatal(err)
	}
	return string(bytes.TrimRight(buf.Bytes(), "\n"))
}

// FuzzWasteLine holds a waste line written without reflection to what
// encoding/json writes.
func FuzzWasteLine(f *testing.F) {
	f.Add("/a/b.txt", int64(1), "recopied", 0, 1, "mode 0644→0777", 2, true, int64(3), true)
	f.Add(`/q"\x\\<&>`+"\x00\x1f\x7f\u2028\u2029\xff é", int64(-5), "removed", -1, 7, "", 0, false, int64(0), false)
	f.Fuzz(func(t *testing.T, path string, size int64, cause string, made, killed int, changed string, ret int, hasRet bool, pull int64, hasPull bool) {
		w := WasteReport{Path: path, Bytes: size, Cause: cause, MadeBy: made, KilledBy: killed, Changed: changed}
		if hasRet {
			w.ReturnedIn = &ret
		}
		if hasPull {
			w.PullCostEstimate = &pull
		}
		if got, want := string(w.appendJSON(nil)), marshalled(t, w); got != want {
			t.Fatalf("got  %s\nwant %s", got, want)
		}
	})
}
