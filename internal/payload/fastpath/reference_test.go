package fastpath_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/payload/fastpath"
	"github.com/webhook-tool/webhook-tool/schemas"
)

// bundle is every bundled schema twice: compiled for the fast path, and
// compiled by jsonschema/v5 as the registry compiles it, the reference.
type bundle struct {
	names []string
	fast  map[string]*fastpath.Schema
	ref   map[string]*jsonschema.Schema
	err   map[string]error // why the fast path could not compile a schema
}

var (
	bundleOnce sync.Once
	theBundle  *bundle
	bundleErr  error
)

// bundled compiles the bundle once for every test and fuzz input.
func bundled(tb testing.TB) *bundle {
	tb.Helper()
	bundleOnce.Do(func() { theBundle, bundleErr = compileBundle() })
	if bundleErr != nil {
		tb.Fatal(bundleErr)
	}
	return theBundle
}

func compileBundle() (*bundle, error) {
	b := &bundle{fast: map[string]*fastpath.Schema{}, ref: map[string]*jsonschema.Schema{}, err: map[string]error{}}
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	c.AssertFormat = true
	c.AssertContent = false
	files, err := fs.Glob(schemas.FS, "*/*.json")
	if err != nil {
		return nil, err
	}
	raws := map[string][]byte{}
	for _, f := range files {
		raw, err := schemas.FS.ReadFile(f)
		if err != nil {
			return nil, err
		}
		if err := c.AddResource(schemas.BaseURL+idFile(f), bytes.NewReader(raw)); err != nil {
			return nil, err
		}
		raws[f] = raw
	}
	for _, f := range files {
		name := strings.TrimSuffix(idFile(f), ".json")
		b.names = append(b.names, name)
		if b.ref[name], err = c.Compile(schemas.BaseURL + name + ".json"); err != nil {
			return nil, err
		}
		var doc any // decoded as the registry decodes a schema document
		if err := json.Unmarshal(raws[f], &doc); err != nil {
			return nil, err
		}
		if b.fast[name], err = fastpath.Compile(doc); err != nil {
			b.fast[name], b.err[name] = nil, err
		}
	}
	sort.Strings(b.names)
	return b, nil
}

// fastValid reports whether the fast path proves raw valid against schema.
func (b *bundle) fastValid(raw []byte, schema string) bool {
	s := b.fast[schema]
	if s == nil {
		return false
	}
	d, ok := fastpath.Parse(raw)
	if !ok {
		return false
	}
	defer d.Release()
	return s.Valid(d)
}

// v5Valid is the reference verdict on a decoded payload.
func (b *bundle) v5Valid(doc any, schema string) bool {
	s := b.ref[schema]
	return s != nil && s.Validate(doc) == nil
}

// decodes reports whether raw is JSON to the registry, and fails the test
// when the fast reader takes text the registry's decoder does not: the
// fast path must never see a payload v5 would call not JSON.
func decodes(tb testing.TB, raw []byte) (any, bool) {
	tb.Helper()
	doc, serr := payload.Decode(raw)
	if serr != nil {
		if d, ok := fastpath.Parse(raw); ok {
			d.Release()
			tb.Fatalf("the fast reader takes what Decode refuses (%s):\n%q", serr.Message, raw)
		}
		return nil, false
	}
	return doc, true
}

// idFile is the file name a bundled schema's $id ends in: permit/create_user.json
// is permit.create_user.json.
func idFile(file string) string { return strings.Replace(file, "/", ".", 1) }
