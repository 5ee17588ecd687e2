package hostile

import (
	"strings"

	"lx.dev/lx/internal/testarchive"
)

// names are names no sane tar holds, and some that Kaniko writes.
func names() []Case {
	file := testarchive.File
	long := strings.Repeat("n", 200_000)
	deep := strings.Repeat("a/", 19_999) + "f"
	return []Case{
		{Name: "name/200KB", Layers: layers(
			entries(file(long, 0o644, "long")),
			entries(file(long, 0o755, "long")),
		), Warning: "a name of 200000 bytes"},
		{Name: "name/20000-components", Layers: layers(
			entries(file(deep, 0o644, "deep")),
			entries(testarchive.Whiteout("a")),
		), Warning: "a name of 39999 bytes"},
		{Name: "name/not-utf8", Layers: layers(entries(file("bad\xff\xfe", 0o644, "x"))), Warning: `/bad\xff\xfe`},
		{Name: "name/control-characters", Layers: layers(entries(file("tab\there\nnewline", 0o644, "x")))},
		{Name: "name/root-as-kaniko-writes-it", Layers: layers(
			entries(testarchive.Dir("/", 0o755), file("app", 0o644, "1")),
			entries(testarchive.Dir("/", 0o755), testarchive.Dir("./", 0o755), testarchive.Dir(".", 0o755), file("app", 0o644, "2")),
		)},
		{Name: "name/dot-slashes", Layers: layers(entries(file("./a//b/./c", 0o644, "x"), file("a/b/c", 0o644, "y")))},
		{Name: "dotdot/leading", Layers: layers(entries(file("../evil", 0o644, "x"))), Refused: `".." in its name`},
		{Name: "dotdot/inner", Layers: layers(entries(file("a/../../b", 0o644, "x"))), Refused: `".." in its name`},
		{Name: "dotdot/only", Layers: layers(entries(testarchive.Dir("..", 0o755))), Refused: `".." in its name`},
		{Name: "dotdot/hardlink-target", Layers: layers(entries(testarchive.Hardlink("h", "../x"))), Refused: "invalid target"},
		{Name: "dotdot/symlink-target", Layers: layers(entries(testarchive.Symlink("s", "../../../etc/passwd")))},
		{Name: "absolute/name", Layers: layers(entries(file("/etc/passwd", 0o644, "x"))), Refused: "absolute name"},
		{Name: "empty-name", Layers: layers(entries(file("", 0o644, "x"))), Refused: "empty name"},
	}
}

// whiteouts name nothing, the root, or what is not there.
func whiteouts() []Case {
	file := testarchive.File
	raw := func(name string) testarchive.Entry { return testarchive.Entry{Name: name, Type: '0'} }
	base := entries(testarchive.Dir("d/", 0o755), file("d/f", 0o644, "f"), file("top", 0o644, "top"))
	return []Case{
		{Name: "whiteout/.wh.", Layers: layers(base, entries(raw(".wh."))), Refused: "invalid whiteout"},
		{Name: "whiteout/.wh..", Layers: layers(base, entries(raw(".wh.."))), Refused: "invalid whiteout"},
		{Name: "whiteout/.wh...", Layers: layers(base, entries(raw(".wh..."))), Refused: "invalid whiteout"},
		{Name: "whiteout/dir-.wh.", Layers: layers(base, entries(raw("d/.wh."))), Refused: "invalid whiteout"},
		{Name: "whiteout/of-the-root", Layers: layers(base, entries(testarchive.Opaque(""), file("new", 0o644, "n")))},
		{Name: "whiteout/of-the-root-dot", Layers: layers(base, entries(raw("./.wh..wh..opq"), file("new", 0o644, "n")))},
		{Name: "whiteout/of-nothing", Layers: layers(base, entries(testarchive.Whiteout("nothing"), testarchive.Whiteout("top/below-a-file"), testarchive.Opaque("missing")))},
		{Name: "whiteout/aufs-bookkeeping", Layers: layers(base, entries(raw(".wh..wh.plnk/123.456"), raw(".wh..wh.aufs"), raw("d/.wh..wh.orph")))},
		{Name: "whiteout/then-back-in-one-layer", Layers: layers(base, entries(file("d/f", 0o644, "g"), testarchive.Whiteout("d"), testarchive.Opaque("d")))},
		{Name: "whiteout/as-a-directory", Layers: layers(base, entries(testarchive.Dir("d/.wh.f/", 0o755), testarchive.Dir(".wh.top/", 0o755)))},
	}
}
