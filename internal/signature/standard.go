package signature

import (
	"crypto/ed25519"
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

// standardNames are the header names a Standard Webhooks request uses:
// webhook-*, or the svix-* aliases when it carries only those (Svix sends
// both sets; older Svix senders only the svix-* names).
func standardNames(h Headers) (idName, tsName, sigName string) {
	if !present(h, HeaderWebhookID, HeaderWebhookTimestamp, HeaderWebhookSignature) &&
		present(h, HeaderSvixID, HeaderSvixTimestamp, HeaderSvixSignature) {
		return HeaderSvixID, HeaderSvixTimestamp, HeaderSvixSignature
	}
	return HeaderWebhookID, HeaderWebhookTimestamp, HeaderWebhookSignature
}

// standardSigs are the signatures in a webhook-signature header: its
// space-separated "version,signature" entries, several while a sender
// rotates keys. Entries of other versions are skipped.
type standardSigs struct {
	v1, v1a       [][]byte // the well-formed ones: 32-byte HMACs, 64-byte Ed25519 signatures
	sawV1, sawV1a bool     // an entry of the version, well-formed or not
	// loose: an entry of a version that would decode had its last
	// character's unused bits been ignored (see canonicalBase64).
	looseV1, looseV1a bool
}

// canonicalBase64 decodes a signature only from its one standard encoding:
// base64 leaves the last character's low bits unused, and a decoder that
// ignores them takes several strings for one signature. Svix's libraries
// compare the encoded strings, so they refuse the others; so does this.
// (strings.FieldsSeq has already split on the line breaks it would skip.)
var canonicalBase64 = base64.StdEncoding.Strict()

// decodeSig decodes a signature of n bytes. loose reports one that only a
// decoder ignoring the unused bits would take (the failure path alone
// looks).
func decodeSig(enc string, n int) (sig []byte, loose bool) {
	if sig, err := canonicalBase64.DecodeString(enc); err == nil && len(sig) == n {
		return sig, false
	}
	lax, err := base64.StdEncoding.DecodeString(enc)
	return nil, err == nil && len(lax) == n
}

func readStandardSigs(values []string) standardSigs {
	var s standardSigs
	for _, v := range values {
		for entry := range strings.FieldsSeq(v) {
			version, enc, ok := strings.Cut(entry, ",")
			if !ok {
				continue
			}
			switch version {
			case "v1":
				s.sawV1 = true
				sig, loose := decodeSig(enc, macSize)
				if sig != nil {
					s.v1 = append(s.v1, sig)
				}
				s.looseV1 = s.looseV1 || loose
			case "v1a":
				s.sawV1a = true
				sig, loose := decodeSig(enc, ed25519.SignatureSize)
				if sig != nil {
					s.v1a = append(s.v1a, sig)
				}
				s.looseV1a = s.looseV1a || loose
			}
		}
	}
	return s
}

// standardKeys are the configured secrets as Standard Webhooks keys: HMAC
// keys check v1 signatures, Ed25519 public keys (whpk_, or derived from a
// whsk_) check v1a ones.
type standardKeys struct {
	hmac []indexedKey
	ed   []indexedPub
}

type indexedKey struct {
	index int
	key   []byte
}

type indexedPub struct {
	index int
	pub   ed25519.PublicKey
}

// deriveStandardKeys reads every secret before any is used, so a broken one
// is reported even when another one matches: it would fail the day it is
// needed.
func deriveStandardKeys(secrets []secret, total int) (standardKeys, Result, bool) {
	var ks standardKeys
	for _, s := range secrets {
		if KindOf(s.value) != HMACSecret {
			k, err := parseEdKey(s.value)
			if err != nil {
				return ks, fail(Standard, InvalidSecret, "", secretLabel(s.index, total)+err.Error()), false
			}
			ks.ed = append(ks.ed, indexedPub{s.index, k.pub})
			continue
		}
		key, err := standardKey(s.value)
		if err != nil {
			return ks, fail(Standard, InvalidSecret, "", secretLabel(s.index, total)+err.Error()), false
		}
		ks.hmac = append(ks.hmac, indexedKey{s.index, key})
	}
	return ks, Result{}, true
}

// kindsOf reports which signature versions the secrets can check, by their
// prefixes alone.
func kindsOf(secrets []secret) (v1, v1a bool) {
	for _, s := range secrets {
		if KindOf(s.value) == HMACSecret {
			v1 = true
		} else {
			v1a = true
		}
	}
	return v1, v1a
}

// verifyStandard checks Standard Webhooks headers (or their svix-* aliases):
// the v1 signatures with the HMAC secrets, the v1a signatures with the
// Ed25519 keys. Any signature a configured key can check that matches makes
// the request valid: a sender may put both kinds in one header.
func (v *Verifier) verifyStandard(h Headers, body []byte, now time.Time) Result {
	idName, tsName, sigName := standardNames(h)
	sigValues := values(h, sigName)
	if len(sigValues) == 0 {
		return failf(Standard, MissingHeader, sigName, "missing %s header", sigName)
	}
	id := get(h, idName)
	if id == "" {
		return failf(Standard, MissingHeader, idName, "missing %s header", idName)
	}
	tsRaw := get(h, tsName)
	if tsRaw == "" {
		return failf(Standard, MissingHeader, tsName, "missing %s header", tsName)
	}
	ts, err := strconv.ParseInt(tsRaw, 10, 64)
	if err != nil {
		return failf(Standard, MalformedHeader, tsName,
			"malformed %s header: %s is not a unix timestamp in seconds", tsName, quoteShort(tsRaw))
	}

	sigs := readStandardSigs(sigValues)
	wantV1, wantV1a := v.v1, v.v1a
	checkable := wantV1 && len(sigs.v1) > 0 || wantV1a && len(sigs.v1a) > 0
	if !checkable && len(sigs.v1) == 0 && len(sigs.v1a) == 0 {
		return malformedStandard(sigName, sigs, wantV1, wantV1a)
	}
	d := v.keys()
	if !d.ok {
		return d.failure
	}
	if !checkable {
		return failf(Standard, NoMatch, sigName, "no signature in %s can be checked with the configured secret(s): %s",
			sigName, versionMismatch(len(sigs.v1a) > 0))
	}
	matched := d.keys.match(sigs, id, tsRaw, body)
	if matched < 0 {
		return failf(Standard, NoMatch, sigName, "no signature in %s matched the configured secret(s)", sigName)
	}
	if r, ok := checkTimestamp(Standard, tsName, ts, now, v.tol); !ok {
		return r
	}
	return Result{Scheme: Standard, Valid: true, SecretIndex: matched}
}

// match is the index of the first secret that one of the signatures it can
// check matches, -1 when none does. The HMACs are compared in constant
// time; Ed25519 verification needs no secret.
func (ks standardKeys) match(sigs standardSigs, id, ts string, body []byte) int {
	matched := -1
	if len(sigs.v1) > 0 {
		for _, k := range ks.hmac {
			m := getMAC(k.key)
			m.buf = standardMAC(m, m.buf, id, ts, body)
			ok := anyEqual(m.buf, sigs.v1)
			m.release()
			if ok {
				matched = k.index
				break
			}
		}
	}
	if len(sigs.v1a) > 0 && len(ks.ed) > 0 {
		msg := signedContent(make([]byte, 0, len(id)+len(ts)+2+len(body)), id, ts, body)
		for _, k := range ks.ed {
			if matched >= 0 && k.index > matched {
				break
			}
			if anyVerifies(k.pub, msg, sigs.v1a) {
				matched = k.index
				break
			}
		}
	}
	return matched
}

func anyVerifies(pub ed25519.PublicKey, msg []byte, sigs [][]byte) bool {
	for _, s := range sigs {
		if ed25519.Verify(pub, msg, s) {
			return true
		}
	}
	return false
}

// malformedStandard says why a header holds no signature of a version the
// configured secrets check.
func malformedStandard(sigName string, sigs standardSigs, wantV1, wantV1a bool) Result {
	switch {
	case wantV1 && sigs.sawV1:
		return failf(Standard, MalformedHeader, sigName,
			"malformed %s header: the v1 signature is not a base64 SHA-256 HMAC%s", sigName, looseNote(sigs.looseV1))
	case wantV1a && sigs.sawV1a:
		return failf(Standard, MalformedHeader, sigName,
			"malformed %s header: the v1a signature is not a base64 Ed25519 signature%s", sigName, looseNote(sigs.looseV1a))
	case wantV1 && wantV1a:
		return failf(Standard, MalformedHeader, sigName,
			"malformed %s header: no v1 or v1a signature (expected \"v1,<base64>\" or \"v1a,<base64>\")", sigName)
	case wantV1a:
		return failf(Standard, MalformedHeader, sigName,
			"malformed %s header: no v1a signature (expected \"v1a,<base64>\")", sigName)
	}
	return failf(Standard, MalformedHeader, sigName,
		"malformed %s header: no v1 signature (expected \"v1,<base64>\")", sigName)
}

// looseNote says why a signature that looks right is refused, when it is
// the encoding's unused bits.
func looseNote(loose bool) string {
	if !loose {
		return ""
	}
	return " in its one standard encoding: its last character sets bits base64 leaves unused " +
		"(a standard base64 encoder of the HMAC writes it one way only)"
}

// versionMismatch says which kind of key the header's signatures need:
// onlyV1a when it carries v1a signatures and the secrets are all HMAC
// secrets, else the reverse.
func versionMismatch(onlyV1a bool) string {
	if onlyV1a {
		return "it carries only v1a (Ed25519) signatures, which the sender's whpk_ public key checks, " +
			"and every secret configured is an HMAC secret, which checks v1 signatures"
	}
	return "it carries only v1 (HMAC) signatures, which the shared whsec_ secret checks, " +
		"and every key configured is an Ed25519 key (whpk_ or whsk_), which checks v1a signatures"
}
