package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// Screen is the contract every part of the explorer keeps: the panes
// (layers, tree, details) and the overlays (waste list, export, help…).
//
// App routes keys to the focused pane or to the top overlay, and pushes
// down what changed (stepSelectedMsg, imageChangedMsg, themeChangedMsg)
// through Update: a screen never polls App, and App never looks at a
// screen's concrete type or its fields.
type Screen interface {
	// Update takes a message meant for the screen: its keys while it has
	// the focus, and what App pushes down. Slow work goes in the command.
	Update(msg tea.Msg) tea.Cmd
	// View renders the screen at the size last set. It changes nothing.
	View() string
	// SetSize gives the screen its cells.
	SetSize(width, height int)
	// KeyHelp is the keys the footer offers while the screen has the focus.
	KeyHelp() []key.Binding
	// Capturing tells whether the screen owns the keyboard (text is typed):
	// then only ForceQuit reaches App.
	Capturing() bool
	// Scroll moves the view by lines: the mouse wheel over it.
	Scroll(lines int)
	// Click takes a left click at (x, y), relative to the screen's corner.
	Click(x, y int) tea.Cmd
}

// OverlayID names an overlay on the stack.
type OverlayID string

// Overlay is a screen drawn over the panes, on a stack; each one draws in
// its own rectangle, so closing the top one shows the one below as it was.
type Overlay interface {
	Screen
	ID() OverlayID
	// Area is the overlay's size on a terminal of w×h cells; App centres it.
	Area(w, h int) (int, int)
}

// closing is an overlay that holds something to let go of when it leaves
// the stack (a file open, a read under way): App calls closed however it
// is closed (its own Esc, q, a jump).
type closing interface{ closed() }

// closeOverlayMsg asks App to close the overlay that sent it.
type closeOverlayMsg struct{ id OverlayID }

// closeOverlay asks App to close overlay id.
func closeOverlay(c *Common, id OverlayID) tea.Cmd {
	c.post(closeOverlayMsg{id})
	return nil
}

// noticeMsg asks App to say something in the footer until the next key:
// why a key did nothing.
type noticeMsg string

// What App pushes down to every screen.
type (
	// imageChangedMsg: the image gained its config, a layer, or its whole
	// analysis (loaded).
	imageChangedMsg struct{ loaded bool }
	// themeChangedMsg: the styles were rebuilt (background or profile).
	themeChangedMsg struct{}
	// focusMsg: the pane gained or lost the focus.
	focusMsg struct{ focused bool }
)

// passive gives a screen the mouse and keyboard defaults: it types no
// text, the wheel and clicks do nothing.
type passive struct{}

func (passive) Capturing() bool        { return false }
func (passive) Scroll(int)             {}
func (passive) Click(int, int) tea.Cmd { return nil }
