package ui

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"lx.dev/lx/internal/reportfile"
	"lx.dev/lx/model"
)

// openExtractMsg asks App to open the extraction of path Node as it is
// after layer Layer.
type openExtractMsg struct {
	Node  model.NodeID
	Layer int
}

const extractID OverlayID = "extract"

// extractDialog writes a file of the image out, as it is after a layer:
// to a name the user confirms, whole or not at all, never over a file
// without a yes. The name it proposes is the path's last element, in the
// export directory: never a path from the image, so no ".." and no
// absolute path reach the disk; a symlink is followed inside the image
// (its destination's bytes are written, under the link's own name), never
// on the disk.
type extractDialog struct {
	passive
	c     *Common
	img   *image
	asked string // the path asked for, as people read it
	via   string // the path a symlink led to, "" for none
	ref   model.FileRef
	layer int
	name  string // the file name proposed

	path  textField
	state exportState
	load  *fileLoad
	readProgress
	err   error
	wrote extractedMsg
	w, h  int
}

// extractedMsg ends an extraction: the file written, or why not.
type extractedMsg struct {
	d     *extractDialog
	path  string
	bytes int64
	err   error
}

// newExtract opens the extraction of a path; for a path that holds no
// file it says why in the footer and opens nothing.
func newExtract(c *Common, img *image, at openExtractMsg) Overlay {
	im := img.view()
	if im == nil || !img.has(at.Layer) {
		return nil
	}
	p := im.Path(at.Node)
	asked := model.DisplayPath(p)
	d := &extractDialog{c: c, img: img, asked: asked, layer: at.Layer, readProgress: newReadProgress()}
	n := at.Node
	if info, ok := im.Stat(n, at.Layer); ok && info.Kind == model.KindSymlink {
		dest, m, found, err := im.Resolve(p, at.Layer)
		if err != nil || !found {
			c.post(noticeMsg(fmt.Sprintf("%s is a symlink to %s, which the image does not hold after layer %d", asked, model.DisplayPath(dest), at.Layer)))
			return nil
		}
		n, d.via = m, model.DisplayPath(dest)
	}
	ref, ok := im.FileRef(n, at.Layer)
	if !ok {
		what := "nothing"
		if info, ok := im.Stat(n, at.Layer); ok {
			what = kindPhrase(info)
		}
		c.post(noticeMsg(fmt.Sprintf("%s writes out files; %s is %s", shortKey(c.Keys.Extract), asked, what)))
		return nil
	}
	name, err := model.FileName(p)
	if err != nil {
		c.post(noticeMsg(err.Error()))
		return nil
	}
	d.ref, d.name = ref, name
	proposed := name
	if dir := c.ExportDir; dir != "" && dir != "." {
		proposed = filepath.Join(dir, name)
	}
	d.path = newTextField(c, proposed)
	d.path.focus()
	return d
}

func (d *extractDialog) ID() OverlayID { return extractID }

func (d *extractDialog) Area(w, h int) (int, int) { return min(w-8, 76), min(h-4, 11) }

func (d *extractDialog) SetSize(w, h int) {
	d.w, d.h = w, h
	d.path.setWidth(w - 6)
}

func (d *extractDialog) Capturing() bool {
	return d.state == exportEditing || d.state == exportConfirm
}

// closed cancels a write under way (App calls it however the dialog is
// closed); the file is then not written.
func (d *extractDialog) closed() { d.load.close() }

func (d *extractDialog) KeyHelp() []key.Binding {
	k := d.c.Keys
	switch d.state {
	case exportConfirm:
		return []key.Binding{k.Confirm, k.Deny}
	case exportEditing:
		return []key.Binding{relabel(k.Enter, "write"), relabel(k.Back, "cancel")}
	case exportWriting:
		return []key.Binding{relabel(k.Back, "cancel")}
	}
	return []key.Binding{relabel(k.Back, "close")}
}

func (d *extractDialog) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case extractedMsg:
		if msg.d == d {
			d.done(msg)
		}
	case spinner.TickMsg:
		if d.state == exportWriting {
			return d.tick(msg, d.load)
		}
	case themeChangedMsg:
		d.path.restyle(d.c)
	case tea.KeyPressMsg:
		return d.key(msg)
	case tea.PasteMsg, tea.ClipboardMsg:
		if d.state == exportEditing {
			d.err = nil
			_, cmd := d.path.update(d.c.Keys, msg)
			return cmd
		}
	}
	return nil
}

