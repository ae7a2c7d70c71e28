package profile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/webhook-tool/webhook-tool/internal/jsonptr"
	"github.com/webhook-tool/webhook-tool/internal/yamlcheck"
)

// openAPIProfile is the profile of an OpenAPI document given as a spec:
// named by its file (shop.openapi.yaml is "shop"), its webhooks the
// schemas and their examples the fixtures.
func openAPIProfile(spec string, loc Location, raw []byte) (*Profile, error) {
	if _, err := parseOpenAPI(raw, loc); err != nil {
		return nil, err
	}
	base := filepath.Base(spec)
	for _, ext := range []string{".json", ".yaml", ".yml"} {
		base = strings.TrimSuffix(base, ext)
	}
	base = strings.TrimSuffix(strings.TrimSuffix(base, ".openapi"), ".webhooks")
	return &Profile{Name: sanitizeName(base), Source: spec, Kind: KindOpenAPI, Schemas: loc}, nil
}

// IsOpenAPI reports whether raw (JSON or YAML) is an OpenAPI document: a
// mapping with an "openapi" or "swagger" key. It reads JSON without a YAML
// parse.
func IsOpenAPI(raw []byte) bool {
	t := bytes.TrimLeft(raw, " \t\r\n")
	if len(t) > 0 && t[0] == '{' {
		var head map[string]json.RawMessage
		if json.Unmarshal(raw, &head) != nil {
			return false
		}
		_, a := head["openapi"]
		_, b := head["swagger"]
		return a || b
	}
	var doc yaml.Node
	if yaml.Unmarshal(raw, &doc) != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return false
	}
	return hasKey(doc.Content[0], "openapi") || hasKey(doc.Content[0], "swagger")
}

// openAPI is an OpenAPI document read for its webhooks.
type openAPI struct {
	version string // "3.0" or "3.1"
	text    []byte // the document as JSON, as written (key order kept)
	doc     map[string]any
	hooks   []webhook
}

// webhook is one entry of webhooks (3.1) or x-webhooks (3.0).
type webhook struct {
	key      string
	pointer  string // to the request body's JSON schema
	examples []Example
}

// Example is a sample payload an OpenAPI document gives for a webhook.
type Example struct {
	Name string // the examples entry's key; "" for a lone example
	Raw  []byte // JSON text, keys in document order
}

// parseOpenAPI reads an OpenAPI 3.0 or 3.1 document's webhooks.
func parseOpenAPI(raw []byte, loc Location) (*openAPI, error) {
	text, err := toJSON(raw)
	if err != nil {
		return nil, &Error{Spec: loc.Display, Err: err}
	}
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, &Error{Spec: loc.Display, Err: fmt.Errorf("not an OpenAPI document: %v", err)}
	}
	o := &openAPI{text: text, doc: doc}
	v, _ := doc["openapi"].(string)
	switch {
	case strings.HasPrefix(v, "3.0."):
		o.version = "3.0"
	case strings.HasPrefix(v, "3.1.") || strings.HasPrefix(v, "3.2."):
		o.version = "3.1"
	default:
		sw, _ := doc["swagger"].(string)
		return nil, errorf(loc.Display, 0, "convert it to OpenAPI 3.x", "OpenAPI version %q is not supported (3.0 and 3.1 are)", v+sw)
	}
	for _, sect := range []string{"webhooks", "x-webhooks"} {
		m, _ := doc[sect].(map[string]any)
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			h, err := o.webhook(sect, k, m[k])
			if err != nil {
				return nil, &Error{Spec: loc.Display, Err: err}
			}
			o.hooks = append(o.hooks, h)
		}
	}
	if len(o.hooks) == 0 {
		return nil, errorf(loc.Display, 0, "describe each webhook under webhooks (3.1) or x-webhooks (3.0), its payload as the requestBody's application/json schema",
			"OpenAPI document has no webhooks")
	}
	return o, nil
}

