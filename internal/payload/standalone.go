package payload

import (
	"encoding/json"
	"fmt"
	"github.com/webhook-tool/webhook-tool/internal/jsonptr"
	"net/url"
	"strings"
)

// standalone is a schema inside a larger document (an OpenAPI webhook's)
// as a document of its own, for `schemas show`: the schema with the
// document's $schema, and every local definition it refers to, directly
// or not, copied under $defs (definitions for draft 04) with its $refs
// rewritten to match.
func standalone(e *entry) ([]byte, error) {
	root, ok := e.doc.get().(map[string]any)
	if !ok {
		return nil, fmt.Errorf("schema %s: its document is not an object", e.Name)
	}
	sch, ok := e.schemaDoc().(map[string]any)
	if !ok {
		return nil, fmt.Errorf("schema %s not found in its document", e.Name)
	}
	dialect, _ := root["$schema"].(string)
	defsKey := "$defs"
	if strings.Contains(dialect, "draft-04") || strings.Contains(dialect, "draft-06") || strings.Contains(dialect, "draft-07") {
		defsKey = "definitions"
	}
	names := map[string]string{} // referenced pointer -> def name
	defs := map[string]any{}
	var copyOf func(v any) any
	copyOf = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			out := make(map[string]any, len(x))
			for k, sub := range x {
				out[k] = copyOf(sub)
			}
			if ref, ok := x["$ref"].(string); ok && strings.HasPrefix(ref, "#/") {
				ptr, err := url.PathUnescape(ref[1:])
				if err != nil {
					return out
				}
				name, seen := names[ptr]
				if !seen {
					name = defName(ptr)
					names[ptr] = name
					if target, ok := jsonptr.Get(root, ptr); ok {
						defs[name] = copyOf(target)
					}
				}
				out["$ref"] = "#/" + defsKey + "/" + name
			}
			return out
		case []any:
			out := make([]any, len(x))
			for i, sub := range x {
				out[i] = copyOf(sub)
			}
			return out
		}
		return v
	}
	out := copyOf(sch).(map[string]any)
	if dialect != "" {
		out["$schema"] = dialect
	}
	if len(defs) > 0 {
		existing, _ := out[defsKey].(map[string]any)
		for k, v := range existing {
			defs[k] = v
		}
		out[defsKey] = defs
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// defName names a referenced definition: a component schema by its own
// name, anything else by its pointer.
func defName(ptr string) string {
	if n, ok := strings.CutPrefix(ptr, "/components/schemas/"); ok && !strings.Contains(n, "/") {
		return jsonptr.Unescape(n)
	}
	return strings.ReplaceAll(strings.TrimPrefix(ptr, "/"), "/", "_")
}
