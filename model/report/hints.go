package report

import (
	"fmt"
	"sort"
	"strings"

	"lx.dev/lx/model"
)

// Hint is one piece of advice: a group of wasted copies that one change
// to the Dockerfile stops shipping, and that change. Every wasted copy is
// in exactly one hint, so the hints add up to the wasted total.
type Hint struct {
	Cause        string           `json:"cause"`                 // the group's cause (the biggest, for a rewritten path)
	KilledBy     int              `json:"killedBy"`              // the killing step (the last, for a rewritten path)
	MadeBy       []int            `json:"madeBy"`                // the steps that made the copies
	RewrittenBy  []int            `json:"rewrittenBy,omitempty"` // every step that rewrote a path rewritten several times
	Files        int              `json:"files"`
	Copies       int              `json:"copies"`
	Bytes        int64            `json:"bytes"`
	BytesByCause map[string]int64 `json:"bytesByCause"` // Bytes split by each copy's own cause
	// PullCostEstimate is what the group's copies cost a pull, an
	// estimate (the sum of their waste entries'); null when the pull sizes
	// are not known.
	PullCostEstimate *int64   `json:"pullCostEstimate"`
	Paths            []string `json:"paths"`              // the biggest few, for the text
	CameBack         int      `json:"cameBack,omitempty"` // removed files whose bytes come back later
	Text             string   `json:"text"`               // the finding, Markdown inline code for steps and paths
	Advice           string   `json:"advice"`             // the change to make
}

// hintPaths is how many example paths a hint names.
const hintPaths = 3

// metaKind is which metadata a recopy moved, for grouping and advice.
type metaKind uint8

const (
	metaNothing metaKind = iota
	metaMTime
	metaMode
	metaOwner
	metaXattrs
	metaSeveral
)

func kindOf(m model.MetaChange) metaKind {
	switch {
	case m.Nothing():
		return metaNothing
	case m.OnlyMTime():
		return metaMTime
	case m.Mode && !m.Owner && !m.Xattrs:
		return metaMode
	case m.Owner && !m.Mode && !m.Xattrs:
		return metaOwner
	case m.Xattrs && !m.Mode && !m.Owner:
		return metaXattrs
	}
	return metaSeveral
}

// hintKey is what makes copies one hint.
type hintKey struct {
	cause    model.Cause
	killedBy int
	madeBy   int      // the first maker, for a removal; the maker, for a pair
	what     metaKind // for a recopy: which metadata moved
	run      string   // for a rewritten path: its killing steps
}

// hints groups the waste into advice, biggest first.
//
// The copies of a path form a story: each one is replaced by the next (a
// recopy or an overwrite) until one is removed or one survives. A story
// that ends in a removal is one finding, told from the path's side: every
// copy up to the deletion is what "create and delete it in the same RUN"
// would have saved. A story of one dead copy is told per pair of making
// and killing steps (split by what metadata moved), grouped across paths.
// A path rewritten by several steps is one finding, grouped with the paths
// rewritten by the same steps.
func hints(img *model.Image, layers []LayerReport, pull []int64) []Hint {
	waste := img.Waste
	root := make([]int, len(waste)) // the last copy of each copy's story
	for i := range waste {
		// Next always leads to a later copy; the bound keeps a malformed
		// list (a hand-made Image) from looping.
		r := i
		for n := 0; n < len(waste) && waste[r].Next >= 0 && waste[r].Next < len(waste); n++ {
			r = waste[r].Next
		}
		root[i] = r
	}
	// The stories, each in list order: story r is at[from[r]:from[r+1]]
	// (a map of slices cost a million-entry image 0.1 s).
	from := make([]int, len(waste)+1)
	for _, r := range root {
		from[r+1]++
	}
	for r := range waste {
		from[r+1] += from[r]
	}
	at := make([]int, len(waste))
	next := append([]int(nil), from[:len(waste)]...)
	for i, r := range root {
		at[next[r]] = i
		next[r]++
	}
	groups := map[hintKey]*Hint{}
	var order []hintKey
	// Waste is biggest first, so every group's example paths are too.
	for r, w := range waste {
		story := at[from[r]:from[r+1]]
		if len(story) == 0 {
			continue
		}
		k := storyKey(waste, story, r)
		h, ok := groups[k]
		if !ok {
			h = &Hint{Cause: k.cause.String(), KilledBy: w.KilledBy, BytesByCause: map[string]int64{}}
			if pull != nil {
				h.PullCostEstimate = new(int64)
			}
			groups[k] = h
			order = append(order, k)
		}
		h.Files++
		h.Copies += len(story)
		for _, i := range story {
			h.Bytes += waste[i].Bytes
			if pull != nil {
				*h.PullCostEstimate += pull[i]
			}
			h.BytesByCause[waste[i].Cause.String()] += waste[i].Bytes
			h.MadeBy = appendUnique(h.MadeBy, waste[i].MadeBy)
			if k.run != "" {
				h.RewrittenBy = appendUnique(h.RewrittenBy, waste[i].KilledBy)
			}
		}
		if w.Cause == model.Removed && w.ReturnedIn >= 0 {
			h.CameBack++
		}
		if len(h.Paths) < hintPaths {
			h.Paths = append(h.Paths, model.DisplayPath(w.Path))
		}
	}
	out := make([]Hint, 0, len(order))
	for _, k := range order {
		h := groups[k]
		sort.Ints(h.MadeBy)
		sort.Ints(h.RewrittenBy)
		if k.run != "" {
			h.Cause = biggestCause(h.BytesByCause)
		}
		h.Text, h.Advice = hintText(layers, *h, k)
		out = append(out, *h)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Bytes > out[j].Bytes })
	return out
}

