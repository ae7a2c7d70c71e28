package probe

import (
	"errors"
	"fmt"
	"mime"
	"slices"
	"strings"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/callback"
	"github.com/webhook-tool/webhook-tool/internal/delivery"
	"github.com/webhook-tool/webhook-tool/internal/render"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// grade turns what was sent and received into the checks, in CheckIDs order.
func (p *prober) grade() []Check {
	var out []Check
	for _, id := range CheckIDs() {
		var c Check
		if why := p.skipReason(id); why != "" {
			c = Check{Result: Skip, Detail: why}
		} else {
			c = p.gradeOne(id)
		}
		if c.Result == Fail {
			c.Diagnosis = p.firstDiagnosis(id)
		}
		c.ID = id
		if c.Requests == nil {
			c.Requests = []Exchange{}
		}
		out = append(out, c)
	}
	return out
}

func (p *prober) gradeOne(id string) Check {
	switch id {
	case CheckValid:
		return p.gradeValid()
	case CheckAckTime:
		return p.gradeAckTime()
	case CheckUnsigned, CheckTampered, CheckWrongSecret, CheckStale, CheckFuture:
		return p.gradeRejected(id)
	case CheckDuplicate:
		return p.gradeDuplicate()
	case CheckUnknownFields:
		return p.gradeUnknownFields()
	case CheckMalformedJSON:
		return p.gradeMalformed()
	case CheckCallback:
		return p.gradeCallback()
	case CheckRotationOrder, CheckRotationSecrets, CheckSvixHeaders:
		return p.gradeRotation(id)
	default: // CheckCallbackOnce
		return p.gradeCallbackOnce()
	}
}

// withRequests is c with the exchanges of ss and their summed duration.
func withRequests(c Check, ss ...sent) Check {
	for _, s := range ss {
		c.Requests = append(c.Requests, s.exchange())
		c.Duration += s.duration
	}
	return c
}

func is4xx(s sent) bool { return s.err == nil && s.status >= 400 && s.status < 500 }
func is5xx(s sent) bool { return s.err == nil && s.status >= 500 }

func (p *prober) gradeValid() Check {
	var bad, answers []string
	var first *sent
	for i, s := range p.valid {
		if !s.ok() {
			bad = append(bad, s.fixture+": "+s.answer())
			answers = append(answers, s.answer())
			if first == nil {
				first = &p.valid[i]
			}
		}
	}
	refused := len(bad)
	if len(bad) > 1 && len(slices.Compact(answers)) == 1 {
		bad = []string{"each " + answers[0]} // the same answer to each: say it once
	}
	c := withRequests(Check{}, p.valid...)
	n := len(p.valid)
	kind := "correctly signed"
	if p.opts.Scheme == signature.None {
		kind = "unsigned (--scheme none)"
	}
	if len(bad) == 0 {
		c.Result, c.Detail = Pass, fmt.Sprintf("%d of %d %s deliveries answered 2xx", n, n, kind)
		return c
	}
	c.Result = Fail
	c.Detail = fmt.Sprintf("%d of %d %s deliveries not answered 2xx: %s", refused, n, kind, strings.Join(bad, "; "))
	c.Hint = validHint(*first)
	return c
}

// validHint says what to fix when a correct delivery was not accepted.
func validHint(s sent) string {
	var te *delivery.TimeoutError
	switch st := s.status; {
	case errors.As(s.err, &te):
		return "your endpoint did not answer within --timeout: answer 2xx as soon as the delivery is verified, and do the work afterwards"
	case s.err != nil:
		return ""
	case st == 401 || st == 403:
		return "your endpoint rejected a correctly signed delivery: check that --secret and --scheme are what it verifies with, and that it verifies the raw body bytes as received"
	case st == 404 || st == 405:
		return "check the path in --to: the endpoint does not take POSTs there"
	case st >= 300 && st < 400:
		return "your endpoint redirects: point --to at the final URL (webhook senders do not follow redirects)"
	case st == 413:
		return "your endpoint refused the body's size: vendors' deliveries are several KB"
	case st >= 400 && st < 500:
		return "your endpoint rejected a valid payload: compare its parsing with the payload (`webhook-tool fixtures show NAME`)"
	case st >= 500:
		return "your endpoint failed on a valid delivery (see its logs): a 5xx makes the sender retry it"
	}
	return "answer a correctly signed delivery with 2xx"
}

func (p *prober) gradeAckTime() Check {
	c := Check{}
	var slow []string
	var slowest time.Duration
	accepted := 0
	for _, s := range p.valid {
		if !s.ok() {
			continue
		}
		accepted++
		c = withRequests(c, s)
		slowest = max(slowest, s.duration)
		if s.duration > p.opts.AckWithin {
			slow = append(slow, s.fixture+" in "+render.Duration(s.duration))
		}
	}
	switch {
	case accepted == 0:
		c.Result, c.Detail = Skip, "no correctly signed delivery was answered 2xx, so none was timed"
	case len(slow) == 0:
		c.Result = Pass
		c.Detail = fmt.Sprintf("the slowest 2xx took %s (--ack-within %s)", render.Duration(slowest), p.opts.AckWithin)
	default:
		c.Result = Fail
		c.Detail = fmt.Sprintf("%d of %d 2xx answers took longer than --ack-within %s: %s", len(slow), accepted, p.opts.AckWithin, strings.Join(slow, ", "))
		c.Hint = "answer 2xx as soon as the delivery is verified and do the work afterwards (a queue, a background job): a sender that waits too long counts the delivery as failed and sends it again"
	}
	return c
}

// sigHeader names the header that carries the scheme's signature.
func (p *prober) sigHeader() string {
	switch p.opts.Scheme {
	case signature.GitHub:
		return signature.HeaderGitHubSignature
	case signature.Stripe:
		return signature.HeaderStripeSignature
	case signature.Bearer:
		return signature.HeaderAuthorization
	}
	return signature.HeaderWebhookSignature
}

// tsHeader names where the scheme carries its timestamp.
func (p *prober) tsHeader() string {
	if p.opts.Scheme == signature.Stripe {
		return "the t= of Stripe-Signature"
	}
	return signature.HeaderWebhookTimestamp
}

// rejectHint is the fix for a receiver that accepted what check sent.
func (p *prober) rejectHint(check string) string {
	bearer := p.opts.Scheme == signature.Bearer
	switch check {
	case CheckUnsigned:
		if bearer {
			return "your endpoint accepted a delivery with no Authorization header: check the bearer token before processing the body"
		}
		return "your endpoint accepted a delivery with no signature: verify " + p.sigHeader() + " before processing the body"
	case CheckTampered:
		return "your endpoint accepted a body that does not match its signature: compute the HMAC over the raw body bytes exactly as received, and compare it in constant time"
	case CheckWrongSecret:
		if bearer {
			return "your endpoint accepted a token that is not its secret: compare the whole bearer token with the secret, in constant time"
		}
		return "your endpoint accepted a signature made with another key: compute the signature with your secret and compare it with " + p.sigHeader() + ", rather than only checking that the header is there"
	case CheckStale:
		return "your endpoint accepted an old timestamp: reject a delivery whose " + p.tsHeader() + " is more than the tolerance from your clock; that is what stops a replayed delivery"
	default: // CheckFuture
		return "your endpoint accepted a timestamp from the future: compare the absolute difference between " + p.tsHeader() + " and your clock with the tolerance, not only how old it is"
	}
}

// single starts grading a check that sent one request: its exchange and
// the detail of a wrong answer (what was sent, what came back); ok is false,
// and the check skipped, when nothing was sent.
func (p *prober) single(check string) (c Check, s sent, ok bool) {
	ss := p.others[check]
	c = withRequests(Check{}, ss...)
	if len(ss) == 0 {
		c.Result, c.Detail = Skip, "nothing was sent"
		return c, sent{}, false
	}
	c.Detail = fmt.Sprintf("sent %s; %s", p.notes[check], ss[0].answer())
	return c, ss[0], true
}

// gradeRejected grades a check whose delivery must be refused with 4xx.
func (p *prober) gradeRejected(check string) Check {
	c, s, ok := p.single(check)
	if !ok {
		return c
	}
	switch {
	case is4xx(s):
		c.Result, c.Detail = Pass, p.passDetail(check, s)
	case is5xx(s):
		c.Result = Fail
		c.Hint = "answer 401 (or another 4xx) to a delivery that fails verification: a 5xx makes the sender retry it"
	case s.err != nil:
		c.Result = Fail
	case s.status >= 300 && s.status < 400:
		c.Result = Fail
		c.Hint = "your endpoint answered a redirect, which webhook senders do not follow: point --to at the final URL, and answer 401 (or another 4xx) to a delivery that fails verification"
	default:
		c.Result = Fail
		c.Hint = p.rejectHint(check)
	}
	return c
}

// passDetail is the short detail of a check that passed: what was sent, in
// a few words, and the status; the failures say more.
func (p *prober) passDetail(check string, ss ...sent) string {
	bearer := p.opts.Scheme == signature.Bearer
	var what string
	switch check {
	case CheckUnsigned:
		what = "no signature header"
		if bearer {
			what = "no Authorization header"
		}
	case CheckTampered:
		what = "a body byte changed after signing"
	case CheckWrongSecret:
		what = "signed with another secret"
		if bearer {
			what = "another bearer token"
		}
	case CheckStale:
		what = "a timestamp " + (2 * p.opts.Tolerance).String() + " old"
	case CheckFuture:
		what = "a timestamp " + (2 * p.opts.Tolerance).String() + " ahead"
	case CheckDuplicate:
		what = "the same delivery twice"
	case CheckUnknownFields:
		what = "fields no schema knows, at several depths"
	case CheckMalformedJSON:
		what = "a body that is not JSON"
	}
	statuses := make([]string, len(ss))
	for i, s := range ss {
		statuses[i] = delivery.StatusText(s.status)
	}
	return what + ": answered " + strings.Join(statuses, ", then ")
}

func (p *prober) gradeDuplicate() Check {
	ss := p.others[CheckDuplicate]
	c := withRequests(Check{}, ss...)
	if len(ss) != 2 {
		c.Result, c.Detail = Skip, "nothing was sent"
		return c
	}
	c.Detail = fmt.Sprintf("sent %s; %s, then %s", p.notes[CheckDuplicate], ss[0].answer(), ss[1].answer())
	if ss[0].ok() && ss[1].ok() {
		c.Result, c.Detail = Pass, p.passDetail(CheckDuplicate, ss...)
		return c
	}
	c.Result = Fail
	if ss[0].err != nil || ss[1].err != nil {
		return c // the detail says what went wrong; there is no answer to fix
	}
	key := "the payload's content"
	switch {
	case p.dupBase.prof.IDHeader != "":
		key = p.dupBase.prof.IDHeader
	case p.opts.Scheme == signature.Standard:
		key = "webhook-id"
	case p.dupBase.pa:
		key = "the payload's id"
	}
	c.Hint = "answer a redelivery with 2xx and skip the work (deduplicate by " + key + "): the sender retries anything else"
	return c
}

func (p *prober) gradeUnknownFields() Check {
	c, s, ok := p.single(CheckUnknownFields)
	if !ok {
		return c
	}
	if s.ok() {
		c.Result, c.Detail = Pass, p.passDetail(CheckUnknownFields, s)
		return c
	}
	c.Result = Fail
	if s.err != nil {
		return c
	}
	c.Hint = "your endpoint refused fields it does not know: ignore unknown fields (vendors add fields without notice) and check only the ones you use"
	return c
}

func (p *prober) gradeMalformed() Check {
	c, s, ok := p.single(CheckMalformedJSON)
	if !ok {
		return c
	}
	switch {
	case is4xx(s):
		c.Result, c.Detail = Pass, p.passDetail(CheckMalformedJSON, s)
	case s.ok():
		c.Result = Warn
		c.Hint = "answer 400 to a body that is not JSON, so whoever sent it learns it is broken"
	case is5xx(s):
		c.Result = Fail
		c.Hint = "answer 400 to a body that is not JSON: a 5xx tells the sender to retry, and it would retry this one forever"
	case s.err != nil:
		c.Result = Fail
	default:
		c.Result = Fail
		c.Hint = "answer 400 to a body that is not JSON"
	}
	return c
}

func (p *prober) gradeCallback() Check {
	ids, answered, _ := p.expectedCallbacks()
	var expected []string
	for _, id := range ids {
		if p.isValidID(id) {
			expected = append(expected, id)
		}
	}
	if len(expected) == 0 {
		return Check{Result: Skip, Detail: "no " + p.dupBase.prof.Title() + " delivery was answered 2xx, so none was to call back"}
	}
	var missing, wrong []string
	for _, id := range expected {
		first, n := p.standin.Received(id)
		name := p.fixtureOf(id)
		if n == 0 || first.At.Sub(answered[id]) > p.opts.CallbackWithin {
			missing = append(missing, name)
			continue
		}
		if why := badCallback(first); why != "" {
			wrong = append(wrong, name+": "+why)
		} else if n > 1 {
			wrong = append(wrong, fmt.Sprintf("%s: %d callbacks to one callback URL", name, n))
		}
	}
	n := len(expected)
	within, title := p.opts.CallbackWithin, p.dupBase.prof.Title()
	switch {
	case len(wrong) > 0:
		return Check{Result: Fail, Detail: fmt.Sprintf("%d of %d callbacks were wrong: %s", len(wrong), n, strings.Join(wrong, "; ")),
			Hint: "POST each callback once, with Content-Type: text/plain and the message as the body"}
	case len(missing) > 0:
		detail := fmt.Sprintf("no callback within %s for %d of %d accepted %s deliveries: %s",
			within, len(missing), n, title, strings.Join(missing, ", "))
		if len(missing) == n && n > 1 {
			detail = fmt.Sprintf("no callback within %s for any of the %d accepted %s deliveries", within, n, title)
		}
		c := Check{Result: Warn, Detail: detail,
			Hint: "POST a plain-text message to each delivery's callback URL once it is handled (--expect-callback makes a missing one a failure)"}
		if p.opts.ExpectCallback {
			c.Result = Fail
			c.Hint = "POST a plain-text message to each delivery's callback URL once it is handled (Content-Type: text/plain)"
		}
		return c
	}
	return Check{Result: Pass, Detail: fmt.Sprintf("%d of %d accepted %s deliveries called back with a text/plain message within %s", n, n, title, within)}
}

// badCallback says what is wrong with a callback, "" when nothing is.
func badCallback(cb callback.Callback) string {
	mt, _, err := mime.ParseMediaType(cb.ContentType)
	switch {
	case cb.ContentType == "":
		return "no Content-Type; want text/plain"
	case err != nil || mt != "text/plain":
		return fmt.Sprintf("Content-Type %s; want text/plain", quote(cb.ContentType))
	case strings.TrimSpace(cb.Body) == "":
		return "an empty message"
	}
	return ""
}

func (p *prober) gradeCallbackOnce() Check {
	dup := p.others[CheckDuplicate]
	if len(dup) == 0 {
		return Check{Result: Skip, Detail: "nothing was sent"}
	}
	n := p.callbacks(dup[0].id)
	detail := fmt.Sprintf("%d %s for the delivery sent twice (%s)", n, plural(n, "callback", "callbacks"), dup[0].fixture)
	if n <= 1 {
		return Check{Result: Pass, Detail: detail}
	}
	return Check{Result: Fail, Detail: detail,
		Hint: "post the callback once per delivery id: a redelivery must not post again, and a callback URL must not be reused"}
}

func (p *prober) isValidID(id string) bool {
	for _, s := range p.valid {
		if s.id == id {
			return true
		}
	}
	return false
}

func (p *prober) fixtureOf(id string) string {
	for _, s := range p.valid {
		if s.id == id {
			return s.fixture
		}
	}
	return id
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
