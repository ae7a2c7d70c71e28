package signature

import (
	"fmt"
	"strconv"
	"time"
)

// The signature doctor: when Verify fails, Diagnose tries a fixed list of
// the changes that usually break a signature on its way from the sender to
// the check (a re-serialised body, an added newline, a secret used with the
// wrong encoding, a signature in the wrong encoding, a clock that is off) and
// names the one that makes the signature match.
//
// The direction matters: the receiver holds the body B' it was given and a
// header signed over the body B the sender sent. Each candidate is a change T
// to what the receiver holds (or to how it reads the secret or the header)
// such that the signature over T(B') is the one in the header; the report
// then names what undid T on the way in.

// Cause names what most likely changed, as a stable id: it appears in JSON
// output and records ("diagnosis":{"cause":ID,...}).
type Cause string

// The causes Diagnose reports.
const (
	CauseJSONReformatted   Cause = "json-reformatted"   // compacted, pretty-printed, keys reordered or escapes changed
	CauseTrailingNewline   Cause = "trailing-newline"   // a final newline added or removed
	CauseLineEndings       Cause = "line-endings"       // CRLF <-> LF
	CauseBOM               Cause = "bom"                // a UTF-8 byte order mark added or removed
	CauseSecretEncoding    Cause = "secret-encoding"    // raw bytes vs base64 after whsec_
	CauseSecretWhitespace  Cause = "secret-whitespace"  // surrounding whitespace or quotes on the secret
	CauseOtherSecret       Cause = "other-secret"       // a secret configured for something else matched
	CauseSignatureEncoding Cause = "signature-encoding" // hex vs base64, or a missing v1, / sha256= prefix
	CauseClock             Cause = "clock"              // the signature matches; only the timestamp is out of tolerance
	CauseKeyType           Cause = "key-type"           // v1a signatures and only HMAC secrets, or v1 signatures and only Ed25519 keys
)

// MaxDiagnoseBody is the largest body Diagnose transforms. Larger bodies get
// only the candidates that leave the body alone (secret and signature
// encodings), so a huge delivery cannot make a failure expensive.
const MaxDiagnoseBody = 1 << 20

// Diagnosis is the finding: the cause and a sentence a person acts on,
// naming the exact change. It never contains a secret.
type Diagnosis struct {
	Cause  Cause  `json:"cause"`
	Detail string `json:"detail"`
}

// Candidate is one change Diagnose tried, for `verify --explain`.
type Candidate struct {
	Scheme  Scheme `json:"scheme"`
	Cause   Cause  `json:"cause,omitempty"` // the cause a match would establish
	Change  string `json:"change"`          // what was changed, in words
	Outcome string `json:"outcome"`         // "match", "no match" or "skipped: why"
}

// NamedSecret is a secret configured for something other than this check,
// with a name safe to print ("the config file's secret").
type NamedSecret struct {
	Name  string
	Value string
	// Load, when Value is "", reads the value when a diagnosis needs it
	// (a file another process may write later); "" leaves the secret out.
	Load func() string
	// Fix says what to do when this secret matched, short enough for one
	// line of an answer; "" is the general advice to give both sides the
	// same secret.
	Fix string
}

// fix ends the detail when o matched: ": " and o.Fix, else general.
func (o NamedSecret) fix(general string) string {
	if o.Fix != "" {
		return ": " + o.Fix
	}
	return general
}

// loaded is ss with each Load done, and those without a value left out.
func loaded(ss []NamedSecret) []NamedSecret {
	out := make([]NamedSecret, 0, len(ss))
	for _, s := range ss {
		if s.Value == "" && s.Load != nil {
			s.Value = s.Load()
		}
		if s.Value != "" {
			out = append(out, s)
		}
	}
	return out
}

// DiagnoseOptions configures Diagnose: the options Verify was given, plus
// what else may have signed the request.
type DiagnoseOptions struct {
	VerifyOptions
	// Others are secrets configured elsewhere (another environment, a
	// lower-precedence setting) that Verify did not try.
	Others []NamedSecret
}

// Report is what Diagnose found and, for the curious, what it tried.
type Report struct {
	Diagnosis *Diagnosis // nil when nothing explains the failure
	Tried     []Candidate
	// Repeats counts body candidates left out because they gave bytes an
	// earlier candidate (or the body itself) already had.
	Repeats int
}

// Diagnose looks for the cause of the failure res, which Verify returned
// for opts, h and body. It does nothing for a valid result or for failures
// no change explains (a missing header, no secret): it is never on the
// success path. Candidates are tried in a fixed order, most likely first,
// and the first that matches is the diagnosis.
func Diagnose(opts DiagnoseOptions, h Headers, body []byte, res Result) Report {
	var d doctor
	switch res.Kind {
	case StaleTimestamp, FutureTimestamp:
		d.clock(opts.VerifyOptions, h, res)
		return d.report
	case NoMatch, MalformedHeader:
	default:
		return d.report
	}
	d.secrets = nonEmptySecrets(opts.Secrets)
	d.others = loaded(opts.Others)
	d.body = body
	if res.Scheme == Standard && d.keyType(h) {
		return d.report
	}
	if res.Scheme == Bearer {
		d.bearer(h)
		return d.report
	}
	d.signed(findTargets(h, res.Scheme))
	return d.report
}

// doctor carries one diagnosis.
type doctor struct {
	secrets []string
	others  []NamedSecret
	body    []byte
	report  Report
}

