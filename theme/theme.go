// Package theme holds lx's palettes and the lipgloss styles built from them.
// Styles are made by a constructor from the terminal's background (dark or
// light) and its colour profile; with no colours (NO_COLOR, a dumb
// terminal) they fall back to bold, faint, reverse and strikethrough, so
// nothing is told by colour alone.
package theme

import (
	"image/color"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
)

// Palette is the set of colours a theme draws with.
type Palette struct {
	Fg, Dim, Accent, Border, SelBg, SelBlurBg color.Color
	Added, Changed, Deleted                   color.Color
	Removed, Recopied, Overwritten            color.Color
	Error, Good, BarEmpty                     color.Color
}

// Dark is the palette for terminals with a dark background.
func Dark() Palette {
	return Palette{
		Fg: lipgloss.Color("#d8dee9"), Dim: lipgloss.Color("#6b7385"), Accent: lipgloss.Color("#7aa2f7"),
		Border: lipgloss.Color("#3b4252"), SelBg: lipgloss.Color("#2e3f66"), SelBlurBg: lipgloss.Color("#2a2f3a"),
		Added: lipgloss.Color("#9ece6a"), Changed: lipgloss.Color("#e0af68"), Deleted: lipgloss.Color("#f7768e"),
		Removed: lipgloss.Color("#f7768e"), Recopied: lipgloss.Color("#e0af68"), Overwritten: lipgloss.Color("#bb9af7"),
		Error: lipgloss.Color("#ff5f5f"), Good: lipgloss.Color("#9ece6a"), BarEmpty: lipgloss.Color("#3b4252"),
	}
}

// Light is the palette for terminals with a light background.
func Light() Palette {
	return Palette{
		Fg: lipgloss.Color("#2e3440"), Dim: lipgloss.Color("#8a8f99"), Accent: lipgloss.Color("#2a5db0"),
		Border: lipgloss.Color("#c8ccd4"), SelBg: lipgloss.Color("#b6cdf5"), SelBlurBg: lipgloss.Color("#dcdfe5"),
		Added: lipgloss.Color("#2e7d32"), Changed: lipgloss.Color("#9a6700"), Deleted: lipgloss.Color("#c62828"),
		Removed: lipgloss.Color("#c62828"), Recopied: lipgloss.Color("#9a6700"), Overwritten: lipgloss.Color("#7b3fb0"),
		Error: lipgloss.Color("#c62828"), Good: lipgloss.Color("#2e7d32"), BarEmpty: lipgloss.Color("#d8dbe2"),
	}
}

// Styles are every style the UI draws with.
type Styles struct {
	Dark    bool
	Profile colorprofile.Profile
	Palette Palette

	Text, Dim, Bold, Title, TitleFocus, Border, BorderFocus lipgloss.Style
	Header                                                  lipgloss.Style // a table's column names
	Selected, SelectedBlur                                  lipgloss.Style // the cursor row, focused pane or not
	Added, Changed, Deleted                                 lipgloss.Style // A/C/D markers
	DeletedRow                                              lipgloss.Style // a row the layer deleted
	Removed, Recopied, Overwritten                          lipgloss.Style // waste highlights, by cause
	Error, Good, Key, Desc, Input, Match                    lipgloss.Style
	BarFull, BarEmpty                                       lipgloss.Style
}

// New builds the styles for a background and a colour profile. A profile
// without colours (Ascii, NoTTY) gets attribute-only styles.
func New(isDark bool, profile colorprofile.Profile) *Styles {
	p := Light()
	if isDark {
		p = Dark()
	}
	s := &Styles{Dark: isDark, Profile: profile, Palette: p}
	if profile == colorprofile.Ascii || profile == colorprofile.NoTTY {
		return s.plain()
	}
	st := lipgloss.NewStyle
	fg := func(c color.Color) lipgloss.Style { return st().Foreground(c) }
	s.Text = fg(p.Fg)
	s.Dim = fg(p.Dim)
	s.Bold = fg(p.Fg).Bold(true)
	s.Title = fg(p.Dim).Bold(true)
	s.TitleFocus = fg(p.Accent).Bold(true)
	s.Border = fg(p.Border)
	s.BorderFocus = fg(p.Accent)
	s.Header = fg(p.Dim).Bold(true)
	s.Selected = st().Background(p.SelBg).Bold(true)
	s.SelectedBlur = st().Background(p.SelBlurBg)
	s.Added = fg(p.Added).Bold(true)
	s.Changed = fg(p.Changed).Bold(true)
	s.Deleted = fg(p.Deleted).Bold(true)
	s.DeletedRow = fg(p.Dim).Strikethrough(true)
	s.Removed = fg(p.Removed)
	s.Recopied = fg(p.Recopied)
	s.Overwritten = fg(p.Overwritten)
	s.Error = fg(p.Error).Bold(true)
	s.Good = fg(p.Good).Bold(true)
	s.Key = fg(p.Accent).Bold(true)
	s.Desc = fg(p.Dim)
	s.Input = fg(p.Fg).Underline(true)
	s.Match = fg(p.Accent).Bold(true)
	s.BarFull = fg(p.Accent)
	s.BarEmpty = fg(p.BarEmpty)
	return s
}

// plain is the attribute-only set: letters and attributes carry meaning.
func (s *Styles) plain() *Styles {
	st := lipgloss.NewStyle
	s.Text, s.Dim, s.Bold = st(), st().Faint(true), st().Bold(true)
	s.Title, s.TitleFocus = st(), st().Bold(true)
	s.Border, s.BorderFocus = st().Faint(true), st().Bold(true)
	s.Header = st().Bold(true)
	s.Selected, s.SelectedBlur = st().Reverse(true), st().Underline(true)
	s.Added, s.Changed, s.Deleted = st().Bold(true), st().Bold(true), st().Bold(true)
	s.DeletedRow = st().Strikethrough(true)
	s.Removed, s.Recopied, s.Overwritten = st().Bold(true), st().Bold(true), st().Bold(true)
	s.Error, s.Good = st().Bold(true), st().Bold(true)
	s.Key, s.Desc, s.Input, s.Match = st().Bold(true), st(), st().Underline(true), st().Bold(true)
	s.BarFull, s.BarEmpty = st(), st().Faint(true)
	return s
}

// Choice is what --theme asks for.
type Choice string

const (
	Auto       Choice = "auto"
	DarkTheme  Choice = "dark"
	LightTheme Choice = "light"
)

// ParseChoice checks a --theme value.
func ParseChoice(s string) (Choice, bool) {
	switch c := Choice(s); c {
	case Auto, DarkTheme, LightTheme:
		return c, true
	}
	return "", false
}
