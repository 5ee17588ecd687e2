package model

import "fmt"

// Outline is what an image's config alone says: its layers (without
// figures) and its history steps, each layer bound to the step that made
// it. A UI shows it before any layer byte is read. The warnings say when
// the history does not cover every layer. A container's writable layer
// (the last, when cfg.Container is set) is made by no step: it is marked
// Container and named by the container.
func Outline(cfg Config) ([]Layer, []Step, []string) {
	layers := make([]Layer, len(cfg.DiffIDs))
	for i, d := range cfg.DiffIDs {
		layers[i] = Layer{Index: i, DiffID: d, Step: -1}
		if i < len(cfg.Layers) {
			layers[i].Blob = cfg.Layers[i]
		}
	}
	imageLayers := layers
	if c := cfg.Container; c != nil && len(layers) > 0 {
		imageLayers = layers[:len(layers)-1]
		w := &layers[len(layers)-1]
		w.Container, w.Command, w.Created = true, c.Label(), c.Created
		w.Blob.CompressedSize = -1 // a writable layer is never pulled
	}
	var steps []Step
	next := 0
	for i, h := range cfg.History {
		s := Step{Index: i, Created: h.Created, CreatedBy: h.CreatedBy, Comment: h.Comment, Empty: h.EmptyLayer, Layer: -1}
		if !h.EmptyLayer && next < len(imageLayers) {
			s.Layer = next
			l := &layers[next]
			l.Step, l.Command, l.Created, l.Comment = i, h.CreatedBy, h.Created, h.Comment
			next++
		}
		steps = append(steps, s)
	}
	var warnings []string
	if next < len(imageLayers) && len(cfg.History) > 0 {
		warnings = append(warnings, fmt.Sprintf("history covers %d of %d layers; the others have no command", next, len(imageLayers)))
	}
	return layers, steps, warnings
}
