// Package payload owns the JSON Schemas and everything about checking a
// payload against one: the registry of the profiles' schemas, detection of
// which schema applies, validation, and turning validator output into errors a
// person can act on, each with its JSON Pointer and line:column in the file.
// jsonschema/v5 is the reference validator; payloads the bundled schemas
// hold valid are first offered to internal/payload/fastpath, which may only
// prove them valid.
package payload

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/webhook-tool/webhook-tool/internal/jsonptr"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/webhook-tool/webhook-tool/internal/payload/fastpath"
	"github.com/webhook-tool/webhook-tool/internal/profile"
	"github.com/webhook-tool/webhook-tool/internal/suggest"
)

// Info describes one schema the registry knows.
type Info struct {
	Name    string `json:"name"`
	Title   string `json:"title"`
	Source  string `json:"source"` // "bundled" or the file it came from
	Profile string `json:"profile,omitempty"`
}

type entry struct {
	Info
	url   string // the compiler's URL for it: a document, or a document#pointer
	raw   []byte // its text for `schemas show`
	adhoc bool   // loaded from a --schema PATH: usable, but not listed

	prof  *profile.Profile // nil for an ad hoc schema
	short string           // its name within the profile
	group string           // what the profile's event header selects it by
	seq   int              // its place in the registry's order
	rules []profile.Rule   // how it is detected; none: by what it accepts only
	// fieldToks are its profile's field pointers, split once.
	fieldToks fieldPaths
	// explicit: the rules are the profile's own, not made of the schema's consts
	explicit bool

	once     sync.Once
	compiled *jsonschema.Schema
	err      error

	fastOnce sync.Once
	fast     *fastpath.Schema // nil: every payload goes through v5

	doc *lazyDoc // the document it is in
}

// lazyDoc is a schema document decoded on first use: start-up need not
// decode six schemas to validate one small file, and the fast path and the
// error explainer only need the ones they touch.
type lazyDoc struct {
	raw     []byte
	bundled bool
	once    sync.Once
	doc     any
}

func (d *lazyDoc) get() any {
	d.once.Do(func() { _ = json.Unmarshal(d.raw, &d.doc) })
	return d.doc
}

// decoded returns a lazyDoc that already holds doc.
func decoded(raw []byte, doc any) *lazyDoc {
	d := &lazyDoc{raw: raw, doc: doc}
	d.once.Do(func() {})
	return d
}

// Registry holds the schemas by name. It compiles each schema once, on first
// use, and is safe for concurrent use.
type Registry struct {
	mu        sync.RWMutex // guards compiler (not safe for concurrent use) and entries; reads share it
	comp      *jsonschema.Compiler
	entries   map[string]*entry
	ordered   []*entry            // the named entries in detection order
	docs      map[string]*lazyDoc // schema documents by URL, to explain errors
	maxErrors atomic.Int64        // see SetMaxErrors
	profiles  []*profile.Profile

	// fastRules: every rule can be evaluated on the fast path's tree.
	fastRules bool
	// ruleless: some schema has no rule.
	ruleless bool
	// refs are, by document URL, the other documents it refers to.
	refs map[string]map[string]bool

	// pending are bundled schemas not yet given to comp: jsonschema/v5
	// parses each again in AddResource, which start-up need not pay when
	// the fast path proves every payload valid. They are added in order,
	// before any user schema and before the first compile.
	pending []resource
}

type resource struct {
	url string
	raw []byte
}

// flushPending adds the pending bundled schemas to the compiler; r.mu held.
func (r *Registry) flushPending() error {
	for len(r.pending) > 0 {
		p := r.pending[0]
		r.pending = r.pending[1:]
		if err := r.comp.AddResource(p.url, bytes.NewReader(p.raw)); err != nil {
			return fmt.Errorf("schema %s: %w", p.url, err)
		}
	}
	return nil
}

// maxSchemaFile bounds a schema file given to --schema.
const maxSchemaFile = profile.MaxFile

