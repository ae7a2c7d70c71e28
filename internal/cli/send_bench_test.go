package cli

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/fixture"
)

const benchFixture = "permission_assist.access_request_approved"

// BenchmarkSendLoad runs `send FIXTURE --count b.N --concurrency 64` in
// process against a bare receiver: one op is one delivery, so ns/op is the
// inverse of deliveries per second (client and receiver share the CPUs, as
// in .ci/bench).
func BenchmarkSendLoad(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	app := &App{
		Streams: Streams{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard},
		Getenv:  func(string) string { return "" },
		Now:     time.Now,
	}
	b.ReportAllocs()
	b.ResetTimer()
	if code := Run(app, []string{"send", benchFixture, "--to", srv.URL, "--secret", "bench-secret",
		"--count", strconv.Itoa(max(b.N, 2)), "--concurrency", "64"}); code != 0 {
		b.Fatalf("exit %d", code)
	}
}

// BenchmarkRequestBuilder is the client's own work per delivery before the
// transport: stamping the body, signing it, building the headers.
func BenchmarkRequestBuilder(b *testing.B) {
	for _, n := range []int{1, 2} {
		b.Run("single/secrets="+strconv.Itoa(n), func(b *testing.B) {
			rb := benchBuilder(b, n)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := rb.next(); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("load/secrets="+strconv.Itoa(n), func(b *testing.B) {
			rb := benchBuilder(b, n)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := rb.loadRequest(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func benchBuilder(tb testing.TB, secrets int) *requestBuilder {
	tb.Helper()
	raw, err := fixture.Load(benchFixture)
	if err != nil {
		tb.Fatal(err)
	}
	opts := &SendOptions{}
	tmpl, err := newPayloadTemplate(raw, benchFixture, time.Now(), "http://127.0.0.1/webhooks/callback/", opts)
	if err != nil {
		tb.Fatal(err)
	}
	ss := []string{"bench-secret", "second-secret"}[:secrets]
	return &requestBuilder{url: "http://127.0.0.1/", scheme: "standard", secrets: ss, tmpl: tmpl, now: time.Now, userAgent: "webhook-tool/bench"}
}
