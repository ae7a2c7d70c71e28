package scenario

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/webhook-tool/webhook-tool/internal/jsonptr"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/fixture"
	"github.com/webhook-tool/webhook-tool/internal/input"
	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/profile"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// PrepareOptions controls how Prepare renders a scenario.
type PrepareOptions struct {
	// Start is the story's first moment: the first step's createdDate.
	Start time.Time
	// NewID returns a fresh GUID (delivery ids, the request id, invite
	// ids); nil means fixture.NewGUID.
	NewID func() string
	// CallbackBase is where a payload's own callback points, followed by
	// the delivery id (see fixture.RenderOptions).
	CallbackBase string
	// Delay is the run's wait between steps; the story's clock advances by
	// each step's wait, and by at least a second, so createdDate grows.
	Delay time.Duration
	// ReadFile reads a step's file; nil means reading it from disk, up to
	// MaxPayloadSize.
	ReadFile func(string) ([]byte, error)
	// Profiles are the profiles whose detect rules say which profile a
	// step's file is of (nil: the default ones); a fixture's profile is
	// its own. A profile's story (its `story` key) carries its steps.
	Profiles []*profile.Profile
	// Registry detects the schema of a step whose profile names an event
	// header, whose group that header is set to; nil: none is set.
	Registry *payload.Registry
}

// Delivery is a rendered step, ready to sign and send.
type Delivery struct {
	Step      string
	Source    string // the fixture name or file path
	Kind      string // the event (at the profile's event field), else the schema and status; "" when neither
	ID        string // the delivery id, for the webhook-id header
	RequestID string // the id of the subject a story carries, "" for other payloads
	Subject   string // what the story calls its subject ("access request"), "" for other payloads
	// Event is its profile's event header set to its schema's group, and
	// IDHeader its profile's id header, which carries ID; each is empty
	// when the profile names none.
	Event    signature.Header
	IDHeader string
	Body     []byte
	At       time.Time // the story time, the payload's createdDate
	Expect   Expect
	Delay    time.Duration
	HasDelay bool
}

// Prepare renders every step of sc, in order, before anything is sent: a
// step's fixture or file, its profile's story's overrides, then the step's
// own set lines with their references resolved against the steps
// already rendered. A missing file, a reference to a path an earlier
// payload does not have, or an override that cannot be applied is an
// *Error at its line. It stops with ctx's error once ctx is done: a long
// scenario takes seconds to render.
func Prepare(ctx context.Context, sc *Scenario, opts PrepareOptions) ([]Delivery, error) {
	newID := opts.NewID
	if newID == nil {
		newID = fixture.NewGUID
	}
	readFile := opts.ReadFile
	if readFile == nil {
		readFile = readPayload
	}
	at := opts.Start.UTC().Truncate(time.Second)
	stories := map[*profile.Profile]*story{}
	out := make([]Delivery, 0, len(sc.Steps))
	left, rendered := MaxExpanded, 0 // what the set values may still come to; what the payloads come to
	for i, step := range sc.Steps {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if i > 0 {
			wait := opts.Delay
			if step.HasDelay {
				wait = step.Delay
			}
			at = at.Add(max(time.Second, wait.Round(time.Second)))
		}
		raw, prof, schema, err := sc.load(step, readFile, opts.Profiles)
		if err != nil {
			return nil, err
		}
		if prof == nil {
			prof, schema = detectProfile(opts.Registry, raw)
		}
		user, err := sc.userSets(step, out, &left)
		if err != nil {
			return nil, err
		}
		st, err := sc.storyFor(step, prof, stories)
		if err != nil {
			return nil, err
		}
		var carry []string
		if st != nil {
			if carry, err = st.sets(raw, at, newID); err != nil {
				return nil, sc.errorf(step.sourceLine, "", "step %q: %s is not a %s payload the story can carry: %v", step.Name, step.Source(), prof.Title(), err)
			}
		}
		r, err := fixture.Render(raw, fixture.RenderOptions{Now: at, NewID: newID, CallbackBase: opts.CallbackBase, Sets: append(carry, user...),
			Profile: prof, Profiles: opts.Profiles})
		if err != nil {
			return nil, sc.renderError(step, user, err)
		}
		if rendered += len(r.Body); rendered > MaxRendered {
			return nil, sc.errorf(step.Line, "split the flow into several scenarios, or make its payloads smaller",
				"the steps up to %q come to more than %d MiB once rendered (each step of a story carries its subject before it)", step.Name, MaxRendered>>20)
		}
		d := Delivery{Step: step.Name, Source: step.Source(), ID: r.ID, Body: r.Body, At: at,
			Expect: step.Expect, Delay: step.Delay, HasDelay: step.HasDelay, Kind: kindOf(r.Body, prof)}
		if st != nil {
			st.prev, _ = rawAt(r.Body, st.def.subjectToks)
			if v, err := rawAt(st.prev, []string{st.def.ID}); err == nil {
				_ = json.Unmarshal(v, &d.RequestID)
			}
			d.Subject = st.def.Called
		}
		d.Event, d.IDHeader = profileHeaders(prof, schema, r.Body, opts.Registry)
		out = append(out, d)
	}
	return out, nil
}

