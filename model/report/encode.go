package report

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// Formats lists the formats Encode knows, the default first.
var Formats = []string{"json", "markdown", "html"}

// Extension is the usual file extension of a format: "md" for markdown.
func Extension(format string) string {
	switch format {
	case "markdown", "md":
		return "md"
	}
	return format
}

// FormatOf guesses a format from a file name's extension ("" when it
// cannot): "report.md" is markdown, "out.html" html.
func FormatOf(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
		return "json"
	case ".md", ".markdown":
		return "markdown"
	case ".html", ".htm":
		return "html"
	}
	return ""
}

// WantsChanges says whether a format shows every layer's changes, so the
// report must be built with Options.Changes.
func WantsChanges(format string) bool { return format == "html" }

// Encode writes the report in one format.
func Encode(w io.Writer, r Report, format string) error {
	switch format {
	case "json":
		return EncodeJSON(w, r)
	case "markdown", "md":
		return EncodeMarkdown(w, r)
	case "html":
		return EncodeHTML(w, r)
	}
	return fmt.Errorf("unknown report format %q (choose %s)", format, strings.Join(Formats, ", "))
}

// EncodeJSON writes the schema-1 JSON document, indented, "→" kept as is.
func EncodeJSON(w io.Writer, r Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
