package record_test

import (
	"io"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/record"
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
