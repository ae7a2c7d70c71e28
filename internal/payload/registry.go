// Package payload owns the JSON Schemas and everything about checking a
// payload against one: the registry of bundled and user schemas, detection of
// which schema applies, validation, and turning validator output into errors a
// person can act on, each with its JSON Pointer and line:column in the file.
// jsonschema/v5 is the reference validator; payloads the bundled schemas
// hold valid are first offered to internal/payload/fastpath, which may only
// prove them valid.
package payload

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/webhook-tool/webhook-tool/internal/input"
	"github.com/webhook-tool/webhook-tool/internal/payload/fastpath"
	"github.com/webhook-tool/webhook-tool/internal/suggest"
	"github.com/webhook-tool/webhook-tool/schemas"
)

// Info describes one schema the registry knows.
type Info struct {
	Name   string `json:"name"`
	Title  string `json:"title"`
	Source string `json:"source"` // "bundled" or the file it came from
}

type entry struct {
	Info
	url   string
	raw   []byte
	adhoc bool // loaded from a --schema PATH: usable, but not listed

	once     sync.Once
	compiled *jsonschema.Schema
	err      error

	fastOnce sync.Once
	fast     *fastpath.Schema // nil: every payload goes through v5

	doc *lazyDoc
}

// lazyDoc is a schema document decoded on first use: start-up need not
// decode six schemas to validate one small file, and the fast path and the
// error explainer only need the ones they touch.
type lazyDoc struct {
	raw  []byte
	once sync.Once
	doc  any
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
	docs      map[string]*lazyDoc // schema documents by URL, to explain errors
	maxErrors atomic.Int64        // see SetMaxErrors

	// rules detect the schema-directory schemas, in name order, and
	// undetectable names those that have no rule.
	rules        []*constRule
	undetectable []string

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

// maxSchemaFile bounds a schema file: the bundled ones are under 20 KB,
// and the largest public schemas (OpenAPI's, Kubernetes') a few MB.
const maxSchemaFile = 16 << 20

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
// near): permit.createuser gives permit.create_user.
func (e *UnknownSchemaError) Suggestion() string {
	return suggest.Closest(strings.TrimSuffix(e.Name, ".json"), e.Known)
}

// NewRegistry loads the bundled schemas, then every *.json file in dirs
// (not recursively): a file's name without ".schema.json" or ".json" is its
// schema name, and a directory schema replaces a bundled one of the same name.
func NewRegistry(dirs ...string) (*Registry, error) {
	r := &Registry{entries: map[string]*entry{}, docs: map[string]*lazyDoc{}}
	r.maxErrors.Store(DefaultMaxErrors)
	r.comp = jsonschema.NewCompiler()
	r.comp.Draft = jsonschema.Draft2020
	r.comp.AssertFormat = true
	r.comp.AssertContent = false

	files, err := fs.Glob(schemas.FS, "*.json")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		raw, err := schemas.FS.ReadFile(f)
		if err != nil {
			return nil, err
		}
		name := strings.TrimSuffix(f, ".json")
		if err := r.add(name, schemas.BaseURL+f, "bundled", raw); err != nil {
			return nil, err
		}
	}
	for _, dir := range dirs {
		matches, err := filepath.Glob(filepath.Join(dir, "*.json"))
		if err != nil {
			return nil, err
		}
		if st, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("schema directory %s: %w", dir, unwrapPath(err))
		} else if !st.IsDir() {
			return nil, fmt.Errorf("schema directory %s: not a directory", dir)
		}
		for _, path := range matches {
			base := filepath.Base(path)
			name := strings.TrimSuffix(strings.TrimSuffix(base, ".json"), ".schema")
			if _, err := r.addFile(name, path); err != nil {
				return nil, err
			}
		}
	}
	r.indexRules()
	return r, nil
}

