package theme

import (
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"
)

func TestNoColorKeepsAttributesOnly(t *testing.T) {
	s := New(true, colorprofile.Ascii)
	out := s.Deleted.Render("D") + s.Selected.Render("row")
	if strings.Contains(out, "38;") || strings.Contains(out, "48;") {
		t.Errorf("colours in a no-colour theme: %q", out)
	}
	if !strings.Contains(out, "D") {
		t.Errorf("the marker letter is gone: %q", out)
	}
}

func TestDarkAndLightDiffer(t *testing.T) {
	d, l := New(true, colorprofile.TrueColor), New(false, colorprofile.TrueColor)
	if d.Added.Render("A") == l.Added.Render("A") {
		t.Error("dark and light render A alike")
	}
	if !d.Dark || l.Dark {
		t.Error("Dark flag not kept")
	}
}

func TestParseChoice(t *testing.T) {
	for _, ok := range []string{"auto", "dark", "light"} {
		if _, good := ParseChoice(ok); !good {
			t.Errorf("%q refused", ok)
		}
	}
	if _, good := ParseChoice("blue"); good {
		t.Error("blue accepted")
	}
}

// The cursor of the focused pane and the selection of the others keep
// apart in every colour depth a terminal may have (the light theme's two
// backgrounds once fell on the same 256-colour entry).
func TestSelectionsStayApart(t *testing.T) {
	for _, p := range []Palette{Dark(), Light()} {
		for _, prof := range []colorprofile.Profile{colorprofile.TrueColor, colorprofile.ANSI256, colorprofile.ANSI} {
			if prof.Convert(p.SelBg) == prof.Convert(p.SelBlurBg) {
				t.Errorf("%v: the focused and unfocused selections share %v", prof, prof.Convert(p.SelBg))
			}
		}
	}
}
