package delivery

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
)

// BenchmarkLoad measures load mode against a minimal local receiver, the way
// `send --count N --concurrency C` runs: one op is one delivery of a 5 KB
// body, so ns/op is the inverse of deliveries per second.
func BenchmarkLoad(b *testing.B) {
	for _, conc := range []int{1, 16, 64} {
		b.Run("concurrency="+strconv.Itoa(conc), func(b *testing.B) { benchLoad(b, conc, false) })
	}
	b.Run("concurrency=64/handover", func(b *testing.B) { benchLoad(b, 64, true) })
}

// benchLoad runs b.N deliveries, each with its own body and header as
// send's load mode builds them; with handOver the header is handed over
// (Request.HandOver), as send's load mode does.
func benchLoad(b *testing.B, conc int, handOver bool) {
	{
		{
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				w.WriteHeader(http.StatusNoContent)
			}))
			defer srv.Close()
			body := bytes.Repeat([]byte("x"), 5*1024)
			build := func(int) (Request, error) {
				h := http.Header{}
				h.Set("Content-Type", "application/json")
				return Request{URL: srv.URL, Header: h, Body: bytes.Clone(body), HandOver: handOver}, nil
			}
			c := NewClient(conc)
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			b.ResetTimer()
			sum, err := RunLoad(context.Background(), c, Load{Count: b.N, Concurrency: conc, Build: build, Policy: Policy{Retries: 3}})
			b.StopTimer()
			if err != nil || sum.OK != b.N {
				b.Fatalf("%d of %d ok, err %v", sum.OK, b.N, err)
			}
			b.ReportMetric(sum.PerSecond(), "deliveries/s")
			b.ReportMetric(float64(sum.Latency.P99.Microseconds()), "p99-µs")
		}
	}
}
