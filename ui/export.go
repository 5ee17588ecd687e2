package ui

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"lx.dev/lx/internal/reportfile"
	"lx.dev/lx/model/report"
)

// ExportedMsg ends an export: the file written, or why it was not.
type ExportedMsg struct {
	Path  string
	Bytes int64
	Err   error
}

type exportState int

const (
	exportEditing exportState = iota
	exportConfirm             // the file exists: overwrite?
	exportWriting
	exportDone
)

// exportDialog writes the same report as `lx report` (or `lx diff`), in
// a format the report package knows, to a fresh file (or, when asked,
// over one).
type exportDialog struct {
	passive
	c       *Common
	stem    string // the default file name's: lx-report-IMAGE
	save    func(path string, f report.Format, replace bool) (int64, error)
	formats []report.Format
	format  int
	path    textField
	auto    bool // the path is still the default: it follows the format
	state   exportState
	err     error
	wrote   ExportedMsg
	w, h    int
}

const exportID OverlayID = "export"

// newExportDialog opens the dialog on the format the configuration (or the
// last export) chose, listed first, and a fresh file name in the directory
// the last export went to.
func newExportDialog(c *Common, img *image) Overlay {
	ref := img.ref
	if img.cfg.Ref != "" {
		ref = img.cfg.Ref
	}
	return newExport(c, "lx-report-"+fileStem(ref), func(path string, f report.Format, replace bool) (int64, error) {
		return reportfile.Write(path, img.img, f, reportfile.Options{Ask: !replace})
	})
}

// newExport opens the dialog for a report whose default file name starts
// with stem, written by save.
func newExport(c *Common, stem string, save func(path string, f report.Format, replace bool) (int64, error)) *exportDialog {
	first, err := report.ParseFormat(c.ExportFormat)
	if err != nil {
		first = report.Markdown
	}
	formats := []report.Format{first}
	for _, f := range report.AllFormats() {
		if f != first {
			formats = append(formats, f)
		}
	}
	d := &exportDialog{c: c, stem: stem, save: save, formats: formats, auto: true}
	d.path = newTextField(c, d.defaultPath())
	d.path.focus()
	return d
}

func (d *exportDialog) ID() OverlayID { return exportID }

func (d *exportDialog) Area(w, h int) (int, int) {
	return min(w-8, 76), min(h-4, 12+len(d.formats))
}

func (d *exportDialog) SetSize(w, h int) {
	d.w, d.h = w, h
	d.path.setWidth(w - 6)
}

// Capturing: the file name is typed while the dialog is open, until the
// report is written.
func (d *exportDialog) Capturing() bool { return d.state == exportEditing || d.state == exportConfirm }

func (d *exportDialog) KeyHelp() []key.Binding {
	k := d.c.Keys
	switch d.state {
	case exportConfirm:
		return []key.Binding{k.Confirm, k.Deny}
	case exportEditing:
		return []key.Binding{k.FormatNext, k.FormatPrev, relabel(k.Enter, "write"), relabel(k.Back, "cancel")}
	}
	return []key.Binding{relabel(k.Back, "close")}
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// fileStem is an image's name as a file name takes it: its last path
// element, archive extensions and unsafe characters dropped.
func fileStem(ref string) string {
	name := filepath.Base(strings.TrimRight(ref, "/"))
	for _, ext := range []string{".gz", ".zst", ".tar"} {
		name = strings.TrimSuffix(name, ext)
	}
	name = strings.Trim(unsafeName.ReplaceAllString(name, "-"), "-.")
	if name == "" {
		name = "image"
	}
	return name
}

// defaultPath is a file in the export directory that does not exist yet:
// lx-report-IMAGE-DATE.EXT, numbered when that is taken.
func (d *exportDialog) defaultPath() string {
	base := fmt.Sprintf("%s-%s", d.stem, d.c.Now().Format("2006-01-02"))
	if dir := d.c.ExportDir; dir != "" && dir != "." {
		base = filepath.Join(dir, base)
	}
	ext := "." + d.formats[d.format].Extension()
	p := base + ext
	for i := 2; exists(p); i++ {
		p = fmt.Sprintf("%s-%d%s", base, i, ext)
	}
	return p
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil || !errors.Is(err, fs.ErrNotExist)
}

func (d *exportDialog) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case ExportedMsg:
		switch {
		case errors.Is(msg.Err, reportfile.ErrExists):
			d.state = exportConfirm
		case msg.Err != nil:
			d.state, d.err = exportEditing, msg.Err
			d.path.focus()
		default:
			d.state, d.wrote = exportDone, msg
			// The next export proposes the same place and format.
			d.c.ExportDir, d.c.ExportFormat = filepath.Dir(msg.Path), d.formats[d.format].String()
		}
	case themeChangedMsg:
		d.path.restyle(d.c)
	case tea.KeyPressMsg:
		return d.key(msg)
	case tea.PasteMsg, tea.ClipboardMsg:
		if d.state == exportEditing {
			return d.edit(msg)
		}
	}
	return nil
}

