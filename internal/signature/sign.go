package signature

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"strconv"
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
	if scheme == Auto {
		return nil, fmt.Errorf("the auto scheme only detects schemes when verifying; sign with one of: %s",
			joinSchemes(Schemes()))
	}
	if err := CheckSecret(scheme, secret); err != nil {
		return nil, err
	}
	switch scheme {
	case None:
		return nil, nil

	case Standard:
		if id == "" {
			return nil, errors.New("the standard scheme signs a message id, and none was given")
		}
		if strings.ContainsAny(id, "\r\n\x00") {
			return nil, errors.New("the message id contains a line break or NUL byte, which cannot be sent in the webhook-id header")
		}
		if ts.IsZero() {
			return nil, errors.New("the standard scheme signs a timestamp, and none was given")
		}
		key, _ := standardKey(secret) // CheckSecret has vetted it
		t := strconv.FormatInt(ts.Unix(), 10)
		sig := standardMAC(hmac.New(sha256.New, key), id, t, body)
		return []Header{
			{HeaderWebhookID, id},
			{HeaderWebhookTimestamp, t},
			{HeaderWebhookSignature, "v1," + base64.StdEncoding.EncodeToString(sig)},
		}, nil

	case GitHub:
		sig := githubMAC(hmac.New(sha256.New, []byte(secret)), body)
		return []Header{{HeaderGitHubSignature, "sha256=" + hex.EncodeToString(sig)}}, nil

	case Stripe:
		if ts.IsZero() {
			return nil, errors.New("the stripe scheme signs a timestamp, and none was given")
		}
		t := strconv.FormatInt(ts.Unix(), 10)
		sig := stripeMAC(hmac.New(sha256.New, []byte(secret)), t, body)
		return []Header{{HeaderStripeSignature, "t=" + t + ",v1=" + hex.EncodeToString(sig)}}, nil

	case Bearer:
		return []Header{{HeaderAuthorization, "Bearer " + secret}}, nil
	}
	// CheckSecret rejects unknown schemes; this is for the compiler.
	return nil, fmt.Errorf("unknown signature scheme %q", string(scheme))
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
