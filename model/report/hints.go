package report

import (
	"fmt"
	"sort"
	"strings"
)

// Hint is one piece of advice: a group of wasted copies with the same
// cause, the same killing step and the same making step, and what to
// change in the Dockerfile so the bytes stop shipping.
type Hint struct {
	Cause    string   `json:"cause"`
	KilledBy int      `json:"killedBy"`
	MadeBy   []int    `json:"madeBy"`
	Files    int      `json:"files"`
	Copies   int      `json:"copies"`
	Bytes    int64    `json:"bytes"`
	Paths    []string `json:"paths"`              // the biggest few, for the text
	CameBack int      `json:"cameBack,omitempty"` // removed files whose bytes come back later
	Text     string   `json:"text"`               // the finding, Markdown inline code for steps and paths
	Advice   string   `json:"advice"`             // the change to make
}

// hintPaths is how many example paths a hint names.
const hintPaths = 3

// hints groups the waste into advice, biggest first.
//
// A removal is told from the path's side: every dead copy of the path up to
// its deletion (the recopies before it included) is what "create and delete
// it in the same RUN" would have saved. Recopies and overwrites are told per
// pair of making and killing steps, split by what metadata moved.
func hints(r Report) []Hint {
	type key struct {
		cause    string
		killedBy int
		madeBy   int    // first maker for removals
		what     string // for recopies: which metadata moved
	}
	groups := map[key]*Hint{}
	var order []key
	add := func(k key, made []int, path string, copies int, bytes int64, cameBack bool) {
		h, ok := groups[k]
		if !ok {
			h = &Hint{Cause: k.cause, KilledBy: k.killedBy}
			groups[k] = h
			order = append(order, k)
		}
		h.Files++
		h.Copies += copies
		h.Bytes += bytes
		if cameBack {
			h.CameBack++
		}
		for _, m := range made {
			h.MadeBy = appendUnique(h.MadeBy, m)
		}
		if len(h.Paths) < hintPaths {
			h.Paths = append(h.Paths, path)
		}
	}
	byPath := map[string][]int{}
	for i, w := range r.Waste {
		byPath[w.Path] = append(byPath[w.Path], i)
	}
	// Waste is biggest first, so every group's example paths are too.
	for i, w := range r.Waste {
		switch w.Cause {
		case "removed":
			chain := removedChain(r.Waste, byPath[w.Path], i)
			made := make([]int, 0, len(chain))
			var bytes int64
			for _, c := range chain {
				made = append(made, r.Waste[c].MadeBy)
				bytes += r.Waste[c].Bytes
			}
			sort.Ints(made)
			add(key{"removed", w.KilledBy, made[0], ""}, made, w.Path, len(chain), bytes, w.ReturnedIn != nil)
		case "recopied":
			if killedLater(r.Waste, byPath[w.Path], i) {
				continue // told with the removal that ends its path's chain
			}
			add(key{"recopied", w.KilledBy, w.MadeBy, metadataKind(w.Changed)}, []int{w.MadeBy}, w.Path, 1, w.Bytes, false)
		default:
			if killedLater(r.Waste, byPath[w.Path], i) {
				continue
			}
			add(key{w.Cause, w.KilledBy, w.MadeBy, ""}, []int{w.MadeBy}, w.Path, 1, w.Bytes, false)
		}
	}
	out := make([]Hint, 0, len(order))
	for _, k := range order {
		h := groups[k]
		sort.Ints(h.MadeBy)
		h.Text, h.Advice = hintText(r, *h, k.what)
		out = append(out, *h)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Bytes > out[j].Bytes })
	return out
}

// removedChain lists the dead copies of a removed copy's path that end in
// that removal: the removed copy and the copies that recopy or overwrite
// killed just before it, back to the path's previous removal. A layer may
// hold one path twice (the later entry kills the earlier one in the same
// layer), so a link is any unvisited copy killed by the layer that made the
// previous one: every step takes a new copy, and the walk ends.
func removedChain(waste []WasteReport, samePath []int, at int) []int {
	chain := []int{at}
	seen := map[int]bool{at: true}
	next := waste[at].MadeBy // the chain links a copy to the copy it was killed by
	for {
		found := -1
		for _, j := range samePath {
			if x := waste[j]; !seen[j] && x.Cause != "removed" && x.KilledBy == next && x.MadeBy <= next {
				found = j
				break
			}
		}
		if found < 0 {
			return chain
		}
		seen[found] = true
		chain = append(chain, found)
		next = waste[found].MadeBy
	}
}

// killedLater says whether a recopied or overwritten copy belongs to a
// removal's chain: a later copy of the same path, made by the layer that
// killed this one, was removed in the end. Like removedChain, it never
// visits a copy twice.
func killedLater(waste []WasteReport, samePath []int, at int) bool {
	seen := map[int]bool{at: true}
	made := waste[at].KilledBy
	for {
		found := false
		for _, j := range samePath {
			x := waste[j]
			if seen[j] || x.MadeBy != made {
				continue
			}
			if x.Cause == "removed" {
				return true
			}
			seen[j] = true
			made, found = x.KilledBy, true
			break
		}
		if !found {
			return false
		}
	}
}

func metadataKind(changed string) string {
	switch {
	case changed == "" || changed == "nothing":
		return "nothing"
	case strings.HasPrefix(changed, "mode") && !strings.Contains(changed, ","):
		return "mode"
	case strings.HasPrefix(changed, "owner") && !strings.Contains(changed, ","):
		return "owner"
	case changed == "xattrs":
		return "xattrs"
	}
	return "metadata"
}

