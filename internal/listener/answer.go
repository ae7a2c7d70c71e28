package listener

import (
	"net/http"
	"time"
)

// answer is what the sender gets: chosen by the answer stage (or by a
// refusal before it), recorded as the record's status, written by respond.
type answer struct {
	status      int
	contentType string // "" with a body: text/plain; charset=utf-8
	body        []byte
	header      http.Header // more headers (Allow, Retry-After); nil: none
	// asIs is the app's answer (--forward-to): header is all of its
	// headers, and respond adds none (no Content-Type, no Date).
	asIs bool

	// held says a response rule took the delivery: hold writes the
	// answer, after the rule's delay, or drops the connection; ruled,
	// that the body is the rule's own (rules.go).
	held, ruled bool

	// close ends the connection with the answer, without reading what is
	// left of the body: a refusal's (reject).
	close bool
}

// refusedDrain is how long the rest of a refused request's body may take
// to arrive, to be discarded, before its connection is closed.
const refusedDrain = 2 * time.Second

// The answers to a request whose record could not be written: 500, so the
// sender retries.
var (
	notRecordedDelivery = []byte("webhook-tool listen could not record this delivery; see its stderr\n")
	notRecordedCallback = []byte("webhook-tool listen could not record this callback; see its stderr\n")
)

// answer is the answer stage: what a delivery that was read, authenticated
// and validated gets. A signature that failed while the secrets are
// enforced gets 401 with the reason (and the doctor's likely cause); a
// delivery whose --exec command finds no place, 503 with Retry-After; with
// --forward-to, the app's own answer; any other, --status. A delivery a
// response rule took (the program stage, rules.go) is answered as the rule
// says.
func (l *Listener) answer(r *http.Request, d *inflight, execRefused error) answer {
	if d.rule != nil {
		return l.ruleAnswer(r, d, execRefused)
	}
	return l.answerAsUsual(r, d, execRefused)
}

// answerAsUsual is the answer a delivery gets without response rules.
func (l *Listener) answerAsUsual(r *http.Request, d *inflight, execRefused error) answer {
	switch {
	case l.refuses(d.rec.Signature):
		return answer{status: http.StatusUnauthorized, body: rejectionText(d.rec.Signature)}
	case execRefused != nil:
		return l.refuseExec(d, execRefused)
	}
	if targets := l.targetsFor(r, d); len(targets) > 0 {
		return l.forward(r, d, targets)
	}
	return answer{status: l.cfg.Status}
}

// respond writes a.
func (l *Listener) respond(w http.ResponseWriter, a *answer) {
	h := w.Header()
	for name, values := range a.header {
		for _, v := range values {
			h.Add(name, v)
		}
	}
	if a.asIs {
		// net/http adds these unless they are there, even as nil.
		for _, name := range [...]string{"Content-Type", "Date"} {
			if _, ok := h[name]; !ok {
				h[name] = nil
			}
		}
	}
	contentType := a.contentType
	if contentType == "" && len(a.body) > 0 && !a.asIs {
		contentType = "text/plain; charset=utf-8"
	}
	if contentType != "" && a.header["Content-Type"] == nil { // a rule's own Content-Type wins
		h.Set("Content-Type", contentType)
	}
	if a.close {
		// After the answer net/http reads what is left of the body, up to
		// 256 KB, so that a client still sending it reads the answer
		// rather than a broken pipe; but it would wait for a client that
		// stalls for as long as the body's time limit, holding the request
		// and its headers. refusedDrain bounds that wait.
		h.Set("Connection", "close")
		_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(refusedDrain))
	}
	w.WriteHeader(a.status)
	if len(a.body) > 0 {
		_, _ = w.Write(a.body)
	}
}
