// Package replay plans the re-sending of recorded deliveries: which records
// are sent again (Selection, Skip), with which headers (hop-by-hop and
// redacted values dropped, the signature headers too when re-signing), and
// in which scheme a delivery is re-signed with a fresh message id and the
// current time (Plan). `webhook-tool replay` and the web inspector's Replay
// button both call Plan; sending is delivery.Send's job.
package replay

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/delivery"
	"github.com/webhook-tool/webhook-tool/internal/fixture"
	"github.com/webhook-tool/webhook-tool/internal/forwardurl"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// Options say how a record is replayed.
type Options struct {
	// URL is where the deliveries go: each to its recorded path and query
	// below URL's path, as listen --forward-to maps them (one recorded at
	// / goes to URL exactly).
	URL string
	// Secret re-signs the delivery when set; "" sends the recorded headers.
	Secret string
	// Secrets, when given, re-sign instead of Secret, with one signature per
	// secret where the scheme carries several (a rotation), as send signs.
	Secrets []string
	// Scheme re-signs in this scheme; Auto (or "") means the scheme the
	// delivery was recorded with, else standard.
	Scheme signature.Scheme
	// Extra headers add to or replace the recorded ones.
	Extra http.Header
	// Now and NewID give the signing time and the fresh message id
	// (msg_<id>); nil means time.Now and a random id.
	Now   func() time.Time
	NewID func() string
}

// Planned is one delivery ready to send, and what to say about it.
type Planned struct {
	Request   delivery.Request
	Scheme    string // the scheme re-signed with, or "<scheme> (as recorded)"
	Resigned  bool
	WebhookID string // the new standard message id, or the recorded webhook-id
}

// Plan builds the request that replays rec. It fails only when rec cannot
// be replayed at all (see Skip) or its body or the new signature cannot be
// made.
func Plan(rec *record.Record, o Options) (Planned, error) {
	if why := Skip(rec); why != "" {
		return Planned{}, fmt.Errorf("#%d cannot be replayed: %s", rec.Seq, why)
	}
	body, err := rec.RawBody()
	if err != nil {
		return Planned{}, err
	}
	if _, err := rec.ExactHeaders(); err != nil {
		return Planned{}, err
	}
	secrets := o.Secrets
	if len(secrets) == 0 && o.Secret != "" {
		secrets = []string{o.Secret}
	}
	resign := len(secrets) > 0
	to := URL(rec, o.URL)
	p := Planned{Request: delivery.Request{Method: rec.Method, URL: to, Header: Headers(rec, resign), Body: body}}
	if strings.Contains(rec.Query, "#") {
		// Sent in the URL, a '#' in the recorded query would end it and
		// the rest would go as a fragment, which is never sent. The query
		// goes apart, exactly: all after the '?' of to, the only one
		// (URL escapes any in the path or user info).
		_, p.Request.RawQuery, _ = strings.Cut(to, "?")
	}
	if resign {
		s := ResignScheme(rec, o.Scheme)
		now, id := time.Now, "msg_"+strings.ReplaceAll(newID(o.NewID), "-", "")
		if own, ok := fixture.DeliveryID(body); ok {
			// A Permission Assist delivery names itself: webhook-id is its
			// body's id, as send signs it, so the receiver matches the two.
			id = own
		}
		if o.Now != nil {
			now = o.Now
		}
		signer, err := signature.NewSigner(s, secrets...)
		var hs []signature.Header
		if err == nil {
			hs, err = signer.Sign(id, now(), body)
		}
		if err != nil {
			return Planned{}, fmt.Errorf("cannot re-sign #%d: %w", rec.Seq, err)
		}
		for _, h := range hs {
			p.Request.Header.Set(h.Name, h.Value)
		}
		p.Scheme, p.Resigned = string(s), true
		if s == signature.Standard {
			p.WebhookID = id
		}
	} else {
		p.Scheme = "as recorded"
		if rec.Signature != nil {
			p.Scheme = rec.Signature.Scheme + " (as recorded)"
		}
		p.WebhookID = signature.MessageID(p.Request.Header)
	}
	for k, vs := range o.Extra {
		p.Request.Header[http.CanonicalHeaderKey(k)] = vs
	}
	return p, nil
}

// URL is where rec is replayed below base: its recorded path and query
// mapped as listen --forward-to maps a request (see Options.URL). Copy as
// curl sends there too.
func URL(rec *record.Record, base string) string {
	return forwardurl.Target(base, "/", rec.URL())
}

func newID(f func() string) string {
	if f != nil {
		return f()
	}
	return randomID()
}

// ResignScheme is the scheme a re-signed delivery uses: want, unless it is
// Auto or empty; then the scheme rec was recorded with, else standard.
func ResignScheme(rec *record.Record, want signature.Scheme) signature.Scheme {
	if want != "" && want != signature.Auto {
		return want
	}
	if rec.Signature != nil {
		if rs, err := signature.ParseScheme(rec.Signature.Scheme); err == nil && rs != signature.Auto && rs != signature.None {
			return rs
		}
	}
	return signature.Standard
}

// Skip says why rec is not re-sent, or "" when it is: a callback, a kind it
// does not know, or a request listen refused before reading its body.
func Skip(rec *record.Record) string {
	switch {
	case rec.Kind == record.KindCallback:
		return "a callback, not a delivery"
	case rec.Kind != record.KindDelivery:
		return "unknown kind " + strconv.Quote(rec.Kind)
	case rec.Signature == nil:
		why := "listen refused it before reading the body"
		if rec.Error != "" {
			why += " (" + rec.Error + ")"
		}
		return why
	}
	return ""
}

// notResent are the recorded headers, besides delivery.HopByHop, that are
// never re-sent: the transport sets them for the new connection.
var notResent = []string{"Content-Length", "Host", "Accept-Encoding"}

// signatureHeaders are dropped when a delivery is re-signed.
var signatureHeaders = []string{
	signature.HeaderWebhookID, signature.HeaderWebhookTimestamp, signature.HeaderWebhookSignature,
	signature.HeaderSvixID, signature.HeaderSvixTimestamp, signature.HeaderSvixSignature,
	signature.HeaderGitHubSignature, signature.HeaderGitHubSHA1, signature.HeaderStripeSignature,
	signature.HeaderAuthorization,
}

// Headers rebuilds a request's headers from the record, each value as it
// was sent (record.ExactHeaders; as recorded when that fails, which Plan
// refuses): hop-by-hop and redacted values left out, and the signature
// headers too when resigning.
func Headers(rec *record.Record, resigning bool) http.Header {
	exact, err := rec.ExactHeaders()
	if err != nil {
		exact = rec.Headers
	}
	h := make(http.Header, len(exact))
	for k, v := range exact {
		ck := http.CanonicalHeaderKey(k)
		if delivery.IsHopByHop(ck) || contains(notResent, ck) || record.Redacted(v) {
			continue
		}
		h.Set(ck, v)
	}
	if resigning {
		for _, k := range signatureHeaders {
			h.Del(k)
		}
	}
	return h
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