func hintText(r Report, h Hint, what string) (text, advice string) {
	killer := step(r, h.KilledBy)
	files := pathsPhrase(h)
	makers := makersPhrase(r, h.MadeBy)
	// "`/a` (1.0 MiB)", or "2 files (`/a`, `/b`; 3.0 MiB)"
	sized := files + " (" + Bytes(h.Bytes) + ")"
	if h.Files > 1 {
		sized = strings.TrimSuffix(files, ")") + "; " + Bytes(h.Bytes) + ")"
	}
	switch h.Cause {
	case "removed":
		times := "again"
		if h.Files == 1 {
			times = countWord(h.Copies)
		}
		text = fmt.Sprintf("%s deletes %s, whose bytes every pull still ships %s (from %s, %s in all)",
			killer, files, times, makers, Bytes(h.Bytes))
		advice = "create and delete it in the same `RUN`, or build it in an earlier stage of a multi-stage build and copy only what is kept"
		if h.Files > 1 {
			advice = "create and delete them in the same `RUN`, or build them in an earlier stage of a multi-stage build and copy only what is kept"
		}
		switch {
		case h.CameBack == h.Files:
			text += "; the same bytes come back later, so they ship once more"
			advice = "keep the file instead of deleting and re-adding it, or do both in one step"
		case h.CameBack > 0:
			text += fmt.Sprintf("; %d of them come back later with the same bytes, so those ship once more", h.CameBack)
		}
	case "recopied":
		text = fmt.Sprintf("%s recopied %s made by %s", killer, sized, makers)
		switch what {
		case "mode":
			advice = "set the mode in the step that creates the file, or use `COPY --chmod`"
		case "owner":
			advice = "set the owner in the step that creates the file, or use `COPY --chown`"
		case "xattrs":
			advice = "set the extended attributes in the step that creates the file"
		case "nothing":
			text = fmt.Sprintf("%s rewrote %s made by %s with the same bytes and metadata", killer, sized, makers)
			advice = "do not touch, reinstall or copy again what an earlier step already wrote (timestamps alone cost a whole copy)"
		default:
			advice = "set mode, owner and attributes in the step that creates the file (`COPY --chmod --chown`)"
		}
		if copies(r, h.KilledBy) && what != "nothing" {
			// The killer is itself a COPY or ADD: the file was copied twice.
			advice = "copy the file once, in its final form: `COPY --chown` and `--chmod` set owner and mode as it is copied"
		}
	default:
		text = fmt.Sprintf("%s overwrote %s made by %s", killer, sized, makers)
		advice = "write the final version once: move the step that makes it after the steps it depends on, or build it in an earlier stage and copy only the result"
	}
	return text, advice
}

// copies says whether a layer's step is a COPY or ADD.
func copies(r Report, layer int) bool {
	if layer < 0 || layer >= len(r.Layers) {
		return false
	}
	in := Instruction(r.Layers[layer].Command)
	return strings.HasPrefix(in, "COPY ") || strings.HasPrefix(in, "ADD ")
}

// step names a layer by its Dockerfile instruction: "`RUN chmod -R 0777 /data`".
func step(r Report, layer int) string {
	if layer < 0 || layer >= len(r.Layers) || r.Layers[layer].Command == "" {
		return fmt.Sprintf("layer %d", layer)
	}
	return codeSpan(shorten(Instruction(r.Layers[layer].Command), 72))
}

func makersPhrase(r Report, made []int) string {
	parts := make([]string, len(made))
	for i, m := range made {
		parts[i] = step(r, m)
	}
	return joinAnd(parts)
}

func pathsPhrase(h Hint) string {
	names := make([]string, len(h.Paths))
	for i, p := range h.Paths {
		names[i] = codeSpan(p)
	}
	if h.Files == 1 {
		return names[0]
	}
	s := fmt.Sprintf("%d files (%s", h.Files, strings.Join(names, ", "))
	if h.Files > len(names) {
		s += ", …"
	}
	return s + ")"
}

func countWord(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return fmt.Sprintf("%d times", n)
}

func joinAnd(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

func appendUnique(s []int, v int) []int {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

// Instruction renders a history command as the Dockerfile step that made
// it: the classic builder's "/bin/sh -c #(nop) COPY ..." and "/bin/sh -c
// rm ..." and BuildKit's "RUN /bin/sh -c rm ... # buildkit" all become
// "COPY ..." and "RUN rm ...".
func Instruction(cmd string) string {
	s := strings.TrimSpace(cmd)
	s = strings.TrimSpace(strings.TrimSuffix(s, "# buildkit"))
	if rest, ok := strings.CutPrefix(s, "/bin/sh -c #(nop)"); ok {
		return strings.TrimSpace(rest)
	}
	if rest, ok := strings.CutPrefix(s, "RUN "); ok {
		s = strings.TrimSpace(rest)
		if r, ok := strings.CutPrefix(s, "|"); ok { // BuildKit's "|N ARG=v ..." build-arg prefix
			if i := strings.Index(r, "/bin/sh -c "); i >= 0 {
				s = r[i:]
			}
		}
	}
	if rest, ok := strings.CutPrefix(s, "/bin/sh -c "); ok {
		return "RUN " + strings.TrimSpace(rest)
	}
	if s != "" && strings.ToUpper(strings.Fields(s)[0]) == strings.Fields(s)[0] && !strings.HasPrefix(s, "/") {
		return s // already an instruction: "COPY . /app", "ADD file:… in /"
	}
	if s == "" {
		return ""
	}
	return "RUN " + s
}