// indexRules builds the detection rules of the directory schemas, once
// they are all loaded (a later directory's file replaces an earlier one).
func (r *Registry) indexRules() {
	for _, name := range r.Names() {
		e := r.entries[name]
		if e.Source == "bundled" {
			continue
		}
		if rule := ruleFor(name, e.doc.get()); rule != nil {
			r.rules = append(r.rules, rule)
		} else if _, bundled := bundledRule(name); !bundled {
			r.undetectable = append(r.undetectable, name)
		}
	}
}

// bundledRule reports whether name is detected by a bundled rule (a
// directory schema that replaces a bundled one keeps its rule).
func bundledRule(name string) (string, bool) {
	for _, r := range DetectRules {
		if r.Schema == name {
			return r.When, true
		}
	}
	return "", false
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// addFile loads a schema file under name and returns its entry.
func (r *Registry) addFile(name, path string) (*entry, error) {
	raw, err := input.ReadFile(path, maxSchemaFile)
	if err != nil {
		return nil, fmt.Errorf("cannot read schema %s: %w", path, unwrapPath(err))
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	u := (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
	if err := r.add(name, u, path, raw); err != nil {
		return nil, err
	}
	return r.entries[name], nil
}

func (r *Registry) add(name, u, source string, raw []byte) error {
	if source == "bundled" {
		// Bundled schemas are known good (a test checks each) and their
		// $id is u; decode and hand them to v5 only when needed.
		d := &lazyDoc{raw: raw}
		r.pending = append(r.pending, resource{u, raw})
		r.docs[u] = d
		r.entries[name] = &entry{Info: Info{Name: name, Source: source}, url: u, raw: raw, doc: d}
		return nil
	}
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return fmt.Errorf("schema %s is not valid JSON: %w", source, err)
	}
	title := ""
	if m, ok := doc.(map[string]any); ok {
		title, _ = m["title"].(string)
		// A schema's own $id is where its $refs resolve from; register it
		// there so the error explainer can find it by that URL too.
		if id, ok := m["$id"].(string); ok && id != "" {
			u = id
		}
	} else if _, ok := doc.(bool); !ok {
		return fmt.Errorf("schema %s is not a JSON object", source)
	}
	if err := r.flushPending(); err != nil {
		return err
	}
	if err := r.comp.AddResource(u, bytes.NewReader(raw)); err != nil {
		return fmt.Errorf("schema %s: %w", source, err)
	}
	d := decoded(raw, doc)
	r.docs[strings.TrimSuffix(u, "#")] = d
	r.entries[name] = &entry{Info: Info{Name: name, Title: title, Source: source}, url: u, raw: raw, doc: d}
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
			if m, ok := e.doc.get().(map[string]any); ok {
				in.Title, _ = m["title"].(string)
			}
		}
		out = append(out, in)
	}
	return out
}

// Source returns a schema's text exactly as it is stored.
func (r *Registry) Source(name string) ([]byte, error) {
	e, err := r.lookup(name)
	if err != nil {
		return nil, err
	}
	return e.raw, nil
}

// Resolve turns a --schema value into a schema name: a known name, or the path
// of a schema file, which is loaded under its path.
func (r *Registry) Resolve(nameOrPath string) (string, error) {
	if _, err := r.lookup(nameOrPath); err == nil {
		return nameOrPath, nil
	}
	if _, err := os.Stat(nameOrPath); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", &UnknownSchemaError{Name: nameOrPath, Known: r.Names()}
		}
		return "", fmt.Errorf("cannot read schema %s: %w", nameOrPath, unwrapPath(err))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	e, err := r.addFile(nameOrPath, nameOrPath)
	if err != nil {
		return "", err
	}
	e.adhoc = true
	return nameOrPath, nil
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
		if e.Source != "bundled" {
			return
		}
		doc, ok := r.schemaDoc(strings.TrimSuffix(e.url, "#"))
		if !ok {
			return
		}
		if fs, err := fastpath.Compile(doc); err == nil {
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
