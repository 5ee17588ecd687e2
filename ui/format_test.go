package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
	"reflect"
	"testing"

	"lx.dev/lx/model"
)

func TestModeString(t *testing.T) {
	for _, c := range []struct {
		k    model.Kind
		mode uint32
		want string
	}{
		{model.KindDir, 0o755, "drwxr-xr-x"},
		{model.KindRegular, 0o644, "-rw-r--r--"},
		{model.KindSymlink, 0o777, "lrwxrwxrwx"},
		{model.KindDir, 0o1777, "drwxrwxrwt"},
		{model.KindRegular, 0o4755, "-rwsr-xr-x"},
		{model.KindRegular, 0o2644, "-rw-r-Sr--"},
		{model.KindCharDev, 0o666, "crw-rw-rw-"},
	} {
		if got := modeString(c.k, c.mode); got != c.want {
			t.Errorf("modeString(%v, %o) = %s, want %s", c.k, c.mode, got, c.want)
		}
	}
}

func TestWrapCommandBreaksChains(t *testing.T) {
	got := wrapCommand("apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*; echo done", 40)
	want := []string{
		"apt-get update &&",
		"    apt-get install -y curl &&",
		"    rm -rf /var/lib/apt/lists/*;",
		"    echo done",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("wrapCommand = %q, want %q", got, want)
	}
}

func TestListStaysOnScreen(t *testing.T) {
	var l list
	l.setHeight(5)
	l.setLen(20)
	l.to(12)
	if l.offset != 8 {
		t.Errorf("offset %d, want 8", l.offset)
	}
	l.move(-100)
	if l.cursor != 0 || l.offset != 0 {
		t.Errorf("cursor %d offset %d after moving far up", l.cursor, l.offset)
	}
	l.scroll(100)
	if l.offset != 15 || l.cursor != 15 {
		t.Errorf("scrolled to the end: offset %d cursor %d, want 15, 15", l.offset, l.cursor)
	}
	l.setLen(3)
	if l.cursor != 2 || l.offset != 0 {
		t.Errorf("shrunk: cursor %d offset %d", l.cursor, l.offset)
	}
}

func TestMidTruncKeepsTheName(t *testing.T) {
	p := "/opt/app/node_modules/a/node_modules/b/node_modules/c/lib/big.bin"
	for _, w := range []int{80, 40, 30, 12, 8, 3} {
		got := midTrunc(p, w)
		if n := ansi.StringWidth(got); n > w {
			t.Errorf("midTrunc(%d) = %q, %d cells", w, got, n)
		}
		if w >= 12 && !strings.HasSuffix(got, "/big.bin") {
			t.Errorf("midTrunc(%d) = %q lost the name", w, got)
		}
	}
	if got := midTrunc(p, 40); got != "/opt/app/…/b/node_modules/c/lib/big.bin" {
		t.Errorf("midTrunc(40) = %q", got)
	}
	if got := midTrunc("/short", 20); got != "/short" {
		t.Errorf("a short path changed: %q", got)
	}
}

func TestCompactSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0B", 512: "512B", 10_000: "9.8K", 203_198: "198K", 1_982_423: "1.9M", 1 << 30: "1.0G", 1023 * 1024: "1023K"} {
		if got := compactSize(n); got != want || len(got) > 6 {
			t.Errorf("compactSize(%d) = %q, want %q", n, got, want)
		}
	}
}
