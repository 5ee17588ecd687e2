package ui

import (
	"bytes"
	"context"
	"fmt"
	"io"

	tea "charm.land/bubbletea/v2"

	"lx.dev/lx/model"
)

// The clipboard is the terminal's (OSC 52, which Bubble Tea sends): it
// reaches the user's terminal over SSH and through tmux, with no desktop
// tool on the machine lx runs on.

// notice is a command that says something in the footer.
func notice(text string) tea.Cmd { return func() tea.Msg { return noticeMsg(text) } }

// copyText puts text on the clipboard and says what was copied.
func copyText(c *Common, text, what string) tea.Cmd {
	c.post(noticeMsg("copied " + what + " to the clipboard"))
	return tea.SetClipboard(text)
}

// copyFile puts the content of path n after layer k on the clipboard: a
// text file of at most 1 MiB, read off the update loop when it was not
// kept. The footer says why anything else is not copied.
func copyFile(c *Common, img *image, n model.NodeID, k int) tea.Cmd {
	im := img.view()
	if im == nil || !img.has(k) {
		return nil
	}
	p := model.DisplayPath(im.Path(n))
	ref, ok := im.FileRef(n, k)
	switch {
	case !ok:
		c.post(noticeMsg(fmt.Sprintf("%s is no file: %s copies a file's content (in the layer list, the step's command)", p, shortKey(c.Keys.CopyContent))))
		return nil
	case ref.Size > clipBytes:
		c.post(noticeMsg(fmt.Sprintf("%s is %s: %s copies files up to %s; %s", p, size(ref.Size), shortKey(c.Keys.CopyContent), size(clipBytes), keyHint(c.Keys.Extract, "writes it out"))))
		return nil
	case c.Contents == nil:
		c.post(noticeMsg(errNoContents.Error()))
		return nil
	}
	contents, extract := c.Contents, keyHint(c.Keys.Extract, "writes it out")
	read := func() tea.Msg {
		var b []byte
		err := contents.Read(context.Background(), ref, nil, func(r io.Reader) error {
			var err error
			b, err = io.ReadAll(io.LimitReader(r, clipBytes))
			return err
		})
		switch {
		case err != nil:
			return noticeMsg("cannot copy " + p + ": " + err.Error())
		case bytes.IndexByte(b[:min(len(b), sniffBytes)], 0) >= 0:
			return noticeMsg(p + " is binary: the clipboard takes text; " + extract)
		}
		return tea.BatchMsg{tea.SetClipboard(string(b)), notice(fmt.Sprintf("copied %s (%s) to the clipboard", p, size(int64(len(b)))))}
	}
	if _, kept := contents.Kept(ref); !kept {
		c.post(noticeMsg("reading " + p + " to copy it…"))
	}
	return read
}
