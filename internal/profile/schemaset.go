package profile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync"
)

// SchemaSet is what a profile's schemas are to a JSON Schema compiler:
// the documents to register, each under its URL, and the named schemas
// among them.
type SchemaSet struct {
	Resources []Resource
	Schemas   []Schema
}

// Resource is one document to register with a compiler.
type Resource struct {
	// URL is the document's absolute URL, without a fragment: its root
	// $id resolved against the profile's schema directory, else the URL
	// of its file.
	URL string
	// Raw is the document as the compiler reads it: a relative root $id
	// made absolute, OpenAPI 3.0's nullable rewritten.
	Raw []byte
	// Bundled documents are known good: a compiler may defer reading them.
	Bundled bool
	File    string // for messages
}

// Schema is one named schema of a profile.
type Schema struct {
	Name string // short: the path without .schema.json or .json, or the OpenAPI webhook's key
	// URL is where the schema is: its document's URL, with the JSON
	// Pointer of an OpenAPI webhook's schema as the fragment.
	URL string
	// Source is the schema's own text, for `schemas show`: its file as
	// written, or for an OpenAPI webhook the document's text.
	Source []byte
	File   string // for messages and `schemas list`
	// Group is what the profile's event header says to select it: the
	// first segment of Name ("issues" for issues/opened).
	Group string
	// Examples are an OpenAPI webhook's examples.
	Examples []Example
}

type setCache struct {
	once sync.Once
	set  *SchemaSet
	err  error
}

var setCaches sync.Map // *Profile -> *setCache

// LoadSchemas reads the profile's schemas, once per profile.
func (p *Profile) LoadSchemas() (*SchemaSet, error) {
	c, _ := setCaches.LoadOrStore(p, &setCache{})
	sc := c.(*setCache)
	sc.once.Do(func() {
		if p.Kind == KindOpenAPI {
			sc.set, sc.err = p.openAPISchemas()
		} else {
			sc.set, sc.err = p.dirSchemas()
		}
	})
	return sc.set, sc.err
}

func group(name string) string {
	g, _, _ := strings.Cut(name, "/")
	return g
}

func (p *Profile) dirSchemas() (*SchemaSet, error) {
	files, err := p.Schemas.JSONFiles()
	if err != nil {
		return nil, fmt.Errorf("schema directory %s: %w", p.Schemas.Display, err)
	}
	set := &SchemaSet{}
	for _, rel := range files {
		raw, err := p.Schemas.ReadFile(rel)
		if err != nil {
			return nil, fmt.Errorf("cannot read schema %s: %w", p.Schemas.FileDisplay(rel), err)
		}
		file := p.Schemas.FileDisplay(rel)
		res, err := p.resource(rel, raw)
		if err != nil {
			return nil, fmt.Errorf("schema %s %w", file, err)
		}
		set.Resources = append(set.Resources, res)
		name := ShortName(rel)
		set.Schemas = append(set.Schemas, Schema{Name: name, URL: res.URL, Source: raw, File: file, Group: group(name)})
	}
	return set, nil
}

// resource makes the Resource of the schema file rel: registered under its
// root $id, a relative one resolved against the schema directory (as
// published schema sets name their schemas: "$id": "common/user.json"),
// else under its file's URL.
func (p *Profile) resource(rel string, raw []byte) (Resource, error) {
	loc := p.Schemas.FileURL(rel)
	res := Resource{URL: loc, Raw: raw, Bundled: p.Source == "bundled", File: p.Schemas.FileDisplay(rel)}
	if res.Bundled {
		// Known good, with absolute $ids (a test checks): read only the $id.
		if id := rootID(raw); id != "" {
			res.URL = strings.TrimSuffix(id, "#")
		}
		return res, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return Resource{}, fmt.Errorf("is not valid JSON: %w", err)
	}
	m, ok := doc.(map[string]any)
	if !ok {
		if _, isBool := doc.(bool); isBool {
			return res, nil
		}
		return Resource{}, fmt.Errorf("is not a JSON object")
	}
	key := "$id"
	if _, has := m[key]; !has && isDraft4(m) {
		key = "id"
	}
	id, _ := m[key].(string)
	if id == "" || strings.HasPrefix(id, "#") {
		return res, nil
	}
	base, err := url.Parse(p.Schemas.URL)
	if err != nil {
		return Resource{}, err
	}
	ref, err := url.Parse(id)
	if err != nil {
		return Resource{}, fmt.Errorf("has an invalid %s %q: %v", key, id, err)
	}
	abs := base.ResolveReference(ref)
	abs.Fragment = ""
	res.URL = abs.String()
	if !ref.IsAbs() {
		// The compiler would resolve it against the file's URL; make it
		// absolute so it resolves against the directory.
		m[key] = res.URL
		if res.Raw, err = json.Marshal(m); err != nil {
			return Resource{}, err
		}
	}
	return res, nil
}

