// Package drift compares real deliveries with the schemas they are checked
// against and reports, per schema, where they part: fields the schema does
// not declare, values it rejects, and optional fields no delivery carried.
//
// A Checker takes one delivery at a time and keeps counts per finding, not
// deliveries, so its memory depends on how many distinct findings there
// are (at most Options.MaxFindings per schema) and on the schemas, never on
// how many deliveries were read. Checkers filled on several goroutines
// merge into one; the result does not depend on how the work was split.
//
// Declared fields come from a walk of the schema document: properties,
// patternProperties and additionalProperties of objects, items and
// prefixItems of arrays, through local $ref and $dynamicRef, allOf, anyOf,
// oneOf, if/then/else and dependentSchemas, each schema object once per
// place (a recursive schema ends there). A key under patternProperties or
// an additionalProperties schema is a map key: "*" in pointer patterns, as
// is every array index. A place whose schema names nothing inside objects
// there ({"type":"object"}, {}, true, a $ref to another document) declares
// whatever they hold.
package drift

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/webhook-tool/webhook-tool/internal/jsonptr"
	"strings"

	"github.com/webhook-tool/webhook-tool/internal/jsonscan"
	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/samples"
)

// Resolver chooses the schema a payload is checked against, checks it, and
// gives a schema's document for the walk of its declared fields. It is the
// seam where a vendor profile plugs in its own schemas and detection; the
// default is a payload.Registry (RegistryResolver). It must be safe for
// concurrent use.
type Resolver interface {
	// Check checks a payload as payload.Registry.Check does: a payload
	// no schema matches is a payload.NoMatchError.
	Check(body []byte) (payload.Result, error)
	// Source is the schema document named name.
	Source(name string) ([]byte, error)
}

type registryResolver struct {
	reg    *payload.Registry
	schema string
}

// RegistryResolver checks against reg: against schema when it is not "",
// else against the schema each payload is detected as.
func RegistryResolver(reg *payload.Registry, schema string) Resolver {
	return registryResolver{reg, schema}
}

func (r registryResolver) Check(body []byte) (payload.Result, error) {
	return r.reg.Check(body, r.schema)
}
func (r registryResolver) Source(name string) ([]byte, error) { return r.reg.Source(name) }

// DefaultMaxFindings is how many distinct undeclared patterns, and how many
// groups of rejected values, a schema's report keeps.
const DefaultMaxFindings = 1000

// maxValues is how many distinct rejected values a group keeps (for
// --suggest); past it the group's values are "many".
const maxValues = 20

// Options say what a Checker keeps.
type Options struct {
	MaxFindings int  // per schema, for each kind (0: DefaultMaxFindings)
	Suggest     bool // infer the schema of undeclared fields' values, for Suggest
}

// Checker accumulates deliveries. It is not safe for concurrent use: give
// each goroutine its own and Merge them.
type Checker struct {
	r       Resolver
	o       Options
	schemas map[string]*schemaState
	// Unmatched counts the payloads no schema was detected for, NotJSON
	// the recorded bodies that are not JSON.
	unmatched, notJSON tally

	seenU, seenR map[string]bool // one delivery's findings, counted once
	sc, sc2      jsonscan.Scanner
}

// tally is a count and the first sample counted.
type tally struct {
	count int64
	first first
}

// first is the lowest-indexed sample a finding was seen in.
type first struct {
	set    bool
	index  int64
	source string
	seq    int64
	record bool
}

func (f *first) take(s *samples.Sample) bool {
	if f.set && f.index <= s.Index {
		return false
	}
	*f = first{set: true, index: s.Index, source: s.Source, seq: s.Seq, record: s.Record}
	return true
}

func (f *first) merge(o first) bool {
	if !o.set || (f.set && f.index <= o.index) {
		return false
	}
	*f = o
	return true
}

func (t *tally) add(s *samples.Sample) {
	t.count++
	t.first.take(s)
}

// NotJSONError is a payload file (not a recorded body) that is not JSON.
type NotJSONError struct {
	Name string
	Err  payload.Error
}

func (e *NotJSONError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.Name, e.Err.Line, e.Err.Column, e.Err.Message)
}

// New returns an empty Checker.
func New(r Resolver, o Options) *Checker {
	if o.MaxFindings <= 0 {
		o.MaxFindings = DefaultMaxFindings
	}
	return &Checker{r: r, o: o, schemas: map[string]*schemaState{}, seenU: map[string]bool{}, seenR: map[string]bool{}}
}

