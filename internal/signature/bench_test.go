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
	opts := signature.VerifyOptions{Scheme: signature.Auto, Secrets: []string{stdSecret}, Now: time.Unix(stdTS, 0)}
	benchVerify(b, func(h http.Header) signature.Result { return signature.Verify(opts, h, benchBody) })
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
	v := signature.NewVerifier(signature.VerifyOptions{Scheme: signature.Auto, Secrets: []string{stdSecret}})
	ts := time.Unix(stdTS, 0)
	benchVerify(b, func(h http.Header) signature.Result { return v.Verify(h, benchBody, ts) })
}

// benchVerify times verify on benchBody signed with stdSecret (Standard
// Webhooks), failing on a verdict that is not valid.
func benchVerify(b *testing.B, verify func(http.Header) signature.Result) {
	hs, err := signature.Sign(signature.Standard, stdSecret, stdID, time.Unix(stdTS, 0), benchBody)
	if err != nil {
		b.Fatal(err)
	}
	h := http.Header{}
	for _, hd := range hs {
		h.Set(hd.Name, hd.Value)
	}
	b.SetBytes(int64(len(benchBody)))
	b.ReportAllocs()
	for b.Loop() {
		if res := verify(h); !res.Valid {
			b.Fatal(res.Reason)
		}
	}
}