func (d *extractDialog) done(msg extractedMsg) {
	switch {
	case errors.Is(msg.err, reportfile.ErrExists):
		d.state = exportConfirm
	case msg.err != nil:
		d.state, d.err = exportEditing, msg.err
		if d.load.ctx.Err() != nil {
			d.err = errors.New("cancelled: nothing was written")
		}
		d.path.focus()
	default:
		d.state, d.wrote = exportDone, msg
		d.c.ExportDir = filepath.Dir(msg.path)
	}
}

func (d *extractDialog) key(msg tea.KeyPressMsg) tea.Cmd {
	k := d.c.Keys
	switch d.state {
	case exportConfirm:
		return confirmKeys(k, msg, &d.state, &d.path, d.write)
	case exportWriting:
		if key.Matches(msg, k.Back) {
			d.load.close() // the read stops; its answer says so
		}
		return nil
	case exportDone:
		if key.Matches(msg, k.Back) {
			return closeOverlay(d.c, extractID)
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Back):
		return closeOverlay(d.c, extractID)
	case key.Matches(msg, k.Enter):
		target, err := targetPath(d.path.value(), d.name)
		if err != nil {
			d.err = err
			return nil
		}
		d.path.set(target)
		return d.write(false)
	}
	d.err = nil
	_, cmd := d.path.update(k, msg)
	return cmd
}

// write writes the file off the update loop, reading it from the source
// when it was not kept; unless replace is said, a file that is there is
// kept and the answer asks about it.
func (d *extractDialog) write(replace bool) tea.Cmd {
	d.state, d.err = exportWriting, nil
	d.path.blur()
	d.load = newFileLoad()
	load, contents, ref, target := d.load, d.c.Contents, d.ref, d.path.value()
	write := func() tea.Msg {
		if contents == nil {
			return extractedMsg{d: d, path: target, err: errNoContents}
		}
		n, err := reportfile.WriteFrom(target, reportfile.Options{Ask: !replace}, func(w io.Writer) error {
			return contents.Read(load.ctx, ref, load.progress, func(r io.Reader) error {
				_, err := io.Copy(w, r)
				return err
			})
		})
		return extractedMsg{d: d, path: target, bytes: n, err: err}
	}
	return tea.Batch(write, d.spin.Tick)
}

func (d *extractDialog) View() string {
	s := d.c.Styles
	iw := d.w - 2
	from := fmt.Sprintf("%s as it is after layer %d, %s", d.asked, d.layer, size(d.ref.Size))
	if d.via != "" {
		from = fmt.Sprintf("%s → %s (the link followed inside the image) after layer %d, %s", d.asked, d.via, d.layer, size(d.ref.Size))
	}
	var body []string
	for _, l := range strings.Split(ansi.Hardwrap(from, iw, true), "\n") {
		body = append(body, s.Text.Render(l))
	}
	body = append(body, "", s.Bold.Render("Write to"), "  "+d.path.view(), "")
	k := d.c.Keys
	wrap := func(st func(...string) string, text string) {
		for _, l := range strings.Split(ansi.Hardwrap(text, iw, true), "\n") {
			body = append(body, st(l))
		}
	}
	switch d.state {
	case exportConfirm:
		wrap(s.Error.Render, fmt.Sprintf("%s exists. Overwrite it? %s/%s", d.path.value(), shortKey(k.Confirm), shortKey(k.Deny)))
	case exportWriting:
		line := d.spin.View() + " writing"
		if d.read > 0 {
			line += " · read " + size(d.read)
			if d.total > 0 && d.read <= d.total {
				line += " of ~" + size(d.total)
			}
		}
		body = append(body, s.Dim.Render(line+" · "+keyHint(k.Back, "cancels")))
	case exportDone:
		abs, err := filepath.Abs(d.wrote.path)
		if err != nil {
			abs = d.wrote.path
		}
		wrap(s.Good.Render, "Wrote "+abs)
		body = append(body, s.Dim.Render(size(d.wrote.bytes)+" · "+keyHint(k.Back, "closes")))
	default:
		if d.err != nil {
			wrap(s.Error.Render, d.err.Error())
		} else {
			body = append(body, s.Dim.Render("type the file name · "+keyHint(k.Enter, "writes")+" · "+keyHint(k.Back, "cancels")))
		}
	}
	return d.c.frame("Extract a file", true, d.w, d.h, body)
}