// Add checks one delivery. A recorded body that is not JSON is counted;
// a payload file that is not JSON is a *NotJSONError; a schema that cannot
// be read or compiled is an error too.
func (c *Checker) Add(s *samples.Sample) error {
	res, err := c.r.Check(s.Body)
	if err != nil {
		var nm payload.NoMatchError
		if errors.As(err, &nm) {
			c.unmatched.add(s)
			return nil
		}
		return err
	}
	if res.SyntaxError() {
		if !s.Record {
			return &NotJSONError{Name: s.Source, Err: res.Errors[0]}
		}
		c.notJSON.add(s)
		return nil
	}
	st, err := c.state(res.Schema)
	if err != nil {
		return err
	}
	st.deliveries++
	clear(c.seenU)
	clear(c.seenR)
	c.sc.Reset(s.Body)
	st.tree.walk(&c.sc, st.tree.root, func(parent *dnode, pattern string, raw []byte) {
		first := !c.seenU[pattern]
		c.seenU[pattern] = true
		st.undeclaredAt(parent, pattern, raw, first, s, c.o, &c.sc2)
	})
	if err := c.sc.End(); err != nil {
		return fmt.Errorf("%s: %w", s.Where(), err)
	}
	if len(res.Errors) > 0 {
		doc, perr := payload.Decode(s.Body)
		if perr != nil {
			return fmt.Errorf("%s: %s", s.Where(), perr.Message)
		}
		for _, e := range res.Errors {
			c.rejected(st, doc, e, s)
		}
	}
	if res.Omitted > 0 {
		st.truncated++
	}
	if len(c.seenU)+len(c.seenR) > 0 {
		st.drifted++
	}
	return nil
}

func (c *Checker) rejected(st *schemaState, doc any, e payload.Error, s *samples.Sample) {
	if e.Keyword == "additionalProperties" {
		// Named at each property not allowed, not at their object.
		if names, ok := extraNames(e.Message); ok {
			for _, n := range names {
				one := e
				one.InstanceLocation = e.InstanceLocation + "/" + escape(n)
				one.Message = fmt.Sprintf("property %q is not allowed (additionalProperties is false)", n)
				c.rejectedAt(st, doc, one, s)
			}
			return
		}
	}
	c.rejectedAt(st, doc, e, s)
}

// extraNames reads the properties the validator's additionalProperties
// error names: "additionalProperties 'a', 'b' not allowed".
func extraNames(msg string) ([]string, bool) {
	list, ok := strings.CutPrefix(msg, "additionalProperties '")
	if !ok {
		return nil, false
	}
	list, ok = strings.CutSuffix(list, "' not allowed")
	if !ok {
		return nil, false
	}
	names := strings.Split(list, "', '")
	for _, n := range names {
		if strings.Contains(n, "'") {
			return nil, false // a name with a quote: the split is not sure
		}
	}
	return names, true
}

func (c *Checker) rejectedAt(st *schemaState, doc any, e payload.Error, s *samples.Sample) {
	pattern := st.tree.patternOf(doc, e.InstanceLocation)
	var value any
	has := false
	if e.Keyword == "required" {
		if name, ok := missingName(e.Message); ok {
			pattern += "/" + escape(name)
		}
	} else {
		value, has = jsonptr.Get(doc, e.InstanceLocation)
	}
	key := pattern + "\x00" + e.Keyword
	if c.seenR[key] {
		return
	}
	c.seenR[key] = true
	st.rejectedAt(key, pattern, e, value, has, s, c.o)
}

// missingName reads the property a "required" error names: payload words
// it `missing required property "name"`.
func missingName(msg string) (string, bool) {
	const prefix = "missing required property "
	i := bytes.Index([]byte(msg), []byte(prefix))
	if i < 0 {
		return "", false
	}
	var name string
	dec := json.NewDecoder(bytes.NewReader([]byte(msg[i+len(prefix):])))
	if err := dec.Decode(&name); err != nil {
		return "", false
	}
	return name, true
}

func (c *Checker) state(name string) (*schemaState, error) {
	if st := c.schemas[name]; st != nil {
		return st, nil
	}
	raw, err := c.r.Source(name)
	if err != nil {
		return nil, err
	}
	doc, err := newSchemaDoc(raw)
	if err != nil {
		return nil, fmt.Errorf("schema %s: %w", name, err)
	}
	st := &schemaState{name: name, tree: newTree(doc), undeclared: map[string]*finding{}, rejected: map[string]*finding{}}
	c.schemas[name] = st
	return st, nil
}

// Merge adds what o found to c; o must not be used again.
func (c *Checker) Merge(o *Checker) {
	c.unmatched.count += o.unmatched.count
	c.unmatched.first.merge(o.unmatched.first)
	c.notJSON.count += o.notJSON.count
	c.notJSON.first.merge(o.notJSON.first)
	for name, os := range o.schemas {
		st := c.schemas[name]
		if st == nil {
			c.schemas[name] = os
			continue
		}
		st.merge(os, c.o)
	}
}
