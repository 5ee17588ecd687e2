package ci

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"lx.dev/lx/model/report"
)

// Size is a byte count with the number and unit it was written in, so
// that lx speaks the user's unit back: a rule of 20MB reads "20 MB
// (20,000,000 bytes)", not "19.1 MiB".
type Size struct {
	Bytes int64
	Value float64 // the number as written: 20 of 20MB
	Unit  string  // as lx spells it: "MB", "GiB"; "" for plain bytes
}

// units are the unit spellings ParseSize reads (lower case), each with
// its multiple and how lx writes it.
var units = map[string]struct {
	mult float64
	name string
}{
	"": {1, ""}, "b": {1, ""},
	"k": {1e3, "KB"}, "kb": {1e3, "KB"}, "m": {1e6, "MB"}, "mb": {1e6, "MB"},
	"g": {1e9, "GB"}, "gb": {1e9, "GB"}, "t": {1e12, "TB"}, "tb": {1e12, "TB"},
	"ki": {1 << 10, "KiB"}, "kib": {1 << 10, "KiB"}, "mi": {1 << 20, "MiB"}, "mib": {1 << 20, "MiB"},
	"gi": {1 << 30, "GiB"}, "gib": {1 << 30, "GiB"}, "ti": {1 << 40, "TiB"}, "tib": {1 << 40, "TiB"},
}

// ParseSize reads a byte size: plain bytes ("1048576"), SI units ("20MB",
// "1.5 GB": powers of 1000, as dive reads them) or IEC units ("1.5GiB":
// powers of 1024). Case does not matter; "B" may be left off ("20M" is 20MB).
func ParseSize(s string) (Size, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	i := 0
	for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.') {
		i++
	}
	num, unit := t[:i], strings.TrimSpace(t[i:])
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return Size{}, fmt.Errorf("%q is not a size (write 20MB, 1.5GiB or a number of bytes)", s)
	}
	u, ok := units[unit]
	if !ok {
		return Size{}, fmt.Errorf("%q has an unknown unit %q (use B, KB, MB, GB, TB or KiB, MiB, GiB, TiB)", s, unit)
	}
	v := f * u.mult
	if v > math.MaxInt64/2 {
		return Size{}, fmt.Errorf("%q is too large", s)
	}
	return Size{Bytes: int64(math.Round(v)), Value: f, Unit: u.name}, nil
}

// String is the size as written, in lx's spelling: "20 MB", "1.5 GiB",
// "1048576"; ParseSize reads it back.
func (s Size) String() string {
	n := strconv.FormatFloat(s.Value, 'f', -1, 64)
	if s.Unit == "" {
		return n
	}
	return n + " " + s.Unit
}

// Exact is the size as written with its byte count: "20 MB (20,000,000
// bytes)".
func (s Size) Exact() string {
	if s.Unit == "" {
		return report.Commas(s.Bytes) + " bytes"
	}
	return s.String() + " (" + report.Commas(s.Bytes) + " bytes)"
}

// Measure writes n bytes in the size's system of units, with the exact
// count: beside a rule of 20MB, "3.1 MB (3,145,728 bytes)"; beside one in
// MiB or GiB (or plain bytes), "3.0 MiB (3,145,728 bytes)" as lx shows
// sizes elsewhere.
func (s Size) Measure(n int64) string {
	if !strings.HasSuffix(s.Unit, "B") || strings.HasSuffix(s.Unit, "iB") {
		return report.BytesExact(n)
	}
	v, unit := float64(n), "B"
	for _, u := range []string{"KB", "MB", "GB", "TB"} {
		if v < 1000 && v > -1000 {
			break
		}
		v, unit = v/1000, u
	}
	if unit == "B" {
		return report.Commas(n) + " bytes"
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + " " + unit + " (" + report.Commas(n) + " bytes)"
}
