package render_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/render"
)

// Nothing a client sends reaches the terminal as an escape sequence: the
// path, query, callback id, event.name, user_invite_id and delivery id are
// shown with their control characters escaped.
func TestPrettyEscapesClientText(t *testing.T) {
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

// The exec block reads as before: summary, then each note.
func TestPrettyExecBlock(t *testing.T) {
	e := &record.Exec{Seq: 7, DeliverySeq: 6, StartedAt: clock.Add(time.Millisecond), DurationMS: 12.25, StdoutExcerpt: "done\n",
		Callback: &record.ExecCallback{URL: "http://cb/x", Status: 200}}
	var b bytes.Buffer
	render.PrettyExec(&b, e, render.ViewOptions{})
	want := "14:30:05.001 #7 exec for #6  exit 0  12.2ms  callback 200\n  stdout: done\n\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}
