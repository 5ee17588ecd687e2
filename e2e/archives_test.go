package e2e

// Archives other tools write, in the shapes that once failed, made here
// with internal/testarchive and read by the real binary.

import (
	"path/filepath"
	"strings"
	"testing"

	"lx.dev/lx/internal/testarchive"
)

// reportFails runs lx report on an archive that cannot be read: exit 2,
// one line on stderr naming the archive and saying want, no report.
func reportFails(t *testing.T, archive, want string) {
	t.Helper()
	res := runLX(t, filepath.Dir(archive), "report", "--format", "json", archive)
	msg := string(res.stderr)
	if res.code != 2 || len(res.stdout) != 0 {
		t.Errorf("%s: exit %d, %d bytes on stdout; want exit 2 and no report", filepath.Base(archive), res.code, len(res.stdout))
	}
	if strings.Count(msg, "\n") != 1 || !strings.HasPrefix(msg, "lx: ") || !strings.Contains(msg, archive+": "+want) {
		t.Errorf("%s: stderr %q; want one line naming the archive and saying %q", filepath.Base(archive), msg, want)
	}
}

// TestE2EManifestListsNoImage: a manifest.json that is null or empty, an
// index.json with no manifests, in a plain archive (read seeking) and a
// compressed one (read as a stream).
func TestE2EManifestListsNoImage(t *testing.T) {
	legacy := testarchive.Legacy(t) // manifest.json is null
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"null", legacy, "manifest.json lists no image"},
		{"empty", testarchive.Rewritten(t, legacy, testarchive.Replace("manifest.json", []byte("[]"))), "manifest.json lists no image"},
		{"no-manifests", testarchive.OCI(t, testarchive.OCIOptions{}), "index.json lists no image"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			reportFails(t, testarchive.WriteFile(t, c.name+".tar", c.data), c.want)
			reportFails(t, testarchive.WriteFile(t, c.name+".tar.zst", testarchive.Compressed(t, c.data, testarchive.Zstd)), c.want)
		})
	}
}
