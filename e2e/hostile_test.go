package e2e

// The hostile corpus (internal/hostile) through the real binary, under a
// watchdog: every case ends within its bound, in exit 0 with the figures
// of the naive reference (reference_test.go), or in exit 2 with one line;
// never a panic, never a hang.

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"lx.dev/lx/internal/hostile"
)

const zerosBomb = "gzip/2GB-of-zeros"

func TestE2EHostile(t *testing.T) {
	bin := lxBinary(t)
	for _, c := range hostile.All() {
		if c.Name == zerosBomb {
			continue // TestE2EHostileZerosBomb: timed against the floor
		}
		t.Run(c.Name, func(t *testing.T) {
			if !c.Big {
				t.Parallel() // the big ones run alone, so their time is theirs
			}
			var ref *refFigures
			if c.Refused == "" {
				f, err := runReference(c.Content())
				if err != nil {
					t.Fatalf("the reference cannot read the case: %v", err)
				}
				ref = &f
			}
			dir := t.TempDir()
			for _, l := range c.SavedAs() {
				p, err := c.Write(dir, l)
				if err != nil {
					t.Fatal(err)
				}
				w := watchBinary(t, c.Bound().Time, bin, "report", "--format", "json", p)
				os.RemoveAll(p)
				checkHostile(t, c, l, w, ref)
			}
		})
	}
}

// checkHostile checks one run of lx report on a case.
func checkHostile(t *testing.T, c hostile.Case, l hostile.Layout, w watched, ref *refFigures) {
	t.Helper()
	t.Logf("%s %s: %s", c.Name, l, outcome(w))
	checkNoPanic(t, w)
	if w.timedOut {
		t.Fatalf("%s: lx did not finish within %v", l, c.Bound().Time)
	}
	if b := c.Bound(); w.elapsed > b.Time || w.maxRSS > b.RSS {
		t.Errorf("%s: %v and %.1f MB, over the bound of %v and %.0f MB", l, w.elapsed.Round(time.Millisecond), mb(w.maxRSS), b.Time, mb(b.RSS))
	}
	if strings.HasPrefix(c.Name, "pair/file-file") && w.elapsed > 2*time.Second {
		t.Errorf("%s: the duplicate file took %v; it must take milliseconds", l, w.elapsed)
	}
	if c.Refused != "" {
		checkErrorLine(t, w)
		if !strings.Contains(string(w.stderr), c.Refused) || len(w.stdout) != 0 {
			t.Errorf("%s: stderr %q, stdout %d bytes; want the error to say %q and no report", l, w.stderr, len(w.stdout), c.Refused)
		}
		return
	}
	if w.code != 0 {
		t.Fatalf("%s: exit %d, want 0: %.500s", l, w.code, w.stderr)
	}
	var r e2eReport
	if err := json.Unmarshal(w.stdout, &r); err != nil {
		t.Fatalf("%s: the report is not JSON: %v", l, err)
	}
	if c.Warning != "" && !strings.Contains(strings.Join(r.Warnings, "\n"), c.Warning) {
		t.Errorf("%s: warnings %q, want one saying %q", l, r.Warnings, c.Warning)
	}
	checkSums(t, &r)
	compareReference(t, l, &r, *ref)
	// The case of the issue, spelled out: the earlier of two entries for
	// one path in one layer ships, and dies by that same layer.
	want := map[string]string{"pair/file-file": "/x 3 overwritten 1 1", "pair/file-file-same": "/x 3 recopied 1 1"}[c.Name]
	if want != "" && !slices.ContainsFunc(r.Waste, func(w e2eWaste) bool {
		return fmt.Sprintf("%s %d %s %d %d", w.Path, w.Bytes, w.Cause, w.MadeBy, w.KilledBy) == want
	}) {
		t.Errorf("%s: the waste %v does not hold %s", l, r.Waste, want)
	}
}

func outcome(w watched) string {
	s := fmt.Sprintf("exit %d in %v, peak RSS %.1f MB", w.code, w.elapsed.Round(time.Millisecond), mb(w.maxRSS))
	if lines := strings.Split(strings.TrimSpace(string(w.stderr)), "\n"); lines[0] != "" {
		s += fmt.Sprintf(", %d stderr lines, first: %.160s", len(lines), lines[0])
	}
	return s
}

