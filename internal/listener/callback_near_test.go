package listener_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/listener"
)

// A callback URL with a trailing or doubled slash is not taken as a
// delivery (200) nor as the callback: it is refused with 404 saying which
// URL to post to, recorded as a callback, and the URL stays unused.
func TestCallbackURLAlteredIsRefused(t *testing.T) {
	t.Parallel()
	e := start(t, func(c *listener.Config) { c.PathPrefix = "/hooks" })
	for i, c := range []struct {
		path   string
		status int
	}{
		{"/webhooks/callback/abc/", 404},
		{"/webhooks//callback/abc", 404},
		{"/hooks/webhooks/callback//def", 404},
		{"/webhooks/callback/abc", 200}, // still unused
		{"/hooks/webhooks/callback/def", 200},
		{"/hooks/webhooks/callback/a/b", 401}, // not a callback URL: a delivery, unsigned
	} {
		status, answer := e.post(c.path, []byte("Provisioned in AD."), nil...)
		if status != c.status {
			t.Errorf("case %d %s: %d %q, want %d", i, c.path, status, answer, c.status)
		}
		if status == 404 && !strings.Contains(answer, "post to the callback URL exactly as it was handed out") {
			t.Errorf("case %d %s: the 404 does not say why: %q", i, c.path, answer)
		}
	}
	recs := e.records()
	for i, want := range []string{"/webhooks/callback/abc", "/webhooks/callback/abc", "/hooks/webhooks/callback/def"} {
		errText := fmt.Sprint(dig(recs[i], "error"))
		if dig(recs[i], "kind") != "callback" || !strings.HasSuffix(errText, ", "+want) {
			t.Errorf("record %d: kind %v, error %q: want a callback naming %s", i+1, dig(recs[i], "kind"), errText, want)
		}
	}
	if st := e.l.Stats(); st.Callbacks != 5 || st.Deliveries != 1 || st.ReusedCallbacks != 0 {
		t.Errorf("stats %+v", st)
	}
}

// Without --path and --secret, where such a path was answered 200 as a
// delivery.
func TestCallbackURLAlteredIsNoDelivery(t *testing.T) {
	t.Parallel()
	e := start(t, func(c *listener.Config) { c.Secrets = nil })
	for _, p := range []string{"/webhooks/callback/abc/", "/webhooks//callback/abc"} {
		if status, answer := e.post(p, []byte("Provisioned in AD."), nil...); status != 404 {
			t.Errorf("%s: %d %q, want 404", p, status, answer)
		}
	}
}
