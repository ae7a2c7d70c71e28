package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/webhook-tool/webhook-tool/internal/fixture"
	"github.com/webhook-tool/webhook-tool/internal/input"
	"github.com/webhook-tool/webhook-tool/internal/payload"
)

// FixtureInfo is one bundled fixture.
type FixtureInfo struct {
	Name        string `json:"name" jsonschema:"the fixture's name, as render_fixture and send_fixture take it"`
	Family      string `json:"family" jsonschema:"its family: the part of the name before the first dot"`
	Description string `json:"description" jsonschema:"one line on what it is"`
}

// ListFixturesIn is list_fixtures' input.
type ListFixturesIn struct {
	Family string `json:"family,omitempty" jsonschema:"only this family's fixtures (a profile's name); all when empty"`
}

// ListFixturesOut is list_fixtures' output.
type ListFixturesOut struct {
	Fixtures []FixtureInfo `json:"fixtures"`
	Families []string      `json:"families" jsonschema:"every family there is"`
}

// ListProfilesOut is list_profiles' output.
type ListProfilesOut struct {
	Profiles []Profile `json:"profiles"`
}

// RenderIn is render_fixture's input.
type RenderIn struct {
	Name         string   `json:"name" jsonschema:"a bundled fixture's name (list_fixtures)"`
	Set          []string `json:"set,omitempty" jsonschema:"overrides, each PATH=VALUE as send --set takes them: PATH dotted with array indexes (event.request.action, a.b[0].c); VALUE parsed as JSON when it parses, else a string"`
	CallbackBase string   `json:"callback_base,omitempty" jsonschema:"a Permission Assist callback URL prefix: the callback becomes it plus the delivery id (default: the fixture's own callback host)"`
}

// RenderOut is render_fixture's output.
type RenderOut struct {
	Name          string   `json:"name"`
	DeliveryID    string   `json:"delivery_id" jsonschema:"the id send would give as webhook-id"`
	Body          string   `json:"body" jsonschema:"the payload as it would be sent"`
	BodyTruncated bool     `json:"body_truncated,omitempty" jsonschema:"the body was longer than 64 KiB and is cut"`
	Validation    Verdict  `json:"validation" jsonschema:"the rendered payload checked against its schema"`
	Warnings      []string `json:"warnings,omitempty" jsonschema:"overrides that added a field the fixture did not have (often a typo)"`
}

// Verdict is a payload checked against a schema.
type Verdict struct {
	Schema        string            `json:"schema" jsonschema:"the schema checked against (detected unless named)"`
	Valid         bool              `json:"valid"`
	Errors        []ValidationError `json:"errors,omitempty"`
	ErrorsOmitted int               `json:"errors_omitted,omitempty" jsonschema:"errors beyond those listed"`
}

