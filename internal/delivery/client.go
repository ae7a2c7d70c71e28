package delivery

import (
	"net/http"
	"slices"
	"time"
)

// NewClient returns a client for sending webhooks to one host from up to
// conns goroutines at once: it keeps conns idle connections to the host (the
// default transport keeps 2, so a load run would open and close connections
// all the time), does not ask for gzip, and does not follow redirects, because a webhook sender
// reports a 3xx as the receiver's answer rather than re-sending the body
// somewhere else, as Stripe and Svix do.
func NewClient(conns int) *http.Client {
	conns = max(conns, 1)
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = max(conns, 100)
	t.MaxIdleConnsPerHost = conns
	t.IdleConnTimeout = 90 * time.Second
	// Ask for the body as it is: webhook senders do not negotiate gzip,
	// and a dry run should show the headers that really go out.
	t.DisableCompression = true
	// Room for the headers and a typical payload, so a request goes out in
	// one write rather than a header write and body writes.
	t.WriteBufferSize = 64 << 10
	return &http.Client{
		Transport:     t,
		CheckRedirect: NoRedirects,
	}
}

// NoRedirects is an http.Client CheckRedirect that hands a 3xx back to the
// caller as the response.
func NoRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// HopByHop are the headers that describe one connection, not the message
// (RFC 9110 7.6.1): a proxy does not pass them on, and a replay does not
// re-send them. Canonical spelling.
var HopByHop = []string{
	"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
	"Te", "Trailer", "Transfer-Encoding", "Upgrade",
}

// IsHopByHop reports whether the canonical header name is in HopByHop.
func IsHopByHop(name string) bool { return slices.Contains(HopByHop, name) }
