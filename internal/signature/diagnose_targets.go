package signature

import (
	"bytes"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
)

// The signatures the doctor reads, and the keys it tries on them.

// matchAny reports whether the MAC of body under any key equals one of the
// signatures in the scheme's own form, or an Ed25519 key verifies one of
// the v1a signatures over it; which names the key.
func (t *target) matchAny(keys []namedKey, body []byte) (which string, ok bool) {
	var msg []byte // the v1a signed content, made once
	for _, k := range keys {
		if k.pub != nil {
			if len(t.edSigs) == 0 {
				continue
			}
			if msg == nil {
				msg = signedContent(nil, t.id, t.ts, body)
			}
			if anyVerifies(k.pub, msg, t.edSigs) {
				return k.name, true
			}
			continue
		}
		mac := t.mac(k.key, body)
		found := false
		for _, s := range t.sigs {
			if s.how == "" && hmac.Equal(mac, s.mac) {
				found = true
			}
		}
		if found {
			return k.name, true
		}
	}
	return "", false
}

// namedKey is an HMAC key, or an Ed25519 public key (standard's v1a), with
// a name safe to print ("secret 2").
type namedKey struct {
	name string
	key  []byte
	pub  ed25519.PublicKey // set instead of key for a whsk_ or whpk_ secret
}

// keys derives the scheme's key from each secret, as Verify does.
func (t *target) keys(secrets []string) []namedKey {
	var out []namedKey
	for i, s := range secrets {
		if k, ok := t.namedKey(s, secretLabelFor(i, len(secrets))); ok {
			out = append(out, k)
		}
	}
	return out
}

// namedKey derives the key of one secret as Verify does: an HMAC key, or
// under standard a whsk_/whpk_ key's public key.
func (t *target) namedKey(secret, name string) (namedKey, bool) {
	if t.scheme == Standard && KindOf(secret) != HMACSecret {
		k, err := parseEdKey(secret)
		return namedKey{name: name, pub: k.pub}, err == nil
	}
	k, ok := t.key(secret)
	return namedKey{name: name, key: k}, ok
}

// key derives the scheme's HMAC key from a secret, as Verify does; a whsk_
// or whpk_ key is none under standard.
func (t *target) key(secret string) ([]byte, bool) {
	if t.scheme == Standard {
		if KindOf(secret) != HMACSecret {
			return nil, false
		}
		k, err := standardKey(secret)
		return k, err == nil
	}
	return []byte(secret), secret != ""
}

// sameKey reports whether k is one of keys.
func sameKey(k namedKey, keys []namedKey) bool {
	for _, n := range keys {
		if k.pub != nil && bytes.Equal(k.pub, n.pub) || k.pub == nil && n.pub == nil && bytes.Equal(k.key, n.key) {
			return true
		}
	}
	return false
}

func secretLabelFor(i, n int) string {
	if n <= 1 {
		return "the secret"
	}
	return "secret " + strconv.Itoa(i+1)
}

// target is one scheme's signature as the request carries it, read
// leniently: every signature-looking value, in whatever encoding.
type target struct {
	scheme   Scheme
	header   string // the header holding the signature
	id, ts   string // the signed fields besides the body (Standard: both; Stripe: ts)
	sigs     []foundSig
	edSigs   [][]byte // standard's v1a signatures, in their own form
	expected string   // the scheme's own form, for messages
}

// foundSig is a decoded signature; how is "" when it is in the scheme's own
// form, else how it was read ("as hex (not base64)").
type foundSig struct {
	mac     []byte
	how     string
	written string // the form the sender used, for messages
}

func (t *target) hasCanonical() bool {
	if len(t.edSigs) > 0 {
		return true
	}
	for _, s := range t.sigs {
		if s.how == "" {
			return true
		}
	}
	return false
}

// mac computes the scheme's signature over body with key.
func (t *target) mac(key, body []byte) []byte {
	m := hmac.New(sha256.New, key)
	switch t.scheme {
	case Standard:
		return standardMAC(m, nil, t.id, t.ts, body)
	case Stripe:
		return stripeMAC(m, nil, t.ts, body)
	}
	return githubMAC(m, nil, body)
}

