package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"reflect"
	"strconv"
	"strings"
)

// encodeJSON writes v (a struct) as an indented JSON object, field by field,
// straight to w. The long lists (every wasted copy, every change) are
// written one element a line, each marshalled on its own: the document is
// never held whole, nor indented in a second pass (a million-path image's
// report is 60 MB).
func encodeJSON(w io.Writer, v any) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	rv := reflect.ValueOf(v)
	rt := rv.Type()
	bw.WriteString("{")
	first := true
	for i := range rt.NumField() {
		f := rt.Field(i)
		name, omitEmpty, ok := jsonName(f)
		if !ok || omitEmpty && rv.Field(i).IsZero() {
			continue
		}
		if !first {
			bw.WriteString(",")
		}
		first = false
		bw.WriteString("\n  ")
		writeJSON(bw, name)
		bw.WriteString(": ")
		if err := writeField(bw, rv.Field(i), f.Tag.Get("jsonlines") == "true"); err != nil {
			return err
		}
	}
	bw.WriteString("\n}\n")
	return bw.Flush()
}

// jsonName is a field's name in the JSON and whether it is left out when
// empty; ok is false for a field the JSON leaves out.
func jsonName(f reflect.StructField) (name string, omitEmpty, ok bool) {
	tag := f.Tag.Get("json")
	if tag == "-" || !f.IsExported() {
		return "", false, false
	}
	name, opts, _ := strings.Cut(tag, ",")
	if name == "" {
		name = f.Name
	}
	return name, strings.Contains(","+opts+",", ",omitempty,"), true
}

// writeField writes one top-level value: a list marked jsonlines one
// element a line, anything else indented as encoding/json would.
func writeField(bw *bufio.Writer, v reflect.Value, lines bool) error {
	if lines && v.Kind() == reflect.Slice && !v.IsNil() {
		if v.Len() == 0 {
			bw.WriteString("[]")
			return nil
		}
		bw.WriteString("[")
		if ws, ok := v.Interface().([]WasteReport); ok {
			writeWasteLines(bw, ws)
			return nil
		}
		var buf bytes.Buffer // one encoder for every element
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		for i := range v.Len() {
			if i > 0 {
				bw.WriteString(",")
			}
			bw.WriteString("\n    ")
			buf.Reset()
			if err := enc.Encode(v.Index(i).Interface()); err != nil {
				return err
			}
			bw.Write(bytes.TrimRight(buf.Bytes(), "\n"))
		}
		bw.WriteString("\n  ]")
		return nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("  ", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v.Interface()); err != nil {
		return err
	}
	bw.Write(bytes.TrimRight(buf.Bytes(), "\n"))
	return nil
}

// writeJSON writes v compact, "→" and "<" kept as they are.
func writeJSON(bw *bufio.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	bw.Write(bytes.TrimRight(buf.Bytes(), "\n"))
	return nil
}

// writeWasteLines writes the waste list's elements, one a line, as
// encoding/json writes them but without its reflection: 300k lines on
// the million-entry image took 75 ms, a quarter of that this way.
func writeWasteLines(bw *bufio.Writer, ws []WasteReport) {
	var line []byte
	for i := range ws {
		if i > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n    ")
		line = ws[i].appendJSON(line[:0])
		bw.Write(line)
	}
	bw.WriteString("\n  ]")
}

// appendJSON appends w as encoding/json marshals it (HTML characters
// unescaped), its fields in their order.
func (w *WasteReport) appendJSON(b []byte) []byte {
	b = append(b, `{"path":`...)
	b = appendJSONString(b, w.Path)
	b = append(b, `,"bytes":`...)
	b = strconv.AppendInt(b, w.Bytes, 10)
	b = append(b, `,"cause":`...)
	b = appendJSONString(b, w.Cause)
	b = append(b, `,"madeBy":`...)
	b = strconv.AppendInt(b, int64(w.MadeBy), 10)
	b = append(b, `,"killedBy":`...)
	b = strconv.AppendInt(b, int64(w.KilledBy), 10)
	if w.Changed != "" {
		b = append(b, `,"changed":`...)
		b = appendJSONString(b, w.Changed)
	}
	if w.ReturnedIn != nil {
		b = append(b, `,"returnedIn":`...)
		b = strconv.AppendInt(b, int64(*w.ReturnedIn), 10)
	}
	b = append(b, `,"pullCostEstimate":`...)
	if w.PullCostEstimate == nil {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendInt(b, *w.PullCostEstimate, 10)
	}
	return append(b, '}')
}

// appendJSONString appends s quoted as encoding/json quotes it: printable
// ASCII but for a quote and a backslash as it is, anything else through
// encoding/json itself.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.Encode(s) // a string always encodes
			return append(b, bytes.TrimRight(buf.Bytes(), "\n")...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
