package genimage

// The million-entry image (-entries N): exactly N tar entries over 8
// layers, every one generated. The shapes are those of real images at
// scale: wide directories (tens of thousands of files in one, and a data
// set of 100,000), deep ones (node_modules nesting), small files, and every
// kind of change a layer makes to the ones below it.

import (
	"archive/tar"
	"fmt"
	"path"
	"strconv"
	"strings"
)

// millionPlan holds the trees; the counts are for N = 1,000,000 and scale
// with N, but for the base's filler, which takes what is left.
type millionPlan struct {
	g *Gen
	// The base.
	python, icons, docs, locale, dpkg, include, node, libs, filler *tree
	// The install, and what later layers add.
	appLib, assets, cache, cache2, build, static, dataset *tree
	commands                                              int // hardlinks to one binary, and as many symlinks to them
	pad                                                   int // files in the last layer that make the count exact
}

func newMillionPlan(n int, g *Gen) *millionPlan {
	sc := func(k int) int { return max(1, int(int64(k)*int64(n)/1_000_000)) }
	return &millionPlan{
		g:        g,
		python:   &tree{root: "usr/lib/python3/dist-packages", id: 1, fanout: 6, depth: 4, files: sc(130_000), ext: ".py", mean: 520},
		icons:    &tree{root: "usr/share/icons/hicolor/48x48/apps", id: 2, fanout: 1, files: sc(32_000), ext: ".png", mean: 500, noise: true},
		docs:     &tree{root: "usr/share/doc", id: 3, fanout: 2400, depth: 1, files: sc(24_000), mean: 400},
		locale:   &tree{root: "usr/share/locale", id: 4, fanout: 180, depth: 1, files: sc(9_000), ext: ".mo", mean: 600, noise: true},
		dpkg:     &tree{root: "var/lib/dpkg/info", id: 5, fanout: 1, files: sc(28_000), ext: ".list", mean: 300},
		include:  &tree{root: "usr/include", id: 6, fanout: 8, depth: 3, files: sc(24_000), ext: ".h", mean: 800},
		node:     &tree{root: "usr/lib/node_modules", id: 7, fanout: 3, depth: 8, join: "node_modules", files: sc(70_000), ext: ".js", mean: 500},
		libs:     &tree{root: "usr/lib/x86_64-linux-gnu", id: 8, fanout: 40, depth: 1, files: sc(12_000), ext: ".so.1", mean: 1200, noise: true},
		filler:   &tree{root: "usr/share/texlive/texmf-dist", id: 9, fanout: 30, depth: 2, ext: ".tex", mean: 500},
		appLib:   &tree{root: "opt/app/lib", id: 10, fanout: 10, depth: 3, files: sc(120_000), ext: ".go", mean: 600},
		assets:   &tree{root: "opt/app/assets", id: 11, fanout: 1, files: sc(40_000), ext: ".webp", mean: 600, noise: true},
		cache:    &tree{root: "var/cache/app", id: 12, fanout: 16, depth: 1, files: sc(24_000), ext: ".bin", mean: 300, noise: true},
		cache2:   &tree{root: "var/cache/app", id: 13, fanout: 16, depth: 1, files: sc(6_000), ext: ".bin", mean: 300, noise: true},
		build:    &tree{root: "opt/app/build", id: 14, fanout: 20, depth: 2, files: sc(60_000), ext: ".o", mean: 900, noise: true},
		static:   &tree{root: "srv/static", id: 15, fanout: 1, files: sc(36_000), ext: ".js", mean: 500},
		dataset:  &tree{root: "srv/dataset/train", id: 16, fanout: 1, files: sc(100_000), ext: ".jpg", mean: 400, noise: true},
		commands: sc(1_500),
	}
}

type step struct {
	cmd   string
	build func(w *layerWriter) error
}