// findTargets reads the signature of the scheme that failed and of every
// other signing scheme whose header is present, in that order.
func findTargets(h Headers, first Scheme) []*target {
	var out []*target
	order := []Scheme{first}
	for _, s := range []Scheme{Standard, Stripe, GitHub} {
		if s != first {
			order = append(order, s)
		}
	}
	for _, s := range order {
		var t *target
		switch s {
		case Standard:
			t = standardTarget(h)
		case GitHub:
			t = githubTarget(h)
		case Stripe:
			t = stripeTarget(h)
		}
		if t != nil && (len(t.sigs) > 0 || len(t.edSigs) > 0) {
			out = append(out, t)
		}
	}
	return out
}

func standardTarget(h Headers) *target {
	idName, tsName, sigName := HeaderWebhookID, HeaderWebhookTimestamp, HeaderWebhookSignature
	if !present(h, idName, tsName, sigName) {
		idName, tsName, sigName = HeaderSvixID, HeaderSvixTimestamp, HeaderSvixSignature
	}
	id, ts := get(h, idName), get(h, tsName)
	if id == "" || ts == "" || len(values(h, sigName)) == 0 {
		return nil
	}
	t := &target{scheme: Standard, header: sigName, id: id, ts: ts, expected: `"v1,<base64>"`}
	for _, v := range values(h, sigName) {
		for _, entry := range strings.Fields(v) {
			version, enc, ok := strings.Cut(entry, ",")
			switch {
			case !ok:
				enc = entry
			case version == "v1a":
				if sig, err := base64.StdEncoding.DecodeString(enc); err == nil &&
					len(sig) == ed25519.SignatureSize && len(t.edSigs) < maxSigs {
					t.edSigs = append(t.edSigs, sig)
				}
				continue
			case version != "v1":
				continue
			}
			t.add(enc, ok, "base64", "v1,")
		}
	}
	return t
}

func githubTarget(h Headers) *target {
	values := values(h, HeaderGitHubSignature)
	if len(values) == 0 {
		return nil
	}
	t := &target{scheme: GitHub, header: HeaderGitHubSignature, expected: `"sha256=<hex>"`}
	for _, v := range values {
		enc, prefixed := strings.CutPrefix(strings.TrimSpace(v), "sha256=")
		t.add(enc, prefixed, "hex", "sha256=")
	}
	return t
}

func stripeTarget(h Headers) *target {
	values := values(h, HeaderStripeSignature)
	if len(values) == 0 {
		return nil
	}
	t := &target{scheme: Stripe, header: HeaderStripeSignature, expected: `"t=<unix>,v1=<hex>"`}
	var encs []string
	for _, v := range values {
		for _, item := range strings.Split(v, ",") {
			key, val, _ := strings.Cut(strings.TrimSpace(item), "=")
			switch key {
			case "t":
				if t.ts == "" {
					t.ts = val
				}
			case "v1":
				encs = append(encs, val)
			}
		}
	}
	if t.ts == "" {
		return nil
	}
	for _, enc := range encs {
		t.add(enc, true, "hex", "v1=")
	}
	return t
}

// maxSigs bounds the signatures read from one header: a sender rotating
// secrets sends two or three, and a header stuffed with thousands must not
// make the diagnosis (or its --explain listing) grow with it.
const maxSigs = 16

// encodings are the ways a 32-byte MAC is commonly written.
var encodings = []struct {
	name   string
	decode func(string) ([]byte, error)
}{
	{"hex", hex.DecodeString},
	{"base64", base64.StdEncoding.DecodeString},
	{"unpadded base64", base64.RawStdEncoding.DecodeString},
	{"URL-safe base64", base64.URLEncoding.DecodeString},
	{"unpadded URL-safe base64", base64.RawURLEncoding.DecodeString},
}

// add decodes enc every way that yields a SHA-256 MAC. The scheme's own form
// is want (the encoding) with its prefix; any other reading says how it
// differs.
func (t *target) add(enc string, prefixed bool, want, prefix string) {
	if len(t.sigs) >= maxSigs {
		return
	}
	var macs [][]byte
	for _, e := range encodings {
		mac, err := e.decode(enc)
		if err != nil || len(mac) != macSize || anyEqual(mac, macs) {
			continue // not this encoding, or one read the same already
		}
		macs = append(macs, mac)
		var hows []string
		if e.name != want {
			hows = append(hows, "as "+e.name+" (not "+want+")")
		}
		if !prefixed {
			hows = append(hows, "without its "+prefix+" prefix")
		}
		written := e.name
		if !prefixed {
			written += " with no " + prefix + " prefix"
		} else {
			written = prefix + "<" + e.name + ">"
		}
		t.sigs = append(t.sigs, foundSig{mac: mac, how: strings.Join(hows, " and "), written: written})
	}
}
