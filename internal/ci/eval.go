package ci

import (
	"fmt"
	"strconv"

	"lx.dev/lx/model/report"
)

// BaseLayers is how many bottom layers count as the base image: the base
// the report names (the engine's image list, or --base), else the first
// layer.
func BaseLayers(r report.Report) int {
	if b := r.Image.Base; b != nil {
		return b.Layers
	}
	return 1
}

// Boundary says where the user's layers start, for the verdicts.
func Boundary(r report.Report) string {
	if b := r.Image.Base; b != nil {
		how := "the engine's images"
		if b.Given {
			how = "--base"
		}
		return fmt.Sprintf("the layers above the base image %s (%d of %d, from %s) are the user's", b.Ref, b.Layers, r.Image.LayerCount, how)
	}
	return "no base image is known (an archive without --base, or no local image below it): the layers above layer 0 are the user's"
}

// Result is one rule's verdict.
type Result struct {
	Key       string
	Enabled   bool
	Passed    bool
	Measured  string // "0.4911", "3.0 MiB (3,145,728 bytes)"
	Threshold string // "≥ 0.9000", "≤ 20.0 MB"
}

// UserBytes are the bytes the layers above the base ship, and how many of
// them are wasted copies (copies those layers made that die later).
func UserBytes(r report.Report) (total, wasted int64) {
	base := BaseLayers(r)
	for _, l := range r.Layers {
		if l.Index >= base {
			total += l.SizeBytes
			wasted += l.WastedBytesMade
		}
	}
	return total, wasted
}

// UserWastedShare is the wasted share of the user layers' bytes, 0 when
// they ship none.
func UserWastedShare(r report.Report) float64 {
	total, wasted := UserBytes(r)
	if total == 0 {
		return 0
	}
	return float64(wasted) / float64(total)
}

// Evaluate checks every rule, in Keys order; disabled rules are listed as
// such and pass.
func Evaluate(r report.Report, rules Rules) []Result {
	img := r.Image
	var out []Result
	eff := Result{Key: KeyLowestEfficiency, Measured: ratioText(img.Efficiency)}
	if rules.LowestEfficiency != nil {
		eff.Enabled, eff.Threshold = true, "≥ "+ratioText(*rules.LowestEfficiency)
		eff.Passed = img.Efficiency >= *rules.LowestEfficiency
	}
	out = append(out, eff)

	wasted := Result{Key: KeyHighestWastedBytes, Measured: report.BytesExact(img.WastedBytes)}
	if limit := rules.HighestWastedBytes; limit != nil {
		wasted.Measured = limit.Measure(img.WastedBytes) // in the rule's unit
		wasted.Enabled, wasted.Threshold = true, "≤ "+limit.Exact()
		wasted.Passed = img.WastedBytes <= limit.Bytes
	}
	out = append(out, wasted)

	share := UserWastedShare(r)
	user := Result{Key: KeyHighestUserWastedPercent, Measured: percentText(share)}
	if rules.HighestUserWastedPercent != nil {
		user.Enabled, user.Threshold = true, "≤ "+percentText(*rules.HighestUserWastedPercent)
		user.Passed = share <= *rules.HighestUserWastedPercent
	}
	out = append(out, user)

	layers := Result{Key: KeyHighestLayerCount, Measured: strconv.Itoa(img.LayerCount)}
	if rules.HighestLayerCount != nil {
		layers.Enabled, layers.Threshold = true, "≤ "+strconv.Itoa(*rules.HighestLayerCount)
		layers.Passed = img.LayerCount <= *rules.HighestLayerCount
	}
	out = append(out, layers)
	for i := range out {
		if !out[i].Enabled {
			out[i].Passed = true
		}
	}
	return out
}

// Failed counts the enabled rules that failed.
func Failed(results []Result) int {
	n := 0
	for _, r := range results {
		if !r.Passed {
			n++
		}
	}
	return n
}

func ratioText(f float64) string { return strconv.FormatFloat(f, 'f', 4, 64) }

// percentText keeps two decimals so a value just over a threshold never
// prints equal to it.
func percentText(f float64) string { return fmt.Sprintf("%.2f%%", f*100) }
