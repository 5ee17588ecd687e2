// Package report turns an analysed image into the documents people and
// scripts read: the JSON contract (schema 1) and Markdown.
package report

import (
	"fmt"
	"strconv"
	"strings"

	"lx.dev/lx/model"
)

// Bytes renders a byte count for people, in IEC units: "1.0 MiB".
func Bytes(n int64) string {
	const unit = 1024
	if n < unit && n > -unit {
		return strconv.FormatInt(n, 10) + " B"
	}
	v := float64(n)
	for _, u := range []string{"KiB", "MiB", "GiB", "TiB", "PiB"} {
		v /= unit
		if v < unit && v > -unit {
			return fmt.Sprintf("%.1f %s", v, u)
		}
	}
	return fmt.Sprintf("%.1f EiB", v/unit)
}

// Commas renders an exact count with thousands separators: "3,145,728".
func Commas(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3+1)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}

// BytesExact is a human size with the exact count beside it:
// "1.0 MiB (1,048,576 bytes)"; a size under 1 KiB is exact already ("512 B",
// as Bytes says it).
func BytesExact(n int64) string {
	if n < 1024 && n > -1024 {
		return Bytes(n)
	}
	return Bytes(n) + " (" + Commas(n) + " bytes)"
}

// Percent renders a ratio in 0..1 as "52.7%".
func Percent(r float64) string {
	// Never rounded to a whole when it is not: an image that wastes 125 B
	// of 2 MiB is not "100.0%" efficient.
	switch p := r * 100; {
	case p > 99.95 && p < 100:
		return "99.9%"
	case p > 0 && p < 0.05:
		return "0.1%"
	}
	return strconv.FormatFloat(r*100, 'f', 1, 64) + "%"
}

// Change says what a recopy changed of its path's metadata:
// "mode 0644→0777", "owner 0:0→33:33", "xattrs" (joined by ", " when
// several moved), "mtime only", or "nothing".
func Change(m model.MetaChange) string {
	var parts []string
	if m.Mode {
		parts = append(parts, fmt.Sprintf("mode %04o→%04o", m.FromMode, m.ToMode))
	}
	if m.Owner {
		parts = append(parts, fmt.Sprintf("owner %d:%d→%d:%d", m.FromUID, m.FromGID, m.ToUID, m.ToGID))
	}
	if m.Xattrs {
		parts = append(parts, "xattrs")
	}
	switch {
	case len(parts) > 0:
		return strings.Join(parts, ", ")
	case m.MTime:
		return "mtime only"
	}
	return "nothing"
}

// ChangeText is what a wasted copy's recopy changed, "" for any other cause.
func ChangeText(w model.Waste) string {
	if w.Cause != model.Recopied {
		return ""
	}
	return Change(w.Meta)
}
