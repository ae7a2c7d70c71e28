package profile

import (
	"bytes"
	"fmt"
	"github.com/webhook-tool/webhook-tool/internal/jsonptr"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/webhook-tool/webhook-tool/internal/signature"
	"github.com/webhook-tool/webhook-tool/internal/suggest"
)

// maxProfileFile bounds a profile file: a few hundred lines at most.
const maxProfileFile = 1 << 20

// Keys of the profile file, as written; a test holds the help topic to them.
var (
	topKeys     = []string{"name", "schemas", "fixtures", "scheme", "event-header", "id-header", "fields", "detect", "descriptions", "display", "story"}
	fieldKeys   = []string{"id", "event", "callback", "invite", "timestamp"}
	ruleKeys    = []string{"schema", "equals", "has"}
	displayKeys = []string{"title", "event", "example"}
)

// Keys lists every key a profile file may hold, "fields.id" and
// "detect[].schema" for the nested ones.
func Keys() []string {
	out := slices.Clone(topKeys)
	for _, k := range fieldKeys {
		out = append(out, "fields."+k)
	}
	for _, k := range ruleKeys {
		out = append(out, "detect[]."+k)
	}
	for _, k := range displayKeys {
		out = append(out, "display."+k)
	}
	return out
}

// loadFile reads a file given as a spec: a profile file or an OpenAPI
// document.
func loadFile(spec string) (*Profile, error) {
	loc, err := diskLocation(spec)
	if err != nil {
		return nil, &Error{Spec: spec, Err: err}
	}
	raw, err := loc.ReadFile(".")
	if err != nil {
		return nil, &Error{Spec: spec, Err: fmt.Errorf("cannot read: %w", err)}
	}
	root, err := parseYAML(raw, spec)
	if err != nil {
		return nil, err
	}
	switch {
	case hasKey(root, "openapi") || hasKey(root, "swagger"):
		return openAPIProfile(spec, loc, raw)
	case hasKey(root, "name") || hasKey(root, "schemas"):
		if len(raw) > maxProfileFile {
			return nil, errorf(spec, 0, "", "a profile file is at most %d KiB", maxProfileFile>>10)
		}
		p, err := parseProfile(root, spec, loc)
		if err != nil {
			return nil, err
		}
		p.Source = spec
		return p, nil
	case hasKey(root, "$schema") || hasKey(root, "properties") || hasKey(root, "type"):
		return nil, errorf(spec, 0, "give it to --schema, or put it in a directory and give that to --profile",
			"this is a JSON Schema, not a profile")
	}
	return nil, errorf(spec, 0, "a profile file has the keys name and schemas (see `webhook-tool help profiles`)",
		"not a profile file, an OpenAPI document or a directory of schemas")
}

// parseFile parses the text of a profile file at file (for the bundled
// ones, in the bundled tree).
func parseFile(raw []byte, file Location) (*Profile, error) {
	root, err := parseYAML(raw, file.Display)
	if err != nil {
		return nil, err
	}
	return parseProfile(root, file.Display, file)
}

// parseYAML parses raw as one YAML (or JSON) document and returns its
// top-level node, refusing aliases: a profile has no use for them, and
// they are how a small file expands into a huge one.
func parseYAML(raw []byte, spec string) (*yaml.Node, error) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&doc); err != nil {
		return nil, errorf(spec, 0, "", "invalid YAML or JSON: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 {
		return nil, errorf(spec, 0, "", "the file is empty")
	}
	root := doc.Content[0]
	if line := aliasLine(root); line > 0 {
		return nil, errorf(spec, line, "write the value out where it is used", "YAML aliases are not allowed")
	}
	if root.Kind != yaml.MappingNode {
		return nil, errorf(spec, root.Line, "", "expected a mapping of keys to values")
	}
	return root, nil
}

// aliasLine is the line of the first alias under n, 0 when there is none.
func aliasLine(n *yaml.Node) int {
	if n.Kind == yaml.AliasNode {
		return n.Line
	}
	for _, c := range n.Content {
		if l := aliasLine(c); l > 0 {
			return l
		}
	}
	return 0
}

