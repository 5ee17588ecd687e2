package source

// What the engine's other images say of this one: its base, and the
// images that hold each of its layers (issue: shared base layers).

import (
	"context"
	"sync"

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
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range relationsJobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				item := list.Items[i]
				if item.ID == img.inspect.ID {
					continue // the image itself
				}
				in, err := e.cli.ImageInspect(ctx, item.ID)
				if err != nil {
					continue
				}
				store[i] = model.StoreImage{ID: item.ID, Names: tagsOf(item.RepoTags), DiffIDs: in.RootFS.Layers}
			}
		}()
	}
	for i := range list.Items {
		select {
		case jobs <- i:
		case <-ctx.Done():
		}
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
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
