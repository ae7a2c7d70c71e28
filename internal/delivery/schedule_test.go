package delivery

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/fixture"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

const scheduleSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// TestScheduleAgainstReceiver: Svix's schedule at 1000x against a receiver
// that answers 503 twice, then 200. Each attempt carries the same id and
// body with a fresh timestamp and a signature that verifies; the waits are
// the schedule's, compressed, whatever Retry-After says; the run stops at
// the 2xx.
func TestScheduleAgainstReceiver(t *testing.T) {
	t.Parallel()
	srv := newStatusServer(t, 503, 503, 200, 500)
	srv.header.Set("Retry-After", "1") // a vendor's schedule does not bend to it
	clock := time.Unix(1_800_000_000, 0)
	now := func() time.Time { clock = clock.Add(time.Second); return clock }
	raw, err := fixture.Load("permission_assist.access_request_created")
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := NewTemplate(raw, TemplateOptions{Now: clock, CallbackBase: srv.URL + "/webhooks/callback/"})
	if err != nil {
		t.Fatal(err)
	}
	b := &Builder{URL: srv.URL + "/", Scheme: signature.Standard, Secrets: []string{scheduleSecret}, Template: tmpl, Now: now, UserAgent: "webhook-tool/test"}
	first, err := b.Next()
	if err != nil {
		t.Fatal(err)
	}

	fs := &fakeSleep{}
	p := Policy{Retries: 1, Sleep: fs.sleep, Now: time.Now}
	Svix.Apply(&p, 1000)
	p.Renew = func(n int, prev Request) (Request, error) {
		o, err := b.Resign(first)
		return o.Req, err
	}
	var attempts []Attempt
	resp, err := Send(context.Background(), srv.Client(), first.Req, p, func(a Attempt) { attempts = append(attempts, a) })
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 200 || resp.Attempts != 3 || len(attempts) != 2 {
		t.Fatalf("status %d after %d attempts (%d retries reported)", resp.Status, resp.Attempts, len(attempts))
	}
	if want := []time.Duration{5 * time.Millisecond, 300 * time.Millisecond}; fs.waits[0] != want[0] || fs.waits[1] != want[1] || len(fs.waits) != 2 {
		t.Errorf("waits %v, want %v", fs.waits, want)
	}
	if attempts[0].Status != 503 || attempts[1].Began < attempts[0].Began || resp.Began < attempts[1].Began || attempts[0].Duration <= 0 {
		t.Errorf("attempts %+v, last began %s", attempts, resp.Began)
	}
	got := srv.requests()
	stamps := map[string]bool{}
	for i, r := range got {
		if r.header.Get("webhook-id") != first.ID || r.body != string(first.Req.Body) {
			t.Errorf("attempt %d: id %s, body changed: %v", i+1, r.header.Get("webhook-id"), r.body != string(first.Req.Body))
		}
		stamps[r.header.Get("webhook-timestamp")] = true
		v := signature.Verify(signature.VerifyOptions{Scheme: signature.Standard, Secrets: []string{scheduleSecret}, Tolerance: time.Hour, Now: clock}, r.header, []byte(r.body))
		if !v.Valid {
			t.Errorf("attempt %d does not verify: %s", i+1, v.Reason)
		}
	}
	if len(stamps) != 3 {
		t.Errorf("timestamps %v: want a fresh one per attempt", stamps)
	}
}

