// Package profile owns what the tool knows of one webhook provider: where
// its schemas and sample payloads are, how it signs, which headers name the
// event and the delivery, which body fields a receiver reads, and how its
// payloads are told apart. A profile is data: a YAML file (the format is a
// contract, documented in the profiles help topic), a directory of JSON
// Schemas, or an OpenAPI 3.x document. The bundled vendors are profiles in
// the same format, embedded from schemas/ and fixtures/; no Go code names
// them.
package profile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/webhook-tool/webhook-tool/internal/suggest"
	"github.com/webhook-tool/webhook-tool/schemas"
)

// Kind says what a profile's schemas are.
type Kind string

const (
	KindDir     Kind = "directory" // a directory of JSON Schemas, walked recursively
	KindOpenAPI Kind = "openapi"   // an OpenAPI 3.0 or 3.1 document's webhooks
)

// Profile is what the tool knows of one webhook provider.
type Profile struct {
	// Name prefixes its schema and fixture names: NAME.SCHEMA. It is ""
	// only for the anonymous profile of a --schema-dir, whose names are
	// the bare file names.
	Name string
	// Source says where it came from: "bundled", or the path given.
	Source string
	// File is the profile file it was read from ("" for a directory or
	// an OpenAPI document given as the profile itself).
	File string

	Scheme      string // how the provider signs ("" when the profile does not say)
	EventHeader string // a header naming the event: narrows detection to the schemas under that subdirectory
	IDHeader    string // the header carrying the delivery id
	Fields      Fields
	// Detect are the explicit detection rules, in the order written.
	Detect []Rule
	// Descriptions are one-line descriptions of fixtures, by short name.
	Descriptions map[string]string
	// Display says how messages name the provider and its events.
	Display Display
	// Story is the profile's `story` key as written, for the scenario
	// runner to decode; nil when absent or when it names a file.
	Story *yaml.Node
	// StoryFile is the file `story: FILE` names, read by StoryNode only
	// when a scenario needs it.
	StoryFile *Location

	Kind     Kind
	Schemas  Location  // the schema directory or the OpenAPI document
	Fixtures *Location // the sample payload directory; nil when none is named

	noID bool // fields.id was given as "": no body field is the delivery id
}

// Fields are JSON Pointers into a payload ("/event/name"); "" when the
// profile names none.
type Fields struct {
	ID        string `json:"id,omitempty"`        // the delivery id when no header carries one
	Event     string `json:"event,omitempty"`     // the event name shown and used by filters
	Callback  string `json:"callback,omitempty"`  // a per-delivery callback URL
	Invite    string `json:"invite,omitempty"`    // an invite to approve, named in listen's output
	Timestamp string `json:"timestamp,omitempty"` // a date-time set to the send time when a fixture is sent
}

// Display is how messages name a profile's provider and the values at
// its fields.event pointer: "a Shop type such as order_created". Each is
// "" when the profile does not say; see Title, EventNoun and EventExample.
type Display struct {
	Title   string `json:"title,omitempty"`   // the provider's name as people write it ("Permission Assist")
	Event   string `json:"event,omitempty"`   // what one value of fields.event is called ("event", "type")
	Example string `json:"example,omitempty"` // the event messages give as an example
}

// Title is how messages name the provider: display.title, else the
// profile's name.
func (p *Profile) Title() string {
	if p.Display.Title != "" {
		return p.Display.Title
	}
	return p.Name
}

// EventNoun is how messages name one of the profile's events: its title
// and display.event ("Permit type"), "event" when the profile does not
// say.
func (p *Profile) EventNoun() string {
	word := p.Display.Event
	if word == "" {
		word = "event"
	}
	return strings.TrimSpace(p.Title() + " " + word)
}

// DefaultIDPointer is fields.id when a profile does not set it: a
// top-level "id" is the delivery id of most providers that put one in the
// body.
const DefaultIDPointer = "/id"

// Location is a file or directory a profile names, on disk or in the
// bundled data.
type Location struct {
	FS      fs.FS  // the file system it is in
	Path    string // its slash-separated path in FS ("." for FS's root)
	Display string // how messages name it: the path on disk, or "schemas/permit" for bundled data
	// URL is the location's absolute URL: a file:// URL on disk, under
	// schemas.RootURL for bundled data. A directory's ends in "/". JSON
	// Schema documents under it are known by URLs below it, so relative
	// $ids and $refs resolve against the directory.
	URL string
}

// Bundled reports whether the profile is one of the bundled ones.
func (p *Profile) Bundled() bool { return p != nil && p.Source == "bundled" }

// Qualify is the full name of one of the profile's schemas or fixtures:
// NAME.short, or short for the anonymous profile.
func (p *Profile) Qualify(short string) string {
	if p.Name == "" {
		return short
	}
	return p.Name + "." + short
}

// Short is the part of a full name after this profile's prefix; ok is
// false when full is not one of this profile's names.
func (p *Profile) Short(full string) (string, bool) {
	if p.Name == "" {
		return full, true
	}
	return strings.CutPrefix(full, p.Name+".")
}

// IDPointer is fields.id, or DefaultIDPointer when the profile names none.
func (p *Profile) IDPointer() string {
	if p.Fields.ID == "" && !p.noID {
		return DefaultIDPointer
	}
	return p.Fields.ID
}

// Error is a profile that cannot be used: a spec that names nothing, a
// file that does not parse, a key that is not one. File and Line say
// where, when known. It is a usage error (exit 2).
type Error struct {
	Spec string // the --profile value or the file read
	Line int    // 0 when not known
	Err  error
	Hint string
}

