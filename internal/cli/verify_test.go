package cli

import (
	"net/http"
	"strings"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// TestRedactedVerdict: only an Authorization value listen redacted makes a
// bearer delivery uncheckable; anything else is verified as usual.
func TestRedactedVerdict(t *testing.T) {
	t.Parallel()
	accepted := &record.Signature{Scheme: "bearer", Valid: true}
	for _, c := range []struct {
		scheme signature.Scheme
		auth   string
		extra  http.Header
		want   string // "" = checked as usual
	}{
		{signature.Auto, "Bearer ****", nil, "the bearer token was redacted when recorded (Bearer ****), so it cannot be checked; the listener's verdict was: valid"},
		{signature.Bearer, "bearer  ****", nil, "the bearer token was redacted"},
		{signature.Auto, "****", nil, "the Authorization header was redacted when recorded (****)"},
		{signature.Auto, "Bearer tok-123", nil, ""},
		{signature.Auto, "Basic ****", nil, ""},
		{signature.Auto, "", nil, ""},
		// A signed delivery behind a proxy's Authorization header is checked
		// by its signature.
		{signature.Auto, "Bearer ****", http.Header{"Webhook-Signature": {"v1,x"}}, ""},
		{signature.Standard, "Bearer ****", nil, ""},
	} {
		h := http.Header{}
		for k, v := range c.extra {
			h[k] = v
		}
		if c.auth != "" {
			h.Set("Authorization", c.auth)
		}
		v, ok := redactedVerdict(c.scheme, h, accepted)
		if ok != (c.want != "") || !strings.HasPrefix(v.Reason, c.want) {
			t.Errorf("%s %q: ok %v, %q; want %q", c.scheme, c.auth, ok, v.Reason, c.want)
			continue
		}
		if ok && (v.Valid || v.Kind != record.Unchecked || v.Scheme != "bearer") {
			t.Errorf("%s %q: verdict %+v", c.scheme, c.auth, v)
		}
	}
}
