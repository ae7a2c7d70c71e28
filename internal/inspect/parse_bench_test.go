package inspect

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/fixtures"
	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/record"
)

// typicalLine is a delivery line as listen records it: a Permission Assist
// event of about 6 KB, pretty-printed, signed and validated, which makes a
// line of about 7 KB.
func typicalLine(tb testing.TB) []byte {
	tb.Helper()
	body, err := fixtures.FS.ReadFile(fixtures.Path("permission_assist.access_request_approved"))
	if err != nil {
		tb.Fatal(err)
	}
	id := "00000000-0000-4000-8000-000000000042"
	rec := record.Record{Seq: 42, ReceivedAt: time.Date(2026, 11, 30, 12, 0, 0, 42e6, time.UTC), Method: "POST", Path: "/",
		Headers: map[string]string{"Content-Type": "application/json", "User-Agent": "PermissionAssist-Webhooks/1.0",
			"Webhook-Id": id, "Webhook-Timestamp": "1796112363", "Webhook-Signature": "v1,eEoZPO5I9Xx89wS9eICr7I7P+E1mDb8Qnt5oN7y//s0="},
		Signature: &record.Signature{Scheme: "standard", Valid: true, Reason: "signature matches"}, Status: 200, DeliveryID: id,
		Schema: &record.Schema{Name: "permission_assist.access_request", Valid: true, Errors: []payload.Error{}}}
	rec.SetBody(body)
	line, err := record.Marshal(nil, &rec)
	if err != nil {
		tb.Fatal(err)
	}
	// Marshal leaves the seq to the writer, which puts it in front.
	return append([]byte(`{"seq":42`), line[len(`{"seq":0`):]...)
}

func benchRegistry(b *testing.B) *payload.Registry {
	reg, err := payload.NewRegistry()
	if err != nil {
		b.Fatal(err)
	}
	return reg
}

// BenchmarkParseLine reads the summary of a typical delivery line, its
// event through the bundled registry, as a store reads a line that is not
// cached.
func BenchmarkParseLine(b *testing.B) {
	raw := typicalLine(b)
	events := RegistryEvents(benchRegistry(b))
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		l, err := parseLine(raw, events)
		if err != nil || l.Seq != 42 || l.Event != "AccessRequestApproved" {
			b.Fatalf("%+v, %v", l, err)
		}
	}
}

// BenchmarkParseLineJSON is BenchmarkParseLine by encoding/json, the way
// parseLine reads a line its fast path does not take.
func BenchmarkParseLineJSON(b *testing.B) {
	raw := typicalLine(b)
	events := RegistryEvents(benchRegistry(b))
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		l, err := parseLineJSON(raw, events)
		if err != nil || l.Seq != 42 || l.Event != "AccessRequestApproved" {
			b.Fatalf("%+v, %v", l, err)
		}
	}
}

// BenchmarkParseLineNoEvent is BenchmarkParseLine without reading the
// event: what the line costs apart from the EventReader.
func BenchmarkParseLineNoEvent(b *testing.B) {
	raw := typicalLine(b)
	events := func([]byte, record.Headers) string { return "" }
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if l, err := parseLine(raw, events); err != nil || l.Seq != 42 {
			b.Fatalf("%+v, %v", l, err)
		}
	}
}

// BenchmarkRegistryEvents is the EventReader alone on the typical line's
// body and headers: what BenchmarkParseLine spends on the event.
func BenchmarkRegistryEvents(b *testing.B) {
	var r recordLine
	if err := json.Unmarshal(typicalLine(b), &r); err != nil {
		b.Fatal(err)
	}
	body := []byte(r.Body)
	events := RegistryEvents(benchRegistry(b))
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if ev := events(body, r.Headers); ev != "AccessRequestApproved" {
			b.Fatal(ev)
		}
	}
}
