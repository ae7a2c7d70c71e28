package signature_test

import (
	"net/http"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// TestVerifierMatchesVerify: a Verifier made once gives every request the
// verdict Verify gives it with the same options, the clock passed per
// request, from many goroutines at once (run with -race): a good and a
// tampered delivery of each scheme, an unsigned one, a stale one, and a
// broken whsec_ secret beside a good one, whose failure every Standard
// request reports while the other schemes do not read it.
func TestVerifierMatchesVerify(t *testing.T) {
	t.Parallel()
	const body = `{"id":"evt_1"}`
	goodStd := signed(t, signature.Standard, stdSecret, now, body)
	requests := map[string]struct {
		h    http.Header
		body string
		now  time.Time
	}{
		"standard":          {goodStd, body, now},
		"standard tampered": {goodStd, body + " ", now},
		"standard stale":    {goodStd, body, now.Add(time.Hour)},
		"github":            {signed(t, signature.GitHub, "gh secret", now, body), body, now},
		"stripe":            {signed(t, signature.Stripe, "whsec_stripe", now, body), body, now},
		"bearer":            {hdr("Authorization", "Bearer gh secret"), body, now},
		"unsigned":          {http.Header{}, body, now},
	}
	optionSets := map[string]signature.VerifyOptions{
		"auto":              {Secrets: []string{stdSecret, "gh secret", "whsec_stripe"}},
		"standard, rotated": {Scheme: signature.Standard, Secrets: []string{"", "whsec_" + b64([]byte("old key")), stdSecret}},
		"broken secret":     {Secrets: []string{"whsec_not*base64", stdSecret, "gh secret"}},
		"none configured":   {},
		"no tolerance":      {Secrets: []string{stdSecret}, Tolerance: -1},
	}
	for oname, opts := range optionSets {
		v := signature.NewVerifier(opts)
		if o := v.Options(now); o.Now != now || !reflect.DeepEqual(o.Secrets, opts.Secrets) || o.Scheme != opts.Scheme || o.Tolerance != opts.Tolerance {
			t.Errorf("%s: Options(now) = %+v, want the options made from with Now %v", oname, o, now)
		}
		var wg sync.WaitGroup
		for rname, req := range requests {
			o := opts
			o.Now = req.now
			want := signature.Verify(o, req.h, []byte(req.body))
			for range 4 {
				wg.Go(func() {
					if got := v.Verify(req.h, []byte(req.body), req.now); got != want {
						t.Errorf("%s, %s: Verifier gave %+v, Verify %+v", oname, rname, got, want)
					}
				})
			}
		}
		wg.Wait()
	}
	// The broken secret fails Standard requests and no others.
	v := signature.NewVerifier(optionSets["broken secret"])
	if got := v.Verify(goodStd, []byte(body), now); got.Valid || got.Kind != signature.InvalidSecret {
		t.Errorf("standard with a broken secret: %+v, want InvalidSecret", got)
	}
	if got := v.Verify(requests["github"].h, []byte(body), now); !got.Valid {
		t.Errorf("github beside a broken whsec_ secret: %+v, want valid", got)
	}
}
