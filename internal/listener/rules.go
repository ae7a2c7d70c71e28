package listener

import (
	"net/http"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/respond"
	"github.com/webhook-tool/webhook-tool/internal/route"
)

// The program stage: listen's response rules (--respond) and its --events
// filter. It runs between validate and answer, and only when there are
// rules or a filter: without them a delivery takes the path it always has.
//
// A delivery's seq is handed out when its record is written, which is
// before it is answered, and after the rule is chosen (the record names
// the rule and the status it gave). So a rule's body is filled in when
// the rule is chosen, and filled in again with the seq once the record is
// written, when it holds ${delivery.seq} (hold): the seq the sender reads
// is the record's.

// program is the program stage: it marks a delivery outside --events, and
// asks the rules which one takes it. A delivery whose signature is refused
// (--secret) is put to the rules only when one matches bad signatures on
// purpose.
func (l *Listener) program(r *http.Request, d *inflight) {
	event := d.event()
	schema := d.rec.Schema.Name
	if l.cfg.Events.Active() && !l.cfg.Events.Allows(route.Delivery{Path: r.URL.Path, Schema: schema, Event: event}) {
		d.filtered = true
		l.n.filtered.Add(1)
	}
	if l.cfg.Rules.Len() == 0 || l.refuses(d.rec.Signature) && !l.cfg.Rules.MatchesBadSignature() {
		return
	}
	rule, a, ok := l.cfg.Rules.Match(respond.View{
		ID: d.rec.DeliveryID, Method: r.Method, Path: r.URL.Path, Schema: schema, Event: event, Header: r.Header,
		Signature: d.rec.Signature.Verdict(), Payload: d.rec.Schema.Verdict(), SignatureEnforced: !l.cfg.ReportOnly,
	})
	if ok {
		d.rule, d.ra = rule, a
	}
}

// event is the delivery's event name, read at its profile's event field;
// "" when it has none.
func (d *inflight) event() string { return d.fields.Event }

// runsExec reports whether the rule that took d lets its --exec command
// run: not for a delivery it turns away (a status other than 2xx, a
// dropped connection), which the sender will deliver again.
func (d *inflight) runsExec() bool {
	a := &d.ra
	return d.rule == nil || !a.Close && !a.Hang && (!a.Answers || a.Status == 0 || a.Status/100 == 2)
}

// ruleAnswer is the answer stage for a delivery a rule took. A rule that
// answers gives its own answer (status 0 for close and hang, recorded so);
// one that does not lets the delivery have the answer it would get without
// rules, after the rule's delay. An --exec command that found no place
// still gets the sender a 503, so it retries.
func (l *Listener) ruleAnswer(r *http.Request, d *inflight, execRefused error) answer {
	if execRefused != nil {
		return l.refuseExec(d, execRefused)
	}
	d.rec.Rule = &l.ruleRefs[d.rule.Number-1]
	ra := &d.ra
	var a answer
	switch {
	case !ra.Answers:
		a = l.answerAsUsual(r, d, nil)
		if l.refuses(d.rec.Signature) {
			l.forwardAnyway(r, d) // to the rule's URLs: the sender still gets 401
		}
	case ra.Close || ra.Hang:
		l.forwardAnyway(r, d)
		a = answer{} // status 0: no answer
	default:
		l.forwardAnyway(r, d)
		a = answer{status: ra.Status, body: ra.Body, contentType: ra.ContentType, header: ra.Header, ruled: true}
		if a.status == 0 {
			a.status = l.cfg.Status
		}
	}
	a.held = true
	return a
}

// forwardAnyway passes d on to its targets when the sender does not get
// their answer: the rule's is the sender's.
func (l *Listener) forwardAnyway(r *http.Request, d *inflight) {
	if targets := l.targetsFor(r, d); len(targets) > 0 {
		l.forward(r, d, targets)
	}
}

// hold writes a rule's answer once the delivery is recorded: its body
// filled in with the seq, after the rule's delay; or, for close and hang,
// no answer at all, the connection dropped (for hang, once the client
// gives up or respond.MaxHold has passed). The body's buffer is given back
// first, so a held delivery keeps none of the in-flight budget. When
// listen begins to shut down a delay ends early and a hang lets go.
func (l *Listener) hold(w http.ResponseWriter, r *http.Request, d *inflight, a *answer) {
	ra := &d.ra
	if a.ruled && d.rule.UsesSeq() {
		a.body = d.rule.Body(respond.View{ID: d.rec.DeliveryID, Seq: d.rec.Seq, Event: d.event()})
	}
	l.release(d)
	wait := ra.Held()
	gone := false
	if wait > 0 {
		releaseLazyRead(r) // the wait ends when the sender goes away
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-r.Context().Done():
			gone = true
		case <-l.stopping:
		}
		t.Stop()
	}
	if gone || ra.Close || ra.Hang {
		respond.Drop(w)
		return
	}
	l.respond(w, a)
}

// stop tells held answers that listen is shutting down.
func (l *Listener) stop() {
	l.stoppingOnce.Do(func() { close(l.stopping) })
}
