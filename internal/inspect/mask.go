package inspect

import (
	"encoding/json"

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
