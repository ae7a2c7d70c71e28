package inspect

import (
	"strconv"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/jsonscan"
	"github.com/webhook-tool/webhook-tool/internal/record"
)

// The fast path's readers of a member's value. Each takes the types
// encoding/json decodes into the field's type without error, null as the
// field's zero value (which encoding/json leaves it at, the line's field
// being read once), and gives up at any other.

// integer reads an integer that fits in bits, as encoding/json reads a
// number into an int of that size: a fraction or an exponent is an error
// there even when the value is whole.
func (p *lineParser) integer(bits int) int64 {
	switch p.sc.Peek() {
	case jsonscan.Number:
		n, err := strconv.ParseInt(string(p.sc.Num()), 10, bits)
		if err != nil {
			p.fail()
		}
		return n
	case jsonscan.Null:
		p.sc.Null()
	default:
		p.fail()
	}
	return 0
}

func (p *lineParser) int64() int64 { return p.integer(64) }

func (p *lineParser) int() int { return int(p.integer(strconv.IntSize)) }

// time reads received_at: encoding/json hands a time.Time the value's
// text, escapes and all.
func (p *lineParser) time(t *time.Time) {
	switch p.sc.Peek() {
	case jsonscan.String:
		if raw := p.sc.Raw(); raw != nil && t.UnmarshalJSON(raw) != nil {
			p.fail()
		}
	case jsonscan.Null:
		p.sc.Null()
	default:
		p.fail()
	}
}

// str reads a string.
func (p *lineParser) str() string {
	switch p.sc.Peek() {
	case jsonscan.String:
		return intern(p.sc.Str())
	case jsonscan.Null:
		p.sc.Null()
	default:
		p.fail()
	}
	return ""
}

// intern is b as a string, without a copy for the values most lines
// share.
func intern(b []byte) string {
	switch string(b) {
	case "":
		return ""
	case "POST":
		return "POST"
	case "/":
		return "/"
	case "standard":
		return "standard"
	case record.Unchecked:
		return record.Unchecked
	case record.KindCallback:
		return record.KindCallback
	case record.KindExec:
		return record.KindExec
	}
	return string(b)
}

// skipStr passes over a string member that is not kept.
func (p *lineParser) skipStr() {
	switch p.sc.Peek() {
	case jsonscan.String:
		p.sc.Skip()
	case jsonscan.Null:
		p.sc.Null()
	default:
		p.fail()
	}
}

func (p *lineParser) bool() bool {
	switch p.sc.Peek() {
	case jsonscan.Bool:
		return p.sc.Bool()
	case jsonscan.Null:
		p.sc.Null()
	default:
		p.fail()
	}
	return false
}

// object reports whether an object follows, for a pointer to a struct:
// null leaves it nil. It notes in *is that there is one, and clears seen
// for its members.
func (p *lineParser) object(is *bool, seen *uint32) bool {
	switch p.sc.Peek() {
	case jsonscan.Object:
		*is, *seen = true, 0
		return true
	case jsonscan.Null:
		p.sc.Null()
	default:
		p.fail()
	}
	return false
}

// count reads schema errors ([]json.RawMessage): how many there are.
func (p *lineParser) count() int {
	n := 0
	switch p.sc.Peek() {
	case jsonscan.Array:
		p.sc.Array(func() {
			n++
			p.sc.Skip()
		})
	case jsonscan.Null:
		p.sc.Null()
	default:
		p.fail()
	}
	return n
}

// readChecked reads schema.checked (a *bool).
func (p *lineParser) readChecked() {
	switch p.sc.Peek() {
	case jsonscan.Bool:
		p.f.schemaChecked = -1
		if p.sc.Bool() {
			p.f.schemaChecked = 1
		}
	case jsonscan.Null:
		p.sc.Null()
	default:
		p.fail()
	}
}

// readRule reads a record.RuleRef: a name, or a number that is an int.
func (p *lineParser) readRule() {
	switch p.sc.Peek() {
	case jsonscan.String:
		p.f.rule = &record.RuleRef{Name: string(p.sc.Str())}
	case jsonscan.Number:
		n := p.int()
		if p.ok {
			p.f.rule = &record.RuleRef{Number: n}
		}
	case jsonscan.Null:
		p.sc.Null()
	default:
		p.fail()
	}
}

// readBody reads the body into p.body.
func (p *lineParser) readBody() {
	switch p.sc.Peek() {
	case jsonscan.String:
		p.body = p.sc.AppendStr(p.body[:0])
	case jsonscan.Null:
		p.sc.Null()
	default:
		p.fail()
	}
}

// readHeaders reads the headers object as record.Headers.UnmarshalJSON
// does (a value a string, or a list of strings joined with ", ") into
// p.hbuf, and gives up at a value it does not take. The map is made only
// for the EventReader.
func (p *lineParser) readHeaders() {
	switch p.sc.Peek() {
	case jsonscan.Object:
		p.f.headers = true
		p.sc.Object(p.header)
	case jsonscan.Null:
		p.sc.Null()
	default:
		p.fail()
	}
}

// header reads one header into p.hbuf: its name, then its value.
func (p *lineParser) header(key []byte) {
	sc := &p.sc
	p.hbuf = append(p.hbuf, key...)
	p.hends = append(p.hends, len(p.hbuf))
	switch sc.Peek() {
	case jsonscan.String:
		p.hbuf = append(p.hbuf, sc.Str()...)
	case jsonscan.Array:
		n := 0
		sc.Array(func() {
			if sc.Peek() != jsonscan.String {
				p.fail()
				return
			}
			if n > 0 {
				p.hbuf = append(p.hbuf, ", "...)
			}
			p.hbuf = append(p.hbuf, sc.Str()...)
			n++
		})
	default:
		p.fail()
	}
	p.hends = append(p.hends, len(p.hbuf))
}

// headerMap is the headers read, as record.Headers.
func (p *lineParser) headerMap() record.Headers {
	if !p.f.headers {
		return nil
	}
	h := make(record.Headers, len(p.hends)/2)
	from := 0
	for i := 0; i+1 < len(p.hends); i += 2 {
		k, v := p.hends[i], p.hends[i+1]
		h[string(p.hbuf[from:k])] = string(p.hbuf[k:v])
		from = v
	}
	return h
}
