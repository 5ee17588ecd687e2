package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Formats lists the formats Encode knows, the default first.
var Formats = []string{"json", "markdown"}

// Encode writes the report in one format.
func Encode(w io.Writer, r Report, format string) error {
	switch format {
	case "json":
		return EncodeJSON(w, r)
	case "markdown", "md":
		return EncodeMarkdown(w, r)
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
