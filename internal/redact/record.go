package redact

import "encoding/json"

// RecordLine is a record line as a JSON object, its headers passed
// through Header: a record written by listen is masked already, but a file
// from elsewhere may not be. Fields it does not know are kept as they are;
// headers that are not one string per name are left alone.
func RecordLine(raw []byte) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	if hb, ok := m["headers"]; ok {
		var h map[string]string
		if json.Unmarshal(hb, &h) == nil {
			for k, v := range h {
				h[k] = Header(k, v)
			}
			m["headers"], _ = json.Marshal(h)
		}
	}
	return m, nil
}