// webhook finds a webhook's payload schema and examples: the JSON
// request body of its post operation (or its only operation).
func (o *openAPI) webhook(sect, key string, item any) (webhook, error) {
	ptr := "/" + jsonptr.Escape(sect) + "/" + jsonptr.Escape(key)
	item, ptr = o.deref(item, ptr)
	ops, _ := item.(map[string]any)
	var op map[string]any
	for _, m := range []string{"post", "put", "patch", "get", "delete", "options", "head", "trace"} {
		if x, ok := ops[m].(map[string]any); ok {
			op, ptr = x, ptr+"/"+m
			break
		}
	}
	if op == nil {
		return webhook{}, fmt.Errorf("webhook %q has no operation (post)", key)
	}
	body, bptr := o.deref(op["requestBody"], ptr+"/requestBody")
	content, _ := body.(map[string]any)["content"].(map[string]any)
	mt := ""
	if _, ok := content["application/json"]; ok {
		mt = "application/json"
	} else {
		var types []string
		for t := range content {
			if strings.Contains(t, "json") {
				types = append(types, t)
			}
		}
		sort.Strings(types)
		if len(types) > 0 {
			mt = types[0]
		}
	}
	media, _ := content[mt].(map[string]any)
	if media == nil || media["schema"] == nil {
		return webhook{}, fmt.Errorf("webhook %q has no application/json request body schema", key)
	}
	mptr := bptr + "/content/" + jsonptr.Escape(mt)
	h := webhook{key: key, pointer: mptr + "/schema"}
	if _, ok := media["example"]; ok {
		h.examples = append(h.examples, Example{Raw: o.rawAt(mptr + "/example")})
	}
	exs, _ := media["examples"].(map[string]any)
	names := make([]string, 0, len(exs))
	for n := range exs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		ex, eptr := o.deref(exs[n], mptr+"/examples/"+jsonptr.Escape(n))
		if m, ok := ex.(map[string]any); ok {
			if _, ok := m["value"]; ok {
				h.examples = append(h.examples, Example{Name: n, Raw: o.rawAt(eptr + "/value")})
			}
		}
	}
	return h, nil
}

// deref follows a local $ref ("#/components/...") from v, at pointer ptr,
// a few times at most; it returns the value and its pointer.
func (o *openAPI) deref(v any, ptr string) (any, string) {
	for range 8 {
		m, ok := v.(map[string]any)
		if !ok {
			return v, ptr
		}
		ref, ok := m["$ref"].(string)
		if !ok || !strings.HasPrefix(ref, "#/") {
			return v, ptr
		}
		frag, err := url.PathUnescape(ref[1:])
		if err != nil {
			return v, ptr
		}
		target, ok := jsonptr.Get(o.doc, frag)
		if !ok {
			return v, ptr
		}
		v, ptr = target, frag
	}
	return v, ptr
}

// rawAt returns the JSON text at ptr in o.text, keys in document order.
func (o *openAPI) rawAt(ptr string) []byte {
	toks, _ := jsonptr.Split(ptr)
	cur := json.RawMessage(o.text)
	for _, t := range toks {
		var m map[string]json.RawMessage
		if json.Unmarshal(cur, &m) != nil {
			return nil
		}
		cur = m[t]
	}
	var out bytes.Buffer
	if json.Indent(&out, cur, "", "  ") != nil {
		return nil
	}
	out.WriteByte('\n')
	return out.Bytes()
}

// toJSON returns raw as JSON text: JSON as it is, YAML converted with its
// keys in document order, scalars typed by their YAML 1.2 tags and numbers
// kept as written where JSON allows (a schema's 1.0 stays 1.0).
func toJSON(raw []byte) ([]byte, error) {
	t := bytes.TrimLeft(raw, " \t\r\n")
	if len(t) > 0 && t[0] == '{' && json.Valid(raw) {
		return raw, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("invalid YAML or JSON: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("the file is empty")
	}
	if line := aliasLine(doc.Content[0]); line > 0 {
		return nil, fmt.Errorf("line %d: YAML aliases are not allowed", line)
	}
	var buf bytes.Buffer
	if err := yamlcheck.JSON(&buf, doc.Content[0], yamlcheck.JSONOptions{Numbers: yamlcheck.NumbersAsWritten, EscapeHTML: true}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
