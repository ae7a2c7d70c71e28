package samples

import (
	"bytes"
	"strconv"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/jsonscan"
)

// recLine is what a worker reads of a record line: less than a
// record.Record, so a line costs one pass and the body one copy.
type recLine struct {
	Seq          int64
	ReceivedAt   time.Time
	Method       string
	Body         string
	BodyEncoding string
	Kind         string
	Duplicate    bool
	Error        string
	HasSchema    bool
	SchemaName   string
}

// parseLine reads a record line as encoding/json would read it into a
// record.Record (keys as listen writes them), without its cost: one pass,
// and nothing kept but these fields. A field of the wrong type makes the
// line no record.
func parseLine(sc *jsonscan.Scanner, line []byte, rl *recLine) bool {
	*rl = recLine{}
	sc.Reset(line)
	ok := true
	str := func(dst *string) {
		switch sc.Peek() {
		case jsonscan.Null:
			sc.Null()
		case jsonscan.String:
			*dst = string(sc.Str())
		default:
			ok = false
			sc.Skip()
		}
	}
	sc.Object(func(key []byte) {
		switch string(key) {
		case "seq":
			if sc.Peek() == jsonscan.Null {
				sc.Null()
				return
			}
			n, err := strconv.ParseInt(string(sc.Num()), 10, 64)
			rl.Seq, ok = n, ok && err == nil
		case "received_at":
			var t string
			str(&t)
			if t != "" {
				var err error
				rl.ReceivedAt, err = time.Parse(time.RFC3339, t)
				ok = ok && err == nil
			}
		case "method":
			str(&rl.Method)
		case "body":
			str(&rl.Body)
		case "body_encoding":
			str(&rl.BodyEncoding)
		case "kind":
			str(&rl.Kind)
		case "error":
			str(&rl.Error)
		case "duplicate":
			if sc.Peek() == jsonscan.Null {
				sc.Null()
				return
			}
			rl.Duplicate = sc.Bool()
		case "schema":
			parseSchema(sc, rl, &ok)
		default:
			sc.Skip()
		}
	})
	return sc.End() == nil && ok
}

func parseSchema(sc *jsonscan.Scanner, rl *recLine, ok *bool) {
	switch sc.Peek() {
	case jsonscan.Null:
		sc.Null()
	case jsonscan.Object:
		rl.HasSchema = true
		sc.Object(func(key []byte) {
			if string(key) != "name" || sc.Peek() != jsonscan.String {
				sc.Skip()
				return
			}
			rl.SchemaName = string(sc.Str())
		})
	default:
		*ok = false
		sc.Skip()
	}
}

// looksLikeRecord reports whether the first line of a file that is not
// named *.ndjson is a record, so a record file piped in or named otherwise
// is read as one. A payload would need "seq", "received_at" and "method"
// at its top level to be taken for one.
func looksLikeRecord(line []byte) bool {
	line = bytes.TrimSpace(line)
	if len(line) == 0 || line[0] != '{' {
		return false
	}
	var rl recLine
	var sc jsonscan.Scanner
	return parseLine(&sc, line, &rl) && rl.Method != "" && rl.Seq > 0 && !rl.ReceivedAt.IsZero()
}
