package report

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
)

// Format is a report format. The zero Format is none: a caller that has
// not chosen one yet.
type Format uint8

// The formats, in the order they are offered (the default first).
const (
	JSON Format = iota + 1
	Markdown
	HTML
)

// formatInfo is what each format knows about itself.
var formatInfo = [...]struct {
	names   []string // as a user may type it, the usual name first
	exts    []string // file extensions without the dot, the usual one first
	changes bool     // shows every layer's changes
	encode  func(io.Writer, Report) error
}{
	JSON:     {names: []string{"json"}, exts: []string{"json"}, encode: EncodeJSON},
	Markdown: {names: []string{"markdown", "md"}, exts: []string{"md", "markdown"}, encode: EncodeMarkdown},
	HTML:     {names: []string{"html"}, exts: []string{"html", "htm"}, changes: true, encode: EncodeHTML},
}

// AllFormats lists every format, the default first.
func AllFormats() []Format { return []Format{JSON, Markdown, HTML} }

// FormatNames is the names of AllFormats for messages: "json, markdown, html".
func FormatNames() string {
	var names []string
	for _, f := range AllFormats() {
		names = append(names, f.String())
	}
	return strings.Join(names, ", ")
}

func (f Format) valid() bool { return f > 0 && int(f) < len(formatInfo) }

// String is the format's name as flags and files spell it: "markdown".
func (f Format) String() string {
	if !f.valid() {
		return fmt.Sprintf("Format(%d)", uint8(f))
	}
	return formatInfo[f].names[0]
}

// Extension is the usual file extension, without the dot: "md" for Markdown.
func (f Format) Extension() string {
	if !f.valid() {
		return ""
	}
	return formatInfo[f].exts[0]
}

// WantsChanges says whether the format shows every layer's changes, so
// its report must be built with Options.Changes.
func (f Format) WantsChanges() bool { return f.valid() && formatInfo[f].changes }

// Encode writes the report in this format.
func (f Format) Encode(w io.Writer, r Report) error {
	if !f.valid() {
		return fmt.Errorf("no report format chosen (choose %s)", FormatNames())
	}
	return formatInfo[f].encode(w, r)
}

// ParseFormat reads a format's name as a user types it: "json", "markdown"
// or "md", "html"; case does not matter.
func ParseFormat(s string) (Format, error) {
	want := strings.ToLower(strings.TrimSpace(s))
	for _, f := range AllFormats() {
		if slices.Contains(formatInfo[f].names, want) {
			return f, nil
		}
	}
	return 0, fmt.Errorf("unknown report format %q (choose %s)", s, FormatNames())
}

// FormatOf tells a format from a file name's extension: "report.md" is
// Markdown, "out.HTML" HTML. It is false when the extension says nothing.
func FormatOf(path string) (Format, bool) {
	ext := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	for _, f := range AllFormats() {
		if slices.Contains(formatInfo[f].exts, ext) {
			return f, true
		}
	}
	return 0, false
}

// EncodeJSON writes the schema-1 JSON document, indented (a wasted copy
// a line), "→" kept as is.
func EncodeJSON(w io.Writer, r Report) error { return encodeJSON(w, r) }
