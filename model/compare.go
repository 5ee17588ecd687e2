package model

import (
	"fmt"
	"reflect"
	"strings"
)

// DiffFigures compares what two images' figures say: totals, waste by
// cause, every layer's figures and the waste list. It returns the
// differences, one a line ("" when they agree); tests use it to hold an
// image streamed in layer by layer to the same image built at once.
func DiffFigures(a, b *Image) string {
	defer a.read()()
	if b.mu != a.mu {
		defer b.read()()
	}
	var out []string
	diff := func(what string, x, y any) {
		if !reflect.DeepEqual(x, y) {
			out = append(out, fmt.Sprintf("%s: %v != %v", what, x, y))
		}
	}
	diff("layers applied", a.applied, b.applied)
	diff("total bytes", a.TotalBytes, b.TotalBytes)
	diff("wasted bytes", a.WastedBytes, b.WastedBytes)
	for _, c := range Causes {
		diff("waste "+c.String(), a.WasteBy[c], b.WasteBy[c])
	}
	for k := 0; k < min(a.applied, len(a.Layers), len(b.Layers)); k++ {
		fa, fb := a.Layers[k], b.Layers[k]
		diff(fmt.Sprintf("layer %d figures", k),
			[]any{fa.Entries, fa.SizeBytes, fa.Added, fa.Changed, fa.Deleted, fa.WastedMade, fa.WastedKilled},
			[]any{fb.Entries, fb.SizeBytes, fb.Added, fb.Changed, fb.Deleted, fb.WastedMade, fb.WastedKilled})
	}
	if len(a.Waste) != len(b.Waste) {
		diff("wasted copies", len(a.Waste), len(b.Waste))
	} else {
		for i := range a.Waste {
			wa, wb := a.Waste[i], b.Waste[i]
			diff(fmt.Sprintf("waste %d", i),
				[]any{wa.Path, wa.Bytes, wa.Cause, wa.MadeBy, wa.KilledBy, wa.Meta, wa.ReturnedIn, wa.Next},
				[]any{wb.Path, wb.Bytes, wb.Cause, wb.MadeBy, wb.KilledBy, wb.Meta, wb.ReturnedIn, wb.Next})
		}
	}
	return strings.Join(out, "\n")
}
