package main

// The classic benchmark archive (about 1.2 GB, 80k entries): a rootfs tar
// as the base, then six generated layers listed file by file.

import (
	"archive/tar"
	"fmt"
	"io"
	"math/rand/v2"
	"os"

	"lx.dev/lx/internal/genimage"
)

// classicLayers is the classic archive's plan: the rootfs tar at basePath
// as it is, then six generated layers, all adding up to about target bytes.
func classicLayers(basePath string, target int64, seed uint64, g *genimage.Gen) ([]layer, error) {
	st, err := os.Stat(basePath)
	if err != nil {
		return nil, fmt.Errorf("base layer: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("base layer %s is not a regular file", basePath)
	}
	fls, err := plan(st.Size(), target, seed)
	if err != nil {
		return nil, err
	}
	ls := make([]layer, len(fls))
	for i, fl := range fls {
		ls[i] = layer{cmd: fl.cmd, entries: len(fl.files), fill: func(w io.Writer) error { return layerTar(g, w, fl.files) }}
	}
	ls[0].entries = -1 // not counted: the rootfs is copied as it is
	ls[0].fill = func(w io.Writer) error { return copyFile(w, basePath) }
	return ls, nil
}

// fileLayer is a generated layer listed file by file.
type fileLayer struct {
	cmd   string
	files []genimage.File
}

var (
	dirF = genimage.DirFile
	whF  = genimage.WhiteoutFile
)

// layerTar writes a layer's tar of fs, each with its bytes.
func layerTar(g *genimage.Gen, w io.Writer, fs []genimage.File) error {
	tw := tar.NewWriter(w)
	for _, f := range fs {
		if err := writeMember(g, tw, f, tar.FormatUSTAR); err != nil {
			return err
		}
	}
	return tw.Close()
}

// writeMember writes f's header and bytes in format (FormatUnknown: the
// narrowest that holds it).
func writeMember(g *genimage.Gen, tw *tar.Writer, f genimage.File, format tar.Format) error {
	hdr := &tar.Header{
		Name: f.Name, Typeflag: f.Type, Mode: f.Mode, Size: f.Size, Linkname: f.Link,
		ModTime: genimage.Epoch, Uname: "root", Gname: "root", Format: format,
	}
	if f.Type != tar.TypeReg {
		hdr.Size = 0
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("%s: %w", f.Name, err)
	}
	return g.Contents(tw, f)
}

// tarSize is what a layer's tar takes: a header block per member, file
// bytes padded to blocks, two zero blocks at the end.
func tarSize(fs []genimage.File) int64 {
	n := int64(1024)
	for _, f := range fs {
		n += 512 + (f.Size+511)/512*512
	}
	return n
}

// plan lays out the six generated layers. The big incompressible files are
// sized so the layers add up to about target bytes with the base.
func plan(baseSize, target int64, seed uint64) ([]fileLayer, error) {
	rng := rand.New(rand.NewPCG(seed, 0x6c78))
	id := uint64(0)
	next := func() uint64 { id++; return id }
	textFile := func(name string, mean float64) genimage.File {
		size := min(int64(rng.ExpFloat64()*mean), 256<<10)
		return genimage.File{Name: name, Type: tar.TypeReg, Mode: 0o644, Size: size, Content: next(), Text: true}
	}
	noise := func(name string, mode, size int64) genimage.File {
		return genimage.File{Name: name, Type: tar.TypeReg, Mode: mode, Size: size, Content: next()}
	}
	// textTree is dirs directories below top, each of perDir text files;
	// dirName and fileName are formats for their indexes.
	textTree := func(top, dirName string, dirs int, fileName string, perDir int, mean float64) []genimage.File {
		fs := []genimage.File{dirF(top, 0o755)}
		for d := range dirs {
			dir := top + "/" + fmt.Sprintf(dirName, d)
			fs = append(fs, dirF(dir, 0o755))
			for f := range perDir {
				fs = append(fs, textFile(dir+"/"+fmt.Sprintf(fileName, f), mean))
			}
		}
		return fs
	}

	// 1: a package tree: 40,000 sources in 800 directories, 5,000 docs, a
	// binary with a hardlink and symlinks to it.
	install := []genimage.File{dirF("opt", 0o755), dirF("opt/app", 0o755)}
	install = append(install, textTree("opt/app/lib", "pkg%03d", 800, "mod%02d.go", 50, 2500)...)
	install = append(install, textTree("opt/app/doc", "topic%02d", 50, "page%03d.html", 100, 1500)...)
	app := noise("opt/app/bin/app", 0o755, 32<<20)
	install = append(install, dirF("opt/app/bin", 0o755), app,
		genimage.File{Name: "opt/app/bin/app-server", Type: tar.TypeLink, Mode: 0o755, Link: app.Name},
		dirF("usr", 0o755), dirF("usr/local", 0o755), dirF("usr/local/bin", 0o755),
		genimage.File{Name: "usr/local/bin/app", Type: tar.TypeSymlink, Mode: 0o777, Link: "/opt/app/bin/app"})

	// 2: data: four big blobs and a cache of 2,000 small files.
	data := []genimage.File{dirF("data", 0o755)}
	for i := range 4 {
		data = append(data, noise(fmt.Sprintf("data/blob-%d", i), 0o644, 0))
	}
	data = append(data, dirF("data/cache", 0o755))
	for i := range 2000 {
		data = append(data, noise(fmt.Sprintf("data/cache/c%04d", i), 0o644, 4096))
	}

	// 3: chmod -R 0777 /data writes every file again, bytes unchanged.
	chmod := make([]genimage.File, len(data))
	for i, f := range data {
		f.Mode = 0o777
		chmod[i] = f
	}

	// 4: a build tree of 20,000 files and a big model file.
	build := []genimage.File{dirF("opt", 0o755), dirF("opt/app", 0o755)}
	build = append(build, textTree("opt/app/build", "obj%03d", 200, "o%03d.o", 100, 2000)...)
	build = append(build, dirF("data", 0o777), noise("data/model.bin", 0o644, 0))

	// 5: cleanup: a directory and a big blob removed, 1,000 single files
	// removed, the cache emptied by an opaque whiteout and refilled.
	clean := []genimage.File{dirF("opt", 0o755), dirF("opt/app", 0o755), whF("opt/app/doc"), dirF("opt/app/build", 0o755)}
	for d := range 200 {
		dir := fmt.Sprintf("opt/app/build/obj%03d", d)
		clean = append(clean, dirF(dir, 0o755))
		for f := range 5 {
			clean = append(clean, whF(fmt.Sprintf("%s/o%03d.o", dir, f*20)))
		}
	}
	clean = append(clean, dirF("data", 0o777), whF("data/blob-3"), dirF("data/cache", 0o777),
		genimage.File{Name: "data/cache/.wh..wh..opq", Type: tar.TypeReg, Mode: 0o644})
	for i := range 10 {
		clean = append(clean, textFile(fmt.Sprintf("data/cache/n%02d", i), 800))
	}

	// 6: the binary rebuilt (its old bytes stay alive through the hardlink)
	// and a config file.
	release := []genimage.File{dirF("opt", 0o755), dirF("opt/app", 0o755), dirF("opt/app/bin", 0o755),
		noise("opt/app/bin/app", 0o755, 32<<20),
		dirF("opt/app/etc", 0o755), textFile("opt/app/etc/app.conf", 600)}

	ls := []fileLayer{
		{cmd: "/bin/sh -c #(nop) ADD file:rootfs.tar in / "},
		{cmd: "/bin/sh -c install-app /opt/app", files: install},
		{cmd: "COPY data /data # buildkit", files: data},
		{cmd: "RUN /bin/sh -c chmod -R 0777 /data # buildkit", files: chmod},
		{cmd: "RUN /bin/sh -c make -C /opt/app build # buildkit", files: build},
		{cmd: "RUN /bin/sh -c rm -rf /opt/app/doc /data/blob-3 /opt/app/build/*/o0[02468]0.o && rm -rf /data/cache/* && refill-cache # buildkit", files: clean},
		{cmd: "RUN /bin/sh -c make -C /opt/app release # buildkit", files: release},
	}
	fixed := baseSize
	for _, l := range ls {
		fixed += tarSize(l.files)
	}
	// The blobs travel twice (copy, chmod); the model once.
	left := target - fixed
	if left < 64<<20 {
		return nil, fmt.Errorf("the base layer (%d MB) leaves too little of -size %d MB for the generated layers", baseSize/1e6, target/1e6)
	}
	blobSize := left * 7 / 10 / 8 &^ 511
	setSize := func(fs []genimage.File, name string, n int64) {
		for i := range fs {
			if fs[i].Name == name {
				fs[i].Size = n
			}
		}
	}
	for i := range 4 {
		name := fmt.Sprintf("data/blob-%d", i)
		setSize(data, name, blobSize)
		setSize(chmod, name, blobSize)
	}
	setSize(build, "data/model.bin", (left-8*blobSize)&^511)
	return ls, nil
}
