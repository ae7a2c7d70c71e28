package signature

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// The doctor's reading of the request: each signing scheme's signature as
// the request carries it, decoded in every encoding it could be in.

// target is one scheme's signature as the request carries it, read
// leniently: every signature-looking value, in whatever encoding.
type target struct {
	scheme   Scheme
	header   string // the header holding the signature
	id, ts   string // the signed fields besides the body (Standard: both; Stripe: ts)
	sigs     []foundSig
	expected string // the scheme's own form, for messages
}

// foundSig is a decoded signature; how is "" when it is in the scheme's own
// form, else how it was read ("as hex (not base64)").
type foundSig struct {
	mac     []byte
	how     string
	written string // the form the sender used, for messages
}

func (t *target) hasCanonical() bool {
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
		return standardMAC(m, t.id, t.ts, body)
	case Stripe:
		return stripeMAC(m, t.ts, body)
	}
	return githubMAC(m, body)
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
		if t != nil && len(t.sigs) > 0 {
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
	id, ts := h.Get(idName), h.Get(tsName)
	if id == "" || ts == "" || len(h.Values(sigName)) == 0 {
		return nil
	}
	t := &target{scheme: Standard, header: sigName, id: id, ts: ts, expected: `"v1,<base64>"`}
	for _, v := range h.Values(sigName) {
		for _, entry := range strings.Fields(v) {
			version, enc, ok := strings.Cut(entry, ",")
			if !ok {
				enc = entry
			} else if version != "v1" {
				continue
			}
			t.add(enc, ok, "base64", "v1,")
		}
	}
	return t
}

func githubTarget(h Headers) *target {
	values := h.Values(HeaderGitHubSignature)
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
	values := h.Values(HeaderStripeSignature)
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
