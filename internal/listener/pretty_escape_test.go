package listener_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/listener"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// Nothing a client sends reaches the terminal as an escape sequence: the
// path, query, callback id, event.name, user_invite_id and delivery id are
// shown with their control characters escaped.
func TestPrettyEscapesClientText(t *testing.T) {
	t.Parallel()
	const title = "\x1b]0;pwned\x07"
	const csi = "\u009b31m"

	e := start(t, func(c *listener.Config) { c.Secrets = nil })
	invite := bytes.Replace(fixture(t, "permit.invite_user"), []byte(`"user_invite_id": "`), []byte(`"user_invite_id": "\u001b[2J`), 1)
	pa := fixture(t, "permission_assist.access_request_created")
	pa = bytes.Replace(pa, []byte(`"name": "AccessRequestCreated"`), []byte(`"name": "AccessRequestCreated\u001b]0;pwned\u0007"`), 1)
	pa = bytes.Replace(pa, []byte(`"id": "`), []byte(`"id": "`+csi), 1)
	withID := []byte(`{"id":"msg_\u001b]8;;http://evil.example/\u001b\\"}`)

	e.post("/%1B%5B2J?q=%1B]0;x%07", invite)
	e.post("/", withID)
	e.post("/", withID) // a duplicate: its note names the id
	e.post("/", pa)
	e.post("/webhooks/callback/%1B]0;pwned%07", []byte("ok"+title))
	e.stop()
	out := e.out.String()
	for _, bad := range []string{"\x1b", "\x07", "\u009b"} {
		if i := strings.Index(out, bad); i >= 0 {
			t.Errorf("pretty output holds %q near %q", bad, out[max(0, i-40):min(len(out), i+40)])
		}
	}
	for _, want := range []string{`/\x1b[2J?q=%1B]0;x%07`, `user_invite_id \x1b[2J`, `delivery id msg_\x1b]8;;http://evil.example/\x1b\ was received before`, `callback for \x1b]0;pwned\a`, `AccessRequestCreated\x1b]0;pwned\a`} {
		if !strings.Contains(out, want) {
			t.Errorf("pretty output lacks %q", want)
		}
	}
}

// The delivery headers pretty output shows (Webhook-Id, Svix-Id, the
// signatures) are the client's: a C1 control (U+009B is a CSI to some
// terminals), a bidi override, isolate or mark in them is shown escaped.
func TestPrettyEscapesDeliveryHeaders(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ class, raw, shown string }{
		{"C1", "\u009b31m\u0085", `\u009b31m\u0085`},
		{"bidi override", "\u202egnp.exe\u202a", `\u202egnp.exe\u202a`},
		{"bidi isolate", "\u2066x\u2069\u2067\u2068", `\u2066x\u2069\u2067\u2068`},
		{"bidi mark", "\u200e\u200f\u061c", `\u200e\u200f\u061c`},
	} {
		t.Run(tc.class, func(t *testing.T) {
			e := start(t, func(c *listener.Config) { c.Secrets = nil })
			e.post("/", []byte(`{"a":1}`),
				signature.Header{Name: "Webhook-Id", Value: "msg_" + tc.raw},
				signature.Header{Name: "Svix-Id", Value: "svix_" + tc.raw},
				signature.Header{Name: "Webhook-Signature", Value: "v1," + tc.raw},
				signature.Header{Name: "X-Hub-Signature-256", Value: "sha256=" + tc.raw},
			)
			e.stop()
			out := e.out.String()
			for _, r := range tc.raw {
				if r < 0x80 {
					continue // the letters around the controls
				}
				if i := strings.IndexRune(out, r); i >= 0 {
					t.Errorf("pretty output holds %U near %q", r, out[max(0, i-40):min(len(out), i+40)])
				}
			}
			for _, want := range []string{"Webhook-Id: msg_" + tc.shown, "Svix-Id: svix_" + tc.shown, "Webhook-Signature: v1," + tc.shown, "X-Hub-Signature-256: sha256=" + tc.shown} {
				if !strings.Contains(out, want) {
					t.Errorf("pretty output lacks %q:\n%s", want, out)
				}
			}
		})
	}
}