// DefaultMaxErrors is how many errors a Result lists unless SetMaxErrors
// says otherwise. A real payload with mistakes has a handful; a hundred is
// far more than anyone reads, and bounds what a payload built to fail costs
// in time, memory and output.
const DefaultMaxErrors = 100

// SetMaxErrors sets how many errors each Result lists (0: all of them);
// the rest are counted in Result.Omitted.
func (r *Registry) SetMaxErrors(n int) { r.maxErrors.Store(int64(max(n, 0))) }

// MaxErrors is the limit SetMaxErrors set.
func (r *Registry) MaxErrors() int { return int(r.maxErrors.Load()) }

// UnknownSchemaError is returned for a --schema that is neither a known name
// nor a readable file.
type UnknownSchemaError struct {
	Name  string
	Known []string
}

func (e *UnknownSchemaError) Error() string { return fmt.Sprintf("unknown schema %q", e.Name) }

// Suggestion is the known name the user probably meant ("" when none is
// near): shop.ordercreated gives shop.order_created.
func (e *UnknownSchemaError) Suggestion() string {
	return suggest.Closest(strings.TrimSuffix(e.Name, ".json"), e.Known)
}

// NewRegistry is Open of the default profiles and the schema directories
// dirs.
func NewRegistry(dirs ...string) (*Registry, error) {
	return Open(profile.Default(), dirs...)
}

// Open builds the registry of the profiles' schemas and of each schema
// directory in dirs (walked recursively; a schema is named by its path
// without ".schema.json" or ".json", and replaces one of the same name).
// The directories' schemas come first in detection order: they are the
// user's own and most specific.
func Open(profiles []*profile.Profile, dirs ...string) (*Registry, error) {
	r := &Registry{entries: map[string]*entry{}, docs: map[string]*lazyDoc{}, profiles: profiles, fastRules: true}
	r.maxErrors.Store(DefaultMaxErrors)
	r.comp = jsonschema.NewCompiler()
	r.comp.Draft = jsonschema.Draft2020
	r.comp.AssertFormat = true
	r.comp.AssertContent = false

	var all []*profile.Profile
	for _, dir := range dirs {
		p, err := profile.SchemaDir(dir)
		if err != nil {
			return nil, err
		}
		all = append(all, p)
	}
	all = append(all, profiles...)
	for _, p := range all {
		if err := r.addProfile(p); err != nil {
			return nil, err
		}
	}
	if err := r.indexRules(all); err != nil {
		return nil, err
	}
	return r, nil
}

// Profiles are the profiles the registry was opened with.
func (r *Registry) Profiles() []*profile.Profile { return r.profiles }

// addProfile registers a profile's documents and names its schemas.
func (r *Registry) addProfile(p *profile.Profile) error {
	set, err := p.LoadSchemas()
	if err != nil {
		return err
	}
	for _, res := range set.Resources {
		if res.Bundled {
			// Known good (a test checks each): decode and hand them to
			// v5 only when needed.
			r.pending = append(r.pending, resource{res.URL, res.Raw})
			r.docs[res.URL] = &lazyDoc{raw: res.Raw, bundled: true}
			continue
		}
		if err := r.flushPending(); err != nil {
			return err
		}
		if err := r.comp.AddResource(res.URL, bytes.NewReader(res.Raw)); err != nil {
			return fmt.Errorf("schema %s: %w", res.File, err)
		}
		r.docs[res.URL] = &lazyDoc{raw: res.Raw}
	}
	for _, s := range set.Schemas {
		name := p.Qualify(s.Name)
		source := s.File
		if p.Source == "bundled" {
			source = "bundled"
		}
		base, frag, _ := strings.Cut(s.URL, "#")
		e := &entry{
			Info: Info{Name: name, Source: source, Profile: p.Name}, url: s.URL, raw: s.Source,
			prof: p, short: s.Name, group: s.Group, doc: r.docs[base],
		}
		if frag != "" {
			e.raw = nil // a schema inside a document: Source makes it standalone
		}
		if old, ok := r.entries[name]; ok {
			if p.Name != "" {
				// A --schema-dir schema replaces a profile's, and is read
				// as the profile's: its rules, fields and group.
				old.prof, old.short, old.group, old.Profile = p, s.Name, s.Group, p.Name
				continue
			}
			// A later directory's schema replaces an earlier one's.
			e.seq = old.seq
			r.ordered[e.seq] = e
		} else {
			e.seq = len(r.ordered)
			r.ordered = append(r.ordered, e)
		}
		r.entries[name] = e
	}
	return nil
}

