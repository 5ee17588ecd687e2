package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"reflect"
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
