package inspect

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// maskedRecord is a record line as an object, its headers passed through
// signature.Redact once more: a record written by listen is masked already,
// but a file from elsewhere may not be. Fields this package does not know
// (added by a newer listen) are kept as they are.
func maskedRecord(raw []byte) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	if hb, ok := m["headers"]; ok {
		var h map[string]string
		if json.Unmarshal(hb, &h) == nil {
			for k, v := range h {
				h[k] = signature.Redact(k, v)
			}
			m["headers"], _ = json.Marshal(h)
		}
	}
	return m, nil
}

// minMasked is the length from which a secret's text is masked anywhere in
// an answer; a shorter one would mask ordinary words, and listen already
// masks it where it stands alone.
const minMasked = 6

// scrubber replaces the text of the secrets the inspector knows (to re-sign
// replays) wherever it would appear in an answer, in its plain and its
// JSON-escaped forms, and for a whsec_ secret its key alone too.
type scrubber struct {
	forms [][]byte
}

func newScrubber(secrets []string) scrubber {
	var sc scrubber
	add := func(s string) {
		if len(s) < minMasked {
			return
		}
		sc.forms = append(sc.forms, []byte(s))
		if q, _ := json.Marshal(s); !bytes.Equal(q[1:len(q)-1], []byte(s)) {
			sc.forms = append(sc.forms, q[1:len(q)-1])
		}
	}
	for _, s := range secrets {
		add(s)
		if key, ok := strings.CutPrefix(s, "whsec_"); ok {
			add(key)
			if raw, err := base64.StdEncoding.DecodeString(key); err == nil {
				add(string(raw))
			}
		}
	}
	return sc
}

func (sc scrubber) scrub(b []byte) []byte {
	for _, f := range sc.forms {
		if bytes.Contains(b, f) {
			b = bytes.ReplaceAll(b, f, []byte(signature.Mask))
		}
	}
	return b
}
