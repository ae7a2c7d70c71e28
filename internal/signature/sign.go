package signature

import (
	"hash"
	"strings"
	"time"
)

// Sign returns the headers that sign body under scheme, in a stable order
// (for Standard: webhook-id, webhook-timestamp, webhook-signature).
//
// id and ts are used only by the schemes that sign them: Standard signs
// both, Stripe signs ts (as its t= field); GitHub and Bearer ignore them.
// Timestamps are whole Unix seconds, as all these schemes define them.
//
// An empty secret is an error (wrapping ErrNoSecret) for every scheme but
// None, which returns no headers. Auto is an error: it names a way of
// verifying, not of signing.
func Sign(scheme Scheme, secret, id string, ts time.Time, body []byte) ([]Header, error) {
	// One code path: a Signer used once. Load runs keep theirs.
	sg, err := NewSigner(scheme, secret)
	if err != nil {
		return nil, err
	}
	return sg.Sign(id, ts, body)
}

func joinSchemes(ss []Scheme) string {
	names := make([]string, len(ss))
	for i, s := range ss {
		names[i] = string(s)
	}
	return strings.Join(names, ", ")
}

// The MAC helpers write the signed parts into the hash without copying
// the body: bodies can be large and listen verifies every delivery. The
// parts before the body are put together in buf, written in one piece, and
// the sum is made in buf too, so a caller that keeps buf (a pooled state's)
// allocates nothing; buf may be nil. The result aliases buf. Each takes a
// fresh (or Reset) HMAC so Verify can reuse one per secret across several
// candidates.

// standardMAC is the Standard Webhooks signature: HMAC over "id.timestamp.body".
func standardMAC(m hash.Hash, buf []byte, id, ts string, body []byte) []byte {
	buf = append(append(append(append(buf[:0], id...), '.'), ts...), '.')
	return macSum(m, buf, body)
}

// githubMAC is GitHub's X-Hub-Signature-256: HMAC over the body alone.
func githubMAC(m hash.Hash, buf, body []byte) []byte {
	return macSum(m, buf[:0], body)
}

// stripeMAC is Stripe's v1 signature: HMAC over "t.body".
func stripeMAC(m hash.Hash, buf []byte, t string, body []byte) []byte {
	buf = append(append(buf[:0], t...), '.')
	return macSum(m, buf, body)
}

// macSum writes prefix and body and sums them into prefix's array.
func macSum(m hash.Hash, prefix, body []byte) []byte {
	if len(prefix) > 0 {
		m.Write(prefix)
	}
	m.Write(body)
	return m.Sum(prefix[:0])
}