// Names lists the schema names, sorted.
func (r *Registry) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	names := make([]string, 0, len(r.entries))
	for n, e := range r.entries {
		if !e.adhoc {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// List describes every named schema, sorted by name.
func (r *Registry) List() []Info {
	names := r.Names()
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]Info, 0, len(names))
	for _, n := range names {
		e := r.entries[n]
		in := e.Info
		if in.Title == "" {
			// Through a $ref: an OpenAPI webhook's schema is usually one.
			in.Title, _ = deref(e.doc.get(), e.schemaDoc())["title"].(string)
		}
		out = append(out, in)
	}
	return out
}

// schemaDoc is the decoded schema itself: the document, or the object at
// an OpenAPI webhook's pointer.
func (e *entry) schemaDoc() any {
	doc := e.doc.get()
	_, frag, ok := strings.Cut(e.url, "#")
	if !ok || frag == "" {
		return doc
	}
	ptr, err := url.PathUnescape(frag)
	if err != nil {
		return nil
	}
	v, _ := jsonptr.Get(doc, ptr)
	return v
}

// Source returns a schema's text exactly as it is stored.
func (r *Registry) Source(name string) ([]byte, error) {
	e, err := r.lookup(name)
	if err != nil {
		return nil, err
	}
	if e.raw == nil {
		return standalone(e)
	}
	return e.raw, nil
}

func (r *Registry) lookup(name string) (*entry, error) {
	r.mu.RLock()
	e, ok := r.entries[name]
	r.mu.RUnlock()
	if !ok {
		return nil, &UnknownSchemaError{Name: name, Known: r.Names()}
	}
	return e, nil
}

// schema returns the compiled schema for name, compiling it on first use.
func (r *Registry) schema(name string) (*jsonschema.Schema, error) {
	e, err := r.lookup(name)
	if err != nil {
		return nil, err
	}
	return r.compile(e)
}

func (r *Registry) compile(e *entry) (*jsonschema.Schema, error) {
	e.once.Do(func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		if e.err = r.flushPending(); e.err != nil {
			return
		}
		e.compiled, e.err = r.comp.Compile(e.url)
		if e.err != nil {
			e.err = fmt.Errorf("schema %s does not compile: %w", e.Source, e.err)
		}
	})
	return e.compiled, e.err
}

// fastSchema returns the fast path's form of a bundled schema, compiling it
// on first use, or nil when the schema is not bundled or uses a keyword the
// fast path does not implement. Only bundled schemas take the fast path:
// they are the ones its differential test covers.
func (r *Registry) fastSchema(e *entry) *fastpath.Schema {
	e.fastOnce.Do(func() {
		if e.Source != "bundled" || strings.Contains(e.url, "#") {
			return
		}
		if fs, err := fastpath.Compile(e.doc.get()); err == nil {
			e.fast = fs
		}
	})
	return e.fast
}

// Compile compiles the named schema now, so a broken user schema is reported
// before any payload is read.
func (r *Registry) Compile(name string) error {
	_, err := r.schema(name)
	return err
}

// schemaDoc returns the decoded schema document at an absolute URL.
func (r *Registry) schemaDoc(u string) (any, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	d, ok := r.docs[u]
	if !ok {
		return nil, false
	}
	return d.get(), true
}
