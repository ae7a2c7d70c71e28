package respond

import (
	"net/http"
	"slices"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/route"
)

// matcher is a rule's match keys; a key left out holds for every delivery.
type matcher struct {
	events, schemas, paths []route.Glob
	methods                []string // upper case
	headers                []headerMatch
	signature, payload     string // a record.Verdict* word; "" for any
}

type headerMatch struct {
	name string // canonical
	glob route.Glob
}

// holds reports whether every match key holds for v.
func (m *matcher) holds(v View) bool {
	switch {
	case len(m.methods) > 0 && !slices.Contains(m.methods, v.Method):
		return false
	case len(m.paths) > 0 && !route.AnyGlob(m.paths, v.Path):
		return false
	case len(m.events) > 0 && !route.AnyGlob(m.events, v.Event):
		return false
	case len(m.schemas) > 0 && !route.AnyGlob(m.schemas, v.Schema):
		return false
	case m.signature != "" && m.signature != v.Signature:
		return false
	case m.payload != "" && m.payload != v.Payload:
		return false
	}
	for _, h := range m.headers {
		if !slices.ContainsFunc(v.Header.Values(h.name), h.glob.Match) {
			return false
		}
	}
	return true
}

// action is what a rule does when it answers.
type action struct {
	status      int
	hasStatus   bool
	body        *template // nil: no body
	header      http.Header
	delay       time.Duration
	times       int
	rate        float64
	close, hang bool
	forward     []string
}

// answers reports whether the rule says what to answer.
func (a *action) answers() bool {
	return a.hasStatus || a.body != nil || len(a.header) > 0 || a.close || a.hang
}

// answer is the rule's Answer for v. The header map is the rule's own:
// callers must not change it.
func (a *action) answer(v View) Answer {
	out := Answer{
		Answers: a.answers(),
		Status:  a.status,
		Header:  a.header,
		Delay:   a.delay,
		Close:   a.close,
		Hang:    a.hang,
		Forward: a.forward,
	}
	if a.hang {
		out.HangFor = MaxHold
	}
	if a.body != nil {
		out.Body = a.body.expand(v)
		out.ContentType = a.body.contentType
	}
	return out
}
