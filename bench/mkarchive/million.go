package main

import (
	"archive/tar"
	"fmt"
	"io"

	"lx.dev/lx/internal/genimage"
)

// millionLayers is the image of exactly n tar entries that genimage.Million
// plans, each layer written member by member; what it plans goes to log.
func millionLayers(n int, g *genimage.Gen, log io.Writer) ([]layer, error) {
	p, err := genimage.Million(n, g)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "%d entries over %d layers, about %d MB of layer tars\n", n, len(p.Layers), p.Size/1e6)
	var ls []layer
	for k, l := range p.Layers {
		ls = append(ls, layer{cmd: l.Cmd, entries: l.Entries, fill: func(w io.Writer) error {
			tw := tar.NewWriter(w)
			err := p.Members(k, func(f genimage.File) error { return writeMember(g, tw, f, tar.FormatUnknown) })
			if err != nil {
				return err
			}
			return tw.Close()
		}})
	}
	return ls, nil
}