// storyKey says which hint a story of dead copies (ending at copy r)
// belongs to.
func storyKey(waste []model.Waste, story []int, r int) hintKey {
	w := waste[r]
	switch {
	case w.Cause == model.Removed:
		first := w.MadeBy
		for _, i := range story {
			first = min(first, waste[i].MadeBy)
		}
		return hintKey{cause: model.Removed, killedBy: w.KilledBy, madeBy: first}
	case len(story) == 1:
		k := hintKey{cause: w.Cause, killedBy: w.KilledBy, madeBy: w.MadeBy}
		if w.Cause == model.Recopied {
			k.what = kindOf(w.Meta)
		}
		return k
	}
	killers := make([]int, len(story))
	for i, c := range story {
		killers[i] = waste[c].KilledBy
	}
	sort.Ints(killers)
	return hintKey{cause: w.Cause, killedBy: w.KilledBy, run: fmt.Sprint(killers)}
}

// biggestCause is the cause with the most bytes (the first in report
// order on a tie).
func biggestCause(by map[string]int64) string {
	best := ""
	for _, c := range model.Causes {
		if best == "" || by[c.String()] > by[best] {
			best = c.String()
		}
	}
	return best
}

func hintText(layers []LayerReport, h Hint, k hintKey) (text, advice string) {
	killer := step(layers, h.KilledBy)
	files := pathsPhrase(h)
	makers := makersPhrase(layers, h.MadeBy)
	split := causePhrase(h)
	amount := Bytes(h.Bytes) + split
	// "`/a` (1.0 MiB)", or "2 files (`/a`, `/b`; 3.0 MiB)"
	sized := files + " (" + amount + ")"
	if h.Files > 1 {
		sized = strings.TrimSuffix(files, ")") + "; " + amount + ")"
	}
	if h.KilledBy >= 0 && h.KilledBy < len(layers) && layers[h.KilledBy].Container {
		return containerHint(killer, files, sized, makers, amount, split, h, k)
	}
	switch {
	case k.run != "":
		verb := "is"
		if h.Files > 1 {
			verb = "are each"
		}
		text = fmt.Sprintf("%s %s rewritten by %d steps (%s), so every pull ships %d copies the image no longer shows (%s)",
			files, verb, len(h.RewrittenBy), makersPhrase(layers, h.RewrittenBy), h.Copies, amount)
		advice = "write it once, in its final form: do the steps that change it in one `RUN`, or build it in an earlier stage and copy only the result"
		if h.BytesByCause[model.Overwritten.String()] == 0 {
			advice = "set its mode, owner and attributes once, in the step that writes it (`COPY --chmod --chown`)"
		}
	case k.cause == model.Removed:
		times := "again"
		if h.Files == 1 {
			times = countWord(h.Copies)
		}
		text = fmt.Sprintf("%s deletes %s, whose bytes every pull still ships %s (from %s, %s in all%s)",
			killer, files, times, makers, Bytes(h.Bytes), split)
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
	case k.cause == model.Recopied:
		text = fmt.Sprintf("%s recopied %s made by %s", killer, sized, makers)
		switch k.what {
		case metaMode:
			advice = "set the mode in the step that creates the file, or use `COPY --chmod`"
		case metaOwner:
			advice = "set the owner in the step that creates the file, or use `COPY --chown`"
		case metaXattrs:
			advice = "set the extended attributes in the step that creates the file"
		case metaNothing, metaMTime:
			how := "with the same bytes and metadata"
			if k.what == metaMTime {
				how = "with the same bytes; only its modification time moved"
			}
			text = fmt.Sprintf("%s rewrote %s made by %s %s", killer, sized, makers, how)
			advice = "do not touch, reinstall or copy again what an earlier step already wrote (timestamps alone cost a whole copy)"
		default:
			advice = "set mode, owner and attributes in the step that creates the file (`COPY --chmod --chown`)"
		}
		if copies(layers, h.KilledBy) && k.what != metaNothing && k.what != metaMTime {
			// The killer is itself a COPY or ADD: the file was copied twice.
			advice = "copy the file once, in its final form: `COPY --chown` and `--chmod` set owner and mode as it is copied"
		}
	default:
		text = fmt.Sprintf("%s overwrote %s made by %s", killer, sized, makers)
		advice = "write the final version once: move the step that makes it after the steps it depends on, or build it in an earlier stage and copy only the result"
	}
	return text, advice
}