func hasKey(m *yaml.Node, key string) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return true
		}
	}
	return false
}

// parser reads one profile file's keys, remembering where it is.
type parser struct {
	spec string
	file Location // the profile file, which relative paths resolve beside
}

func (ps *parser) errf(n *yaml.Node, hint, format string, args ...any) *Error {
	return errorf(ps.spec, n.Line, hint, format, args...)
}

// members checks m is a mapping whose keys are among known and calls f
// for each key and value.
func (ps *parser) members(m *yaml.Node, what string, known []string, f func(key string, k, v *yaml.Node) error) error {
	if m.Kind != yaml.MappingNode {
		return ps.errf(m, "", "%s must be a mapping", what)
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if known != nil && !slices.Contains(known, k.Value) {
			hint := "known keys: " + strings.Join(known, ", ")
			if s := suggest.Closest(k.Value, known); s != "" {
				hint = fmt.Sprintf("did you mean %q? %s", s, hint)
			}
			return ps.errf(k, hint, "unknown key %q in %s", k.Value, what)
		}
		if seen[k.Value] {
			return ps.errf(k, "", "key %q given twice in %s", k.Value, what)
		}
		seen[k.Value] = true
		if err := f(k.Value, k, v); err != nil {
			return err
		}
	}
	return nil
}

// str reads a scalar string value.
func (ps *parser) str(key string, v *yaml.Node) (string, error) {
	if v.Kind != yaml.ScalarNode || v.Tag == "!!null" && v.Value != "" {
		return "", ps.errf(v, "", "%s must be a string", key)
	}
	if v.Tag == "!!null" {
		return "", nil
	}
	return v.Value, nil
}

