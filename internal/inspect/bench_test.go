package inspect_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/inspect"
	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/record"
)

// The scale the issue sets: a record file of 100,000 deliveries, its first
// page under 500 ms, a delivery's detail under 200 ms, memory under 200 MB.
//
//	go test ./internal/inspect -run '^$' -bench 100k -benchtime 5x
const benchRecords = 100_000

var (
	benchOnce sync.Once
	benchDir  string
	benchFile string
	benchErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// bigRecord writes, once per run, a record file of benchRecords lines as
// listen writes them: Permission Assist deliveries of about 4.5 KB, one in
// ten invalid, one in ten answered by a callback.
func bigRecord(b *testing.B) string {
	benchOnce.Do(func() {
		benchDir, benchErr = os.MkdirTemp("", "inspect-bench-")
		if benchErr != nil {
			return
		}
		benchFile = filepath.Join(benchDir, "100k.ndjson")
		f, err := os.Create(benchFile)
		if err != nil {
			benchErr = err
			return
		}
		defer f.Close()
		bw := bufio.NewWriterSize(f, 1<<20)
		valid := fixture(b, "permission_assist.access_request_created")
		invalid := paBody(b, guid(0), "Delete")
		at := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
		var line []byte
		for seq := int64(1); seq <= benchRecords; seq++ {
			id := guid(int(seq))
			rec := record.Record{Seq: seq, ReceivedAt: at.Add(time.Duration(seq) * time.Millisecond), Method: "POST", Path: "/",
				Headers:   map[string]string{"Content-Type": "application/json", "Webhook-Id": id, "Webhook-Timestamp": "1796112363", "Webhook-Signature": "v1,eEoZPO5I9Xx89wS9eICr7I7P+E1mDb8Qnt5oN7y//s0="},
				Signature: &record.Signature{Scheme: "standard", Valid: true}, Status: 200, DeliveryID: id}
			rec.SetBody(valid)
			rec.Schema = &record.Schema{Name: "permission_assist.access_request", Valid: true, Errors: []payload.Error{}}
			switch seq % 10 {
			case 3:
				rec.SetBody(invalid)
				rec.Schema = &record.Schema{Name: "permission_assist.access_request", Errors: []payload.Error{{InstanceLocation: "/event/request/action", Message: "must be one of", Line: 13, Column: 17}}}
			case 7: // the callback for the delivery before
				rec = record.Record{Seq: seq, ReceivedAt: rec.ReceivedAt, Method: "POST", Path: "/webhooks/callback/" + guid(int(seq-1)),
					Headers: map[string]string{"Content-Type": "text/plain"}, Status: 200, Kind: record.KindCallback, CallbackFor: guid(int(seq - 1))}
				rec.SetBody([]byte("Provisioning complete."))
			}
			line, benchErr = record.Marshal(line[:0], &rec)
			if benchErr != nil {
				return
			}
			fmt.Fprintf(bw, `{"seq":%d`, seq)
			bw.Write(line[len(`{"seq":0`):])
		}
		benchErr = bw.Flush()
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchFile
}

func reportMS(b *testing.B, total time.Duration, n int, unit string) {
	b.ReportMetric(float64(total.Microseconds())/1000/float64(n), unit)
}

// BenchmarkFirstPage100k is what a user waits for after `inspect FILE`:
// index the file and answer the first page.
func BenchmarkFirstPage100k(b *testing.B) {
	path := bigRecord(b)
	b.ResetTimer()
	for range b.N {
		s, err := inspect.OpenFile(path)
		if err != nil {
			b.Fatal(err)
		}
		p := s.List(100, 0, inspect.Filter{})
		if len(p.Deliveries) != 100 || p.Deliveries[0].Seq != benchRecords {
			b.Fatalf("first page %d rows", len(p.Deliveries))
		}
		s.Close()
	}
	b.StopTimer()
	reportMS(b, b.Elapsed(), b.N, "ms-open+first-page")
}

// BenchmarkIndex100k is the whole file indexed: what a filter over all of
// it, or the detail of an old delivery, may wait for right after opening.
func BenchmarkIndex100k(b *testing.B) {
	path := bigRecord(b)
	b.ResetTimer()
	for range b.N {
		s, err := inspect.OpenFile(path)
		if err != nil {
			b.Fatal(err)
		}
		if p := s.List(1, 2, inspect.Filter{}); len(p.Deliveries) != 1 {
			b.Fatal("seq 1 not listed")
		}
		s.Close()
	}
	b.StopTimer()
	reportMS(b, b.Elapsed(), b.N, "ms-index")
}

// BenchmarkDetail100k opens deliveries at the start, middle and end of a
// freshly indexed file, before any summary has been read in the background.
func BenchmarkDetail100k(b *testing.B) {
	path := bigRecord(b)
	var total time.Duration
	n := 0
	for range b.N {
		b.StopTimer()
		s, err := inspect.OpenFile(path)
		if err != nil {
			b.Fatal(err)
		}
		s.List(1, 2, inspect.Filter{}) // waits for the whole file to be indexed
		b.StartTimer()
		for _, seq := range []int64{6, benchRecords/2 + 6, benchRecords - 4} {
			t0 := time.Now()
			d, err := s.Detail(seq)
			total += time.Since(t0)
			n++
			if err != nil || string(d["callbacks"]) == "[]" {
				b.Fatalf("detail %d: %v, callbacks %s", seq, err, d["callbacks"])
			}
		}
		b.StopTimer()
		s.Close()
	}
	reportMS(b, total, n, "ms/detail")
}

// BenchmarkFilter100k is a filtered first page (is:invalid) on a file whose
// summaries have all been read, and the next pages after it.
func BenchmarkFilter100k(b *testing.B) {
	s, err := inspect.OpenFile(bigRecord(b))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	s.Warm(context.Background())
	f := inspect.ParseFilter("is:invalid")
	b.ResetTimer()
	for range b.N {
		p := s.List(100, 0, f)
		if len(p.Deliveries) != 100 {
			b.Fatalf("%d rows", len(p.Deliveries))
		}
		s.List(100, *p.Next, f)
	}
	b.StopTimer()
	reportMS(b, b.Elapsed(), b.N, "ms/2-pages")
}

// BenchmarkFilterUncached100k is a filter that matches nothing, over a
// file whose summaries do not fit in listen's budget: it reads every line
// again, as a filter past the budget does.
func BenchmarkFilterUncached100k(b *testing.B) {
	s, err := inspect.OpenFileWith(bigRecord(b), inspect.FileOptions{SummaryBytes: inspect.DefaultSummaryBytes})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	s.Warm(context.Background())
	f := inspect.ParseFilter("no-such-delivery")
	b.ResetTimer()
	for range b.N {
		if p := s.List(100, 0, f); len(p.Deliveries) != 0 {
			b.Fatalf("%d rows", len(p.Deliveries))
		}
	}
	b.StopTimer()
	reportMS(b, b.Elapsed(), b.N, "ms/filter")
}

// BenchmarkMemory100k is the heap that holds an opened file's index once
// every summary has been read (what `inspect` keeps for the whole run).
func BenchmarkMemory100k(b *testing.B) {
	path := bigRecord(b)
	var heap uint64
	var warm time.Duration
	for range b.N {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		s, err := inspect.OpenFile(path)
		if err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		s.Warm(context.Background())
		warm = time.Since(t0)
		runtime.GC()
		runtime.ReadMemStats(&after)
		heap = after.HeapAlloc - before.HeapAlloc
		runtime.KeepAlive(s)
		s.Close()
	}
	b.ReportMetric(float64(heap)/(1<<20), "MB-heap")
	b.ReportMetric(float64(warm.Milliseconds()), "ms-warm")
}
