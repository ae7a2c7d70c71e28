package cli

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
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
