package render_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/render"
)

// Nothing a client sends reaches the terminal as an escape sequence: the
// path, query, callback id, event.name, user_invite_id and delivery id are
// shown with their control characters escaped.
func TestPrettyEscapesClientText(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	show := func(rec *record.Record, c render.Checked) { out.WriteString(pretty(rec, c, render.ViewOptions{})) }

	invite := bytes.Replace(fixture(t, "permit.invite_user"), []byte(`"user_invite_id": "`), []byte(`"user_invite_id": "\u001b[2J`), 1)
	rec, c := delivered(t, 1, invite, nil)
	rec.Path, rec.Query = "/\x1b[2J", "q=%1B]0;x%07"
	show(rec, c)

	pa := fixture(t, "permission_assist.access_request_created")
	pa = bytes.Replace(pa, []byte(`"name": "AccessRequestCreated"`), []byte(`"name": "AccessRequestCreated\u001b]0;pwned\u0007"`), 1)
	pa = bytes.Replace(pa, []byte(`"id": "`), []byte(`"id": "`+"\u009b31m"), 1)
	rec, c = delivered(t, 2, pa, nil)
	show(rec, c)

	rec, c = delivered(t, 3, []byte(`{"id":"msg_\u001b]8;;http://evil.example/\u001b\\"}`), nil)
	rec.DeliveryID, rec.Duplicate = "msg_\x1b]8;;http://evil.example/\x1b\\", true // a duplicate: its note names the id
	show(rec, c)

	cb := &record.Record{Seq: 4, ReceivedAt: clock, Method: "POST", Path: "/webhooks/callback/\x1b]0;pwned\x07", Kind: record.KindCallback, CallbackFor: "\x1b]0;pwned\x07", Status: 200}
	show(cb, render.Checked{})

	got := out.String()
	noRaw(t, got, "\x1b", "\x07", "\u009b")
	for _, want := range []string{`/\x1b[2J?q=%1B]0;x%07`, `user_invite_id \x1b[2J`, `delivery id msg_\x1b]8;;http://evil.example/\x1b\ was received before`, `callback for \x1b]0;pwned\a`, `AccessRequestCreated\x1b]0;pwned\a`} {
		if !strings.Contains(got, want) {
			t.Errorf("pretty output lacks %q:\n%s", want, got)
		}
	}
}

// controlClasses are the characters a client may choose that a terminal
// acts on rather than shows, one class each: C0 and DEL, C1 (U+009B is a
// CSI to some terminals), the bidirectional embeddings and overrides, the
// isolates, and the marks.
var controlClasses = []struct {
	name  string
	runes []rune
}{
	{"C0", []rune{0x1b, 0x07, 0x7f}},
	{"C1", []rune{0x80, 0x85, 0x9b, 0x9d, 0x9f}},
	{"bidi overrides", []rune{0x202a, 0x202b, 0x202c, 0x202d, 0x202e}},
	{"bidi isolates", []rune{0x2066, 0x2067, 0x2068, 0x2069}},
	{"bidi marks", []rune{0x200e, 0x200f, 0x061c}},
}