// containerHint words the copies a container's writable layer killed:
// no Dockerfile step to change, but what the container's writes cost.
func containerHint(killer, files, sized, makers, amount, split string, h Hint, k hintKey) (text, advice string) {
	switch {
	case k.cause == model.Removed:
		text = fmt.Sprintf("%s deletes %s, whose bytes its image still holds (from %s, %s in all%s)", killer, files, makers, Bytes(h.Bytes), split)
		advice = "a deletion in a container frees nothing: leave the file out of the image if the container has no use for it"
	case k.run != "" || k.cause == model.Overwritten:
		text = fmt.Sprintf("%s overwrote %s made by %s: the container's layer holds its own copy", killer, sized, makers)
		advice = "write data that changes to a volume or a tmpfs mount, not over files of the image: a write copies the whole file up into the container's layer"
	default:
		text = fmt.Sprintf("%s rewrote %s made by %s with the same bytes: the container's layer holds a second copy", killer, sized, makers)
		advice = "do not rewrite, touch or chmod files of the image in a container: even an unchanged write copies the whole file up into the container's layer"
	}
	return text, advice
}

// causePhrase splits a hint's bytes by cause when it has several:
// ": 1.0 MiB removed, 1.0 MiB recopied"; "" for one cause.
func causePhrase(h Hint) string {
	var parts []string
	for _, c := range model.Causes {
		if b := h.BytesByCause[c.String()]; b > 0 {
			parts = append(parts, Bytes(b)+" "+c.String())
		}
	}
	if len(parts) < 2 {
		return ""
	}
	return ": " + strings.Join(parts, ", ")
}

// copies says whether a layer's step is a COPY or ADD.
func copies(layers []LayerReport, layer int) bool {
	if layer < 0 || layer >= len(layers) {
		return false
	}
	in := layers[layer].instruction()
	return strings.HasPrefix(in, "COPY ") || strings.HasPrefix(in, "ADD ")
}

// step names a layer by its Dockerfile instruction: "`RUN chmod -R 0777 /data`".
func step(layers []LayerReport, layer int) string {
	if layer < 0 || layer >= len(layers) || layers[layer].Command == "" {
		return fmt.Sprintf("layer %d", layer)
	}
	return codeSpan(shorten(layers[layer].instruction(), 72))
}

// makersPhrase names steps: all of them up to four, else the first two,
// "…" and the last.
func makersPhrase(layers []LayerReport, made []int) string {
	if len(made) > 4 {
		return step(layers, made[0]) + ", " + step(layers, made[1]) + ", … and " + step(layers, made[len(made)-1])
	}
	parts := make([]string, len(made))
	for i, m := range made {
		parts[i] = step(layers, m)
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

// LayerInstruction is how a layer is named: the Dockerfile step that made
// it (Instruction), or a container's writable layer by its container,
// as it is ("container web (running)").
func LayerInstruction(cmd string, container bool) string {
	if container {
		return cmd
	}
	return Instruction(cmd)
}

func (l LayerReport) instruction() string { return LayerInstruction(l.Command, l.Container) }

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
