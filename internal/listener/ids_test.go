package listener_test

import (
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/listener"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// A retry after a rejection is not a duplicate: only an id that was answered
// 2xx before makes a later delivery a duplicate.
func TestRetryAfterRejectionIsNotDuplicate(t *testing.T) {
	t.Parallel()
	body := fixture(t, "permit.create_user")
	good := sign(t, signature.Standard, secret, "msg_x", clock, body)
	bad := sign(t, signature.Standard, "whsec_"+strings.Repeat("A", 32), "msg_x", clock, body)

	e := start(t, nil)
	for i, want := range []int{401, 200, 200} {
		hdr := good
		if i == 0 {
			hdr = bad
		}
		if status, answer := e.post("/", body, hdr...); status != want {
			t.Fatalf("delivery %d: status %d %q, want %d", i+1, status, answer, want)
		}
	}
	recs := e.records()
	for i, want := range []any{nil, nil, true} {
		if got := dig(recs[i], "duplicate"); got != want {
			t.Errorf("record %d: duplicate = %v, want %v", i+1, got, want)
		}
	}
	if st := e.l.Stats(); st.Duplicates != 1 {
		t.Errorf("stats %+v, want 1 duplicate", st)
	}
}

// Under --status 503 nothing is accepted, so nothing is a duplicate.
func TestRetryAfter503IsNotDuplicate(t *testing.T) {
	t.Parallel()
	body := fixture(t, "permit.create_user")
	hdr := sign(t, signature.Standard, secret, "msg_x", clock, body)
	e := start(t, func(c *listener.Config) { c.Status = 503 })
	for i := range 3 {
		if status, _ := e.post("/", body, hdr...); status != 503 {
			t.Fatalf("delivery %d: status %d", i+1, status)
		}
	}
	for i, r := range e.records() {
		if r["duplicate"] != nil {
			t.Errorf("record %d flagged duplicate after 503 answers", i+1)
		}
	}
}

// failOnceWriter fails its first write, as a disk that is full and then
// has space again.
type failOnceWriter struct{ n atomic.Int64 }

func (f *failOnceWriter) Write(p []byte) (int, error) {
	if f.n.Add(1) == 1 {
		return 0, errors.New("no space left on device")
	}
	return len(p), nil
}

// A callback whose record could not be written was answered 500; the
// sender's retry must be taken (200), not refused as a reused URL (409).
func TestCallbackRetryAfterRecordFailure(t *testing.T) {
	t.Parallel()
	e := start(t, func(c *listener.Config) {
		c.Records = record.NewWriter(&failOnceWriter{}, record.Options{})
	})
	for i, want := range []int{500, 200, 409} {
		if status, answer := e.post("/webhooks/callback/del_1", []byte("approved")); status != want {
			t.Fatalf("callback %d: status %d %q, want %d", i+1, status, answer, want)
		}
	}
}

// An id longer than any real sender's is not tracked, and a callback id
// that long is refused.
func TestOverlongIDs(t *testing.T) {
	t.Parallel()
	body := fixture(t, "permit.create_user")
	long := strings.Repeat("i", 300)
	hdr := sign(t, signature.Standard, secret, long, clock, body)
	e := start(t, nil)
	for range 2 {
		if status, _ := e.post("/", body, hdr...); status != 200 {
			t.Fatalf("status %d", status)
		}
	}
	if status, _ := e.post("/webhooks/callback/"+long, []byte("x")); status != 400 {
		t.Fatalf("overlong callback id: status %d, want 400", status)
	}
	recs := e.records()
	if recs[1]["duplicate"] != nil {
		t.Error("an untracked id was flagged duplicate")
	}
	if recs[0]["delivery_id"] != long {
		t.Error("the record lost the overlong delivery id")
	}
}

// Of repeated keys the last counts, for the delivery id as for the
// validator: {"id":"a","id":"b"} is delivery b.
func TestDuplicateKeysLastWins(t *testing.T) {
	t.Parallel()
	e := start(t, func(c *listener.Config) { c.Secrets = nil })
	e.post("/", []byte(`{"id":"a","type":"create_user","id":"b"}`))
	if got := e.records()[0]["delivery_id"]; got != "b" {
		t.Errorf("delivery_id %v, want b (the last id, as encoding/json reads it)", got)
	}
}

// Without --secret (ReportOnly) an unsigned delivery is taken and answered
// 200, but anyone can send one: sent first with a coming delivery's id (a
// Permission Assist id is in the body), it must not make the signed
// delivery a duplicate. Unsigned deliveries are still duplicates of one
// another, and of a signed one before them.
func TestUnsignedDeliveryCannotTakeASignedOnesID(t *testing.T) {
	t.Parallel()
	e := start(t, func(c *listener.Config) { c.ReportOnly = true })
	const a, b = "aaaaaaaa-0000-4000-8000-000000000001", "bbbbbbbb-0000-4000-8000-000000000002"
	post := func(id string, signs bool) {
		t.Helper()
		body := paDelivery(t, "permission_assist.access_request_created", id, "https://pa.example.com/webhooks/callback/")
		var hdr []signature.Header
		if signs {
			hdr = signed(t, id, body)
		}
		if status, answer := e.post("/", body, hdr...); status != 200 {
			t.Fatalf("%s: status %d %q", id, status, answer)
		}
	}
	post(a, false) // the forgery, first
	post(a, true)  // the real delivery
	post(a, false) // unsigned again: a duplicate of the real one
	post(b, false)
	post(b, false) // unsigned, twice
	recs := e.records()
	for i, want := range []any{nil, nil, true, nil, true} {
		if got := dig(recs[i], "duplicate"); got != want {
			t.Errorf("record %d (%v, %v): duplicate = %v, want %v", i+1, recs[i]["delivery_id"], dig(recs[i], "signature.scheme"), got, want)
		}
	}
}
