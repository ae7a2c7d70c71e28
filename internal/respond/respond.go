// Package respond owns listen's response rules (--respond): the rules file
// and the inline form, the matcher that picks the rule answering a
// delivery, and the answer it gives: status, headers, body with the
// delivery's id, seq and event filled in, a delay, a dropped or held
// connection, and URLs to forward to.
//
// Rules are tried in order; the first whose match keys all hold answers.
// times: N lets a rule answer only the first N deliveries it matches, then
// the next rule is tried; rate: 0.2 a share of them, picked by a
// deterministic function of the seed and the rule's match count, so a run
// repeats with the same --seed. The counters are safe for concurrent use.
//
// The listener calls Match once per delivery, after authentication and
// validation, with a View of it:
//
//	rule, a, ok := rules.Match(view)
//	if !ok { /* no rule: --status, or the forward target's answer; a bad signature under --secret: 401 */ }
package respond

import (
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/record"
)

// MaxHold bounds a rule's delay and how long hang holds a connection: the
// listener writes an answer within 90 s, and waits 30 s for the requests in
// flight when it stops.
const MaxHold = 30 * time.Second

// View is what a rule matches on: one delivery as the listener has
// authenticated and validated it.
type View struct {
	ID     string // the delivery id (webhook-id, svix-id or the payload's id); "" when none
	Seq    int64  // the record's seq
	Method string
	Path   string // as received, decoded, without the query
	Schema string // the schema name; "" when none matched
	Event  string // the event name the profile reads; "" when none
	Header http.Header
	// Signature is record.VerdictValid, VerdictInvalid, VerdictMissing or
	// VerdictUnchecked (record.Signature.Verdict); Payload is VerdictValid,
	// VerdictInvalid or VerdictUnchecked (record.Schema.Verdict).
	Signature string
	Payload   string
	// SignatureEnforced says a failed signature is refused (listen
	// --secret). A delivery whose signature failed is then answered only
	// by a rule that matches signature: invalid or missing on purpose;
	// with none, Match reports no rule and the listener answers 401.
	SignatureEnforced bool
}

// Answer is what a rule says to answer.
type Answer struct {
	// Answers says the rule gives the sender its own answer: it has a
	// status, body or headers, or closes or hangs. Otherwise the sender
	// gets what it would without rules (after Delay): the first forward
	// target's answer, else --status.
	Answers bool
	// Status is the rule's status; 0 when it gives none: --status.
	Status      int
	Header      http.Header // the rule's headers; nil when none
	Body        []byte      // the rule's body, placeholders filled in
	ContentType string      // of Body: text/plain or application/json; "" with no body; a Content-Type in Header wins
	Delay       time.Duration
	// Close drops the connection without an answer (after Delay). Hang
	// holds it until the client gives up, at most HangFor, then drops it.
	Close, Hang bool
	HangFor     time.Duration
	// Forward lists URLs the delivery is passed to besides the
	// --forward-to targets that match it; when the rule does not answer,
	// the first of them answers the sender.
	Forward []string
}

// Rule is one response rule.
type Rule struct {
	Name   string // as given; "" when the rule has none
	Number int    // 1-based, across every --respond in the order given
	Source string // the rules file, or the --respond value
	Line   int    // of the rule in its file; 0 inline

	m   matcher
	act action

	matched atomic.Int64 // deliveries the match keys held for
}

// Label is how output names the rule: its name, else "rule N".
func (r *Rule) Label() string {
	if r.Name != "" {
		return r.Name
	}
	return "rule " + strconv.Itoa(r.Number)
}

// Ref is the rule as the record's "rule" field holds it: its name (a
// string), else its number.
func (r *Rule) Ref() any {
	if r.Name != "" {
		return r.Name
	}
	return r.Number
}

// Matched is how many deliveries the rule's match keys have held for so
// far, whether or not times and rate let it answer them.
func (r *Rule) Matched() int64 { return r.matched.Load() }

// Rules is an ordered set of rules with their counters.
type Rules struct {
	list   []*Rule
	seed   uint64
	badSig bool
}

// New numbers rules in order (1-based) and returns the set; seed makes
// rate reproducible.
func New(rules []*Rule, seed uint64) *Rules {
	s := &Rules{list: rules, seed: seed}
	for i, r := range rules {
		r.Number = i + 1
		if r.m.signature == record.VerdictInvalid || r.m.signature == record.VerdictMissing {
			s.badSig = true
		}
	}
	return s
}

// List returns the rules in order.
func (s *Rules) List() []*Rule { return s.list }

// Len is the number of rules; a nil set has none.
func (s *Rules) Len() int {
	if s == nil {
		return 0
	}
	return len(s.list)
}

// MatchesBadSignature reports whether a rule matches signature: invalid
// or missing on purpose. Without one, a delivery whose signature failed
// under --secret gets 401 and the rules need not be asked.
func (s *Rules) MatchesBadSignature() bool { return s != nil && s.badSig }

// Match returns the first rule that answers v, and its answer. Call it once
// per delivery: it counts the delivery against every rule whose match keys
// hold, up to the one that answers.
func (s *Rules) Match(v View) (*Rule, Answer, bool) {
	if s == nil {
		return nil, Answer{}, false
	}
	badSig := v.SignatureEnforced && v.Signature != record.VerdictValid && v.Signature != record.VerdictUnchecked
	for _, r := range s.list {
		if badSig && r.m.signature == "" {
			continue // a bad signature is 401 unless a rule asks for it
		}
		if !r.m.holds(v) {
			continue
		}
		k := r.matched.Add(1)
		if r.act.times > 0 && k > int64(r.act.times) {
			continue
		}
		if r.act.rate > 0 && !picked(s.seed, r.Number, k, r.act.rate) {
			continue
		}
		return r, r.act.answer(v), true
	}
	return nil, Answer{}, false
}

// picked says whether the k-th delivery rule n matched is in the share
// rate: a hash of the seed, the rule and k, read as a number in [0, 1).
func picked(seed uint64, n int, k int64, rate float64) bool {
	x := splitmix(seed ^ splitmix(uint64(n)<<32^uint64(k)))
	return float64(x>>11)/(1<<53) < rate
}

// splitmix is SplitMix64's finaliser: a cheap hash whose output bits
// each depend on every input bit.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// Error is a rule that cannot be used: in a file with its line, or in an
// inline --respond value.
type Error struct {
	Source string // the file, or "--respond 'VALUE'"
	Line   int    // 0 when there is none (inline, or the file as a whole)
	Msg    string
	Hint   string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Source, e.Line, e.Msg)
	}
	return e.Source + ": " + e.Msg
}
