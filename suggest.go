package main

import (
	"fmt"
	"os"
	"strings"
	"unicode"

	"github.com/spf13/cobra"
)

// mistypedCommand catches `lx reprot` before it reaches the engine (which
// would try to pull an image named reprot): a single word that is not a
// file and is within two edits of a command is taken for a typo. An image
// of such a name is still read with docker-daemon:NAME.
func mistypedCommand(root *cobra.Command, arg string) error {
	if !singleWord(arg) {
		return nil
	}
	if _, err := os.Lstat(arg); err == nil {
		return nil // a file or directory of that name: the user means it
	}
	word := strings.ToLower(arg)
	best, bestDist := "", 3
	for _, c := range root.Commands() {
		if c.Hidden || !c.IsAvailableCommand() && c.Name() != "help" {
			continue
		}
		d := editDistance(word, c.Name())
		// A short command ("ci") is only suggested for a word one edit
		// away: two edits turn "ci" into any two-letter word.
		if d < bestDist && d < len(c.Name()) {
			best, bestDist = c.Name(), d
		}
	}
	if best == "" {
		return nil
	}
	return fmt.Errorf("unknown command %q: did you mean `lx %s`? (an image of that name: `lx docker-daemon:%s`)", arg, best, arg)
}

// singleWord tells a bare word ("reprot") from a reference, path or tag.
func singleWord(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '_' {
			return false
		}
	}
	return true
}

// editDistance counts the insertions, deletions, substitutions and swaps
// of two neighbours that turn a into b ("reprot" is one swap from
// "report").
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	d := make([][]int, len(x)+1)
	for i := range d {
		d[i] = make([]int, len(y)+1)
		d[i][0] = i
	}
	for j := range y {
		d[0][j+1] = j + 1
	}
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(x)][len(y)]
}
