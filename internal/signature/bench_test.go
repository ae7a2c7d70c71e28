package signature_test

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// benchBody is a 5 KB JSON-ish payload, the size of a Permission Assist delivery.
var benchBody = bytes.Repeat([]byte(`{"k":"0123456789abcdef0123456789"},`), 5*1024/35+1)[:5*1024]

func BenchmarkSignStandard(b *testing.B) {
	ts := time.Unix(stdTS, 0)
	b.SetBytes(int64(len(benchBody)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := signature.Sign(signature.Standard, stdSecret, stdID, ts, benchBody); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyStandard(b *testing.B) {
	ts := time.Unix(stdTS, 0)
	hs, err := signature.Sign(signature.Standard, stdSecret, stdID, ts, benchBody)
	if err != nil {
		b.Fatal(err)
	}
	h := http.Header{}
	for _, hd := range hs {
		h.Set(hd.Name, hd.Value)
	}
	opts := signature.VerifyOptions{Scheme: signature.Auto, Secrets: []string{stdSecret}, Now: ts}
	b.SetBytes(int64(len(benchBody)))
	b.ReportAllocs()
	for b.Loop() {
		if res := signature.Verify(opts, h, benchBody); !res.Valid {
			b.Fatal(res.Reason)
		}
	}
}

func BenchmarkSignerStandard(b *testing.B) {
	ts := time.Unix(stdTS, 0)
	s, err := signature.NewSigner(signature.Standard, stdSecret)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(benchBody)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Sign(stdID, ts, benchBody); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifierStandard is BenchmarkVerifyStandard with the options
// read once, as listen reads them: the difference is what Verify spends
// on its options for every request.
func BenchmarkVerifierStandard(b *testing.B) {
	ts := time.Unix(stdTS, 0)
	hs, err := signature.Sign(signature.Standard, stdSecret, stdID, ts, benchBody)
	if err != nil {
		b.Fatal(err)
	}
	h := http.Header{}
	for _, hd := range hs {
		h.Set(hd.Name, hd.Value)
	}
	v := signature.NewVerifier(signature.VerifyOptions{Scheme: signature.Auto, Secrets: []string{stdSecret}})
	b.SetBytes(int64(len(benchBody)))
	b.ReportAllocs()
	for b.Loop() {
		if res := v.Verify(h, benchBody, ts); !res.Valid {
			b.Fatal(res.Reason)
		}
	}
}
