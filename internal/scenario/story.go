package scenario

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The story: a profile may say (its `story` key, storydef.go) that every
// step of a scenario of its deliveries is one subject, an access request
// say, carried from step to step and moved on by each step's event. The
// first story step's fixture supplies the subject under a fresh id; each
// later step carries the subject of the step before it and moves it on by
// its own event, as the story says: status, people, milestone dates,
// review responses, and one new entry in its log. A step's own fixture
// gives only its event envelope (and, for an event that assigns someone,
// the person). Everything is expressed as --set overrides, so
// fixture.Render does the rendering, and a step's own `set:` lines,
// applied after these, still win.

// subject is the part of the carried object the story reads and moves on.
type subject struct {
	status  string
	dates   map[string]json.RawMessage
	people  map[string]json.RawMessage // by the story's person names
	reviews []json.RawMessage          // nil when the subject has none
	log     []json.RawMessage
}

func decodeSubject(def *storyDef, raw json.RawMessage) (*subject, error) {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(raw, &all); err != nil {
		return nil, err
	}
	if all == nil {
		return nil, fmt.Errorf("is not an object")
	}
	s := &subject{dates: map[string]json.RawMessage{}, people: map[string]json.RawMessage{}}
	if def.Status != "" && len(all[def.Status]) > 0 {
		if err := json.Unmarshal(all[def.Status], &s.status); err != nil {
			return nil, fmt.Errorf("%s: %w", def.Status, err)
		}
	}
	for _, k := range def.Dates {
		s.dates[k] = all[k]
		if len(s.dates[k]) == 0 {
			s.dates[k] = jsonNull
		}
	}
	for name, member := range def.People {
		s.people[name] = all[member]
	}
	for _, list := range []struct {
		member string
		dst    *[]json.RawMessage
	}{{def.Reviews.List, &s.reviews}, {def.Log, &s.log}} {
		if v := all[list.member]; list.member != "" && len(v) > 0 {
			if err := json.Unmarshal(v, list.dst); err != nil {
				return nil, fmt.Errorf("%s: %w", list.member, err)
			}
		}
	}
	return s, nil
}

var jsonNull = json.RawMessage("null")

// story carries one subject from step to step.
type story struct {
	def *storyDef
	id  string
	// prev is the previous step's rendered subject; nil before the first.
	prev json.RawMessage
}

// member is the --set path of the subject's member name.
func (s *story) member(name string) string { return s.def.subjectPath + "." + name }

// sets returns the overrides that make a step with this raw fixture the
// next chapter of the story, at time at. newID draws the subject's id for
// the first chapter.
func (s *story) sets(raw []byte, at time.Time, newID func() string) ([]string, error) {
	def := s.def
	own, err := rawAt(raw, def.subjectToks)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", def.subjectPath, err)
	}
	var event string
	if v, err := rawAt(raw, def.eventToks); err == nil {
		_ = json.Unmarshal(v, &event) // an event that is not a string is none the story knows
	}
	var sets []string
	base := s.prev
	if base == nil {
		base = own
		s.id = newID()
		sets = append(sets, setJSON(s.member(def.ID), s.id))
	} else {
		sets = append(sets, def.subjectPath+"="+string(s.prev))
	}
	sub, err := decodeSubject(def, base)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", def.subjectPath, err)
	}
	if s.prev == nil {
		// A story starts from nothing: no milestones, no history.
		for _, k := range def.Dates {
			sub.dates[k] = jsonNull
		}
		sub.log = nil
	}
	ev, known := def.Events[event]
	if known && ev.Assign != "" {
		// The person an assignment names comes from the event's own fixture.
		var mine map[string]json.RawMessage
		_ = json.Unmarshal(own, &mine) // a payload without one has nobody to offer
		if p := mine[def.People[ev.Assign]]; isObject(p) {
			sets = append(sets, s.member(def.People[ev.Assign])+"="+string(p))
			sub.people[ev.Assign] = p
		}
	}
	t := at.UTC().Format(time.RFC3339)
	entry, responses, err := sub.advance(s, event, t)
	if err != nil {
		return nil, err
	}
	if def.Status != "" {
		sets = append(sets, setJSON(s.member(def.Status), sub.status))
	}
	for _, k := range def.Dates {
		sets = append(sets, s.member(k)+"="+string(sub.dates[k]))
	}
	if sub.reviews != nil {
		sets = append(sets, setJSON(s.member(def.Reviews.List), sub.reviews))
	}
	sets = append(sets, responses...)
	if def.Log != "" {
		sets = append(sets, setJSON(s.member(def.Log), append(sub.log, entry)))
	}
	return sets, nil
}

