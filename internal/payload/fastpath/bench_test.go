package fastpath_test

import (
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/payload/fastpath"
	"github.com/webhook-tool/webhook-tool/internal/payload/paygen"
)

// BenchmarkParseValid is the fast path alone on one ~6 KB Permission
// Assist payload: parse, prove valid, release.
func BenchmarkParseValid(b *testing.B) {
	s := bundled(b).fast["permission_assist.access_request"]
	raw := benchPayload(b)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		d, ok := fastpath.Parse(raw)
		if !ok || !s.Valid(d) {
			b.Fatal("not proved valid")
		}
		d.Release()
	}
}

// BenchmarkParse is the reader alone on the same payload.
func BenchmarkParse(b *testing.B) {
	raw := benchPayload(b)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		d, ok := fastpath.Parse(raw)
		if !ok {
			b.Fatal("not parsed")
		}
		d.Release()
	}
}

// benchPayload is a pretty-printed Permission Assist payload of about
// 6 KB, the same one every run.
func benchPayload(b *testing.B) []byte {
	r := rand.New(rand.NewPCG(7, 1))
	for range 50 {
		p, err := json.MarshalIndent(paygen.PermissionAssist(r), "", "  ")
		if err != nil {
			b.Fatal(err)
		}
		if len(p) > 5800 && len(p) < 6500 {
			return p
		}
	}
	b.Fatal("no ~6 KB payload generated")
	return nil
}
