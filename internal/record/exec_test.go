package record_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/record"
)

// TestExecLineIsNumberedAndReadBack: an exec line goes through the Writer
// like any record (numbered in turn, "kind":"exec" after the seq), and the
// Reader hands it back as a record of KindExec, not as a line to skip.
func TestExecLineIsNumberedAndReadBack(t *testing.T) {
	t.Parallel()
	var file bytes.Buffer
	w := record.NewWriter(&file, record.Options{})
	delivery := &record.Record{Method: "POST", Path: "/", Headers: map[string]string{}}
	if err := w.Write(delivery); err != nil {
		t.Fatal(err)
	}
	line, err := record.MarshalExec(nil, &record.Exec{
		DeliverySeq:   delivery.Seq,
		StartedAt:     time.Date(2025, 12, 1, 14, 30, 5, 0, time.UTC),
		DurationMS:    12.3,
		StdoutExcerpt: "Provisioning complete. <ok> & done",
		Callback:      &record.ExecCallback{URL: "https://pa.example.com/webhooks/callback/1", Status: 200},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Append(line); err != nil {
		t.Fatal(err)
	}
	w.Close()

	lines := strings.Split(strings.TrimSpace(file.String()), "\n")
	want := `{"seq":2,"kind":"exec","delivery_seq":1,"started_at":"2025-12-01T14:30:05Z","exit_code":0,"timed_out":false,` +
		`"duration_ms":12.3,"stdout_excerpt":"Provisioning complete. <ok> & done","stderr_excerpt":"",` +
		`"callback":{"url":"https://pa.example.com/webhooks/callback/1","status":200}}`
	if len(lines) != 2 || lines[1] != want {
		t.Fatalf("exec line:\n%s\nwant:\n%s", lines[len(lines)-1], want)
	}
	var back record.Exec
	if err := json.Unmarshal([]byte(lines[1]), &back); err != nil || back.Kind != record.KindExec {
		t.Fatalf("decoded %+v, %v", back, err)
	}

	r := record.NewReader(strings.NewReader(file.String()))
	r.Skip = func(line int) { t.Errorf("line %d skipped as not a record", line) }
	var kinds []string
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		kinds = append(kinds, rec.Kind)
	}
	if len(kinds) != 2 || kinds[0] != record.KindDelivery || kinds[1] != record.KindExec {
		t.Errorf("kinds read = %q", kinds)
	}
}