// checkSums checks the model's invariants as far as the report shows them.
func checkSums(t *testing.T, r *e2eReport) {
	t.Helper()
	im := r.Image
	var byCause, listed, made, killed int64
	for _, b := range im.WasteByCause {
		byCause += b
	}
	for _, w := range r.Waste {
		listed += w.Bytes
		if w.MadeBy > w.KilledBy {
			t.Errorf("%s made by layer %d, killed by layer %d", w.Path, w.MadeBy, w.KilledBy)
		}
	}
	for _, l := range r.Layers {
		made += l.WastedBytesMade
		killed += l.WastedBytesKilled
	}
	if byCause != im.WastedBytes || listed != im.WastedBytes || made != im.WastedBytes || killed != im.WastedBytes {
		t.Errorf("wasted %d, by cause %d, listed %d, made %d, killed %d: all must be equal", im.WastedBytes, byCause, listed, made, killed)
	}
	if im.WastedBytes < 0 || im.WastedBytes > im.TotalBytes || im.Efficiency < 0 || im.Efficiency > 1 {
		t.Errorf("wasted %d of %d, efficiency %v", im.WastedBytes, im.TotalBytes, im.Efficiency)
	}
}

// compareReference holds lx's figures to the naive reference's.
func compareReference(t *testing.T, l hostile.Layout, r *e2eReport, ref refFigures) {
	t.Helper()
	im := r.Image
	if im.TotalBytes != ref.total || im.WastedBytes != ref.wasted || !reflect.DeepEqual(im.WasteByCause, ref.byCause) {
		t.Errorf("%s: total %d, wasted %d by %v; the reference says %d, %d by %v", l, im.TotalBytes, im.WastedBytes, im.WasteByCause, ref.total, ref.wasted, ref.byCause)
	}
	if len(r.Layers) != len(ref.made) {
		t.Fatalf("%s: %d layers, the reference %d", l, len(r.Layers), len(ref.made))
	}
	for i, lr := range r.Layers {
		if lr.WastedBytesMade != ref.made[i] || lr.WastedBytesKilled != ref.killed[i] || lr.SizeBytes != ref.sizes[i] {
			t.Errorf("%s: layer %d made %d, killed %d, size %d; the reference %d, %d, %d", l, i, lr.WastedBytesMade, lr.WastedBytesKilled, lr.SizeBytes, ref.made[i], ref.killed[i], ref.sizes[i])
		}
	}
	var got []string
	for _, w := range r.Waste {
		got = append(got, fmt.Sprintf("%s %d %s %d %d", w.Path, w.Bytes, w.Cause, w.MadeBy, w.KilledBy))
	}
	want := append([]string{}, ref.waste...)
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s: waste\n  %.3000s\nthe reference:\n  %.3000s", l, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// TestE2EHostileZerosBomb: a 2 MB gzip blob that inflates a 2 GB file of
// zeros costs lx at most 1.5 times what the SHA-256 floor (bench/floor
// -sha256: the outer tar, gunzip, the diffID's SHA-256 and the layer's tar
// headers) costs on the same archive in the same run, best of three runs
// each, alternating, and its memory stays small: it streams. The SHA-256
// floor, not the default xxhash one: on zeros, gunzip and xxhash outrun
// the diffID's SHA-256, which lx cannot skip.
func TestE2EHostileZerosBomb(t *testing.T) {
	bin := lxBinary(t)
	c, _ := hostile.Get(zerosBomb)
	start := time.Now()
	p, err := c.Write(t.TempDir(), hostile.OCI)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(p)
	t.Logf("%s: a %d-byte archive, generated in %v", c.Name, st.Size(), time.Since(start).Round(time.Millisecond))
	floor := filepath.Join(t.TempDir(), "floor")
	if out, err := exec.Command("go", "build", "-o", floor, "../bench/floor").CombinedOutput(); err != nil {
		t.Fatalf("go build bench/floor: %v\n%s", err, out)
	}
	ref, err := runReference(c.Content())
	if err != nil {
		t.Fatal(err)
	}
	var bestLX, bestFloor time.Duration
	for i := range 3 {
		f := watchBinary(t, c.Bound().Time, floor, "-sha256", p)
		if f.code != 0 {
			t.Fatalf("the floor failed: exit %d: %s", f.code, f.stderr)
		}
		w := watchBinary(t, c.Bound().Time, bin, "report", "--format", "json", p)
		checkHostile(t, c, hostile.OCI, w, &ref)
		if t.Failed() {
			return
		}
		t.Logf("run %d: floor %v, lx %v", i+1, f.elapsed.Round(time.Millisecond), w.elapsed.Round(time.Millisecond))
		if i == 0 || f.elapsed < bestFloor {
			bestFloor = f.elapsed
		}
		if i == 0 || w.elapsed < bestLX {
			bestLX = w.elapsed
		}
	}
	ratio := float64(bestLX) / float64(bestFloor)
	t.Logf("best of 3: lx %v, floor %v, ratio %.2f", bestLX.Round(time.Millisecond), bestFloor.Round(time.Millisecond), ratio)
	// The 1.5× target is the benchmark's (scripts/bench.sh, in one quiet
	// run); a test on a shared machine holds only what no noise explains:
	// a bomb inflated rather than streamed takes many times the floor.
	if ratio > 3 {
		t.Errorf("lx took %.2f times the floor on the 2 GB of zeros; a streamed read takes about 1.2", ratio)
	}
}
