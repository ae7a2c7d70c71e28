package payload

import (
	"encoding/json"
	"fmt"
	"github.com/webhook-tool/webhook-tool/internal/jsonptr"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// describe turns one failed keyword into errors a person understands. It
// reads the keyword's value from the schema document and the offending value
// from the payload; where it cannot (an exotic keyword), the validator's own
// message stands.
func (r *Registry) describe(l *jsonschema.ValidationError, doc any) []Error {
	kwPath := l.KeywordLocation
	keyword := kwPath[strings.LastIndexByte(kwPath, '/')+1:]
	base := Error{
		InstanceLocation: l.InstanceLocation,
		KeywordLocation:  kwPath,
		Keyword:          keyword,
		Message:          l.Message,
	}
	sch, schOK := r.schemaAt(l.AbsoluteKeywordLocation)
	inst, instOK := jsonptr.Get(doc, l.InstanceLocation)
	rule := r.ruleComment(l.AbsoluteKeywordLocation)

	msg := ""
	switch {
	case l.Message == "not allowed": // a false schema
		base.Keyword = "false"
		name := l.InstanceLocation[strings.LastIndexByte(l.InstanceLocation, '/')+1:]
		msg = fmt.Sprintf("property %q is not allowed here", jsonptr.Unescape(name))
	case keyword == "required" && schOK && instOK:
		req, _ := sch.([]any)
		obj, _ := inst.(map[string]any)
		var out []Error
		for _, p := range req {
			name, _ := p.(string)
			if _, has := obj[name]; !has {
				e := base
				e.Message = withRule(fmt.Sprintf("missing required property %q", name), rule)
				out = append(out, e)
			}
		}
		if len(out) > 0 {
			return out
		}
	case keyword == "enum" && schOK && instOK:
		vals, _ := sch.([]any)
		parts := make([]string, len(vals))
		for i, v := range vals {
			if s, ok := v.(string); ok {
				parts[i] = s
			} else {
				parts[i] = excerpt(v)
			}
		}
		msg = fmt.Sprintf("must be one of %s; got %s", strings.Join(parts, ", "), excerpt(inst))
	case keyword == "const" && schOK && instOK:
		msg = fmt.Sprintf("must be %s; got %s", excerpt(sch), excerpt(inst))
	case keyword == "type" && schOK && instOK:
		msg = fmt.Sprintf("must be %s; got %s", typeList(sch), describeValue(inst))
	case keyword == "format" && schOK && instOK:
		f, _ := sch.(string)
		msg = fmt.Sprintf("must be %s; got %s", formatWords(f), excerpt(inst))
	case keyword == "pattern" && instOK:
		if strings.HasSuffix(l.AbsoluteKeywordLocation, "/$defs/guid/pattern") {
			msg = fmt.Sprintf("must be a GUID (8-4-4-4-12 hex digits, like f1e2d3c4-b5a6-7890-abcd-ef1234567890); got %s", excerpt(inst))
		} else if p, ok := sch.(string); ok {
			msg = fmt.Sprintf("must match the pattern %s; got %s", p, excerpt(inst))
		}
	}
	if msg == "" {
		msg = l.Message
	}
	base.Message = withRule(msg, rule)
	return []Error{base}
}

func withRule(msg, rule string) string {
	rule = strings.TrimSuffix(strings.TrimSpace(rule), ".")
	if rule == "" {
		return msg
	}
	return msg + " (" + rule + ")"
}

// schemaAt resolves an absolute keyword location (URL#/pointer) in the
// decoded schema documents.
func (r *Registry) schemaAt(abs string) (any, bool) {
	u, frag, _ := strings.Cut(abs, "#")
	doc, ok := r.schemaDoc(u)
	if !ok {
		return nil, false
	}
	return jsonptr.Get(doc, frag)
}

// ruleComment finds the $comment of the conditional (if/then/else) a keyword
// sits under: the schemas state each cross-field rule in words there.
func (r *Registry) ruleComment(abs string) string {
	u, frag, _ := strings.Cut(abs, "#")
	doc, ok := r.schemaDoc(u)
	if !ok {
		return ""
	}
	toks := strings.Split(strings.TrimPrefix(frag, "/"), "/")
	for i := len(toks) - 1; i > 0; i-- {
		if toks[i] != "then" && toks[i] != "else" {
			continue
		}
		node, ok := jsonptr.Get(doc, "/"+strings.Join(toks[:i], "/"))
		if !ok {
			return ""
		}
		if m, ok := node.(map[string]any); ok {
			c, _ := m["$comment"].(string)
			return c
		}
		return ""
	}
	return ""
}

// excerpt renders a value as JSON, cut short so one message stays one line.
func excerpt(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	const max = 60
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}

// describeValue names a value's JSON type, with the value itself for scalars.
func describeValue(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "string " + excerpt(v)
	case bool:
		return "boolean " + excerpt(v)
	case json.Number:
		return "number " + excerpt(v)
	}
	return excerpt(v)
}

var typeArticles = map[string]string{
	"object": "an object", "array": "an array", "string": "a string", "integer": "an integer",
	"number": "a number", "boolean": "a boolean", "null": "null",
}

func typeList(sch any) string {
	var names []string
	switch t := sch.(type) {
	case string:
		names = []string{t}
	case []any:
		for _, x := range t {
			if s, ok := x.(string); ok {
				names = append(names, s)
			}
		}
	}
	sort.SliceStable(names, func(i, j int) bool { return names[i] != "null" && names[j] == "null" })
	for i, n := range names {
		if a, ok := typeArticles[n]; ok {
			names[i] = a
		}
	}
	return strings.Join(names, " or ")
}

var formatDescriptions = map[string]string{
	"date-time": "an RFC 3339 date-time like 2025-12-01T14:30:05Z",
	"date":      "an RFC 3339 date like 2025-12-01",
	"time":      "an RFC 3339 time like 14:30:05Z",
	"email":     "an email address",
	"uri":       "an absolute URI like https://example.com/path",
	"uuid":      "a UUID",
	"hostname":  "a hostname",
	"ipv4":      "an IPv4 address",
	"ipv6":      "an IPv6 address",
}

func formatWords(f string) string {
	if d, ok := formatDescriptions[f]; ok {
		return d
	}
	return "a valid " + f
}
