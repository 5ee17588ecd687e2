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
