package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

func TestExportWritesAndNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	a := newTestApp(t, true, 140, 36)
	loaded(t, a, seed(t))
	first := "lx-report-seed-latest-2025-03-04.md"
	keys(a, "e enter")
	if !strings.Contains(dialogText(a), "Wrote"+strings.ReplaceAll(filepath.Join(dir, first), " ", "")) {
		t.Fatalf("no report written:\n%s", screen(a))
	}
	md, err := os.ReadFile(first)
	if err != nil || !strings.Contains(string(md), "3,145,728") {
		t.Fatalf("report: %v\n%s", err, md)
	}

	keys(a, "esc e")
	if !strings.Contains(screen(a), "lx-report-seed-latest-2025-03-04-2.md") {
		t.Fatalf("the default path is not fresh:\n%s", screen(a))
	}
	os.WriteFile(first, []byte("keep me"), 0o644)
	keys(a, "ctrl+u")
	typeText(a, first)
	keys(a, "enter")
	if !strings.Contains(screen(a), "exists. Overwrite it? y/n") {
		t.Fatalf("no question before overwriting:\n%s", screen(a))
	}
	keys(a, "n")
	if b, _ := os.ReadFile(first); string(b) != "keep me" || a.overlays[0].Overlay.(*exportDialog).state != exportEditing {
		t.Fatal("the file was overwritten after no, or the dialog did not return to editing")
	}
	keys(a, "enter y")
	if b, _ := os.ReadFile(first); !strings.Contains(string(b), "3,145,728") {
		t.Fatalf("the file was not overwritten after yes: %q", b)
	}
}

func TestExportFormatsAndErrors(t *testing.T) {
	t.Chdir(t.TempDir())
	a := newTestApp(t, true, 140, 36)
	loaded(t, a, seed(t))
	keys(a, "e")
	if s := screen(a); !(strings.Index(s, "(•) markdown") < strings.Index(s, "( ) json") && strings.Index(s, "( ) json") < strings.Index(s, "( ) html")) {
		t.Fatalf("the preselected format is not listed first:\n%s", screen(a))
	}
	keys(a, "tab")
	if !strings.Contains(screen(a), "(•) json") || !strings.Contains(screen(a), "lx-report-seed-latest-2025-03-04.json") {
		t.Fatalf("tab does not change the format and the path's extension:\n%s", screen(a))
	}
	keys(a, "shift+tab shift+tab")
	if !strings.Contains(screen(a), "(•) html") || !strings.Contains(screen(a), "lx-report-seed-latest-2025-03-04.html") {
		t.Fatalf("shift+tab twice does not give html:\n%s", screen(a))
	}
	keys(a, "ctrl+u")
	typeText(a, "no/such/dir/r.json")
	keys(a, "enter")
	if !strings.Contains(screen(a), "cannot write no/such/dir/r.json") {
		t.Fatalf("the error is not in the dialog:\n%s", screen(a))
	}
	if _, err := os.Stat("no"); err == nil {
		t.Fatal("a directory was made")
	}
}

// dialogText is the topmost overlay's text with its frame and line
// breaks taken out, so wrapped lines read as one.
func dialogText(a *App) string {
	if len(a.overlays) == 0 {
		return ""
	}
	var b strings.Builder
	for _, l := range strings.Split(ansi.Strip(a.overlays[len(a.overlays)-1].View()), "\n") {
		b.WriteString(strings.TrimSpace(strings.Trim(l, "│")))
	}
	return strings.Join(strings.Fields(b.String()), "")
}

// A path pasted into the export dialog is where the report goes.
func TestPasteIntoExportPath(t *testing.T) {
	dir := t.TempDir()
	a := newTestApp(t, true, 140, 36)
	loaded(t, a, seed(t))
	keys(a, "e ctrl+u")
	send(a, tea.PasteMsg{Content: filepath.Join(dir, "pasted.md")})
	keys(a, "enter")
	if b, err := os.ReadFile(filepath.Join(dir, "pasted.md")); err != nil || !strings.Contains(string(b), "3,145,728") {
		t.Fatalf("the pasted path was not written: %v %q", err, b)
	}
}

// The format and the name never disagree: a typed extension chooses the
// format, and switching the format renames the extension. (Typing
// demo.html, then choosing json, used to write JSON into demo.html.)
func TestExportNameAndFormatAgree(t *testing.T) {
	t.Chdir(t.TempDir())
	a := newTestApp(t, true, 140, 36)
	loaded(t, a, seed(t))
	keys(a, "e ctrl+u")
	typeText(a, "demo.html")
	if !strings.Contains(screen(a), "(•) html") {
		t.Fatalf("typing .html does not choose html:\n%s", screen(a))
	}
	keys(a, "shift+tab") // html, json, markdown in turn backwards
	if !strings.Contains(screen(a), "(•) json") || !strings.Contains(screen(a), "demo.json") {
		t.Fatalf("choosing json does not rename demo.html:\n%s", screen(a))
	}
	keys(a, "enter")
	b, err := os.ReadFile("demo.json")
	if err != nil || !strings.HasPrefix(string(b), "{") {
		t.Fatalf("demo.json: %v %.40q", err, b)
	}
	if _, err := os.Stat("demo.html"); err == nil {
		t.Fatal("demo.html was written")
	}
}

// A directory as the name, "~", and the place remembered for the next
// export.
func TestExportDirectoryAndHome(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Chdir(t.TempDir())
	if err := os.Mkdir("out", 0o755); err != nil {
		t.Fatal(err)
	}
	a := newTestApp(t, true, 140, 36)
	loaded(t, a, seed(t))
	keys(a, "e ctrl+u")
	typeText(a, "out")
	keys(a, "enter")
	if _, err := os.Stat(filepath.Join("out", "lx-report-seed-latest-2025-03-04.md")); err != nil || strings.Contains(screen(a), "Overwrite") {
		t.Fatalf("a directory as the name: %v\n%s", err, screen(a))
	}
	keys(a, "esc e")
	if s := screen(a); !strings.Contains(s, filepath.Join("out", "lx-report-seed-latest-2025-03-04-2.md")) {
		t.Fatalf("the next export does not propose the same directory:\n%s", s)
	}
	keys(a, "ctrl+u")
	typeText(a, "~/r.md")
	keys(a, "enter")
	if _, err := os.Stat(filepath.Join(home, "r.md")); err != nil {
		t.Fatalf("~ is not the home directory: %v\n%s", err, screen(a))
	}
}
