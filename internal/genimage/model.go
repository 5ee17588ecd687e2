package genimage

// The model of a generated image, built in memory: the entries lx's
// archive reader makes of the members mkarchive writes, without the bytes.

import (
	"archive/tar"
	"encoding/binary"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/cespare/xxhash/v2"

	"lx.dev/lx/model"
)

// History is the image config's history of a plan whose layers run cmds:
// each layer's step, with the metadata-only steps a Dockerfile puts between
// them, a minute apart from Epoch.
func History(cmds []string) []model.History {
	var h []model.History
	at := Epoch
	add := func(cmd string, empty bool) {
		at = at.Add(time.Minute)
		h = append(h, model.History{Created: at, CreatedBy: cmd, EmptyLayer: empty})
	}
	for i, cmd := range cmds {
		add(cmd, false)
		switch i {
		case 0:
			add(`/bin/sh -c #(nop)  CMD ["bash"]`, true)
			add("ENV APP_HOME=/opt/app", true)
		case 5:
			add("WORKDIR /opt/app", true)
		}
	}
	add(`CMD ["/opt/app/bin/app"]`, true)
	return h
}

// Digest stands for the bytes Contents writes for f: two files get the
// same digest exactly when they hold the same bytes. It is not the xxhash
// of those bytes (what lx's reader takes), which would need them made; the
// model only ever compares digests.
func (g *Gen) Digest(f File) uint64 {
	if f.Size == 0 {
		return xxhash.Sum64(nil)
	}
	var b [17]byte
	if !f.Text {
		b[0] = 'n'
		binary.LittleEndian.PutUint64(b[1:], f.Content)
		binary.LittleEndian.PutUint64(b[9:], uint64(f.Size))
		return xxhash.Sum64(b[:])
	}
	head, off := g.textHead(f)
	if int64(len(head)) == f.Size {
		off = 0 // all of it is the head
	}
	b[0] = 't'
	binary.LittleEndian.PutUint64(b[1:], uint64(off))
	binary.LittleEndian.PutUint64(b[9:], uint64(f.Size))
	d := xxhash.New()
	d.Write(b[:])
	d.WriteString(head)
	return d.Sum64()
}

// Entry is the entry lx's archive reader makes of f's tar member.
func (g *Gen) Entry(f File) (model.Entry, error) {
	name := strings.TrimSuffix(f.Name, "/")
	dir, base := path.Split(name)
	dir = strings.TrimSuffix(dir, "/")
	switch {
	case base == ".wh..wh..opq":
		return model.Entry{Path: dir, Kind: model.KindOpaque}, nil
	case strings.HasPrefix(base, ".wh."):
		return model.Entry{Path: path.Join(dir, base[len(".wh."):]), Kind: model.KindWhiteout}, nil
	}
	e := model.Entry{Path: name, Mode: uint32(f.Mode) & 0o7777, MTime: Epoch.UnixNano()}
	switch f.Type {
	case tar.TypeReg:
		e.Kind, e.Size, e.Digest = model.KindRegular, f.Size, g.Digest(f)
	case tar.TypeDir:
		e.Kind = model.KindDir
	case tar.TypeSymlink:
		e.Kind, e.Link = model.KindSymlink, f.Link
	case tar.TypeLink:
		e.Kind, e.Link = model.KindHardlink, path.Clean(f.Link)
	default:
		return e, fmt.Errorf("%s: tar type %q is not one the generators make", f.Name, f.Type)
	}
	return e, nil
}

// Entries is layer k's entries, as lx's archive reader gives them.
func (p *Plan) Entries(k int) ([]model.Entry, error) {
	es := make([]model.Entry, 0, p.Layers[k].Entries)
	err := p.Members(k, func(f File) error {
		e, err := p.gen.Entry(f)
		es = append(es, e)
		return err
	})
	return es, err
}

// Config is the image config of the plan as mkarchive writes it, but for
// the diffIDs and the image ID, which stand for the bytes and are made up.
func (p *Plan) Config(ref string) model.Config {
	cmds := make([]string, len(p.Layers))
	for i, l := range p.Layers {
		cmds[i] = l.Cmd
	}
	h := History(cmds)
	cfg := model.Config{
		Ref: ref, ID: fmt.Sprintf("sha256:%064x", p.gen.seed),
		OS: "linux", Architecture: "amd64", Created: h[len(h)-1].Created, History: h,
	}
	for i := range p.Layers {
		cfg.DiffIDs = append(cfg.DiffIDs, fmt.Sprintf("sha256:%032x%032x", p.gen.seed, i))
		cfg.Layers = append(cfg.Layers, model.LayerBlob{CompressedSize: -1})
	}
	return cfg
}

// Image builds the plan's model, layer by layer, as lx builds it from the
// archive mkarchive writes.
func (p *Plan) Image(ref string) (*model.Image, error) {
	b := model.NewBuilder(p.Config(ref))
	for k := range p.Layers {
		es, err := p.Entries(k)
		if err != nil {
			return nil, err
		}
		if _, err := b.AddLayer(es); err != nil {
			return nil, err
		}
	}
	return b.Finish()
}
