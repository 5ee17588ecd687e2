package main

import (
	"fmt"
	"path"
	"strings"

	"lx.dev/lx/model"
	"lx.dev/lx/model/report"
)

// checkPaths refuses a path asked for (lx report --path) that no layer
// of the image has, with the nearest path it does have: a report that
// silently lacks what was asked is worse than none.
func checkPaths(img *model.Image, paths []string) error {
	for _, p := range paths {
		rel := report.CleanPath(p)
		if rel == "" {
			return fmt.Errorf("--path %s: the root has no history of its own; name a path inside the image", p)
		}
		if n, ok := img.Lookup(rel); ok && len(img.History(n)) > 0 {
			continue
		}
		msg := fmt.Sprintf("--path %s: no layer of %s has this path", p, img.Config.Ref)
		if near := nearestPath(img, rel); near != "" {
			msg += fmt.Sprintf("; did you mean %s?", model.DisplayPath(near))
		}
		return fmt.Errorf("%s", msg)
	}
	return nil
}

// nearestPath is a path of the image a mistyped one probably meant:
// each part of it that no layer has is taken for the name in the same
// directory fewest edits away (at most a third of its length, at least
// one). It costs O(the names in the directories on the way).
func nearestPath(img *model.Image, rel string) string {
	dir, out := model.Root, ""
	for _, part := range strings.Split(rel, "/") {
		n, ok := img.Lookup(path.Join(out, part))
		if !ok || len(img.History(n)) == 0 {
			best, bestDist := "", max(len(part)/3, 1)+1
			for _, c := range img.EveryChild(dir) {
				if len(img.History(c)) == 0 {
					continue
				}
				if d := editDistance(part, img.Name(c)); d < bestDist {
					best, bestDist, n = img.Name(c), d, c
				}
			}
			if best == "" {
				return ""
			}
			part = best
		}
		dir, out = n, path.Join(out, part)
	}
	return out
}
