package signature

import (
	"bytes"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
)

// bodyChange is one candidate change to the body as received.
type bodyChange struct {
	cause  Cause
	change string // "the body with a trailing newline removed"
	why    string // what most likely happened on the way, and what to do
	apply  func([]byte) []byte
	when   func([]byte) bool // nil: always applies
	json   bool              // the change needs a JSON body
}

const verifyRaw = "verify the raw bytes you received"

// textChanges are tried before the JSON ones: they are cheap, and a body
// that is not JSON can still have them.
var textChanges = []bodyChange{
	{CauseTrailingNewline, "this body with a trailing newline removed",
		"something between the sender and your handler added one; " + verifyRaw,
		func(b []byte) []byte {
			if c, ok := bytes.CutSuffix(b, []byte("\r\n")); ok {
				return c
			}
			return b[:len(b)-1]
		},
		func(b []byte) bool { return bytes.HasSuffix(b, []byte("\n")) }, false},
	{CauseTrailingNewline, "this body with a trailing newline added",
		"the sender signed a body ending in a newline, and something between it and your handler removed it (a trim, a line reader); " + verifyRaw,
		func(b []byte) []byte { return append(bytes.Clone(b), '\n') }, nil, false},
	{CauseLineEndings, "this body with CRLF line endings turned into LF",
		"something turned the sender's LF line endings into CRLF (a text-mode write, a Windows tool, git's autocrlf); " + verifyRaw + ", in binary mode",
		func(b []byte) []byte { return bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")) },
		func(b []byte) bool { return bytes.Contains(b, []byte("\r\n")) }, false},
	{CauseLineEndings, "this body with LF line endings turned into CRLF",
		"the sender signed CRLF line endings and something turned them into LF (a text-mode read, a line reader); " + verifyRaw + ", in binary mode",
		func(b []byte) []byte {
			return bytes.ReplaceAll(bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n"))
		},
		func(b []byte) bool { return bytes.Contains(b, []byte("\n")) }, false},
	{CauseBOM, "this body with its UTF-8 byte order mark removed",
		"something added a byte order mark in front of the body (an editor, a .NET or PowerShell text writer); " + verifyRaw + ", without re-encoding them",
		func(b []byte) []byte { return b[len(utf8BOM):] },
		func(b []byte) bool { return bytes.HasPrefix(b, utf8BOM) }, false},
	{CauseBOM, "this body with a UTF-8 byte order mark added",
		"the sender signed a body starting with a byte order mark, and a UTF-8 decoder on the way dropped it; " + verifyRaw + ", without decoding them",
		func(b []byte) []byte { return append(bytes.Clone(utf8BOM), b...) },
		func(b []byte) bool { return !bytes.HasPrefix(b, utf8BOM) }, false},
}

var utf8BOM = []byte{0xef, 0xbb, 0xbf}

const reserialised = "the sender signed the JSON in that form, and something between it and your check parsed the JSON " +
	"and wrote it out again (a body-parsing middleware, a proxy, a pretty-printer such as jq); " +
	"verify the raw request bytes, before any JSON parsing"

var escapings = []struct {
	esc  escaping
	name string
}{
	{escKeep, ""},
	{escPlain, ", \\u escapes decoded"},
	{escASCII, ", non-ASCII characters as \\u escapes"},
	{escHTML, ", <, > and & as \\u escapes (as Go writes them)"},
}

var layouts = []struct {
	lay  layout
	name string
}{
	{layout{}, "compacted (no whitespace)"},
	{layout{spaced: true}, "on one line with a space after each , and : (Python's default)"},
	{layout{indent: "  "}, "pretty-printed with 2-space indents"},
	{layout{indent: "    "}, "pretty-printed with 4-space indents"},
	{layout{indent: "\t"}, "pretty-printed with tab indents"},
}

// jsonChanges lists the re-serialisations: the string escapes alone, then
// every layout, with the keys as received or sorted, with each escaping,
// and (strings as received) with a trailing newline.
func jsonChanges(tree func() jsonNode) []bodyChange {
	var out []bodyChange
	for _, e := range escapings[1:] {
		esc := e.esc
		out = append(out, bodyChange{CauseJSONReformatted, "this body with its string escapes changed" + e.name + ", layout kept",
			reserialised, func(b []byte) []byte { return reescape(b, esc) }, nil, true})
	}
	for _, l := range layouts {
		for _, sorted := range []bool{false, true} {
			keys := ", keys as received"
			if sorted {
				keys = ", keys sorted"
			}
			for _, e := range escapings {
				for _, nl := range []bool{false, true} {
					if nl && e.esc != escKeep {
						continue
					}
					name := "this body " + l.name + keys + e.name
					if nl {
						name += ", with a trailing newline"
					}
					lay, esc, sorted, nl := l.lay, e.esc, sorted, nl
					out = append(out, bodyChange{CauseJSONReformatted, name, reserialised,
						func(b []byte) []byte {
							v := writeJSON(make([]byte, 0, len(b)), tree(), lay, esc, sorted, 0)
							if nl {
								v = append(v, '\n')
							}
							return v
						}, nil, true})
				}
			}
		}
	}
	return out
}

// bodyCandidates tries every change to the body against every target.
func (d *doctor) bodyCandidates(targets []*target, keys [][]namedKey) bool {
	var parsed *jsonNode // parsed once, when a JSON change first needs it
	tree := func() jsonNode {
		if parsed == nil {
			n := parseJSON(d.body)
			parsed = &n
		}
		return *parsed
	}
	changes := append(textChanges[:len(textChanges):len(textChanges)], jsonChanges(tree)...)
	if len(d.body) > MaxDiagnoseBody {
		for _, t := range targets {
			d.skip(t.scheme, "", "every change to the body",
				fmt.Sprintf("the body is over %d bytes, the limit for transforming it", MaxDiagnoseBody))
		}
		return false
	}
	seen := map[[sha256.Size]byte]bool{sha256.Sum256(d.body): true}
	isJSON, jsonChecked := false, false
	for _, c := range changes {
		if c.when != nil && !c.when(d.body) {
			continue
		}
		if c.json {
			if !jsonChecked {
				isJSON, jsonChecked = json.Valid(d.body), true
				if !isJSON {
					for _, t := range targets {
						d.skip(t.scheme, CauseJSONReformatted, "every re-serialisation of the body", "the body is not JSON")
					}
				}
			}
			if !isJSON {
				break
			}
		}
		v := c.apply(d.body)
		sum := sha256.Sum256(v)
		if seen[sum] {
			d.report.Repeats++
			continue
		}
		seen[sum] = true
		for i, t := range targets {
			which, ok := t.matchAny(keys[i], v)
			detail := fmt.Sprintf("the %s signature matches %s: %s", t.scheme, c.change, c.why)
			if len(keys[i]) > 1 {
				detail = fmt.Sprintf("the %s signature matches %s (with %s): %s", t.scheme, c.change, which, c.why)
			}
			if d.try(t, c.cause, c.change, ok, detail) {
				return true
			}
		}
	}
	return false
}

// secretChange is one other way of turning a secret into the HMAC key (or,
// for a whsk_ or whpk_ key, into its Ed25519 public key).
type secretChange struct {
	cause  Cause
	change string
	why    string
	key    []byte
	pub    ed25519.PublicKey
}

// secretChanges lists, for one configured secret, the keys a sender may
// have made of it instead.
func (t *target) secretChanges(secret, name string) []secretChange {
	var out []secretChange
	if trimmed := trimSecret(secret); trimmed != secret && trimmed != "" {
		if k, ok := t.namedKey(trimmed, name); ok && k.pub != nil {
			out = append(out, secretChange{cause: CauseSecretWhitespace, change: name + " with surrounding whitespace or quotes trimmed",
				why: "the configured key carries them (a copy-paste, a quoted value in an environment file), so it was not read as a " +
					"whsk_ or whpk_ key; remove them where it is configured", pub: k.pub})
		} else if k, ok := t.key(trimmed); ok {
			out = append(out, secretChange{CauseSecretWhitespace, name + " with surrounding whitespace or quotes trimmed",
				"the configured secret carries them (a copy-paste, a quoted value in an environment file); remove them where it is configured", k, nil})
		}
	}
	if k, ok := t.key(secret + "\n"); ok {
		out = append(out, secretChange{CauseSecretWhitespace, name + " with a trailing newline",
			"the sender's copy of the secret ends with a newline (it reads it from a file written by echo, say); strip it on the sender's side", k, nil})
	}
	after, prefixed := strings.CutPrefix(secret, standardSecretPrefix)
	same := "; configure both sides to read the secret the same way"
	switch {
	case t.scheme == Standard && prefixed:
		out = append(out,
			secretChange{CauseSecretEncoding, name + " used whole as raw bytes, whsec_ prefix included",
				"the sender uses the secret's text as the key, while Standard Webhooks base64-decodes the part after whsec_" + same, []byte(secret), nil},
			secretChange{CauseSecretEncoding, name + "'s text after whsec_ used as raw bytes, not base64-decoded",
				"the sender drops the whsec_ prefix but does not base64-decode the rest" + same, []byte(after), nil})
	case t.scheme == Standard:
		if k, ok := decodeBase64(secret); ok {
			out = append(out, secretChange{CauseSecretEncoding, name + " base64-decoded, as if it had the whsec_ prefix",
				"the sender base64-decodes the secret (Svix's libraries always do), while a secret without whsec_ is used here as raw bytes; give it here with its whsec_ prefix", k, nil})
		}
	case prefixed:
		if k, err := standardKey(secret); err == nil {
			out = append(out, secretChange{CauseSecretEncoding, name + " base64-decoded after whsec_, as Standard Webhooks does",
				"the sender decodes the secret the Standard Webhooks way, while the " + string(t.scheme) + " scheme uses the secret's text as the key" + same, k, nil})
		}
		out = append(out, secretChange{CauseSecretEncoding, name + " without its whsec_ prefix",
			"the sender drops the whsec_ prefix" + same, []byte(after), nil})
	default:
		if k, ok := decodeBase64(secret); ok {
			out = append(out, secretChange{CauseSecretEncoding, name + " base64-decoded",
				"the sender base64-decodes the secret, while the " + string(t.scheme) + " scheme uses its text as the key" + same, k, nil})
		}
	}
	return out
}

// secretCandidates tries the other ways of reading each secret, then the
// secrets configured for something else, over the body as received.
func (d *doctor) secretCandidates(t *target, normal []namedKey) bool {
	for i, s := range d.secrets {
		for _, c := range t.secretChanges(s, secretLabelFor(i, len(d.secrets))) {
			k := namedKey{key: c.key, pub: c.pub}
			if sameKey(k, normal) {
				continue // it is one of the keys already tried
			}
			_, ok := t.matchAny([]namedKey{k}, d.body)
			detail := fmt.Sprintf("the %s signature matches %s: %s", t.scheme, c.change, c.why)
			if d.try(t, c.cause, c.change, ok, detail) {
				return true
			}
		}
	}
	for _, o := range d.others {
		k, ok := t.namedKey(o.Value, o.Name)
		if !ok {
			d.skip(t.scheme, CauseOtherSecret, o.Name, "it cannot be used with the "+string(t.scheme)+" scheme")
			continue
		}
		if sameKey(k, normal) {
			continue // it is also one of the secrets given
		}
		_, ok = t.matchAny([]namedKey{k}, d.body)
		detail := fmt.Sprintf("the %s signature matches %s%s", t.scheme, o.Name,
			o.fix(", not the secret(s) given to this check: the sender signs with another environment's or setting's secret; give both sides the same one"))
		if d.try(t, CauseOtherSecret, o.Name, ok, detail) {
			return true
		}
	}
	return false
}

// trimSecret removes surrounding whitespace and quotes.
func trimSecret(s string) string {
	for {
		t := strings.TrimSpace(s)
		if len(t) >= 2 && (t[0] == '"' || t[0] == '\'') && t[len(t)-1] == t[0] {
			t = t[1 : len(t)-1]
		}
		if t == s {
			return t
		}
		s = t
	}
}

func decodeBase64(s string) ([]byte, bool) {
	k, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		k, err = base64.RawStdEncoding.DecodeString(s)
	}
	return k, err == nil && len(k) > 0
}

// bearer explains a bearer token that matched no secret: the tokens are
// compared as digests, in constant time, as Verify does.
func (d *doctor) bearer(h Headers) {
	t := &target{scheme: Bearer}
	word, token, ok := strings.Cut(strings.TrimSpace(get(h, HeaderAuthorization)), " ")
	if !ok || !strings.EqualFold(word, "Bearer") {
		return
	}
	got := tokenDigest(trimSecret(token))
	for i, s := range d.secrets {
		if trimSecret(s) == s && trimSecret(token) == strings.TrimSpace(token) {
			continue
		}
		name := secretLabelFor(i, len(d.secrets))
		change := "the token and " + name + " with surrounding whitespace or quotes trimmed"
		detail := "the bearer token matches " + name + " once surrounding whitespace or quotes are trimmed: " +
			"one side carries them (a copy-paste, a quoted value in an environment file); remove them"
		if d.try(t, CauseSecretWhitespace, change, hmac.Equal(got, tokenDigest(trimSecret(s))), detail) {
			return
		}
	}
	for _, o := range d.others {
		detail := "the bearer token is " + o.Name +
			o.fix(", not one of the secrets given to this check: the sender uses another environment's or setting's secret; give both sides the same one")
		if d.try(t, CauseOtherSecret, o.Name, hmac.Equal(got, tokenDigest(trimSecret(o.Value))), detail) {
			return
		}
	}
}
