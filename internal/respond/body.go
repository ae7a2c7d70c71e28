package respond

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// The placeholders a body may hold, and nothing else: a ${...} that is not
// one of them is refused when the rules are read, so a typo never reaches
// a sender as text.
var placeholders = []string{"delivery.id", "delivery.seq", "delivery.event"}

const (
	phID = iota + 1
	phSeq
	phEvent
)

// template is a rule's body: text with placeholders at known places.
type template struct {
	parts       []part
	plain       []byte // the body when it has no placeholder
	json        bool   // values are escaped as JSON string contents
	contentType string
}

// part is literal text, or a placeholder (ph != 0).
type part struct {
	lit string
	ph  int
}

// parseTemplate reads a body. isJSON says the text is JSON, so that a
// placeholder's value must be escaped to stay inside its string.
func parseTemplate(text string, isJSON bool) (*template, error) {
	t := &template{json: isJSON, contentType: "text/plain; charset=utf-8"}
	if isJSON {
		t.contentType = "application/json"
	}
	rest := text
	for {
		i := strings.Index(rest, "${")
		if i < 0 {
			break
		}
		end := strings.IndexByte(rest[i:], '}')
		if end < 0 {
			return nil, fmt.Errorf("the body has a ${ that is not closed; the placeholders are ${%s}", strings.Join(placeholders, "}, ${"))
		}
		name := rest[i+2 : i+end]
		ph := 0
		for k, p := range placeholders {
			if name == p {
				ph = k + 1
			}
		}
		if ph == 0 {
			return nil, fmt.Errorf("unknown placeholder ${%s} in the body; the placeholders are ${%s}", name, strings.Join(placeholders, "}, ${"))
		}
		if i > 0 {
			t.parts = append(t.parts, part{lit: rest[:i]})
		}
		t.parts = append(t.parts, part{ph: ph})
		rest = rest[i+end+1:]
	}
	if rest != "" {
		t.parts = append(t.parts, part{lit: rest})
	}
	if len(t.parts) == 0 || len(t.parts) == 1 && t.parts[0].ph == 0 {
		t.plain = []byte(text)
	}
	return t, nil
}

// expand is the body for v. Without placeholders it is the rule's own
// slice, which callers must not change.
func (t *template) expand(v View) []byte {
	if t.plain != nil {
		return t.plain
	}
	var b bytes.Buffer
	for _, p := range t.parts {
		var val string
		switch p.ph {
		case 0:
			b.WriteString(p.lit)
			continue
		case phID:
			val = v.ID
		case phSeq:
			val = strconv.FormatInt(v.Seq, 10)
		case phEvent:
			val = v.Event
		}
		if t.json {
			val = jsonContents(val)
		}
		b.WriteString(val)
	}
	return b.Bytes()
}

// jsonContents is s escaped as the inside of a JSON string.
func jsonContents(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	out := bytes.TrimSuffix(b.Bytes(), []byte("\n"))
	return string(out[1 : len(out)-1])
}
