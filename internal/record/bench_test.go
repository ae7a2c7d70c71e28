package record_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/redact"
)

// BenchmarkAppend is the cost of recording a marshalled line, including the
// wait for the group commit, from many goroutines at once.
func BenchmarkAppend(b *testing.B) {
	w := record.NewWriter(io.Discard, record.Options{})
	defer w.Close()
	line, _ := record.Marshal(nil, &record.Record{Method: "POST", Path: "/", Body: string(make([]byte, 6000))})
	b.SetParallelism(32)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := w.Append(line); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkFlattenHeaders is a signed delivery's headers as listen
// records them with --secret: flattened, masked by name, and the secret's
// text masked in every value.
func BenchmarkFlattenHeaders(b *testing.B) {
	h := http.Header{
		"Content-Type":      {"application/json"},
		"Content-Length":    {"6238"},
		"User-Agent":        {"webhook-tool/1.4.0"},
		"Webhook-Id":        {"msg_2aLk8pQx7mVt3ZsNcR1yWb"},
		"Webhook-Timestamp": {"1764779311"},
		"Webhook-Signature": {"v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4="},
	}
	m := redact.NewMasker([]string{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"})
	b.ReportAllocs()
	for b.Loop() {
		record.FlattenHeaders(h, m.Header)
	}
}