// storyFor is the story a step of profile prof carries on, started when
// it is the first of its profile; nil when the profile tells none.
func (sc *Scenario) storyFor(step Step, prof *profile.Profile, stories map[*profile.Profile]*story) (*story, error) {
	def, err := storyOf(prof)
	if err != nil {
		return nil, sc.errorf(step.sourceLine, "`webhook-tool help profiles` describes a story", "step %q: %v", step.Name, err)
	}
	if def == nil {
		return nil, nil
	}
	st := stories[prof]
	if st == nil {
		st = &story{def: def}
		stories[prof] = st
	}
	return st, nil
}

// load reads a step's payload and tells its profile: a fixture's own,
// a file's the first of profiles a detect rule of which it matches (nil
// when none does).
// The schema is a fixture's own (an OpenAPI example's), "" when detection
// decides.
func (sc *Scenario) load(step Step, readFile func(string) ([]byte, error), profiles []*profile.Profile) ([]byte, *profile.Profile, string, error) {
	if step.Fixture != "" {
		f, err := fixture.Find(sc.fixtureList(), step.Fixture) // Parse has checked the name
		if err != nil {
			return nil, nil, "", err
		}
		raw, err := f.Load()
		if err != nil {
			return nil, nil, "", sc.errorf(step.sourceLine, "", "step %q: fixture %s: %v", step.Name, step.Fixture, err)
		}
		return raw, f.Profile, f.Schema, nil
	}
	path := step.File
	if !filepath.IsAbs(path) && sc.Dir != "" {
		path = filepath.Join(sc.Dir, path)
	}
	raw, err := readFile(path)
	if err != nil {
		hint := ""
		if errors.Is(err, fs.ErrNotExist) {
			hint = "a step's file is found relative to the scenario file"
		}
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, nil, "", sc.errorf(step.sourceLine, hint, "step %q: cannot read %s: %v", step.Name, path, err)
	}
	return raw, fixture.ProfileOf(raw, profiles), "", nil
}

// detectProfile is the profile and schema reg detects raw as, when no
// profile's detect rules named one; nil without reg, or when none fits.
func detectProfile(reg *payload.Registry, raw []byte) (*profile.Profile, string) {
	if reg == nil {
		return nil, ""
	}
	res, err := reg.Check(raw, "")
	if err != nil || res.Schema == "" {
		return nil, ""
	}
	p, _ := reg.SchemaProfile(res.Schema)
	return p, res.Schema
}

// profileHeaders are a step's event header, set to the group of its schema
// (schema, else the one reg detects), and its profile's id header.
func profileHeaders(p *profile.Profile, schema string, body []byte, reg *payload.Registry) (signature.Header, string) {
	if p == nil {
		return signature.Header{}, ""
	}
	if p.EventHeader == "" || reg == nil {
		return signature.Header{}, p.IDHeader
	}
	if schema == "" {
		res, err := reg.Check(body, "")
		if err != nil {
			return signature.Header{}, p.IDHeader
		}
		schema = res.Schema
	}
	if sp, group := reg.SchemaProfile(schema); sp == p && group != "" {
		return signature.Header{Name: p.EventHeader, Value: group}, p.IDHeader
	}
	return signature.Header{}, p.IDHeader
}