// all runs fs in turn up to the first error.
func all(fs ...func() error) error {
	for _, f := range fs {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}

// whole puts every file of t as first written.
func (p *millionPlan) whole(w *layerWriter, t *tree) func() error {
	return func() error { return w.each(0, t.files, nil, func(i int) File { return t.fileAt(p.g, i) }) }
}

// rewrite puts the files of t that keep accepts with new bytes.
func (p *millionPlan) rewrite(w *layerWriter, t *tree, layer uint64, keep func(int) bool) func() error {
	return func() error {
		return w.each(0, t.files, keep, func(i int) File { return t.rewritten(p.g, i, layer) })
	}
}

// remove puts a whiteout for each file of t that keep accepts.
func (p *millionPlan) remove(w *layerWriter, t *tree, keep func(int) bool) func() error {
	return func() error {
		return w.each(0, t.files, keep, func(i int) File { return WhiteoutFile(t.fileAt(p.g, i).Name) })
	}
}

// removeDirs puts a whiteout for each of the first k directories of t at
// level that hold a file.
func (p *millionPlan) removeDirs(w *layerWriter, t *tree, level, k int) func() error {
	return func() error {
		for d := range k {
			if from, _ := t.filesUnder(level, d); from == t.files {
				break
			}
			if err := w.whiteout(t.dirAt(p.g, level, d)); err != nil {
				return err
			}
		}
		return nil
	}
}

// chmod is chmod -R mode of the k-th directory of t at level: every
// directory and file below it written again, the bytes unchanged.
func (p *millionPlan) chmod(w *layerWriter, t *tree, level, k int, mode int64) func() error {
	return func() error {
		dir := t.dirAt(p.g, level, k)
		if err := w.dir(path.Dir(dir), 0o755); err != nil {
			return err
		}
		if err := w.dir(dir, mode); err != nil {
			return err
		}
		w.dirMode = mode
		defer func() { w.dirMode = 0o755 }()
		from, to := t.filesUnder(level, k)
		return w.each(from, to, nil, func(i int) File {
			f := t.fileAt(p.g, i)
			f.Mode = mode
			return f
		})
	}
}

func every(n, r int) func(int) bool { return func(i int) bool { return i%n == r } }

func (p *millionPlan) steps() []step {
	g := p.g
	libexec := "opt/app/libexec"
	command := func(k int) string { return g.word(0xc0, 0, uint64(k)) + "-" + strconv.Itoa(k) }
	return []step{
		{"/bin/sh -c #(nop) ADD file:generated-rootfs.tar in / ", func(w *layerWriter) error {
			return all(p.whole(w, p.python), p.whole(w, p.icons), p.whole(w, p.docs), p.whole(w, p.locale),
				p.whole(w, p.dpkg), p.whole(w, p.include), p.whole(w, p.node),
				p.whole(w, p.libs),
				func() error {
					// Each even library gets its unversioned symlink.
					return w.each(0, p.libs.files, every(2, 0), func(i int) File {
						name := p.libs.fileAt(g, i).Name
						return File{Name: strings.TrimSuffix(name, ".1"), Type: tar.TypeSymlink, Mode: 0o777, Link: path.Base(name)}
					})
				},
				p.whole(w, p.filler))
		}},
		{"RUN /bin/sh -c install-app /opt/app # buildkit", func(w *layerWriter) error {
			core := File{Name: libexec + "/app-core", Type: tar.TypeReg, Mode: 0o755, Size: 12 << 10, Content: 0xc0de}
			return all(p.whole(w, p.appLib), p.whole(w, p.assets), p.whole(w, p.cache),
				func() error { return w.put(core) },
				func() error {
					// git-style commands: hardlinks to one binary, and a
					// symlink on the PATH to each.
					for k := range p.commands {
						if err := w.hardlink(libexec+"/app-"+command(k), core.Name); err != nil {
							return err
						}
					}
					for k := range p.commands {
						if err := w.symlink("usr/local/bin/app-"+command(k), "/"+libexec+"/app-"+command(k)); err != nil {
							return err
						}
					}
					return nil
				},
				func() error {
					// A vendored copy of every 50th source, hardlinked.
					return w.each(0, p.appLib.files, every(50, 0), func(i int) File {
						return File{Name: "opt/app/vendor/v" + strconv.Itoa(i) + ".go", Type: tar.TypeLink, Mode: 0o644, Link: p.appLib.fileAt(g, i).Name}
					})
				})
		}},
		{"RUN /bin/sh -c chmod -R 0775 /opt/app/assets /opt/app/lib/[0-2]* # buildkit", func(w *layerWriter) error {
			return all(p.chmod(w, p.assets, 0, 0, 0o775),
				p.chmod(w, p.appLib, 1, 0, 0o775), p.chmod(w, p.appLib, 1, 1, 0o775), p.chmod(w, p.appLib, 1, 2, 0o775))
		}},
		{"RUN /bin/sh -c apt-get upgrade -y # buildkit", func(w *layerWriter) error {
			return all(p.rewrite(w, p.python, 3, every(5, 0)), p.rewrite(w, p.include, 3, every(6, 0)),
				p.rewrite(w, p.dpkg, 3, every(4, 0)))
		}},
		{"RUN /bin/sh -c rm -rf /usr/share/doc/* /usr/share/locale/[a-m]* /" + p.python.dirAt(g, 1, 0) + " && find / -name '*.orig' -delete # buildkit", func(w *layerWriter) error {
			return all(p.removeDirs(w, p.docs, 1, p.docs.leaves()), p.removeDirs(w, p.locale, 1, p.locale.leaves()*2/3),
				p.removeDirs(w, p.python, 1, 1),
				p.remove(w, p.include, every(4, 0)), p.remove(w, p.node, every(8, 3)), p.remove(w, p.appLib, every(9, 4)))
		}},
		{"RUN /bin/sh -c rm -rf /var/cache/app && refill-cache && make -C /opt/app build # buildkit", func(w *layerWriter) error {
			return all(func() error { return w.dir(p.cache.root, 0o755) },
				func() error { return w.opaque(p.cache.root) },
				p.whole(w, p.cache2), p.whole(w, p.build))
		}},
		{"COPY srv /srv # buildkit", func(w *layerWriter) error {
			return all(p.whole(w, p.static), p.whole(w, p.dataset),
				func() error {
					// The previous release's files: hardlinks to every 20th.
					return w.each(0, p.static.files, every(20, 0), func(i int) File {
						name := p.static.fileAt(g, i).Name
						return File{Name: "srv/static-previous/" + path.Base(name), Type: tar.TypeLink, Mode: 0o644, Link: name}
					})
				},
				p.rewrite(w, p.assets, 6, every(2, 0)))
		}},
		{"RUN /bin/sh -c rm -rf /opt/app/build && make -C /opt/app release # buildkit", func(w *layerWriter) error {
			return all(func() error { return w.whiteout(p.build.root) },
				func() error {
					return w.put(File{Name: "opt/app/bin/app", Type: tar.TypeReg, Mode: 0o755, Size: 12 << 10, Content: 0xa99})
				},
				func() error {
					return w.each(0, 1+p.pad, nil, func(i int) File {
						return File{Name: "opt/app/etc/app-" + strconv.Itoa(i) + ".conf", Type: tar.TypeReg, Mode: 0o644, Size: g.size(0xc0f, uint64(i), 400), Content: 0xc0f<<32 | uint64(i), Text: true}
					})
				})
		}},
	}
}

// count runs every step without writing: the entries of each layer and
// the sum of the layer tars' sizes.
func (p *millionPlan) count() ([]int, int64, error) {
	var entries []int
	var size int64
	for _, s := range p.steps() {
		w := newLayerWriter(nil)
		if err := s.build(w); err != nil {
			return nil, 0, err
		}
		entries = append(entries, w.entries)
		size += w.size
	}
	return entries, size, nil
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

// Plan is a generated image: its layers, each listed member by member in
// tar order.
type Plan struct {
	Layers []Layer
	Size   int64 // the layer tars' sizes added up, but for PAX records of long names
	gen    *Gen
	steps  []step
}

// Layer is one layer of a plan.
type Layer struct {
	Cmd     string // its history step
	Entries int    // its tar members
}

// Members lists layer k's tar members in the order its tar holds them.
func (p *Plan) Members(k int, emit func(File) error) error {
	w := newLayerWriter(emit)
	return p.steps[k].build(w)
}

// Million plans the image of exactly n tar entries over 8 layers (n =
// 1,000,000: the million-entry image): the filler takes what the other
// trees leave, and the last layer's padding the few that the filler's
// directories make it miss by.
func Million(n int, g *Gen) (*Plan, error) {
	p := newMillionPlan(n, g)
	entries, _, err := p.count()
	if err != nil {
		return nil, err
	}
	for range 8 {
		miss := n - sum(entries)
		if miss >= 0 && miss <= 16 {
			break
		}
		p.filler.files = max(0, p.filler.files+miss)
		if entries, _, err = p.count(); err != nil {
			return nil, err
		}
	}
	if sum(entries) > n {
		return nil, fmt.Errorf("-entries %d is too few: the plan's other trees take %d", n, sum(entries)-p.filler.files)
	}
	p.pad = n - sum(entries)
	entries, size, err := p.count()
	if err != nil {
		return nil, err
	}
	if sum(entries) != n {
		return nil, fmt.Errorf("-entries %d: the plan makes %d", n, sum(entries))
	}
	plan := &Plan{Size: size, gen: g, steps: p.steps()}
	for i, s := range plan.steps {
		plan.Layers = append(plan.Layers, Layer{Cmd: s.cmd, Entries: entries[i]})
	}
	return plan, nil
}