// Every place pretty output shows what a client sent escapes every
// character of each class, as \x1b or \u009b: the delivery headers above
// all (Webhook-Id, Svix-Id, the signatures), the path and query, the ids,
// the body as text and as JSON, and the error excerpts.
func TestPrettyEscapesEveryControlClass(t *testing.T) {
	t.Parallel()
	for _, class := range controlClasses {
		t.Run(class.name, func(t *testing.T) {
			for _, r := range class.runes {
				s := string(r)
				q := render.Escape(s) // \x1b, \u009b, \u202e
				if q == s || !strings.HasPrefix(q, `\`) {
					t.Fatalf("Escape(%U) = %q", r, q)
				}
				h := record.Headers{
					"Webhook-Id": "msg_" + s + "1", "Svix-Id": "msg_" + s + "2",
					"Webhook-Signature": "v1," + s + "sig", "Svix-Signature": "v1," + s + "svix",
					"X-Hub-Signature-256": "sha256=" + s, "Stripe-Signature": "t=1," + s, "Authorization": "Bearer " + s,
				}
				rec, c := delivered(t, 1, []byte(`{"note":"a`+s+`b"}`), h)
				rec.Path, rec.Query = "/p"+s, "q="+s
				rec.DeliveryID, rec.Duplicate, rec.UserInviteID = "id"+s, true, "inv"+s
				rec.Error = "error " + s
				rec.Schema.Errors = append(rec.Schema.Errors, payload.Error{InstanceLocation: "/note" + s, Message: "bad " + s})
				rec.Signature = &record.Signature{Scheme: "standard", Reason: "reason " + s, Kind: "no_match"}
				rec.Forward = &record.Forward{URL: "http://app/" + s, Status: 200, Body: "ok " + s + "!"}
				out := pretty(rec, c, render.ViewOptions{})
				text, tc := delivered(t, 2, []byte("text "+s+"\n"), nil)
				out += pretty(text, tc, render.ViewOptions{})
				noRaw(t, out, s)
				for _, want := range []string{
					"Webhook-Id: msg_" + q + "1", "Svix-Id: msg_" + q + "2", "Webhook-Signature: v1," + q + "sig",
					"Svix-Signature: v1," + q + "svix", "X-Hub-Signature-256: sha256=" + q, "Stripe-Signature: t=1," + q,
					"Authorization: Bearer " + q, "/p" + q + "?q=" + q, "id" + q, "inv" + q, "error " + q, "reason " + q,
					"/note" + q, "bad " + q, "http://app/" + q, "ok " + q + "!", "text " + q, "a" + q + "b",
				} {
					if !strings.Contains(out, want) {
						t.Errorf("%U: output lacks %q:\n%s", r, want, out)
					}
				}
			}
		})
	}
}

// A signature cut short on the headers line is cut between characters,
// never inside one (which would show a stray byte).
func TestPrettyHeaderCutKeepsCharacters(t *testing.T) {
	t.Parallel()
	rec, c := delivered(t, 1, []byte(`{}`), record.Headers{"Webhook-Signature": "v1," + strings.Repeat("a", 20) + "é\u202e" + strings.Repeat("b", 40)})
	out := pretty(rec, c, render.ViewOptions{})
	// "é" takes bytes 24 and 25: the cut at 24 leaves it out whole.
	if !strings.Contains(out, "Webhook-Signature: v1,"+strings.Repeat("a", 20)+"…\n") || strings.Contains(out, `\x`) {
		t.Errorf("headers line:\n%s", out)
	}
}

// An exec run's block escapes what the command printed and the callback's
// URL and answer, line by line: they can hold what a client sent.
func TestPrettyExecEscapes(t *testing.T) {
	t.Parallel()
	for _, class := range controlClasses {
		for _, r := range class.runes {
			s := string(r)
			q := render.Escape(s)
			e := &record.Exec{
				Seq: 2, DeliverySeq: 1, StartedAt: clock, ExitCode: 1, DurationMS: 3,
				Error:         "exited 1",
				StdoutExcerpt: "out " + s + "\nline\ttwo\r\n",
				StderrExcerpt: "err " + s,
				Callback:      &record.ExecCallback{URL: "http://cb/" + s, Error: "answered 500: " + s, Skipped: s},
			}
			var b bytes.Buffer
			render.PrettyExec(&b, e, render.ViewOptions{})
			out := b.String()
			noRaw(t, out, s, "\r")
			for _, want := range []string{"stdout: out " + q + "\n          line\ttwo\n", "stderr: err " + q, "callback: http://cb/" + q + ": answered 500: " + q} {
				if !strings.Contains(out, want) {
					t.Errorf("%U: exec block lacks %q:\n%s", r, want, out)
				}
			}
		}
	}
}

// The exec block reads as before: summary, then each note.
func TestPrettyExecBlock(t *testing.T) {
	t.Parallel()
	e := &record.Exec{Seq: 7, DeliverySeq: 6, StartedAt: clock.Add(time.Millisecond), DurationMS: 12.25, StdoutExcerpt: "done\n",
		Callback: &record.ExecCallback{URL: "http://cb/x", Status: 200}}
	var b bytes.Buffer
	render.PrettyExec(&b, e, render.ViewOptions{})
	want := "14:30:05.001 #7 exec for #6  exit 0  12.2ms  callback 200\n  stdout: done\n\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

// What a client chose is shown within reason: a 300 KB delivery id, a
// 100 KB path and a 200 KB callback id are cut (with "…"), so a delivery
// still takes a few lines of the terminal, not a screenful of one line.
func TestPrettyCutsLongClientText(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("A", 300<<10)
	rec, c := delivered(t, 1, []byte(`{"type":"create_user"}`), nil)
	rec.Path, rec.Query = "/"+strings.Repeat("p", 100<<10), ""
	rec.Headers = record.Headers{"Webhook-Id": long}
	rec.DeliveryID, rec.Duplicate = long, true
	cb := &record.Record{Seq: 2, ReceivedAt: clock, Method: "POST", Path: "/webhooks/callback/x", Kind: record.KindCallback, CallbackFor: long, Status: 200}
	got := pretty(rec, c, render.ViewOptions{}) + pretty(cb, render.Checked{}, render.ViewOptions{})
	if len(got) > 8<<10 || !strings.Contains(got, "AAAA…") || !strings.Contains(got, "pppp…") {
		t.Errorf("%d bytes of output:\n%.2000s", len(got), got)
	}
}