func nonEmptySecrets(ss []string) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// try records a candidate and, when it matched, the diagnosis; it returns
// matched.
func (d *doctor) try(t *target, cause Cause, change string, matched bool, detail string) bool {
	outcome := "no match"
	if matched {
		outcome = "match"
		d.report.Diagnosis = &Diagnosis{Cause: cause, Detail: detail}
	}
	d.report.Tried = append(d.report.Tried, Candidate{Scheme: t.scheme, Cause: cause, Change: change, Outcome: outcome})
	return matched
}

func (d *doctor) skip(scheme Scheme, cause Cause, change, why string) {
	d.report.Tried = append(d.report.Tried, Candidate{Scheme: scheme, Cause: cause, Change: change, Outcome: "skipped: " + why})
}

// signed runs the candidates against the HMAC schemes' signatures, in
// order: the signature's encoding, then the body, then the secret.
func (d *doctor) signed(targets []*target) {
	keys := make([][]namedKey, len(targets))
	for i, t := range targets {
		keys[i] = t.keys(d.secrets)
		if d.signatureEncoding(t, keys[i]) {
			return
		}
	}
	var ok []*target
	var okKeys [][]namedKey
	for i, t := range targets {
		if !t.hasCanonical() {
			d.skip(t.scheme, "", "every change to the body or the secret",
				"no signature in "+t.header+" is in the scheme's own form")
			continue
		}
		ok, okKeys = append(ok, t), append(okKeys, keys[i])
	}
	if d.bodyCandidates(ok, okKeys) {
		return
	}
	for i, t := range ok {
		if d.secretCandidates(t, okKeys[i]) {
			return
		}
	}
}

// signatureEncoding tries the signatures that were written in another
// encoding or without their prefix, over the body as received.
func (d *doctor) signatureEncoding(t *target, keys []namedKey) bool {
	var macs [][]byte // the body's MAC under each key, computed once
	for _, s := range t.sigs {
		if s.how == "" {
			continue
		}
		if macs == nil {
			macs = make([][]byte, len(keys))
			for i, k := range keys {
				if k.pub == nil { // an Ed25519 key has no MAC to compare
					macs[i] = t.mac(k.key, d.body)
				}
			}
		}
		change := t.header + " read " + s.how
		matched := anyEqual(s.mac, macs)
		detail := fmt.Sprintf("the %s signature matches when %s is read %s: the sender writes it as %s, "+
			"and the %s scheme expects %s; fix the sender's encoding of the signature",
			t.scheme, t.header, s.how, s.written, t.scheme, t.expected)
		if d.try(t, CauseSignatureEncoding, change, matched, detail) {
			return true
		}
	}
	return false
}

// clock explains a timestamp failure: Verify checks the signature first, so
// the signature matched and only the time is off.
func (d *doctor) clock(opts VerifyOptions, h Headers, res Result) {
	var tsRaw string
	switch res.Scheme {
	case Standard:
		if t := standardTarget(h); t != nil {
			tsRaw = t.ts
		}
	case Stripe:
		if t := stripeTarget(h); t != nil {
			tsRaw = t.ts
		}
	}
	ts, err := strconv.ParseInt(tsRaw, 10, 64)
	if err != nil {
		return
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	tol := opts.Tolerance
	if tol == 0 {
		tol = DefaultTolerance
	}
	off := time.Duration(clamp(now.Unix()-clamp(ts, -1<<33, 1<<33), -1<<33, 1<<33)) * time.Second
	where := "behind"
	if off < 0 {
		off, where = -off, "ahead of"
	}
	change := "the timestamp in " + res.Header + " checked without the tolerance"
	detail := fmt.Sprintf("the %s signature matches; only the timestamp is out of tolerance: %s (%d) is %s %s this clock, "+
		"beyond the %s tolerance; if the delivery was just sent, one of the clocks is off by about that much (sync both), "+
		"else it is an old delivery or a replay (check recorded ones with verify --tolerance 0)",
		res.Scheme, res.Header, ts, off, where, tol)
	d.try(&target{scheme: res.Scheme}, CauseClock, change, true, detail)
}

// keyType explains a standard header whose signatures are all of the kind
// no configured key checks: v1a (Ed25519) ones with only HMAC secrets, or
// v1 (HMAC) ones with only Ed25519 keys. A key quoted or wrapped in
// whitespace is judged by what it holds, so the whitespace candidate, not
// this one, names that mistake.
func (d *doctor) keyType(h Headers) bool {
	if len(d.secrets) == 0 {
		return false
	}
	_, _, sigName := standardNames(h)
	sigs := readStandardSigs(values(h, sigName))
	var hmacs, eds int
	for _, s := range d.secrets {
		if KindOf(trimSecret(s)) == HMACSecret {
			hmacs++
		} else {
			eds++
		}
	}
	var detail string
	switch {
	case len(sigs.v1a) > 0 && len(sigs.v1) == 0 && eds == 0:
		detail = "the signatures in " + sigName + " are all v1a (Ed25519, Standard Webhooks' asymmetric signatures), " +
			"and every secret configured is an HMAC secret (whsec_), which checks v1 signatures only: " +
			"check them with the sender's public key, --secret whpk_... (it is not secret: the sender publishes it)"
	case len(sigs.v1) > 0 && len(sigs.v1a) == 0 && hmacs == 0:
		detail = "the signatures in " + sigName + " are all v1 (HMAC-SHA256), " +
			"and every key configured is an Ed25519 key (whpk_ or whsk_), which checks v1a signatures only: " +
			"check them with the shared whsec_ secret (--secret is repeatable, so a receiver moving to v1a can hold both), " +
			"or have the sender sign with its whsk_ key"
	default:
		return false
	}
	change := "the versions of the signatures in " + sigName + " against the kinds of key configured"
	return d.try(&target{scheme: Standard}, CauseKeyType, change, true, detail)
}
