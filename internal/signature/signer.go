package signature

import (
	"crypto/ed25519"
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

// Signer signs many bodies with one scheme and its secrets, as Sign does,
// but keeps the keyed HMACs between calls: a load run signs every delivery
// with the same secrets, and keying a fresh HMAC (two SHA-256 blocks over the
// padded key, plus its allocations) each time is work thrown away.
//
// With several secrets, as during a rotation, the schemes that can carry
// several signatures carry one per secret, so a receiver that knows either
// secret accepts the delivery: standard space-separates them in
// webhook-signature, stripe adds a v1= per secret to Stripe-Signature.
// GitHub and bearer carry one, made with the first secret. Under standard a
// whsk_ signing key makes a v1a (Ed25519) signature, in its place among the
// v1 ones; a whpk_ public key cannot sign and is refused.
//
// A Signer is not safe for concurrent use; give each goroutine its own.
type Signer struct {
	scheme Scheme
	secret string
	mac    hash.Hash          // nil for Bearer, None and a whsk_ key
	ed     ed25519.PrivateKey // a whsk_ key's (standard only)
	sum    []byte             // MAC output, reused
	enc    []byte             // encoded signature, reused
	msg    []byte             // the content an Ed25519 signature signs, reused
	more   []*Signer          // one per further secret (standard and stripe)
}

// NewSigner checks scheme and secrets as Sign does and returns a Signer for
// them. Empty secrets are ignored; with none, the scheme must need none
// (None). Its errors are Sign's for the same scheme and secret.
func NewSigner(scheme Scheme, secrets ...string) (*Signer, error) {
	var keep []string
	for _, s := range secrets {
		if s != "" {
			keep = append(keep, s)
		}
	}
	if len(keep) == 0 {
		keep = []string{""}
	}
	if scheme != Standard && scheme != Stripe {
		keep = keep[:1]
	}
	first, err := newSigner(scheme, keep[0])
	if err != nil {
		return nil, err
	}
	for _, secret := range keep[1:] {
		s, err := newSigner(scheme, secret)
		if err != nil {
			return nil, err
		}
		first.more = append(first.more, s)
	}
	return first, nil
}

func newSigner(scheme Scheme, secret string) (*Signer, error) {
	if scheme == Auto {
		return nil, fmt.Errorf("the auto scheme only detects schemes when verifying; sign with one of: %s",
			joinSchemes(Schemes()))
	}
	if err := CheckSigningSecret(scheme, secret); err != nil {
		return nil, err
	}
	s := &Signer{scheme: scheme, secret: secret}
	switch {
	case scheme == Standard && KindOf(secret) == SigningKey:
		k, _ := parseEdKey(secret) // CheckSigningSecret has vetted it
		s.ed = k.priv
	case scheme == Standard:
		key, _ := standardKey(secret) // CheckSigningSecret has vetted it
		s.mac = hmac.New(sha256.New, key)
	case scheme == GitHub, scheme == Stripe:
		s.mac = hmac.New(sha256.New, []byte(secret))
	}
	return s, nil
}

// Scheme is the scheme s signs with.
func (s *Signer) Scheme() Scheme { return s.scheme }

// Sign returns exactly what Sign(scheme, secret, id, ts, body) returns for
// the Signer's scheme and its one secret; with several secrets, the
// signatures of each merged into the same headers.
func (s *Signer) Sign(id string, ts time.Time, body []byte) ([]Header, error) {
	first, err := s.sign(id, ts, body)
	if err != nil || len(s.more) == 0 {
		return first, err
	}
	for _, m := range s.more {
		more, err := m.sign(id, ts, body)
		if err != nil {
			return nil, err
		}
		for i := range first {
			switch first[i].Name {
			case HeaderWebhookSignature:
				first[i].Value += " " + more[i].Value
			case HeaderStripeSignature:
				_, v1, _ := strings.Cut(more[i].Value, ",")
				first[i].Value += "," + v1
			}
		}
	}
	return first, nil
}

func (s *Signer) sign(id string, ts time.Time, body []byte) ([]Header, error) {
	switch s.scheme {
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
		t := strconv.FormatInt(ts.Unix(), 10)
		if s.ed != nil {
			s.signV1a(id, t, body)
		} else {
			s.signV1(id, t, body)
		}
		return []Header{
			{HeaderWebhookID, id},
			{HeaderWebhookTimestamp, t},
			{HeaderWebhookSignature, string(s.enc)},
		}, nil

	case GitHub:
		s.mac.Reset()
		s.mac.Write(body)
		s.sum = s.mac.Sum(s.sum[:0])
		s.enc = append(s.enc[:0], "sha256="...)
		s.enc = hex.AppendEncode(s.enc, s.sum)
		return []Header{{HeaderGitHubSignature, string(s.enc)}}, nil

	case Stripe:
		if ts.IsZero() {
			return nil, errors.New("the stripe scheme signs a timestamp, and none was given")
		}
		// "t=<unix>" starts the header value; "<unix>." is what is signed.
		s.enc = append(s.enc[:0], "t="...)
		s.enc = strconv.AppendInt(s.enc, ts.Unix(), 10)
		n := len(s.enc)
		s.enc = append(s.enc, '.')
		s.mac.Reset()
		s.mac.Write(s.enc[len("t="):])
		s.mac.Write(body)
		s.sum = s.mac.Sum(s.sum[:0])
		s.enc = append(s.enc[:n], ",v1="...)
		s.enc = hex.AppendEncode(s.enc, s.sum)
		return []Header{{HeaderStripeSignature, string(s.enc)}}, nil

	case Bearer:
		return []Header{{HeaderAuthorization, "Bearer " + s.secret}}, nil
	}
	return nil, fmt.Errorf("unknown signature scheme %q", string(s.scheme))
}

// signV1 leaves "v1,<base64 HMAC-SHA256>" of "id.t.body" in s.enc.
func (s *Signer) signV1(id, t string, body []byte) {
	// "id.timestamp." goes in as one write from a reused buffer rather
	// than as string conversions that each allocate.
	s.enc = append(append(append(append(s.enc[:0], id...), '.'), t...), '.')
	s.mac.Reset()
	s.mac.Write(s.enc)
	s.mac.Write(body)
	s.sum = s.mac.Sum(s.sum[:0])
	s.enc = append(s.enc[:0], "v1,"...)
	s.enc = base64.StdEncoding.AppendEncode(s.enc, s.sum)
}

// signV1a leaves "v1a,<base64 Ed25519 signature>" of "id.t.body" in s.enc.
func (s *Signer) signV1a(id, t string, body []byte) {
	var sig []byte
	sig, s.msg = edSignature(s.ed, s.msg, id, t, body)
	s.enc = append(s.enc[:0], "v1a,"...)
	s.enc = base64.StdEncoding.AppendEncode(s.enc, sig)
}