func (e *Error) Error() string {
	where := e.Spec
	if e.Line > 0 {
		where = fmt.Sprintf("%s:%d", e.Spec, e.Line)
	}
	return "profile " + where + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// errorf is an *Error for spec at line.
func errorf(spec string, line int, hint, format string, args ...any) *Error {
	return &Error{Spec: spec, Line: line, Err: fmt.Errorf(format, args...), Hint: hint}
}

var bundled = sync.OnceValues(loadBundled)

// Bundled returns the bundled profiles, in the order their rules are
// tried. The result is shared: callers must not modify it.
func Bundled() []*Profile {
	ps, err := bundled()
	if err != nil {
		// The bundled files are checked by tests; reaching this is a build defect.
		panic(fmt.Sprintf("profile: bundled profiles: %v", err))
	}
	return ps
}

// Default is the profiles that apply when none is given: the bundled ones.
func Default() []*Profile { return Bundled() }

// BundledNames lists the bundled profiles' names, in order.
func BundledNames() []string {
	var names []string
	for _, p := range Bundled() {
		names = append(names, p.Name)
	}
	return names
}

func loadBundled() ([]*Profile, error) {
	var out []*Profile
	for _, f := range schemas.Profiles {
		file := path.Join("schemas", f)
		raw, err := fs.ReadFile(bundleFS{}, file)
		if err != nil {
			return nil, err
		}
		p, err := parseFile(raw, Location{FS: bundleFS{}, Path: file, Display: file, URL: schemas.RootURL + file})
		if err != nil {
			return nil, err
		}
		p.Source = "bundled"
		out = append(out, p)
	}
	return out, nil
}

// Load reads the profile spec names: a bundled profile's name, a profile
// file (YAML), a directory of JSON Schemas, or an OpenAPI 3.x document
// (JSON or YAML). Every error is an *Error.
func Load(spec string) (*Profile, error) {
	if spec == "" {
		return nil, errorf(spec, 0, "give a bundled name, a profile file, a schema directory or an OpenAPI document", "empty profile")
	}
	for _, p := range Bundled() {
		if p.Name == spec {
			return p, nil
		}
	}
	st, err := os.Stat(spec)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			hint := "bundled profiles: " + strings.Join(BundledNames(), ", ") + "; or give a profile file, a schema directory or an OpenAPI document"
			if m := suggest.Closest(spec, BundledNames()); m != "" {
				hint = fmt.Sprintf("did you mean %q? ", m) + hint
			}
			return nil, errorf(spec, 0, hint, "no such bundled profile, file or directory")
		}
		return nil, &Error{Spec: spec, Err: unwrapPath(err)}
	}
	if st.IsDir() {
		return Dir(spec)
	}
	return loadFile(spec)
}

// LoadAll loads each spec in order; a spec that is not an existing path
// may list several, comma-separated (as WEBHOOK_TOOL_PROFILE does). No
// spec at all gives Default. Two profiles of one name are an error: their
// schema names would collide.
func LoadAll(specs []string) ([]*Profile, error) {
	var out []*Profile
	for _, s := range specs {
		for _, one := range splitSpec(s) {
			p, err := Load(one)
			if err != nil {
				return nil, err
			}
			if slices.ContainsFunc(out, func(q *Profile) bool { return q.same(p) }) {
				continue // given twice
			}
			for _, q := range out {
				if q.Name == p.Name {
					return nil, errorf(one, 0, "give the profile another name (the name key of a profile file)",
						"its name %q is taken by profile %s", p.Name, q.Source)
				}
			}
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return Default(), nil
	}
	return out, nil
}

// same reports whether p and q are one profile read twice.
func (p *Profile) same(q *Profile) bool {
	abs := func(f string) string {
		if a, err := filepath.Abs(f); err == nil && f != "" {
			return a
		}
		return f
	}
	return p == q || p.Name == q.Name && p.Schemas.URL == q.Schemas.URL && abs(p.File) == abs(q.File)
}

// splitSpec splits a comma-separated list of specs, unless s names an
// existing file or directory as it is.
func splitSpec(s string) []string {
	if !strings.Contains(s, ",") {
		return []string{s}
	}
	if _, err := os.Stat(s); err == nil {
		return []string{s}
	}
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// Dir is the profile of a directory of JSON Schemas given as a spec: named
// by the directory, with no fixtures, headers or fields beyond the
// defaults.
func Dir(dir string) (*Profile, error) {
	loc, err := diskLocation(dir)
	if err != nil {
		return nil, &Error{Spec: dir, Err: err}
	}
	name := sanitizeName(filepath.Base(loc.absPath()))
	return &Profile{Name: name, Source: dir, Kind: KindDir, Schemas: loc}, nil
}

// SchemaDir is the anonymous profile of a --schema-dir: its schemas keep
// their bare names (order.created, issues/opened).
func SchemaDir(dir string) (*Profile, error) {
	loc, err := diskLocation(dir)
	if err == nil && !loc.IsDir() {
		err = errors.New("not a directory")
	}
	if err != nil {
		return nil, fmt.Errorf("schema directory %s: %w", dir, err)
	}
	return &Profile{Source: dir, Kind: KindDir, Schemas: loc}, nil
}

// sanitizeName makes a profile name of a file or directory name: what
// the name key allows, other characters as "_".
func sanitizeName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !nameChar(c) {
			b[i] = '_'
		}
	}
	if len(b) == 0 {
		return "profile"
	}
	return string(b)
}

func nameChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
