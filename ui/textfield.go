package ui

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// textField is a one-line text input (the filter, the export path): the
// bubbles text input with the key map's text bindings and lx's styles, a
// cursor that does not blink, and pasting (the terminal's bracketed paste
// and the paste key) included.
type textField struct {
	in       textinput.Model
	maxWidth int // the most cells the text takes; longer text scrolls
}

func newTextField(c *Common, value string) textField {
	in := textinput.New()
	in.Prompt = ""
	in.KeyMap = textKeys(c.Keys)
	in.SetValue(value)
	in.CursorEnd()
	f := textField{in: in}
	f.restyle(c)
	return f
}

// textKeys maps the key map's text-field bindings onto the input's.
func textKeys(k *KeyMap) textinput.KeyMap {
	km := textinput.DefaultKeyMap()
	km.CharacterBackward, km.CharacterForward = k.CharLeft, k.CharRight
	km.WordBackward, km.WordForward = k.WordLeft, k.WordRight
	km.LineStart, km.LineEnd = k.LineStart, k.LineEnd
	km.DeleteCharacterBackward, km.DeleteCharacterForward = k.DeleteLeft, k.DeleteRight
	km.DeleteWordBackward, km.DeleteWordForward = k.DeleteWordLeft, k.DeleteWordRight
	km.DeleteBeforeCursor, km.DeleteAfterCursor = k.DeleteToStart, k.DeleteToEnd
	// The paste key reads the clipboard through the terminal (OSC 52,
	// which works over SSH), not a desktop tool: update handles it.
	km.Paste.SetEnabled(false)
	// No completion: its keys would shadow the dialog's.
	km.AcceptSuggestion.SetEnabled(false)
	km.NextSuggestion.SetEnabled(false)
	km.PrevSuggestion.SetEnabled(false)
	return km
}

func (f *textField) restyle(c *Common) {
	st := textinput.DefaultStyles(c.Styles.Dark)
	st.Focused.Text, st.Blurred.Text = c.Styles.Input, c.Styles.Input
	st.Cursor.Blink = false
	st.Cursor.Color = c.Styles.Palette.Accent
	f.in.SetStyles(st)
}

// focus starts typing; blur stops it (the cursor goes).
func (f *textField) focus()        { f.in.Focus() }
func (f *textField) blur()         { f.in.Blur() }
func (f *textField) focused() bool { return f.in.Focused() }
func (f *textField) value() string { return f.in.Value() }
func (f *textField) setWidth(w int) {
	f.maxWidth = max(w, 1)
	f.fitWidth()
}

// fitWidth keeps the field as wide as its text, up to maxWidth: the input
// pads to its width, and what follows it on the line should follow the
// text, not a run of blanks.
func (f *textField) fitWidth() {
	if f.maxWidth > 0 {
		f.in.SetWidth(min(max(ansi.StringWidth(f.in.Value()), 1), f.maxWidth))
		f.in.SetCursor(f.in.Position()) // scrolls the text to the new width
	}
}

// set replaces the text, the cursor at its end.
func (f *textField) set(s string) {
	f.in.SetValue(s)
	f.in.CursorEnd()
	f.fitWidth()
}

// update edits the text with a key or a paste (the terminal's bracketed
// paste, or the paste key's clipboard read); it tells whether the text
// changed, and returns what the field asks for.
func (f *textField) update(k *KeyMap, msg tea.Msg) (bool, tea.Cmd) {
	switch m := msg.(type) {
	case tea.KeyPressMsg:
		if key.Matches(m, k.Paste) {
			return false, tea.ReadClipboard
		}
	case tea.ClipboardMsg:
		msg = tea.PasteMsg{Content: m.Content}
	}
	before := f.in.Value()
	var cmd tea.Cmd
	f.in, cmd = f.in.Update(msg)
	f.fitWidth()
	return f.in.Value() != before, cmd
}

func (f *textField) view() string { return f.in.View() }
