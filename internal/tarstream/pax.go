package tarstream

import (
	"archive/tar"
	"strconv"
	"strings"
	"time"
)

// The PAX keys that override a header's fields, and GNU's sparse keys.
const (
	paxPath     = "path"
	paxLinkpath = "linkpath"
	paxUname    = "uname"
	paxGname    = "gname"
	paxUID      = "uid"
	paxGID      = "gid"
	paxSize     = "size"
	paxATime    = "atime"
	paxMTime    = "mtime"
	paxCTime    = "ctime"

	sparseOffset    = "GNU.sparse.offset"   // 0.0: one per fragment, before its length
	sparseNumBytes  = "GNU.sparse.numbytes" // 0.0: a fragment's length
	sparseMap       = "GNU.sparse.map"      // 0.1: "offset,length,..."
	sparseNumBlocks = "GNU.sparse.numblocks"
	sparseName      = "GNU.sparse.name"
	sparseMajor     = "GNU.sparse.major"
	sparseMinor     = "GNU.sparse.minor"
	sparseSize      = "GNU.sparse.size"
	sparseRealSize  = "GNU.sparse.realsize"
)

// parsePAX reads a PAX member's records, each "LENGTH KEY=VALUE\n" where
// LENGTH is the record's own length in decimal. A later record with the
// same key wins. GNU sparse 0.0 records, a list of alternating offset
// and length keys, become one 0.1 map record.
func parsePAX(data []byte) (map[string]string, error) {
	s := string(data)
	recs := make(map[string]string)
	var frags []string
	for s != "" {
		k, v, rest, ok := paxRecord(s)
		if !ok {
			return nil, headerError("a malformed PAX record")
		}
		s = rest
		switch k {
		case sparseOffset, sparseNumBytes:
			want := sparseOffset
			if len(frags)%2 == 1 {
				want = sparseNumBytes
			}
			if k != want || strings.IndexByte(v, ',') >= 0 {
				return nil, headerError("GNU sparse records out of order")
			}
			frags = append(frags, v)
		default:
			recs[k] = v
		}
	}
	if len(frags) > 0 {
		recs[sparseMap] = strings.Join(frags, ",")
	}
	return recs, nil
}

// paxRecord splits the first record off s. Keys and values may hold any
// bytes but these: a key is not empty and has no NUL, and the values of
// the keys standing for a header's text fields have no NUL.
func paxRecord(s string) (key, value, rest string, ok bool) {
	sp := strings.IndexByte(s, ' ')
	if sp < 0 {
		return "", "", s, false
	}
	n, err := strconv.ParseInt(s[:sp], 10, 0)
	if err != nil || n < 5 || n > int64(len(s)) || n <= int64(sp+1) || s[n-1] != '\n' {
		return "", "", s, false
	}
	key, value, ok = strings.Cut(s[sp+1:n-1], "=")
	if !ok || key == "" {
		return "", "", s, false
	}
	switch key {
	case paxPath, paxLinkpath, paxUname, paxGname:
		ok = strings.IndexByte(value, 0) < 0
	default:
		ok = strings.IndexByte(key, 0) < 0
	}
	return key, value, s[n:], ok
}

// mergePAX sets the header fields that records override; an empty value
// keeps the header's own. Every record is kept in PAXRecords.
func mergePAX(h *tar.Header, recs map[string]string) error {
	for k, v := range recs {
		if v == "" {
			continue
		}
		var err error
		switch k {
		case paxPath:
			h.Name = v
		case paxLinkpath:
			h.Linkname = v
		case paxUname:
			h.Uname = v
		case paxGname:
			h.Gname = v
		case paxUID:
			h.Uid, err = decimalInt(v)
		case paxGID:
			h.Gid, err = decimalInt(v)
		case paxSize:
			h.Size, err = strconv.ParseInt(v, 10, 64)
		case paxATime:
			h.AccessTime, err = paxTime(v)
		case paxMTime:
			h.ModTime, err = paxTime(v)
		case paxCTime:
			h.ChangeTime, err = paxTime(v)
		}
		if err != nil {
			return headerError("a PAX record's value is not a number: " + k)
		}
	}
	h.PAXRecords = recs
	return nil
}

func decimalInt(v string) (int, error) {
	n, err := strconv.ParseInt(v, 10, 64)
	return int(n), err
}

// paxTime reads "SECONDS[.FRACTION]": seconds in decimal, signed, and
// the fraction's first nine digits as nanoseconds (the rest must be
// digits too, and are dropped). A negative time's fraction counts
// towards the past.
func paxTime(s string) (time.Time, error) {
	secStr, frac, _ := strings.Cut(s, ".")
	sec, err := strconv.ParseInt(secStr, 10, 64)
	if err != nil {
		return time.Time{}, err
	}
	var nsec int64
	for i := 0; i < len(frac); i++ {
		c := frac[i]
		if c < '0' || c > '9' {
			return time.Time{}, strconv.ErrSyntax
		}
		if i < 9 {
			nsec = nsec*10 + int64(c-'0')
		}
	}
	for i := len(frac); i < 9; i++ {
		nsec *= 10
	}
	if secStr[0] == '-' {
		nsec = -nsec
	}
	return time.Unix(sec, nsec), nil
}
