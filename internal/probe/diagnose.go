package probe

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// Why a receiver refused a correctly signed delivery, when its answer lets
// the signature doctor (signature.Diagnose) tell: the answer names the
// cause itself (a listen in front of it, or a receiver built on this
// tool's doctor), or it shows the signature the receiver computed, which
// the doctor then explains as it explains a sender's mistake in verify and
// listen: the receiver computed it over the body parsed and written out
// again, with the secret read another way, and so on.

// refusedSignature reports whether s is a refusal a diagnosis may explain:
// a 401 or 403 to a signed delivery.
func (s sent) refusedSignature() bool {
	return s.err == nil && (s.status == http.StatusUnauthorized || s.status == http.StatusForbidden) && s.req != nil
}

// causeLine is the line listen's 401 answers end with (rejectionText).
// Compiled on first use, as the other patterns here: every run of the tool
// links probe, few run it.
var causeLine = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?m)^likely cause \(([a-z0-9-]+)\): (.+)$`)
})

// computed finds what may be a signature the receiver computed, per
// scheme: in the scheme's own form, or bare.
var computed = sync.OnceValue(func() map[signature.Scheme]*regexp.Regexp {
	return map[signature.Scheme]*regexp.Regexp{
		signature.Standard: regexp.MustCompile(`(?:^|[^A-Za-z0-9+/])(?:v1,)?([A-Za-z0-9+/]{43}=)`),
		signature.GitHub:   regexp.MustCompile(`(?i)(?:^|[^0-9a-f])(?:sha256=)?([0-9a-f]{64})(?:$|[^0-9a-f])`),
		signature.Stripe:   regexp.MustCompile(`(?i)(?:^|[^0-9a-f])(?:v1=)?([0-9a-f]{64})(?:$|[^0-9a-f])`),
	}
})

// maxComputed bounds the signatures tried from one answer.
const maxComputed = 4

// firstDiagnosis is the doctor's finding on the first of check's requests
// that a diagnosis may explain, nil when there is none.
func (p *prober) firstDiagnosis(check string) *signature.Diagnosis {
	ss := p.others[check]
	if check == CheckValid {
		ss = p.valid
	}
	for _, s := range ss {
		if s.refusedSignature() {
			return p.diagnose(s)
		}
	}
	return nil
}

// diagnose is the doctor's finding on the refusal s, nil when its answer
// tells nothing.
func (p *prober) diagnose(s sent) *signature.Diagnosis {
	if !s.refusedSignature() {
		return nil
	}
	if m := causeLine().FindSubmatch(s.answerBody); m != nil {
		return &signature.Diagnosis{Cause: signature.Cause(m[1]), Detail: p.mask(string(m[2]))}
	}
	re := computed()[p.opts.Scheme]
	if re == nil {
		return nil // bearer and none: no signature over the body
	}
	sigHeader := signatureHeader(p.opts.Scheme)
	own := strings.Join(canonical(s.req.header).Values(sigHeader), " ")
	tried := 0
	for _, m := range re.FindAllSubmatch(s.answerBody, -1) {
		sig := string(m[1])
		if strings.Contains(own, sig) || tried == maxComputed {
			continue // the signature sent, echoed back
		}
		tried++
		if d := p.explain(s.req, sigHeader, sig); d != nil {
			return d
		}
	}
	return nil
}

// explain runs the doctor on the delivery req as if it had carried sig, the
// signature the receiver computed: the change the doctor finds is what the
// receiver did to the body or the secret before signing it.
func (p *prober) explain(req *prepared, sigHeader, sig string) *signature.Diagnosis {
	h := canonical(req.header)
	switch p.opts.Scheme {
	case signature.Standard:
		h.Set(sigHeader, "v1,"+sig)
	case signature.GitHub:
		h.Set(sigHeader, "sha256="+strings.ToLower(sig))
	case signature.Stripe:
		ts, _, _ := strings.Cut(strings.TrimPrefix(h.Get(sigHeader), "t="), ",")
		h.Set(sigHeader, "t="+ts+",v1="+strings.ToLower(sig))
	}
	// The time is the one it was signed at; only the signature is in question.
	opts := signature.VerifyOptions{Scheme: p.opts.Scheme, Secrets: p.userSecrets(), Tolerance: -1}
	res := signature.Verify(opts, h, req.body)
	if res.Valid {
		return nil // it computed the right one: the comparison is what fails
	}
	rep := signature.Diagnose(signature.DiagnoseOptions{VerifyOptions: opts}, h, req.body, res)
	if rep.Diagnosis == nil {
		return nil
	}
	i := slices.IndexFunc(rep.Tried, func(c signature.Candidate) bool { return c.Outcome == "match" })
	if i < 0 {
		return nil
	}
	detail := "the signature your endpoint computed (it is in its answer) matches " + rep.Tried[i].Change + ": "
	switch rep.Diagnosis.Cause {
	case signature.CauseSecretEncoding, signature.CauseSecretWhitespace:
		detail += "it reads the secret another way than the " + string(p.opts.Scheme) + " scheme does"
	default:
		detail += "it verifies the body changed, not the bytes it received (parsed and written out again, or re-encoded); " +
			"verify the raw request bytes, before any parsing"
	}
	return &signature.Diagnosis{Cause: rep.Diagnosis.Cause, Detail: p.mask(detail)}
}

// signatureHeader is the header the scheme's signature goes in.
func signatureHeader(s signature.Scheme) string {
	switch s {
	case signature.GitHub:
		return signature.HeaderGitHubSignature
	case signature.Stripe:
		return signature.HeaderStripeSignature
	}
	return signature.HeaderWebhookSignature
}

// canonical is a copy of h with its keys in canonical form: a delivery's
// headers keep the spelling each scheme documents (webhook-signature),
// which http.Header's methods do not find.
func canonical(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		ck := http.CanonicalHeaderKey(k)
		out[ck] = append(out[ck], vs...)
	}
	return out
}