func (d *exportDialog) key(msg tea.KeyPressMsg) tea.Cmd {
	k := d.c.Keys
	switch d.state {
	case exportConfirm:
		return confirmKeys(k, msg, &d.state, &d.path, d.write)
	case exportDone:
		if key.Matches(msg, k.Back) {
			return closeOverlay(d.c, exportID)
		}
		return nil
	case exportWriting:
		return nil
	}
	switch {
	case key.Matches(msg, k.Back):
		return closeOverlay(d.c, exportID)
	case key.Matches(msg, k.Enter):
		target, err := d.target()
		if err != nil {
			d.err = err
			return nil
		}
		d.path.set(target)
		return d.write(false)
	case key.Matches(msg, k.FormatNext), key.Matches(msg, k.FormatPrev):
		step := 1
		if key.Matches(msg, k.FormatPrev) {
			step = -1
		}
		d.format = (d.format + step + len(d.formats)) % len(d.formats)
		switch p := d.path.value(); {
		case d.auto:
			d.path.set(d.defaultPath())
		default:
			if _, ok := report.FormatOf(p); ok {
				// The extension follows the format: a name never says one
				// format while the file holds another.
				d.path.set(strings.TrimSuffix(p, filepath.Ext(p)) + "." + d.formats[d.format].Extension())
			}
		}
		return nil
	}
	return d.edit(msg)
}

// edit types into the file name; a typed name no longer follows the
// format, and a typed extension of a known format chooses that format.
func (d *exportDialog) edit(msg tea.Msg) tea.Cmd {
	changed, cmd := d.path.update(d.c.Keys, msg)
	if changed {
		d.auto, d.err = false, nil
		if f, ok := report.FormatOf(d.path.value()); ok {
			for i, g := range d.formats {
				if g == f {
					d.format = i
				}
			}
		}
	}
	return cmd
}

// target is where the report goes: the typed name with "~" expanded; a
// directory (an existing one, or a name ending in "/") gets the default
// file name inside it.
func (d *exportDialog) target() (string, error) {
	return targetPath(d.path.value(), filepath.Base(d.defaultPath()))
}

// targetPath is where a dialog writes: the typed path with "~" expanded;
// a directory (an existing one, or a name ending in "/") gets the file
// name name inside it.
func targetPath(typed, name string) (string, error) {
	p := strings.TrimSpace(typed)
	if p == "" {
		return "", errors.New("give a file name")
	}
	if p == "~" || strings.HasPrefix(p, "~/") {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("cannot expand ~: %w", err)
		}
		p = filepath.Join(home, p[1:])
	}
	if st, err := os.Stat(p); strings.HasSuffix(p, "/") || (err == nil && st.IsDir()) {
		p = filepath.Join(p, name)
	}
	return p, nil
}

// confirmKeys answer the question over a file that is there: yes writes
// over it, no (or Back) goes back to the name.
func confirmKeys(k *KeyMap, msg tea.KeyPressMsg, state *exportState, path *textField, write func(replace bool) tea.Cmd) tea.Cmd {
	switch {
	case key.Matches(msg, k.Confirm):
		return write(true)
	case key.Matches(msg, k.Deny), key.Matches(msg, k.Back):
		*state = exportEditing
		path.focus()
	}
	return nil
}

// write returns the command that writes the report: the work happens off
// the update loop. Unless replace is said, an existing file is kept and
// the answer asks about it.
func (d *exportDialog) write(replace bool) tea.Cmd {
	d.state, d.err = exportWriting, nil
	d.path.blur()
	save, format, path := d.save, d.formats[d.format], d.path.value()
	return func() tea.Msg {
		n, err := save(path, format, replace)
		return ExportedMsg{Path: path, Bytes: n, Err: err}
	}
}

func (d *exportDialog) View() string {
	s := d.c.Styles
	var body []string
	body = append(body, s.Bold.Render("Format"))
	for i, f := range d.formats {
		mark := "( ) "
		st := s.Text
		if i == d.format {
			mark, st = "(•) ", s.Key
		}
		body = append(body, "  "+st.Render(mark+f.String()))
	}
	body = append(body, "", s.Bold.Render("File"))
	body = append(body, "  "+d.path.view(), "")
	k := d.c.Keys
	switch d.state {
	case exportConfirm:
		body = append(body, s.Error.Render(fmt.Sprintf("%s exists. Overwrite it? %s/%s", d.path.value(), shortKey(k.Confirm), shortKey(k.Deny))))
	case exportWriting:
		body = append(body, s.Dim.Render("writing…"))
	case exportDone:
		abs, err := filepath.Abs(d.wrote.Path)
		if err != nil {
			abs = d.wrote.Path
		}
		for _, l := range strings.Split(ansi.Hardwrap("Wrote "+abs, d.w-2, true), "\n") {
			body = append(body, s.Good.Render(l))
		}
		body = append(body, s.Dim.Render(size(d.wrote.Bytes)+" · "+keyHint(k.Back, "closes")))
	default:
		if d.err != nil {
			for _, l := range strings.Split(ansi.Hardwrap(d.err.Error(), d.w-2, true), "\n") {
				body = append(body, s.Error.Render(l))
			}
		} else {
			body = append(body, s.Dim.Render(keyHint(k.FormatNext, "format")+" · type the file name · "+keyHint(k.Enter, "writes")+" · "+keyHint(k.Back, "cancels")))
		}
	}
	return d.c.frame("Export report", true, d.w, d.h, body)
}
