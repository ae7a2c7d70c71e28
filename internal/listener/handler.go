package listener

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/webhook-tool/webhook-tool/internal/callback"
	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/respond"
)

// The delivery path. ServeHTTP takes every request through these stages,
// each in one place:
//
//	route         a callback, a delivery, or 404/405 (this file)
//	admit         --max-body, and a pooled first buffer (limits.go; the
//	              connection limit is the socket's, connLimiter, and the
//	              timeouts the connections', conn.go)
//	read          the body, its growth charged to the bytes-in-flight
//	              budget (read.go)
//	authenticate  the signature, verified or diagnosed (authenticate.go)
//	validate      the schema, the delivery id and duplicates (validate.go)
//	program       --events and the response rules, when listen has any (rules.go)
//	answer        what the sender gets (answer.go)
//	record        the record line, written before the answer (record.go)
//	respond       the answer written, or held and dropped as a rule says (answer.go, rules.go)
//
// and its taps: print (record.go), forward (forward.go: the app's answer is
// the sender's, so the answer stage calls it), exec (exec.go), the
// inspector (fed by the record writer's Tap) and --expect (Config.Observe,
// called by the record stage).

// inflight is one request on its way through the handler.
type inflight struct {
	rec       record.Record
	buf       *[]byte // the pooled body buffer, from admit to release
	body      []byte
	isJSON    bool
	eventName string
	fields    payload.Fields // for --exec
	idKey     idDigest       // the delivery id's digest, when tracked
	tracked   bool
	reserved  *idSet // the set idKey was added to for this delivery; nil: none
	// headerCharge is what the headers cost the bytes-in-flight budget
	// (admit), given back with the body's buffer.
	headerCharge int64

	// Set by the program stage (rules.go), when there is one.
	filtered bool          // outside --events: recorded and answered, not printed, forwarded or run
	rule     *respond.Rule // the response rule that took the delivery; nil: none
	ra       respond.Answer
}

// refusal is a request turned away before it could be checked: recorded
// with reason as its error, and answered status with reason as the body.
type refusal struct {
	status int
	reason string
	header http.Header // Allow, Retry-After; nil: none
}

// The Allow headers of a 405.
var (
	allowDelivery = http.Header{"Allow": {"POST, PUT, PATCH"}}
	allowCallback = http.Header{"Allow": {"POST"}}
)

// ServeHTTP handles one request: every request that reaches it is recorded
// before it is answered.
//
// The configured secrets' text is masked in the record's path, query and
// header values here, where the record is built, so every output shows the
// masked form (and in callback_for and forward, where they are filled).
func (l *Listener) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	l.busy.add(1)
	defer l.busy.add(-1)
	d := &inflight{rec: l.arrived(r)}
	if id, exact, ok := l.callbackID(r.URL.Path); ok {
		l.callback(w, r, d, id, exact)
		return
	}
	l.n.deliveries.Add(1)
	if !l.take(w, r, d, l.route(r, d)) {
		return
	}
	defer l.release(d)
	armLazyRead(r) // the body is read: net/http's background read waits in the conn (conn.go)
	l.authenticate(r, d)
	l.validate(r, d)
	if l.programmed {
		l.program(r, d)
	}
	job, refused := l.reserveExec(d)
	a := l.answer(r, d, refused)
	recorded := l.recordAndPrint(d, &a)
	// Only a delivery accepted (answered 2xx) and recorded keeps its id
	// and runs the command: any other, the sender delivers again.
	accepted := recorded && a.status/100 == 2
	l.keepID(d, accepted)
	l.submitExec(job, refused, d, recorded, accepted)
	if a.held {
		l.hold(w, r, d, &a)
		return
	}
	l.respond(w, &a)
}

// take runs the admit and read stages for a request the route stage let
// through (f nil), and answers a refusal, from either or from f. It
// reports whether the body is in d, to be released with l.release.
func (l *Listener) take(w http.ResponseWriter, r *http.Request, d *inflight, f *refusal) bool {
	if f == nil {
		f = l.admit(r, d)
	}
	if f == nil {
		f = l.read(w, r, d)
	}
	if f != nil {
		l.giveHeaders(d)
		l.reject(w, d, f, r.ContentLength != 0)
		return false
	}
	return true
}

