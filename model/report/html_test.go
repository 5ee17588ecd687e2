package report

import (
	"bytes"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func seedHTML(t *testing.T) string {
	t.Helper()
	var buf bytes.Buffer
	if err := HTML.Encode(&buf, Build(seedImage(t), Options{Changes: true})); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestHTMLContents(t *testing.T) {
	page := seedHTML(t)
	text := html.UnescapeString(page)
	for _, want := range []string{
		"<title>lx report: seed:latest</title>",
		"3,145,728 bytes",                                              // wasted, exact
		"2.0 MiB (2,097,152 bytes)",                                    // recopied, exact
		"<code>RUN rm /data/one</code> deletes <code>/data/one</code>", // the first fix hint
		"set the mode in the step that creates the file",
		`id="waste-filter"`,
		"prefers-color-scheme: dark",
		"<details>",
		`<td class="marker D">D</td><td class="mono">/data/one</td>`, // the rm layer's change list
		"mode 0644→0777",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the HTML report lacks %q", want)
		}
	}
	if n := strings.Count(page, `<svg class="chart"`); n != 3 {
		t.Errorf("%d charts, want 3 (layers, causes, by layer)", n)
	}
	// Layer 2's bar: 1 MiB made there dies later, so it is all "dead".
	if !strings.Contains(page, "layer 2: 1.0 MiB (1,048,576 bytes) wasted (a later layer kills it)") {
		t.Error("layer 2's wasted bar is missing")
	}
}

// Self-contained: nothing is fetched, no URL of any kind, no external
// reference in src/href, no @import or url().
func TestHTMLFetchesNothing(t *testing.T) {
	page := seedHTML(t)
	for _, re := range []string{`(?i)https?:`, `(?i)\b(src|href)\s*=`, `(?i)@import`, `(?i)url\(`, `//[a-z0-9.-]+\.[a-z]{2,}/`} {
		if m := regexp.MustCompile(re).FindString(page); m != "" {
			t.Errorf("the page refers outside itself: %q matches %s", m, re)
		}
	}
}

func TestHTMLEscapes(t *testing.T) {
	r := Build(seedImage(t), Options{Changes: true})
	r.Image.Ref = `<script>alert(1)</script>`
	r.Waste[0].Path = `/a"><img onerror=x>`
	var buf bytes.Buffer
	if err := EncodeHTML(&buf, r); err != nil {
		t.Fatal(err)
	}
	if s := buf.String(); strings.Contains(s, "<script>alert") || strings.Contains(s, "<img onerror") {
		t.Error("names from the image reach the page unescaped")
	}
}

func TestHTMLChangesCapped(t *testing.T) {
	r := Build(seedImage(t), Options{Changes: true})
	for i := range HTMLChangesPerLayer + 5 {
		r.Layers[0].Changes = append(r.Layers[0].Changes, ChangeReport{Path: "/f" + string(rune('a'+i%26)), Marker: "A", Type: "file"})
	}
	var buf bytes.Buffer
	if err := EncodeHTML(&buf, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "…and 7 more") {
		t.Error("a long change list is not capped with a note")
	}
}

// The page in a real headless Chromium: it renders, its three charts have
// a size, its script ran, and nothing went to the console as an error.
func TestHTMLInChromium(t *testing.T) {
	bin := chromium(t)
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, []byte(seedHTML(t)), 0o644); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(dir, "report.png")
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir=" + filepath.Join(dir, "profile"),
		"--enable-logging=stderr", "--v=0", "--window-size=1200,900"}
	cmd := exec.Command(bin, append(args, "--dump-dom", "file://"+page)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	dom, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	d := regexp.MustCompile(`<body[^>]*>`).FindString(string(dom)) // the script records on <body>
	if !strings.Contains(d, `data-lx-ready="yes"`) {
		t.Errorf("the page's script did not run to its end; stderr:\n%s", stderr.String())
	}
	if !strings.Contains(d, `data-lx-charts="3"`) {
		m := regexp.MustCompile(`data-lx-charts="\d+"`).FindString(d)
		t.Errorf("charts drawn with a size: %s, want 3", m)
	}
	if !strings.Contains(d, `data-lx-label-clash="0"`) {
		t.Errorf("chart labels touch their bars: %s", regexp.MustCompile(`data-lx-label-clash="\d+"`).FindString(d))
	}
	if strings.Contains(d, "data-lx-errors") {
		t.Errorf("script errors: %s", regexp.MustCompile(`data-lx-errors="[^"]*"`).FindString(d))
	}
	for _, line := range strings.Split(stderr.String(), "\n") {
		if strings.Contains(line, "CONSOLE") && (strings.Contains(line, "ERROR") || strings.Contains(line, "Uncaught")) {
			t.Errorf("console error: %s", line)
		}
	}
	cmd = exec.Command(bin, append(args, "--screenshot="+shot, "file://"+page)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium screenshot: %v\n%s", err, out)
	}
	if fi, err := os.Stat(shot); err != nil || fi.Size() < 10_000 {
		t.Errorf("screenshot %s: %v (%d bytes); the page did not render", shot, err, sizeOf(fi))
	}
}

func sizeOf(fi os.FileInfo) int64 {
	if fi == nil {
		return 0
	}
	return fi.Size()
}

// chromium finds Debian's chromium; without it the test skips, except in
// CI, where ./scripts/test.sh installs it and a missing browser fails (the
// rule of testengine.Tool, which a model package's tests do not import).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
		t.Fatal("chromium is not installed (./scripts/test.sh installs it)")
	}
	t.Skip("chromium is not installed; ./scripts/test.sh installs it")
	return ""
}

// The colours of the page tell the causes and the two waste bars apart, in
// the light scheme and the dark one (dark once drew "killed" in the
// "recopied" colour).
func TestHTMLColoursApart(t *testing.T) {
	page := seedHTML(t)
	vars := regexp.MustCompile(`--(removed|recopied|overwritten|dead|killed|live): (#[0-9a-f]{6})`)
	blocks := strings.SplitN(page, "@media (prefers-color-scheme: dark)", 2)
	if len(blocks) != 2 {
		t.Fatal("no dark scheme in the page")
	}
	for i, block := range blocks {
		c := map[string]string{}
		for _, m := range vars.FindAllStringSubmatch(strings.SplitN(block, "}", 2)[0], -1) {
			c[m[1]] = m[2]
		}
		if len(c) != 6 {
			t.Fatalf("scheme %d: colours %v", i, c)
		}
		for _, pair := range [][2]string{{"killed", "recopied"}, {"killed", "dead"}, {"removed", "recopied"}, {"recopied", "overwritten"}, {"removed", "overwritten"}, {"live", "dead"}} {
			if c[pair[0]] == c[pair[1]] {
				t.Errorf("scheme %d: %s and %s share %s", i, pair[0], pair[1], c[pair[0]])
			}
		}
	}
}
