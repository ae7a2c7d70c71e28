package recline_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/webhook-tool/webhook-tool/fixtures"
	"github.com/webhook-tool/webhook-tool/internal/record"
)

// BenchmarkMarshal is a delivery's record line as listen writes it: the
// hand-written line, its body by reference.
func BenchmarkMarshal(b *testing.B) {
	rec := baseRecord()
	body := benchBody(b)
	rec.SetBodyRef(body)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	var dst []byte
	for b.Loop() {
		dst, _ = record.Marshal(dst[:0], rec)
	}
}

// BenchmarkMarshalEncodingJSON is the same line through encoding/json, as
// Marshal's fallback writes it: what recline saves.
func BenchmarkMarshalEncodingJSON(b *testing.B) {
	rec := baseRecord()
	body := benchBody(b)
	rec.SetBodyRef(body)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	var dst []byte
	for b.Loop() {
		buf.Reset()
		r := *rec
		r.Body = string(body)
		if err := enc.Encode(&r); err != nil {
			b.Fatal(err)
		}
		dst = append(dst[:0], buf.Bytes()...)
	}
}

// benchBody is the 6 KB Permission Assist payload the listener's load
// benchmark posts.
func benchBody(b *testing.B) []byte {
	body, err := fixtures.FS.ReadFile(fixtures.Path("permission_assist.access_request_approved"))
	if err != nil {
		b.Fatal(err)
	}
	return body
}
