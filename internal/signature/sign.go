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

// The MAC helpers write the signed parts into the hash one after another
// instead of concatenating them: bodies can be large and listen verifies
// every delivery, so the copy is worth avoiding. Each takes a fresh (or
// Reset) HMAC so Verify can reuse one per secret across several candidates.

// standardMAC is the Standard Webhooks signature: HMAC over "id.timestamp.body".
func standardMAC(m hash.Hash, id, ts string, body []byte) []byte {
	m.Write([]byte(id))
	m.Write([]byte{'.'})
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// githubMAC is GitHub's X-Hub-Signature-256: HMAC over the body alone.
func githubMAC(m hash.Hash, body []byte) []byte {
	m.Write(body)
	return m.Sum(nil)
}

// stripeMAC is Stripe's v1 signature: HMAC over "t.body".
func stripeMAC(m hash.Hash, t string, body []byte) []byte {
	m.Write([]byte(t))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}