// advance moves sub on by event at time t and returns the log entry the
// event adds and the --set overrides of the review responses it decides.
func (sub *subject) advance(s *story, event, t string) (json.RawMessage, []string, error) {
	def := s.def
	ev, known := def.Events[event]
	if !known {
		ev = eventDef{Action: event, Text: event}
	}
	for _, k := range ev.Clear {
		sub.dates[k] = jsonNull
	}
	for _, k := range ev.Reach {
		sub.setDate(k, t, false)
	}
	for _, k := range ev.Set {
		sub.setDate(k, t, true)
	}
	for _, typ := range ev.Require {
		if err := sub.require(def, typ); err != nil {
			return nil, nil, err
		}
	}
	var responses []string
	for _, r := range ev.Respond {
		responses = append(responses, sub.respond(s, r.Type, r.Response)...)
	}
	if ev.Status != "" {
		sub.status = ev.Status
	}
	action := ev.Action
	if action == "" {
		action = event
	}
	text := ev.Text
	for name := range def.People {
		text = strings.ReplaceAll(text, "{"+name+"}", sub.name(def, sub.people[name]))
	}
	text = strings.ReplaceAll(text, "{verifier}", sub.name(def, sub.verifier(def)))
	author := def.System
	switch {
	case ev.Author == "verifier":
		author = sub.name(def, sub.verifier(def))
	case ev.Author != "":
		author = sub.name(def, sub.people[ev.Author])
	}
	entry, err := renderTemplate(def.Entry, map[string]json.RawMessage{
		"time": jsonString(t), "author": jsonString(author), "action": jsonString(action), "text": jsonString(text),
	})
	return entry, responses, err
}

// setDate sets a milestone to t; unless always, only one not reached yet.
func (sub *subject) setDate(k, t string, always bool) {
	if always || len(sub.dates[k]) == 0 || string(sub.dates[k]) == "null" {
		sub.dates[k] = jsonString(t)
	}
}

// name is a person's name, or the story's system when the person is
// nobody or nameless.
func (sub *subject) name(def *storyDef, person json.RawMessage) string {
	if v, err := rawAt(person, def.nameToks); err == nil {
		var n string
		if json.Unmarshal(v, &n) == nil && n != "" {
			return n
		}
	}
	return def.System
}

// someone reports whether person is a person and not the system.
func (sub *subject) someone(def *storyDef, person json.RawMessage) bool {
	return isObject(person) && sub.name(def, person) != def.System
}

// verifier is who verifies the work: the first of the story's verifier
// sources that names someone (a review's reviewer, or a person who is not
// the system itself), else the first that names anybody.
func (sub *subject) verifier(def *storyDef) json.RawMessage {
	var anybody json.RawMessage
	for _, src := range def.Verifier {
		p := sub.people[src.Person]
		if src.Review != "" {
			p = sub.reviewer(def, src.Review)
		}
		if !isObject(p) {
			continue
		}
		if src.Review != "" || sub.someone(def, p) {
			return p
		}
		if anybody == nil {
			anybody = p
		}
	}
	if anybody == nil {
		return jsonNull
	}
	return anybody
}

// responses are the paths of the responses of review i, under the
// subject's member list, each as --set path segments.
func (sub *subject) responses(def *storyDef, i int) []string {
	var doc any
	if json.Unmarshal(sub.reviews[i], &doc) != nil {
		return nil
	}
	return expand(doc, def.responsesToks, "")
}

