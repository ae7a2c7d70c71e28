package record

import (
	"encoding/json"
	"errors"
	"strconv"

	"github.com/webhook-tool/webhook-tool/internal/jsonstr"
)

// RuleRef names a response rule in the record's "rule" field: by its name,
// a JSON string, or, for a rule without one, by its number (1-based, in
// the order listen's --respond values gave them), a JSON number.
type RuleRef struct {
	Name   string
	Number int
}

// String is how output names the rule: its name, else "rule N".
func (r RuleRef) String() string {
	if r.Name != "" {
		return r.Name
	}
	return "rule " + strconv.Itoa(r.Number)
}

// MarshalJSON writes the name as a string (escaped as the record line's
// strings are), else the number.
func (r RuleRef) MarshalJSON() ([]byte, error) {
	if r.Name != "" {
		return jsonstr.Append(nil, r.Name), nil
	}
	return strconv.AppendInt(nil, int64(r.Number), 10), nil
}

// UnmarshalJSON reads a name (a string) or a number.
func (r *RuleRef) UnmarshalJSON(b []byte) error {
	var name string
	if json.Unmarshal(b, &name) == nil {
		*r = RuleRef{Name: name}
		return nil
	}
	var n int
	if err := json.Unmarshal(b, &n); err != nil {
		return errors.New("rule is neither a name nor a number")
	}
	*r = RuleRef{Number: n}
	return nil
}
