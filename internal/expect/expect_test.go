package expect

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/record"
)

func TestParseSpecs(t *testing.T) {
	t.Parallel()
	specs, err := ParseSpecs([]string{"3", "AccessRequestCreated", "AccessRequestApproved=2", "permit.*=4", "callback=1"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range specs {
		got = append(got, fmt.Sprintf("%d:%s=%d", s.Kind, s.What(), s.N))
	}
	want := "0:deliveries=3 1:AccessRequestCreated=1 1:AccessRequestApproved=2 1:permit.*=4 2:callbacks=1"
	if strings.Join(got, " ") != want {
		t.Errorf("specs %s\nwant  %s", strings.Join(got, " "), want)
	}
	for _, tc := range []struct{ v, msg string }{
		{"0", `invalid --expect "0": the count must be from 1 to 1000000, not 0`},
		{"-2", "the count must be from 1"},
		{"2000000", "the count must be from 1 to 1000000"},
		{"Created=x", `"x" after = is not a count`},
		{"Created=", `"" after = is not a count`},
		{"=2", "no event name before ="},
		{"", "nothing to expect"},
		{"callback=0", "the count must be"},
	} {
		_, err := ParseSpecs([]string{tc.v})
		var e *Error
		if !errors.As(err, &e) || !strings.Contains(err.Error(), tc.msg) || !strings.Contains(e.Hint, "--expect 3") {
			t.Errorf("%q: %v", tc.v, err)
		}
	}
	for _, twice := range [][]string{{"2", "3"}, {"A=1", "A=2"}, {"callback=1", "callback=2"}} {
		if _, err := ParseSpecs(twice); err == nil || !strings.Contains(err.Error(), "already expected") {
			t.Errorf("%q: %v", twice, err)
		}
	}
}

// rec is a delivery record of event, valid unless changed.
func rec(seq int64, id, event string) *record.Record {
	body := fmt.Sprintf(`{"id":%q,"event":{"name":%q},"callback":"http://x/"}`, id, event)
	r := &record.Record{
		Seq: seq, Method: "POST", Path: "/", Body: body, Status: 200, DeliveryID: id,
		Signature: &record.Signature{Scheme: "standard", Valid: true},
		Schema:    &record.Schema{Name: "permission_assist.access_request", Valid: true, Errors: []payload.Error{}},
	}
	return r
}

func evaluator(t *testing.T, specs ...string) *Evaluator {
	t.Helper()
	s, err := ParseSpecs(specs)
	if err != nil {
		t.Fatal(err)
	}
	return New(s, Options{})
}

// TestMet: two good deliveries meet --expect 2; the event comes from the
// body.
func TestMet(t *testing.T) {
	t.Parallel()
	e := evaluator(t, "2", "AccessRequestCreated")
	if got := e.Observe(rec(1, "a", "AccessRequestCreated")); got != Pending {
		t.Fatalf("after one: %s", got)
	}
	if got := e.Observe(rec(2, "b", "AccessRequestApproved")); got != Met {
		t.Fatalf("after two: %s", got)
	}
	r := e.Report()
	if !r.OK || r.Verdict != "met" || r.Kind != "verdict" || len(r.Wrong) != 0 {
		t.Errorf("report %+v", r)
	}
	if got := strings.Join(r.Lines(), "\n"); got != "expectation met: 2 of 2 deliveries, 1 of 1 AccessRequestCreated" {
		t.Errorf("lines:\n%s", got)
	}
	// Met stays met.
	bad := rec(3, "c", "AccessRequestCreated")
	bad.Signature = &record.Signature{Scheme: "standard", Kind: "no_match", Reason: "no signature matched"}
	if got := e.Observe(bad); got != Met {
		t.Errorf("after met: %s", got)
	}
}

// TestOncePerID: a retry or a duplicate of a counted delivery adds
// nothing; callbacks, exec lines and refused requests count for nothing
// towards deliveries.
func TestOncePerID(t *testing.T) {
	t.Parallel()
	e := evaluator(t, "2")
	e.Observe(rec(1, "a", "AccessRequestCreated"))
	retry := rec(2, "a", "AccessRequestCreated")
	retry.Status = 503
	e.Observe(retry)
	dup := rec(3, "z", "AccessRequestCreated")
	dup.Duplicate = true
	e.Observe(dup)
	e.Observe(&record.Record{Seq: 4, Kind: record.KindCallback, CallbackFor: "a", Status: 200})
	e.Observe(&record.Record{Seq: 5, Kind: record.KindDelivery, Status: 404, Error: "outside --path"})
	e.Observe(&record.Record{Seq: 6, Kind: record.KindExec})
	if got := e.State(); got != Pending {
		t.Fatalf("state %s", got)
	}
	if got := e.Report().Expected[0].Got; got != 1 {
		t.Errorf("counted %d", got)
	}
}

// TestFailsAtOnce: a matching delivery with a bad signature or payload
// fails the run; one the expectation does not name does not.
func TestFailsAtOnce(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		edit func(*record.Record)
		want string
	}{
		{"bad signature", func(r *record.Record) {
			r.Signature = &record.Signature{Scheme: "standard", Kind: "no_match", Reason: "no signature in webhook-signature matched the configured secret(s)"}
			r.Schema = record.NotChecked("not validated: the signature did not verify")
		}, "expectation failed: #2 AccessRequestCreated (b): signature invalid: no signature in webhook-signature matched the configured secret(s)"},
		{"no signature", func(r *record.Record) {
			r.Signature = &record.Signature{Scheme: "standard", Kind: "missing_header", Reason: "no webhook-signature header"}
		}, "expectation failed: #2 AccessRequestCreated (b): signature missing: no webhook-signature header"},
		{"unchecked", func(r *record.Record) {
			r.Signature = &record.Signature{Scheme: "standard", Kind: record.Unchecked, Reason: "not checked: listen has no --secret"}
		}, "signature unchecked: not checked"},
		{"bad payload", func(r *record.Record) {
			r.Schema = &record.Schema{Name: "permission_assist.access_request", Errors: []payload.Error{{InstanceLocation: "/event/request/action", Message: `must be one of Add, Change; got "Delete"`}}}
		}, `expectation failed: #2 AccessRequestCreated (b): payload invalid: /event/request/action: must be one of Add, Change; got "Delete"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := evaluator(t, "AccessRequestCreated=3")
			e.Observe(rec(1, "a", "AccessRequestCreated"))
			other := rec(9, "x", "AccessRequestApproved") // not expected: not checked
			tc.edit(other)
			if got := e.Observe(other); got != Pending {
				t.Fatalf("an unexpected event failed the run: %s", got)
			}
			bad := rec(2, "b", "AccessRequestCreated")
			tc.edit(bad)
			if got := e.Observe(bad); got != Failed {
				t.Fatalf("state %s", got)
			}
			if got := e.Observe(rec(3, "c", "AccessRequestCreated")); got != Failed {
				t.Errorf("failed did not stay failed: %s", got)
			}
			r := e.Report()
			lines := r.Lines()
			if r.OK || r.Verdict != "failed" || !strings.Contains(lines[0], tc.want) || lines[1] != "  1 of 3 AccessRequestCreated (2 missing)" {
				t.Errorf("report %+v\n%s", r, strings.Join(lines, "\n"))
			}
		})
	}
}

// TestCallbacks: callback=N counts callbacks answered 2xx, each delivery's
// once; a callback refused (a reused URL) fails.
func TestCallbacks(t *testing.T) {
	t.Parallel()
	e := evaluator(t, "callback=2")
	cb := func(seq int64, forID string, status int) *record.Record {
		return &record.Record{Seq: seq, Kind: record.KindCallback, CallbackFor: forID, Status: status, Body: "done"}
	}
	e.Observe(rec(1, "a", "AccessRequestProvisioning")) // deliveries are not callbacks
	e.Observe(cb(2, "a", 200))
	if e.State() != Pending {
		t.Fatal("met after one callback")
	}
	if got := e.Observe(cb(3, "b", 200)); got != Met {
		t.Fatalf("state %s", got)
	}

	e = evaluator(t, "callback=2")
	e.Observe(cb(1, "a", 200))
	reused := cb(2, "a", 409)
	reused.Error = "callback URL already used"
	if got := e.Observe(reused); got != Failed {
		t.Fatalf("state %s", got)
	}
	if got := e.Report().Lines()[0]; got != "expectation failed: #2 callback for a answered 409 Conflict: callback URL already used" {
		t.Errorf("headline %q", got)
	}
}

// TestTimeout: the timeout report names what was missing, in text and
// JSON.
func TestTimeout(t *testing.T) {
	t.Parallel()
	e := evaluator(t, "3", "AccessRequestApproved", "callback=1")
	e.Observe(rec(1, "a", "AccessRequestCreated"))
	e.Observe(rec(2, "b", "AccessRequestApproved"))
	r := e.TimeoutReport(30 * time.Second)
	want := strings.Join([]string{
		"expectation not met within 30s",
		"  2 of 3 deliveries (1 missing)",
		"  1 of 1 AccessRequestApproved",
		"  0 of 1 callback (1 missing)",
	}, "\n")
	if got := strings.Join(r.Lines(), "\n"); got != want {
		t.Errorf("lines:\n%s\nwant:\n%s", got, want)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	wantJSON := `{"kind":"verdict","verdict":"timeout","ok":false,"within_ms":30000,"expected":[{"what":"deliveries","want":3,"got":2},{"what":"event","name":"AccessRequestApproved","want":1,"got":1},{"what":"callbacks","want":1,"got":0}],"wrong":[]}`
	if string(b) != wantJSON {
		t.Errorf("json %s\nwant %s", b, wantJSON)
	}
	if got := e.Report().Lines()[0]; got != "expectation not met: listen stopped first" {
		t.Errorf("pending headline %q", got)
	}
	// A run that had met before the timer fired stays met.
	e.Observe(rec(3, "c", "X"))
	e.Observe(&record.Record{Seq: 4, Kind: record.KindCallback, CallbackFor: "a", Status: 200})
	if r := e.TimeoutReport(time.Second); r.Verdict != "met" || !r.OK {
		t.Errorf("after met: %+v", r)
	}
}

// TestEventOf: the listener says what a delivery's event is (the
// profile's event field); the schema name matches too.
func TestEventOf(t *testing.T) {
	t.Parallel()
	s, _ := ParseSpecs([]string{"order.*=1", "permit.create_user=1"})
	e := New(s, Options{EventOf: func(r *record.Record) string { return r.Headers["X-Event"] }})
	r1 := rec(1, "a", "")
	r1.Headers = record.Headers{"X-Event": "order.paid"}
	e.Observe(r1)
	r2 := rec(2, "b", "")
	r2.Schema.Name = "permit.create_user"
	if got := e.Observe(r2); got != Met {
		t.Errorf("state %s: %+v", got, e.Report())
	}
}

// TestObserveEvent: the event name the caller gives wins over the body's,
// which is not read; EventOf is not asked.
func TestObserveEvent(t *testing.T) {
	t.Parallel()
	s, _ := ParseSpecs([]string{"order.paid=1"})
	asked := false
	e := New(s, Options{EventOf: func(*record.Record) string { asked = true; return "" }})
	if got := e.ObserveEvent(rec(1, "a", "AccessRequestCreated"), "order.refunded"); got != Pending {
		t.Errorf("another event: %s", got)
	}
	if got := e.ObserveEvent(rec(2, "b", "AccessRequestCreated"), "order.paid"); got != Met || asked {
		t.Errorf("state %s, EventOf asked %v: %+v", got, asked, e.Report())
	}
	bad := rec(3, "c", "")
	bad.Signature = &record.Signature{Kind: "no_match"}
	f := New(s, Options{})
	if got := f.ObserveEvent(bad, "order.paid"); got != Failed || f.Report().Wrong[0].Event != "order.paid" {
		t.Errorf("a bad signature on a named event: %s %+v", got, f.Report())
	}
}

// TestOneOf: a count of one is said in the singular.
func TestOneOf(t *testing.T) {
	t.Parallel()
	s, err := ParseSpecs([]string{"1", "callback=1", "Order*=1"})
	two, err2 := ParseSpecs([]string{"2"})
	if err != nil || err2 != nil {
		t.Fatal(err, err2)
	}
	e := New(s, Options{})
	want := "  0 of 1 delivery (1 missing)\n  0 of 1 callback (1 missing)\n  0 of 1 Order* (1 missing)"
	if got := strings.Join(e.Report().Lines()[1:], "\n"); got != want {
		t.Errorf("lines:\n%s\nwant\n%s", got, want)
	}
	var labels []string
	for _, sp := range append(s, two...) {
		labels = append(labels, sp.Label())
	}
	if got := strings.Join(labels, ", "); got != "1 delivery, 1 callback, 1 Order*, 2 deliveries" {
		t.Errorf("labels: %s", got)
	}
}

// TestEscapes: a client's names reach the terminal escaped.
func TestEscapes(t *testing.T) {
	t.Parallel()
	e := evaluator(t, "1")
	bad := rec(1, "id\x1b[31m", "Ev\u202e")
	bad.Signature = &record.Signature{Kind: "no_match", Reason: "r\x07"}
	e.Observe(bad)
	for _, l := range e.Report().Lines() {
		if strings.ContainsAny(l, "\x1b\x07\u202e") {
			t.Errorf("unescaped: %q", l)
		}
	}
}

// TestConcurrent: deliveries from many handlers at once are each counted.
func TestConcurrent(t *testing.T) {
	t.Parallel()
	e := evaluator(t, "100")
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Go(func() { e.Observe(rec(int64(i), fmt.Sprint(i), "E")) })
	}
	wg.Wait()
	if e.State() != Met {
		t.Errorf("%+v", e.Report().Expected)
	}
}

func TestNoSpecs(t *testing.T) {
	t.Parallel()
	if New(nil, Options{}).State() != Met {
		t.Error("nothing expected is not met")
	}
}