// userSets renders the step's set lines as PATH=VALUE overrides, each
// reference replaced by the value at its path in the earlier step's
// rendered payload. left is what the set values may still come to: each
// value takes its size from it.
func (sc *Scenario) userSets(step Step, done []Delivery, left *int) ([]string, error) {
	sets := make([]string, 0, len(step.Sets))
	for _, set := range step.Sets {
		v, err := set.Value.toJSON(func(r ref) ([]byte, error) {
			for _, d := range done {
				if d.Step == r.Step {
					b, err := fixture.Lookup(d.Body, r.Path)
					if err != nil {
						return nil, fmt.Errorf("%s: %w", r.Text, err)
					}
					return b, nil
				}
			}
			return nil, fmt.Errorf("%s: no step %q before this one", r.Text, r.Step) // Parse rules this out
		}, *left)
		if errors.Is(err, errTooLarge) {
			return nil, sc.errorf(set.Line, "refer to the value once, or split the flow into several scenarios",
				"step %q: set %s: the set values come to more than %d MiB once ${STEP:PATH} references are replaced", step.Name, set.Path, MaxExpanded>>20)
		}
		*left -= len(v)
		if err != nil {
			hint := ""
			var pe *fixture.PathError
			if errors.As(err, &pe) {
				hint = "write the path as for --set, e.g. ${invite:email} or ${created:event.request.target.name}; `webhook-tool fixtures show NAME` shows a fixture's fields"
			}
			return nil, sc.errorf(set.Line, hint, "step %q: set %s: %v", step.Name, set.Path, err)
		}
		sets = append(sets, set.Path+"="+string(v))
	}
	return sets, nil
}

// renderError places a rendering error at the line of the set that caused
// it, or at the step's fixture.
func (sc *Scenario) renderError(step Step, user []string, err error) error {
	var se *fixture.SetError
	if errors.As(err, &se) {
		for i, s := range user {
			if s == se.Set {
				return sc.errorf(step.Sets[i].Line, "a PATH is dotted with array indexes, e.g. event.request.target.privileges[0].requestedAccess",
					"step %q: cannot set %s: %s", step.Name, step.Sets[i].Path, se.Reason)
			}
		}
		return sc.errorf(step.sourceLine, "", "step %q: %s", step.Name, se.Reason)
	}
	return sc.errorf(step.sourceLine, "a step's payload must be one JSON object", "step %q: %s: %v", step.Name, step.Source(), err)
}

// kindOf is what a step's rendered body is, as reports name it: the
// event at its profile's event field; else the schema its profile's
// detect rules name, with the payload's top-level status when it has one
// ("access_request pending"); "" when neither tells.
func kindOf(body []byte, p *profile.Profile) string {
	if p == nil {
		return ""
	}
	if toks, err := jsonptr.Split(p.Fields.Event); err == nil && len(toks) > 0 {
		var ev string
		if v, err := rawAt(body, toks); err == nil && json.Unmarshal(v, &ev) == nil && ev != "" {
			return ev
		}
	}
	var doc any
	if json.Unmarshal(body, &doc) != nil {
		return ""
	}
	get := profile.TreeGetter(doc)
	for _, r := range p.Detect {
		if r.Matches(get) {
			status, _ := doc.(map[string]any)["status"].(string)
			return strings.TrimSpace(r.Schema + " " + status)
		}
	}
	return ""
}

// MaxPayloadSize bounds a step's file.
const MaxPayloadSize = 16 << 20

func readPayload(path string) ([]byte, error) {
	b, err := input.ReadFile(path, MaxPayloadSize)
	if tooLarge := (*input.TooLargeError)(nil); errors.As(err, &tooLarge) {
		return nil, fmt.Errorf("larger than %d MiB", tooLarge.Limit>>20)
	}
	return b, err
}
