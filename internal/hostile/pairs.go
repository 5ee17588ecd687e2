package hostile

import (
	"archive/tar"

	"lx.dev/lx/internal/testarchive"
)

// kind is one entry type a layer can hold at a path, written at x.
type kind struct {
	name string
	// at writes the kind at x; second says it is the pair's second entry,
	// so two files hold different bytes and two directories other modes.
	at func(second bool) testarchive.Entry
}

var kinds = []kind{
	{"file", func(second bool) testarchive.Entry {
		if second {
			return testarchive.File("x", 0o644, "two")
		}
		return testarchive.File("x", 0o644, "one")
	}},
	{"dir", func(second bool) testarchive.Entry {
		if second {
			return testarchive.Dir("x/", 0o700)
		}
		return testarchive.Dir("x/", 0o755)
	}},
	{"symlink", func(bool) testarchive.Entry { return testarchive.Symlink("x", "t") }},
	{"hardlink", func(bool) testarchive.Entry { return testarchive.Hardlink("x", "t") }},
	{"whiteout", func(bool) testarchive.Entry { return testarchive.Whiteout("x") }},
	{"opaque", func(bool) testarchive.Entry { return testarchive.Opaque("x") }},
}

// pairBase is the layer below every pair: x a directory with a file in
// it, and t a file for links to name.
func pairBase() []testarchive.Entry {
	return entries(testarchive.Dir("x/", 0o755), testarchive.File("x/in", 0o644, "inner"), testarchive.File("t", 0o644, "target"))
}

// pairs is every ordered pair of entry types at one path within one
// layer, above a layer holding that path as a directory; the layer first
// rewrites t so a hardlink has a target of its own layer. Two files with
// equal bytes are one more case: the first is recopied by the second.
func pairs() []Case {
	var out []Case
	for _, a := range kinds {
		for _, b := range kinds {
			c := Case{
				Name:   "pair/" + a.name + "-" + b.name,
				Layers: layers(pairBase(), entries(testarchive.File("t", 0o644, "tee"), a.at(false), b.at(true))),
			}
			if a.name != "whiteout" && a.name != "opaque" && b.name != "whiteout" && b.name != "opaque" {
				c.Warning = "duplicate path /x in one layer"
			}
			out = append(out, c)
		}
	}
	return append(out, Case{
		Name:    "pair/file-file-same",
		Layers:  layers(pairBase(), entries(testarchive.File("x", 0o644, "one"), testarchive.File("x", 0o600, "one"))),
		Warning: "duplicate path /x in one layer",
	})
}

// links are hardlink self-links and cycles, symlink loops, and entries
// written below a symlink or a file.
func links() []Case {
	file := testarchive.File
	hard := testarchive.Hardlink
	sym := testarchive.Symlink
	return []Case{
		{Name: "hardlink/self", Layers: layers(entries(hard("a", "a"))), Warning: "hardlink /a names /a"},
		{Name: "hardlink/self-over-file", Layers: layers(entries(file("a", 0o644, "aaa"), hard("a", "a")))},
		{Name: "hardlink/cycle", Layers: layers(entries(hard("a", "b"), hard("b", "a"))), Warning: "hardlink /a names /b"},
		{Name: "hardlink/cycle-through-file", Layers: layers(
			entries(file("c", 0o644, "ccc"), hard("a", "c"), hard("c", "a")),
			entries(testarchive.Whiteout("a")),
		)},
		{Name: "hardlink/chain", Layers: layers(
			entries(file("f", 0o644, "fff"), hard("g", "f"), hard("h", "g")),
			entries(file("f", 0o644, "new"), testarchive.Whiteout("g")),
		)},
		{Name: "hardlink/to-a-lower-layer", Layers: layers(
			entries(file("t", 0o644, "lower")),
			entries(hard("h", "t")),
		), Warning: "which this layer does not hold"},
		{Name: "hardlink/to-a-directory", Layers: layers(entries(testarchive.Dir("d/", 0o755), hard("h", "d")))},
		{Name: "symlink/loops", Layers: layers(entries(sym("a", "b"), sym("b", "a"), sym("s", "s"), sym("d", "."), sym("up", "../../..")))},
		{Name: "symlink/entries-below", Layers: layers(
			entries(testarchive.Dir("d/", 0o755), sym("l", "d"), file("l/f", 0o644, "below"), file("d/g", 0o644, "in d")),
		), Warning: "/l is a symlink but the layer puts entries below it"},
		{Name: "symlink/entries-below-a-lower-one", Layers: layers(
			entries(sym("etc", "/host/etc")),
			entries(file("etc/passwd", 0o644, "root")),
		), Warning: "/etc is a symlink"},
		{Name: "file/entries-below", Layers: layers(
			entries(file("f", 0o644, "data")),
			entries(file("f/g", 0o644, "x")),
		), Warning: "/f is a file"},
		{Name: "devices-over-files", Layers: layers(
			entries(file("c", 0o644, "c"), file("b", 0o644, "b"), file("p", 0o644, "p")),
			entries(
				testarchive.Entry{Name: "c", Type: tar.TypeChar, Mode: 0o666},
				testarchive.Entry{Name: "b", Type: tar.TypeBlock, Mode: 0o660},
				testarchive.Entry{Name: "p", Type: tar.TypeFifo, Mode: 0o600},
			),
		)},
		{Name: "type-changes-across-layers", Layers: layers(
			entries(testarchive.Dir("a/", 0o755), file("a/f", 0o644, "f"), file("b", 0o644, "b")),
			entries(file("a", 0o644, "now a file"), testarchive.Dir("b/", 0o755), file("b/g", 0o644, "g")),
			entries(testarchive.Dir("a/", 0o755), file("a/f", 0o644, "f"), file("b", 0o644, "b")),
		)},
		{Name: "deleted-and-back", Layers: layers(
			entries(file("f", 0o644, "same")),
			entries(testarchive.Whiteout("f")),
			entries(file("f", 0o644, "same")),
		)},
		{Name: "empty-layers", Layers: layers(entries(), entries(file("f", 0o644, "x")), entries())},
	}
}
