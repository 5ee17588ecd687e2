package main

import (
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"
)

// codeStyle is how the `code` spans of lx's messages are shown. Messages
// are written once, with Markdown's backticks as the reports use them, and
// rendered where they are printed.
type codeStyle uint8

const (
	codePlain  codeStyle = iota // a pipe or file: the backticks dropped
	codeBold                    // a terminal: bold
	codeQuoted                  // a terminal under NO_COLOR: ‘quoted’
)

// codeStyleFor is the style for output to w.
func codeStyleFor(w io.Writer) codeStyle {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(f.Fd()) {
		return codePlain
	}
	if os.Getenv("NO_COLOR") != "" {
		return codeQuoted
	}
	return codeBold
}

// render shows each `span` of text in the style; a backtick with no
// partner on its line is left as it is.
func (st codeStyle) render(text string) string {
	var b strings.Builder
	for text != "" {
		open := strings.IndexByte(text, '`')
		if open < 0 {
			b.WriteString(text)
			break
		}
		end := strings.IndexAny(text[open+1:], "`\n")
		if end < 0 || text[open+1+end] == '\n' {
			b.WriteString(text[:open+1])
			text = text[open+1:]
			continue
		}
		b.WriteString(text[:open])
		span := text[open+1 : open+1+end]
		switch st {
		case codeBold:
			b.WriteString("\x1b[1m" + span + "\x1b[22m")
		case codeQuoted:
			b.WriteString("‘" + span + "’")
		default:
			b.WriteString(span)
		}
		text = text[open+2+end:]
	}
	return b.String()
}