// isDraft4 reports whether a schema document declares draft 04 (or 03),
// whose identifier keyword is "id".
func isDraft4(m map[string]any) bool {
	s, _ := m["$schema"].(string)
	return strings.Contains(s, "draft-04") || strings.Contains(s, "draft-03")
}

// rootID reads a JSON object's top-level "$id" without decoding the rest
// when it comes early, as it does in the bundled schemas.
func rootID(raw []byte) string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return ""
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return ""
		}
		if k == "$id" {
			var id string
			if dec.Decode(&id) != nil {
				return ""
			}
			return id
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return ""
		}
	}
	return ""
}

func (p *Profile) openAPISchemas() (*SchemaSet, error) {
	raw, err := p.Schemas.ReadFile(".")
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", p.Schemas.Display, err)
	}
	o, err := parseOpenAPI(raw, p.Schemas)
	if err != nil {
		return nil, err
	}
	compiled, err := o.compilable()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.Schemas.Display, err)
	}
	set := &SchemaSet{Resources: []Resource{{URL: p.Schemas.URL, Raw: compiled, File: p.Schemas.Display}}}
	for _, h := range o.hooks {
		set.Schemas = append(set.Schemas, Schema{
			Name: h.key, URL: p.Schemas.URL + "#" + fragment(h.pointer), Source: o.text,
			File: p.Schemas.Display, Group: group(h.key), Examples: h.examples,
		})
	}
	return set, nil
}

// fragment escapes a JSON Pointer for a URL fragment.
func fragment(ptr string) string {
	return (&url.URL{Fragment: ptr}).EscapedFragment()
}

// compilable is the document as a JSON Schema compiler should read it:
// the whole document one resource, so #/components/... references
// resolve, with the $schema of its dialect. OpenAPI 3.0's schema objects
// are draft 04 with "nullable", which is rewritten into the type (or an
// anyOf with null); 3.1's are draft 2020-12.
func (o *openAPI) compilable() ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(o.text))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	if _, ok := doc["$schema"]; !ok {
		switch {
		case o.version == "3.0":
			doc["$schema"] = "http://json-schema.org/draft-04/schema#"
		default:
			d, _ := doc["jsonSchemaDialect"].(string)
			if d == "" || strings.HasPrefix(d, "https://spec.openapis.org/oas/") {
				d = "https://json-schema.org/draft/2020-12/schema"
			}
			doc["$schema"] = d
		}
	}
	if o.version == "3.0" {
		rewriteNullable(doc)
	}
	return json.Marshal(doc)
}

// rewriteNullable turns OpenAPI 3.0's "nullable: true" into JSON Schema
// everywhere in v: a type gains "null" (and an enum null), a schema
// without a type becomes anyOf itself or null.
func rewriteNullable(v any) {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			rewriteNullable(e)
		}
	case map[string]any:
		for k, e := range x {
			if k != "example" && k != "examples" && k != "enum" && k != "const" && k != "default" {
				rewriteNullable(e)
			}
		}
		n, ok := x["nullable"].(bool)
		if !ok {
			return
		}
		delete(x, "nullable")
		if !n {
			return
		}
		if enum, ok := x["enum"].([]any); ok {
			x["enum"] = append(enum, nil)
		}
		switch t := x["type"].(type) {
		case string:
			x["type"] = []any{t, "null"}
		case []any:
			x["type"] = append(t, "null")
		default:
			inner := make(map[string]any, len(x))
			for k, e := range x {
				inner[k] = e
				delete(x, k)
			}
			x["anyOf"] = []any{inner, map[string]any{"type": "null"}}
		}
	}
}