// ValidationError is one reason a payload is invalid.
type ValidationError struct {
	Pointer string `json:"pointer" jsonschema:"JSON Pointer of the value at fault"`
	Keyword string `json:"keyword_location,omitempty" jsonschema:"the schema rule that failed"`
	Message string `json:"message"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
}

// ValidateIn is validate_payload's input.
type ValidateIn struct {
	Text   string `json:"text,omitempty" jsonschema:"the payload itself (give text or path)"`
	Path   string `json:"path,omitempty" jsonschema:"a payload file to read, relative to the server's working directory (give text or path)"`
	Schema string `json:"schema,omitempty" jsonschema:"a schema name or schema file path; detected from the payload when empty"`
}

func (s *server) addFixtureTools(srv *mcp.Server) {
	add(srv, s, &mcp.Tool{Name: "list_fixtures", Description: "List the bundled sample payloads (fixtures), one per event, with a line on each."},
		func(_ context.Context, in ListFixturesIn) (ListFixturesOut, error) { return listFixtures(in) })
	add(srv, s, &mcp.Tool{Name: "list_profiles", Description: "List the payload profiles (vendor families): each with its schemas and fixtures."},
		func(_ context.Context, _ struct{}) (ListProfilesOut, error) {
			ps, err := s.profiles()
			return ListProfilesOut{Profiles: ps}, err
		})
	add(srv, s, &mcp.Tool{Name: "render_fixture", Description: "Render a bundled fixture as send_fixture would send it (fresh ids and timestamps), with overrides, and validate the result."},
		func(_ context.Context, in RenderIn) (RenderOut, error) { return s.render(in) })
	add(srv, s, &mcp.Tool{Name: "validate_payload", Description: "Validate a JSON payload (text or a file) against its detected or named schema: each error with its JSON Pointer, line and column."},
		func(_ context.Context, in ValidateIn) (Verdict, error) { return s.validate(in) })
}

func listFixtures(in ListFixturesIn) (ListFixturesOut, error) {
	out := ListFixturesOut{Fixtures: []FixtureInfo{}, Families: []string{}}
	for _, f := range fixture.List() {
		if !slices.Contains(out.Families, f.Family) {
			out.Families = append(out.Families, f.Family)
		}
		if in.Family == "" || in.Family == f.Family {
			out.Fixtures = append(out.Fixtures, FixtureInfo{f.Name, f.Family, f.Description})
		}
	}
	if len(out.Fixtures) == 0 {
		return out, fmt.Errorf("unknown family %q: the families are %s", in.Family, strings.Join(out.Families, ", "))
	}
	return out, nil
}

// profiles are the configured profiles, or the bundled fixture families
// with the schemas of the same prefix.
func (s *server) profiles() ([]Profile, error) {
	if s.opts.Profiles != nil {
		return s.opts.Profiles()
	}
	var ps []Profile
	for _, f := range fixture.List() {
		if len(ps) == 0 || ps[len(ps)-1].Name != f.Family {
			ps = append(ps, Profile{Name: f.Family, Schemas: []string{}, Source: "bundled"})
		}
		p := &ps[len(ps)-1]
		p.Fixtures = append(p.Fixtures, f.Name)
	}
	for _, in := range s.reg.List() {
		for i := range ps {
			if strings.HasPrefix(in.Name, ps[i].Name+".") {
				ps[i].Schemas = append(ps[i].Schemas, in.Name)
			}
		}
	}
	return ps, nil
}

func (s *server) render(in RenderIn) (RenderOut, error) {
	f, err := fixture.Find(fixture.List(), in.Name)
	if err != nil {
		return RenderOut{}, fixtureError(err)
	}
	raw, err := f.Load()
	if err != nil {
		return RenderOut{}, fixtureError(err)
	}
	base := in.CallbackBase
	if base == "" {
		base = fixture.CallbackBaseOf(raw, f.Profile.Fields.Callback)
	}
	r, err := fixture.Render(raw, fixture.RenderOptions{Now: s.opts.Now(), NewID: s.opts.NewID, CallbackBase: base, Sets: in.Set, Profile: f.Profile})
	if err != nil {
		return RenderOut{}, renderError(err)
	}
	out := RenderOut{Name: in.Name, DeliveryID: r.ID}
	out.Body, out.BodyTruncated = cut(string(r.Body))
	for _, w := range r.Added {
		out.Warnings = append(out.Warnings, w.String())
	}
	out.Validation, err = s.check(r.Body, "")
	return out, err
}

func (s *server) validate(in ValidateIn) (Verdict, error) {
	var raw []byte
	switch {
	case (in.Text == "") == (in.Path == ""):
		return Verdict{}, errors.New("give the payload as text or as a file's path, one of the two")
	case in.Text != "":
		raw = []byte(in.Text)
	default:
		b, err := input.ReadFile(in.Path, MaxFile)
		if err != nil {
			return Verdict{}, fmt.Errorf("cannot read %s: %w", in.Path, err)
		}
		raw = b
	}
	schema := ""
	if in.Schema != "" {
		name, err := s.reg.Resolve(in.Schema)
		if err != nil {
			return Verdict{}, schemaError(err)
		}
		schema = name
	}
	return s.check(raw, schema)
}

// check validates raw, the errors capped at MaxErrors.
func (s *server) check(raw []byte, schema string) (Verdict, error) {
	res, err := s.reg.Check(raw, schema)
	if err != nil {
		return Verdict{}, err
	}
	v := Verdict{Schema: res.Schema, Valid: res.Valid, ErrorsOmitted: res.Omitted}
	for i, e := range res.Errors {
		if i == MaxErrors {
			v.ErrorsOmitted += len(res.Errors) - i
			break
		}
		v.Errors = append(v.Errors, ValidationError{e.InstanceLocation, e.KeywordLocation, e.Message, e.Line, e.Column})
	}
	return v, nil
}

// fixtureError names the fixture meant, or how to list them.
func fixtureError(err error) error {
	var ue *fixture.UnknownError
	if errors.As(err, &ue) {
		return fmt.Errorf("%w; %s", err, strings.Replace(ue.Hint(), "run `webhook-tool fixtures list`", "call list_fixtures", 1))
	}
	return err
}

func renderError(err error) error {
	var se *fixture.SetError
	if errors.As(err, &se) {
		return fmt.Errorf("%w (%s)", err, se.Hint())
	}
	return fmt.Errorf("invalid payload: %w", err)
}

func schemaError(err error) error {
	var ue *payload.UnknownSchemaError
	if errors.As(err, &ue) {
		if m := ue.Suggestion(); m != "" {
			return fmt.Errorf("%w; did you mean %q?", err, m)
		}
		return fmt.Errorf("%w; the schemas are %s", err, strings.Join(ue.Known, ", "))
	}
	return err
}