// reviewType is review i's type.
func (sub *subject) reviewType(def *storyDef, i int) string {
	var t string
	if v, err := rawAt(sub.reviews[i], def.typeToks); err == nil {
		_ = json.Unmarshal(v, &t)
	}
	return t
}

// reviewer is the first reviewer of the reviews of type typ, nil when
// there is none.
func (sub *subject) reviewer(def *storyDef, typ string) json.RawMessage {
	for i := range sub.reviews {
		if sub.reviewType(def, i) != typ {
			continue
		}
		for _, p := range sub.responses(def, i) {
			v, err := rawAt(sub.reviews[i], append(pathTokens(p), def.reviewerToks...))
			if err == nil && isObject(v) {
				return v
			}
		}
	}
	return nil
}

// respond returns overrides that set every response of the reviews of
// type typ to response.
func (sub *subject) respond(s *story, typ, response string) []string {
	def := s.def
	var sets []string
	for i := range sub.reviews {
		if sub.reviewType(def, i) != typ {
			continue
		}
		for _, p := range sub.responses(def, i) {
			path := s.member(def.Reviews.List) + "[" + strconv.Itoa(i) + "]" + p + segments(def.responseToks)
			sets = append(sets, setJSON(path, response))
		}
	}
	return sets
}

// require adds the story's review of type typ to a subject that has none
// with a reviewer: it waits for that review before it completes.
func (sub *subject) require(def *storyDef, typ string) error {
	if sub.reviewer(def, typ) != nil {
		return nil
	}
	tmpl, ok := def.Reviews.Add[typ]
	if !ok {
		return fmt.Errorf("story: no review of type %q to add (reviews.add)", typ)
	}
	v, err := renderTemplate(tmpl, map[string]json.RawMessage{"verifier": sub.verifier(def)})
	if err != nil {
		return err
	}
	sub.reviews = append(sub.reviews, v)
	return nil
}

// rawAt is the JSON text at toks in raw: object keys, and array indexes
// in an array.
func rawAt(raw json.RawMessage, toks []string) (json.RawMessage, error) {
	for _, t := range toks {
		var a []json.RawMessage
		if i, err := strconv.Atoi(t); err == nil && json.Unmarshal(raw, &a) == nil {
			if i < 0 || i >= len(a) {
				return nil, fmt.Errorf("no element %d", i)
			}
			raw = a[i]
			continue
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil || m == nil {
			return nil, fmt.Errorf("no object holds %q", t)
		}
		v, ok := m[t]
		if !ok {
			return nil, fmt.Errorf("no %q", t)
		}
		raw = v
	}
	return raw, nil
}

// expand follows the tokens of a pattern through doc, "*" taking every
// element of an array, and returns the paths it reaches as --set path
// segments (".rules[0].responses[1]").
func expand(doc any, toks []string, at string) []string {
	if len(toks) == 0 {
		return []string{at}
	}
	switch v := doc.(type) {
	case []any:
		if toks[0] != "*" {
			return nil
		}
		var out []string
		for i, e := range v {
			out = append(out, expand(e, toks[1:], at+"["+strconv.Itoa(i)+"]")...)
		}
		return out
	case map[string]any:
		if e, ok := v[toks[0]]; ok {
			return expand(e, toks[1:], at+"."+toks[0])
		}
	}
	return nil
}

// pathTokens splits --set path segments back into object keys and array
// indexes, for rawAt.
func pathTokens(p string) []string {
	return strings.FieldsFunc(p, func(r rune) bool { return r == '.' || r == '[' || r == ']' })
}

// segments writes object keys as --set path segments.
func segments(toks []string) string {
	if len(toks) == 0 {
		return ""
	}
	return "." + strings.Join(toks, ".")
}

func isObject(raw json.RawMessage) bool {
	for _, c := range raw {
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		}
		return c == '{'
	}
	return false
}

func jsonString(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}

// setJSON is a PATH=VALUE override with v as JSON.
func setJSON(path string, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("scenario: encoding %s: %v", path, err)) // only plain values reach here
	}
	return path + "=" + string(b)
}
