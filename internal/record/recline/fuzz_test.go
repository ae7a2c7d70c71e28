package recline_test

import (
	"bytes"
	"math"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/record/recline"
)

// FuzzRecordLine: the hand-written line is byte for byte what encoding/json
// writes, whatever strings a client sent, and the body read back by Reader
// is the body that was recorded, also when it is not UTF-8.
func FuzzRecordLine(f *testing.F) {
	for _, s := range hostile {
		f.Add(s, []byte(s), s, int64(7), 1.5)
	}
	f.Add("/p", []byte("\xff\xfe"), "h", int64(-1), math.Copysign(0, -1))
	f.Fuzz(func(t *testing.T, text string, body []byte, header string, n int64, ms float64) {
		rec := &record.Record{
			ReceivedAt: time.Unix(n%1e10, n%1e9).UTC(),
			Method:     "POST",
			Path:       text,
			Headers:    map[string]string{header: text, "Webhook-Id": header},
			Signature:  &record.Signature{Scheme: text, Reason: header, Kind: text},
			Schema: &record.Schema{Name: header, Errors: []payload.Error{{InstanceLocation: text, Message: header, Line: int(n)}},
				Omitted: int(n), Reason: text},
			Status: int(n), Query: text, DeliveryID: header, CallbackFor: text, UserInviteID: header,
			Forward: &record.Forward{URL: text, Status: int(n), DurationMS: ms, Body: header, Error: text},
			PathRaw: text, HeadersBase64: record.Headers{header: text}, ClientCert: &record.ClientCert{Subject: text, Issuer: header},
			Error: header,
		}
		rec.SetBodyRef(body)
		l := rec.Line()
		line, ok := recline.Append(nil, &l)
		want, err := reference(rec)
		if !ok {
			if err == nil {
				t.Fatalf("Append refused what encoding/json takes: %s", want)
			}
			return
		}
		if err != nil {
			t.Fatalf("Append took what encoding/json refuses (%v): %s", err, line)
		}
		if !bytes.Equal(line, want) {
			t.Fatalf("hand-written line differs from encoding/json:\n%q\n%q", line, want)
		}
		var buf bytes.Buffer
		w := record.NewWriter(&buf, record.Options{})
		if _, err := w.Append(line); err != nil {
			t.Fatal(err)
		}
		w.Close()
		got, err := record.NewReader(&buf).Next()
		if err != nil {
			t.Fatalf("reading back: %v", err)
		}
		b, err := got.RawBody()
		if err != nil || !bytes.Equal(b, body) {
			t.Fatalf("body %q came back as %q (%v)", body, b, err)
		}
	})
}
