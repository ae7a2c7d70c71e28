package replay

import (
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"strconv"
	"strings"

	"github.com/webhook-tool/webhook-tool/internal/record"
)

// Selection picks the records to replay: by number (Seqs; empty means
// every record) and by path prefix.
type Selection struct {
	Seqs Seqs
	Path string
}

// Match reports whether rec is selected. A run of listen --exec's command
// (an exec line) never is: it is not a request, and there is nothing to say
// about passing it over.
func (s Selection) Match(rec *record.Record) bool {
	return rec.Kind != record.KindExec && s.Seqs.Has(rec.Seq) && strings.HasPrefix(rec.Path, s.Path)
}

// Seqs is a set of record numbers as closed ranges; empty means every
// record.
type Seqs [][2]int64

// Has reports whether n is in the set.
func (s Seqs) Has(n int64) bool {
	if len(s) == 0 {
		return true
	}
	for _, r := range s {
		if n >= r[0] && n <= r[1] {
			return true
		}
	}
	return false
}

// ParseSeqs reads --seq values: "3", "5-9", "1,4,7", each number 1 or more.
func ParseSeqs(vals []string) (Seqs, error) {
	var s Seqs
	for _, v := range vals {
		for part := range strings.SplitSeq(v, ",") {
			part = strings.TrimSpace(part)
			lo, hi, isRange := strings.Cut(part, "-")
			a, err1 := strconv.ParseInt(strings.TrimSpace(lo), 10, 64)
			b := a
			var err2 error
			if isRange {
				b, err2 = strconv.ParseInt(strings.TrimSpace(hi), 10, 64)
			}
			if err1 != nil || err2 != nil || a < 1 || b < a {
				return nil, fmt.Errorf("bad --seq %q", v)
			}
			s = append(s, [2]int64{a, b})
		}
	}
	return s, nil
}

// randomID is a fresh random id for a message id when no generator is
// injected.
func randomID() string {
	var b [15]byte
	_, _ = rand.Read(b[:])
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}