// TestScheduleRetriesEveryFailure: under a schedule a 500, a 404 or a
// redirect is retried too, up to the last attempt.
func TestScheduleRetriesEveryFailure(t *testing.T) {
	t.Parallel()
	srv := newStatusServer(t, 500, 404, 302, 410)
	fs := &fakeSleep{}
	s, err := ParseSchedule("0,1s,1s,1s")
	if err != nil {
		t.Fatal(err)
	}
	p := Policy{Sleep: fs.sleep}
	s.Apply(&p, 1)
	resp, err := Send(context.Background(), srv.Client(), Request{URL: srv.URL}, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 410 || resp.Attempts != 4 || len(fs.waits) != 3 || fs.waits[0] != time.Second {
		t.Errorf("status %d after %d attempts, waits %v", resp.Status, resp.Attempts, fs.waits)
	}
	// A request that cannot be built is final.
	if _, err := Send(context.Background(), srv.Client(), Request{URL: "http://[::1"}, p, func(Attempt) { t.Error("retried a bad URL") }); err == nil {
		t.Error("a bad URL was sent")
	}
}

// TestRenewError: a request that cannot be renewed ends the run.
func TestRenewError(t *testing.T) {
	t.Parallel()
	srv := newStatusServer(t, 503)
	p := Policy{Retries: 3, Sleep: (&fakeSleep{}).sleep, Renew: func(int, Request) (Request, error) { return Request{}, errors.New("no key") }}
	resp, err := Send(context.Background(), srv.Client(), Request{URL: srv.URL}, p, nil)
	if err == nil || !strings.Contains(err.Error(), "no key") || resp.Attempts != 1 || len(srv.requests()) != 1 {
		t.Errorf("err %v after %d attempts", err, resp.Attempts)
	}
}

func TestSvixSchedule(t *testing.T) {
	t.Parallel()
	if Svix.Attempts() != 8 || Svix.String() != "0s,5s,5m0s,30m0s,2h0m0s,5h0m0s,10h0m0s,10h0m0s" {
		t.Errorf("svix: %d attempts, %s", Svix.Attempts(), Svix)
	}
	// Svix: three failures then a success arrives about 35 minutes and 5
	// seconds after the first attempt.
	if got := Svix.At(4); got != 35*time.Minute+5*time.Second {
		t.Errorf("attempt 4 at %s", got)
	}
	if Svix.At(1) != 0 || Svix.At(8) != 27*time.Hour+35*time.Minute+5*time.Second {
		t.Errorf("attempt 1 at %s, 8 at %s", Svix.At(1), Svix.At(8))
	}
}

func TestParseSchedule(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"0s,1s,1s", "0s,1s,1s"},
		{"0, 5s, 5m", "0s,5s,5m0s"},
		{"# my vendor\n0\n30s   # then\n2h\n", "0s,30s,2h0m0s"},
		{"0\r\n1m\r\n", "0s,1m0s"},
	} {
		s, err := ParseSchedule(tc.in)
		if err != nil || s.String() != tc.want {
			t.Errorf("ParseSchedule(%q) = %s, %v; want %s", tc.in, s, err, tc.want)
		}
	}
	for _, tc := range []struct{ in, msg string }{
		{"", "no durations"},
		{"# nothing", "no durations"},
		{"5s,5s", "it starts with 5s, but the first entry is the first attempt"},
		{"0,5 min", `wait 2, "5", is not a duration`},
		{"0,-1s", `wait 2, "-1s"`},
		{"0,200h", `wait 2, "200h", is not a duration from 0 to 168h0m0s`},
		{strings.Repeat("0,", 101), "more than 100 attempts"},
	} {
		if _, err := ParseSchedule(tc.in); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("ParseSchedule(%.30q): %v, want %q", tc.in, err, tc.msg)
		}
	}
}

func TestParseTimeScale(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]float64{"1000x": 1000, "1": 1, " 60x": 60, "2.5x": 2.5} {
		if got, err := ParseTimeScale(in); err != nil || got != want {
			t.Errorf("ParseTimeScale(%q) = %g, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "x", "0.5x", "0", "-3x", "fast", "1e10x", "NaN"} {
		if _, err := ParseTimeScale(bad); err == nil {
			t.Errorf("ParseTimeScale(%q) accepted", bad)
		}
	}
	if Scaled(5*time.Minute, 1000) != 300*time.Millisecond || Scaled(time.Second, 1) != time.Second {
		t.Error("Scaled")
	}
}