func parseProfile(root *yaml.Node, spec string, file Location) (*Profile, error) {
	ps := &parser{spec: spec, file: file}
	p := &Profile{File: spec, Descriptions: map[string]string{}}
	var schemasNode, fixturesNode *yaml.Node
	err := ps.members(root, "the profile", topKeys, func(key string, k, v *yaml.Node) error {
		var err error
		switch key {
		case "name":
			p.Name, err = ps.name(v)
		case "schemas":
			schemasNode = v
		case "fixtures":
			fixturesNode = v
		case "scheme":
			p.Scheme, err = ps.scheme(v)
		case "event-header":
			p.EventHeader, err = ps.header(key, v)
		case "id-header":
			p.IDHeader, err = ps.header(key, v)
		case "fields":
			err = ps.fields(p, v)
		case "detect":
			p.Detect, err = ps.rules(v)
		case "descriptions":
			err = ps.members(v, "descriptions", nil, func(name string, _, dv *yaml.Node) error {
				s, err := ps.str("descriptions."+name, dv)
				p.Descriptions[name] = s
				return err
			})
		case "display":
			err = ps.members(v, "display", displayKeys, func(key string, _, dv *yaml.Node) error {
				s, err := ps.str("display."+key, dv)
				switch key {
				case "title":
					p.Display.Title = s
				case "event":
					p.Display.Event = s
				case "example":
					p.Display.Example = s
				}
				return err
			})
		case "story":
			err = ps.story(p, v)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if p.Name == "" {
		return nil, ps.errf(root, "add `name: NAME`: it prefixes the schema names (NAME.SCHEMA)", "no name")
	}
	if schemasNode == nil {
		return nil, ps.errf(root, "add `schemas: DIR` (a directory of JSON Schemas) or `schemas: FILE` (an OpenAPI document)", "no schemas")
	}
	if err := ps.schemas(p, schemasNode); err != nil {
		return nil, err
	}
	if fixturesNode != nil {
		if err := ps.fixtures(p, fixturesNode); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (ps *parser) name(v *yaml.Node) (string, error) {
	s, err := ps.str("name", v)
	if err != nil {
		return "", err
	}
	for i := 0; i < len(s); i++ {
		if !nameChar(s[i]) {
			return "", ps.errf(v, "use letters, digits, - and _ (the name prefixes schema names: NAME.SCHEMA)", "invalid name %q", s)
		}
	}
	return s, nil
}

func (ps *parser) scheme(v *yaml.Node) (string, error) {
	s, err := ps.str("scheme", v)
	if err != nil || s == "" {
		return s, err
	}
	var names []string
	for _, sc := range signature.Schemes() {
		names = append(names, string(sc))
		if string(sc) == strings.ToLower(s) {
			return string(sc), nil
		}
	}
	hint := "schemes: " + strings.Join(names, ", ")
	if m := suggest.Closest(s, names); m != "" {
		hint = fmt.Sprintf("did you mean %q? %s", m, hint)
	}
	return "", ps.errf(v, hint, "unknown scheme %q", s)
}

func (ps *parser) header(key string, v *yaml.Node) (string, error) {
	s, err := ps.str(key, v)
	if err != nil {
		return "", err
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return "", ps.errf(v, "", "%s %q is not a header name", key, s)
		}
	}
	return s, nil
}

func (ps *parser) fields(p *Profile, v *yaml.Node) error {
	return ps.members(v, "fields", fieldKeys, func(key string, _, fv *yaml.Node) error {
		s, err := ps.pointer("fields."+key, fv)
		if err != nil {
			return err
		}
		switch key {
		case "id":
			p.Fields.ID, p.noID = s, s == ""
		case "event":
			p.Fields.Event = s
		case "callback":
			p.Fields.Callback = s
		case "invite":
			p.Fields.Invite = s
		case "timestamp":
			p.Fields.Timestamp = s
		}
		return nil
	})
}

// pointer reads a JSON Pointer value ("" allowed: none).
func (ps *parser) pointer(key string, v *yaml.Node) (string, error) {
	s, err := ps.str(key, v)
	if err != nil {
		return "", err
	}
	if s != "" && !strings.HasPrefix(s, "/") {
		return "", ps.errf(v, fmt.Sprintf("write it as a JSON Pointer: %q", "/"+strings.ReplaceAll(s, ".", "/")),
			"%s %q is not a JSON Pointer", key, s)
	}
	if _, err := jsonptr.Split(s); err != nil {
		return "", ps.errf(v, "", "%s: %v", key, err)
	}
	return s, nil
}

func (ps *parser) schemas(p *Profile, v *yaml.Node) error {
	s, err := ps.str("schemas", v)
	if err != nil {
		return err
	}
	loc, err := ps.file.join(s)
	if err != nil {
		return ps.errf(v, "relative paths are read from the profile file's directory", "schemas %s: %v", s, err)
	}
	if loc.IsDir() {
		p.Kind, p.Schemas = KindDir, loc
		return nil
	}
	raw, err := loc.ReadFile(".")
	if err != nil {
		return ps.errf(v, "", "schemas %s: cannot read: %v", s, err)
	}
	root, err := parseYAML(raw, loc.Display)
	if err != nil {
		return err
	}
	if !hasKey(root, "openapi") {
		return ps.errf(v, "name a directory of JSON Schemas, or an OpenAPI 3.x document", "schemas %s is a file but not an OpenAPI document", s)
	}
	p.Kind, p.Schemas = KindOpenAPI, loc
	return nil
}

// story keeps the story written under `story` as it is, for the scenario
// runner to decode, or the location of the file `story: FILE` names.
func (ps *parser) story(p *Profile, v *yaml.Node) error {
	if v.Kind != yaml.ScalarNode {
		p.Story = v
		return nil
	}
	s, err := ps.str("story", v)
	if err != nil || s == "" {
		return err
	}
	loc, err := ps.file.join(s)
	if err == nil {
		err = loc.checkFile()
	}
	if err != nil {
		return ps.errf(v, "relative paths are read from the profile file's directory", "story %s: %v", s, err)
	}
	p.StoryFile = &loc
	return nil
}

func (ps *parser) fixtures(p *Profile, v *yaml.Node) error {
	s, err := ps.str("fixtures", v)
	if err != nil || s == "" {
		return err
	}
	loc, err := ps.file.join(s)
	if err != nil {
		return ps.errf(v, "relative paths are read from the profile file's directory", "fixtures %s: %v", s, err)
	}
	if !loc.IsDir() {
		return ps.errf(v, "", "fixtures %s is not a directory", s)
	}
	p.Fixtures = &loc
	return nil
}
