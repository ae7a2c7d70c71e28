package fastpath_test

import (
	"io/fs"
	"maps"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/webhook-tool/webhook-tool/fixtures"
	"github.com/webhook-tool/webhook-tool/internal/payload/fastpath"
)

// FuzzFastPathAgreesWithV5: a payload the fast path proves valid against a
// bundled schema is valid for jsonschema/v5 against the same schema (the
// fast path may only say "valid" when the reference would), and the fast
// reader takes no text the registry's decoder calls not JSON. The input
// taken as a string is also held to each hand-written format check: one
// that passes it must have v5's own function for the format pass it; and
// the reader, which checks UTF-8 only inside strings, takes no text that
// is not UTF-8.
func FuzzFastPathAgreesWithV5(f *testing.F) {
	files, _ := fs.Glob(fixtures.FS, "*/*.json")
	for _, name := range files {
		b, _ := fixtures.FS.ReadFile(name)
		f.Add(b)
	}
	f.Add([]byte(`{"type":"create_user","email":"a@b.co","tenant_key":"t","role":"r","permission_level":"x"}`))
	f.Add([]byte(`{"id":"a","id":"b","event":{},"callback":"x"}`))
	for _, name := range slices.Sorted(maps.Keys(formatCases)) {
		for _, s := range append(formatCases[name].common, formatCases[name].tricky...) {
			f.Add([]byte(s))
		}
	}
	b := bundled(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		for name := range fastpath.QuickFormats {
			agreeWithV5(t, name, string(raw))
		}
		if d, ok := fastpath.Parse(raw); ok {
			d.Release()
			if !utf8.Valid(raw) {
				t.Fatalf("the fast reader takes text that is not UTF-8: %q", raw)
			}
		}
		doc, ok := decodes(t, raw)
		if !ok {
			return
		}
		for _, name := range b.names {
			if b.fastValid(raw, name) && !b.v5Valid(doc, name) {
				t.Fatalf("fast path says %q is a valid %s; v5 does not", raw, name)
			}
		}
	})
}
