package listener_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/inspect"
	"github.com/webhook-tool/webhook-tool/internal/listener"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// BenchmarkDelivery measures the handler alone (no network): verify a
// standard signature, validate a 6 KB Permission Assist payload, record it.
// Run with -cpu 1,2 to see how it scales.
func BenchmarkDelivery(b *testing.B) { benchDelivery(b, record.Options{}) }

// BenchmarkDeliveryWithUI is BenchmarkDelivery with listen --ui's page fed
// from the record writer's Tap (a ring, as without --record): the page
// must cost the hot path nothing measurable.
func BenchmarkDeliveryWithUI(b *testing.B) {
	s := inspect.NewMemory(1000, 64<<20)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.Run(ctx, nil)
	benchDelivery(b, record.Options{Tap: s.Tap})
	b.ReportMetric(float64(s.Info().Lost), "lines-lost")
}

func benchDelivery(b *testing.B, ropts record.Options) {
	body, err := fixtureFS("permission_assist.access_request_approved")
	if err != nil {
		b.Fatal(err)
	}
	w := record.NewWriter(io.Discard, ropts)
	defer w.Close()
	l, err := listener.New(listener.Config{
		Scheme: signature.Auto, Secrets: []string{secret}, Registry: registry, Records: w,
		Output: listener.Quiet, Now: func() time.Time { return clock },
	})
	if err != nil {
		b.Fatal(err)
	}
	hs, _ := signature.Sign(signature.Standard, secret, "msg_bench", clock, body)
	b.SetParallelism(32)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
			for _, h := range hs {
				req.Header.Set(h.Name, h.Value)
			}
			rr := httptest.NewRecorder()
			l.ServeHTTP(rr, req)
			if rr.Code != 200 {
				b.Fatalf("status %d: %s", rr.Code, rr.Body)
			}
		}
	})
}
