package source

// What the engine's other images say of this one: its base, and the
// images that hold each of its layers (issue: shared base layers).

import (
	"context"

	"github.com/moby/moby/client"

	"lx.dev/lx/model"
)

// relationsJobs is how many inspects run at once: the image list of a
// busy machine has hundreds of images, each one inspect away.
const relationsJobs = 4

// relations lists the engine's images (as docker images does: dangling
// ones too, not the classic builder's intermediate ones) with their
// layers, and relates this image to them. It reports what it could list:
// an image that vanished between the list and its inspect is left out.
func (e *Engine) relations(ctx context.Context, img *engineImage) (model.Relations, error) {
	list, err := e.cli.ImageList(ctx, client.ImageListOptions{})
	if err != nil {
		return model.Relations{}, err
	}
	store := make([]model.StoreImage, len(list.Items))
	slots := make([]int, len(list.Items))
	for i := range slots {
		slots[i] = i
	}
	inspect := func(ctx context.Context, i int) error {
		item := list.Items[i]
		if item.ID == img.inspect.ID {
			return nil // the image itself
		}
		if in, err := e.cli.ImageInspect(ctx, item.ID); err == nil { // one that vanished is left out
			store[i] = model.StoreImage{ID: item.ID, Names: tagsOf(item.RepoTags), DiffIDs: in.RootFS.Layers}
		}
		return nil
	}
	if err := runJobs(ctx, relationsJobs, slots, inspect, nil); err != nil {
		return model.Relations{}, err
	}
	rel := model.Relate(img.inspect.ID, img.inspect.RootFS.Layers, store)
	if rel.Base != nil {
		// Its history's length tells which of this image's steps are its:
		// the base's ENV or CMD steps above its last layer too.
		if h, err := e.cli.ImageHistory(ctx, rel.Base.ID); err == nil {
			rel.Base.Steps = len(h.Items)
		}
	}
	return rel, nil
}

// tagsOf drops the "<none>:<none>" an old engine lists for an untagged
// image.
func tagsOf(tags []string) []string {
	var out []string
	for _, t := range tags {
		if t != "<none>:<none>" && t != "" {
			out = append(out, t)
		}
	}
	return out
}
