package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/payload/paygen"
	"github.com/webhook-tool/webhook-tool/internal/record"
)

// benchDeliveries is the size of the record the benchmarks read: the
// issue's 100,000 deliveries.
const benchDeliveries = 100_000

// writeBenchRecord writes n Permission Assist deliveries as listen
// records them: realistic, varied bodies; one in 1,000 carries a field the
// schema does not declare and one in 5,000 an action its enum lacks.
func writeBenchRecord(tb testing.TB, path string, n int) {
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	r := rand.New(rand.NewPCG(24, 22))
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var line []byte
	for i := range n {
		p := paygen.PermissionAssist(r)
		req := p["event"].(map[string]any)["request"].(map[string]any)
		if i%1000 == 7 {
			req["priority"] = "urgent"
		}
		if i%5000 == 11 {
			req["action"] = "Delete"
		}
		body, err := json.Marshal(p)
		if err != nil {
			tb.Fatal(err)
		}
		rec := record.Record{Seq: int64(i + 1), ReceivedAt: start.Add(time.Duration(i) * time.Second), Method: "POST", Path: "/",
			Headers:   record.Headers{"Content-Type": "application/json", "Webhook-Id": "msg_" + p["id"].(string)},
			Signature: &record.Signature{Scheme: "standard", Valid: true},
			Schema:    &record.Schema{Name: "permission_assist.access_request", Valid: true, Errors: []payload.Error{}}, Status: 200}
		rec.SetBody(body)
		if line, err = record.Marshal(line[:0], &rec); err != nil {
			tb.Fatal(err)
		}
		// Marshal leaves the seq to the record writer, as listen's is
		// given when the line is appended.
		if _, err := fmt.Fprintf(bw, `{"seq":%d%s`, i+1, line[len(`{"seq":0`):]); err != nil {
			tb.Fatal(err)
		}
	}
	if err := bw.Flush(); err != nil {
		tb.Fatal(err)
	}
}

func benchSchemas(b *testing.B, wantCode int, args ...string) {
	path := filepath.Join(b.TempDir(), "rec.ndjson")
	writeBenchRecord(b, path, benchDeliveries)
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Size())
	app := &App{
		Streams: Streams{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard},
		Getenv:  func(string) string { return "" },
		Now:     time.Now,
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if code := Run(app, append([]string{"schemas"}, append(args, path)...)); code != wantCode {
			b.Fatalf("exit %d, want %d", code, wantCode)
		}
	}
	b.ReportMetric(float64(benchDeliveries)*float64(b.N)/b.Elapsed().Seconds(), "deliveries/s")
}

// BenchmarkSchemasInfer runs `schemas infer` over a 100,000-delivery
// record (about 400 MB) generated into the benchmark's temporary directory.
func BenchmarkSchemasInfer(b *testing.B) { benchSchemas(b, ExitOK, "infer") }

// BenchmarkSchemasDrift runs `schemas drift` over the same record: every
// delivery validated, walked against the schema's declared fields; the
// few that drift make it exit 1.
func BenchmarkSchemasDrift(b *testing.B) { benchSchemas(b, ExitFail, "drift") }
