package ui

import (
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
