package expect

import (
	"net/http"
	"sync"

	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/record"
)

// State is where an expectation stands.
type State int

const (
	Pending State = iota // not all the deliveries have arrived, and none was wrong
	Met                  // every count reached, every matching delivery valid
	Failed               // a matching delivery arrived with a bad signature or payload
)

func (s State) String() string {
	return [...]string{"pending", "met", "failed"}[s]
}

// Options adjust an Evaluator.
type Options struct {
	// EventOf is a delivery's event name; nil reads it from the body: a
	// Permission Assist event.name, else a Permit type.
	EventOf func(*record.Record) string
}

// Evaluator follows the records of a listen run against the specs. It is
// safe for concurrent use: listen feeds it from every handler.
//
// A delivery counts for every spec it matches (--expect N matches them
// all; EVENT one whose event or schema name matches), once per delivery
// id: a retry or a duplicate of a delivery already counted adds nothing.
// A matching delivery whose signature is not valid (invalid, missing, or
// unchecked for want of a secret) or whose payload is not valid fails the
// expectation at once. A callback counts for callback=N when it was
// answered 2xx; one answered otherwise (a reused callback URL gets 409)
// fails it. Requests listen refused before reading them (a wrong path or
// method, a body too large) and --exec lines count for nothing.
type Evaluator struct {
	specs   []Spec
	eventOf func(*record.Record) string

	mu        sync.Mutex
	state     State
	got       []int
	counted   map[string]bool // delivery ids, and "callback " + id
	wrong     []Wrong
	callbacks bool // a spec counts callbacks
}

// New starts an evaluation of specs (ParseSpecs).
func New(specs []Spec, o Options) *Evaluator {
	e := &Evaluator{specs: specs, eventOf: o.EventOf, got: make([]int, len(specs)), counted: map[string]bool{}}
	if e.eventOf == nil {
		e.eventOf = bodyEvent
	}
	for _, s := range specs {
		if s.Kind == Callbacks {
			e.callbacks = true
		}
	}
	if len(specs) == 0 {
		e.state = Met
	}
	return e
}

// bodyEvent reads the event name from a record's body by the bundled
// profiles' event fields. A listen with other profiles passes EventOf.
func bodyEvent(rec *record.Record) string {
	body, err := rec.RawBody()
	if err != nil {
		return ""
	}
	reg := bundled()
	if reg == nil {
		return ""
	}
	h := make(http.Header, len(rec.Headers))
	for k, v := range rec.Headers {
		h.Set(k, v)
	}
	f, _ := reg.Peek(body, h)
	return f.Event
}

// bundled is a registry of the bundled profiles, opened once (nil when
// they cannot be read, which the profile tests rule out).
var bundled = sync.OnceValue(func() *payload.Registry {
	reg, err := payload.NewRegistry()
	if err != nil {
		return nil
	}
	return reg
})

// State is where the expectation stands now.
func (e *Evaluator) State() State {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.state
}

// Observe takes one record, as listen writes it, and returns where the
// expectation stands after it. Once met or failed, it stays so.
func (e *Evaluator) Observe(rec *record.Record) State {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.state != Pending {
		return e.state
	}
	switch {
	case rec.Kind == record.KindCallback:
		if e.callbacks {
			e.callback(rec)
		}
	case rec.Kind == record.KindDelivery && rec.Signature != nil:
		e.delivery(rec)
	}
	return e.state
}

func (e *Evaluator) delivery(rec *record.Record) {
	event := e.eventOf(rec)
	schema := ""
	if rec.Schema != nil {
		schema = rec.Schema.Name
	}
	var match []int
	for i, s := range e.specs {
		if s.Kind == Deliveries || s.Kind == Event && (s.glob.Match(event) || s.glob.Match(schema)) {
			match = append(match, i)
		}
	}
	if len(match) == 0 {
		return
	}
	w := Wrong{Seq: rec.Seq, DeliveryID: rec.DeliveryID, Event: event, Schema: schema}
	if v := rec.Signature.Verdict(); v != record.VerdictValid {
		w.Problem, w.Verdict, w.Reason = "signature", v, rec.Signature.Reason
	} else if v := rec.Schema.Verdict(); v != record.VerdictValid {
		w.Problem, w.Verdict, w.Reason = "payload", v, schemaReason(rec.Schema)
	}
	if w.Problem != "" {
		e.fail(w)
		return
	}
	e.count(match, rec.DeliveryID, rec.Duplicate)
}

func (e *Evaluator) callback(rec *record.Record) {
	if rec.Status < 200 || rec.Status > 299 {
		e.fail(Wrong{Seq: rec.Seq, DeliveryID: rec.CallbackFor, Problem: "callback", Verdict: "answered " + statusText(rec.Status), Reason: rec.Error})
		return
	}
	for i, s := range e.specs {
		if s.Kind == Callbacks {
			e.count([]int{i}, "callback "+rec.CallbackFor, false)
		}
	}
}

// count adds one to the specs in match, unless the id was counted before.
// Ids are remembered only while a count they add to is short, so what is
// kept is bounded by the counts expected.
func (e *Evaluator) count(match []int, id string, duplicate bool) {
	short := false
	for _, i := range match {
		if e.got[i] < e.specs[i].N {
			short = true
		}
	}
	if !short || duplicate {
		return
	}
	if id != "" && id != "callback " {
		if e.counted[id] {
			return
		}
		e.counted[id] = true
	}
	for _, i := range match {
		if e.got[i] < e.specs[i].N {
			e.got[i]++
		}
	}
	for i, s := range e.specs {
		if e.got[i] < s.N {
			return
		}
	}
	e.state = Met
}

// maxWrong bounds the wrong deliveries a report lists: the first fails the
// run, and listen stops at it.
const maxWrong = 10

func (e *Evaluator) fail(w Wrong) {
	if len(e.wrong) < maxWrong {
		e.wrong = append(e.wrong, w)
	}
	e.state = Failed
}

// schemaReason says why a payload is not valid, from its first error.
func schemaReason(s *record.Schema) string {
	switch {
	case s == nil:
		return ""
	case !s.IsChecked():
		return s.Reason
	case len(s.Errors) == 0:
		return ""
	}
	first := s.Errors[0]
	if first.InstanceLocation == "" {
		return first.Message
	}
	return first.InstanceLocation + ": " + first.Message
}