// arrived is the record of r as it arrived, the secrets masked, its bytes
// kept where a JSON string cannot hold them (record's exact.go: nothing
// more for a plain delivery). (A value, so that the inflight holding it
// stays on ServeHTTP's stack.)
func (l *Listener) arrived(r *http.Request) record.Record {
	rec := record.Record{
		ReceivedAt:    l.cfg.Now(),
		Method:        r.Method,
		Path:          l.masker.MaskPath(r.URL.Path),
		Query:         l.masker.MaskQuery(record.Query(r.URL.RawQuery)),
		Headers:       record.FlattenHeaders(r.Header, l.redactHeader),
		HeadersBase64: record.HeaderBytes(r.Header, l.redactHeader),
	}
	if raw := record.RawPath(r.URL); raw != "" {
		rec.PathRaw = l.masker.MaskURL(raw)
	}
	if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
		rec.ClientCert = clientCert(r.TLS.PeerCertificates[0])
	}
	return rec
}

// route refuses a delivery outside the --path prefix (404) or not sent as
// deliveries are (405).
func (l *Listener) route(r *http.Request, d *inflight) *refusal {
	switch {
	case !l.underPrefix(r.URL.Path):
		return &refusal{status: http.StatusNotFound,
			reason: fmt.Sprintf("no deliveries are taken at %s: listen --path is %s", d.rec.Path, l.prefix)}
	case r.Method != http.MethodPost && r.Method != http.MethodPut && r.Method != http.MethodPatch:
		return &refusal{status: http.StatusMethodNotAllowed, header: allowDelivery,
			reason: fmt.Sprintf("method %s: webhook deliveries are POSTed", r.Method)}
	}
	return nil
}

func (l *Listener) underPrefix(p string) bool {
	return l.prefix == "/" || strings.HasPrefix(p, l.prefix) || p == l.prefix[:len(l.prefix)-1]
}

// callbackID reports whether p is a callback URL, {prefix}webhooks/callback/{id}
// or, since `send` builds callbacks from the origin alone,
// /webhooks/callback/{id}. exact is "" for one, and for a path meant for
// one but not it (a trailing or doubled slash: callback.NearID), which the
// callback stage refuses, the callback URL's path.
func (l *Listener) callbackID(p string) (id, exact string, ok bool) {
	for _, base := range [2]string{l.prefix, "/"} {
		if id, ok := callback.IDFromPath(p, base); ok {
			return id, "", true
		}
	}
	for _, base := range [2]string{l.prefix, "/"} {
		if id, exact, ok := callback.NearID(p, base); ok {
			return id, exact, true
		}
	}
	return "", "", false
}

// reject records and answers a request refused before it could be
// checked. unread says its body was not read (or not all of it): the
// connection then ends with the answer.
func (l *Listener) reject(w http.ResponseWriter, d *inflight, f *refusal, unread bool) {
	l.n.rejected.Add(1)
	d.rec.Error = f.reason
	a := answer{status: f.status, body: []byte(f.reason + "\n"), header: f.header}
	l.recordAndPrint(d, &a)
	a.close = unread // the refusal's, or the 500's of a record that failed
	l.respond(w, &a)
}

// recordAndPrint is the record stage and the print tap after it: d is
// recorded with a's status, and shown. A record that cannot be written
// makes a a 500 saying so, whatever it was, so that the sender retries.
func (l *Listener) recordAndPrint(d *inflight, a *answer) bool {
	if l.record(d, a.status) {
		l.print(d)
		return true
	}
	body := notRecordedDelivery
	if d.rec.Kind == record.KindCallback {
		body = notRecordedCallback
	}
	*a = answer{status: http.StatusInternalServerError, body: body}
	return false
}

// release gives the body's bytes, and its headers' charge, back to the
// in-flight budget, and its buffer to the pool unless it was forwarded:
// net/http may still be sending a forwarded body to the app when the
// app's answer is already back, so that one is left to the collector.
func (l *Listener) release(d *inflight) {
	l.giveHeaders(d)
	if d.buf == nil {
		return // given back already (hold)
	}
	l.bodies.give(charge(cap(*d.buf)))
	if d.rec.Forward == nil {
		putBody(d.buf)
	}
	d.buf, d.body = nil, nil
}
