package model

import "strings"

// NaturalLess orders names as people count: "f2" before "f10", "m9.js"
// before "m10.js". Runs of digits compare by their value (leading zeros
// only break ties); everything else compares byte by byte.
func NaturalLess(a, b string) bool {
	return naturalCompare(a, b) < 0
}

// PathLess orders paths component by component, each naturally, so a
// directory's paths stay together ("a/b" before "a-b").
func PathLess(a, b string) bool {
	for {
		ha, ra, moreA := strings.Cut(a, "/")
		hb, rb, moreB := strings.Cut(b, "/")
		if c := naturalCompare(ha, hb); c != 0 {
			return c < 0
		}
		switch {
		case !moreA || !moreB:
			return !moreA && moreB
		}
		a, b = ra, rb
	}
}

func naturalCompare(a, b string) int {
	tie := 0 // the first difference in leading zeros, when values are equal
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		ca, cb := a[i], b[j]
		if isDigit(ca) && isDigit(cb) {
			si, sj := i, j
			for i < len(a) && isDigit(a[i]) {
				i++
			}
			for j < len(b) && isDigit(b[j]) {
				j++
			}
			da := strings.TrimLeft(a[si:i], "0")
			db := strings.TrimLeft(b[sj:j], "0")
			switch {
			case len(da) != len(db):
				return sign(len(da) - len(db))
			case da != db:
				return strings.Compare(da, db)
			case tie == 0 && i-si != j-sj:
				tie = sign((i - si) - (j - sj))
			}
			continue
		}
		if ca != cb {
			return sign(int(ca) - int(cb))
		}
		i++
		j++
	}
	switch {
	case len(a)-i != len(b)-j:
		return sign((len(a) - i) - (len(b) - j))
	}
	return tie
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}
