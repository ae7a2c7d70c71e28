package scenario

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/fixture"
	"github.com/webhook-tool/webhook-tool/internal/input"
)

// PrepareOptions controls how Prepare renders a scenario.
type PrepareOptions struct {
	// Start is the story's first moment: the first step's createdDate.
	Start time.Time
	// NewID returns a fresh GUID (delivery ids, the request id, invite
	// ids); nil means fixture.NewGUID.
	NewID func() string
	// CallbackBase is where a Permission Assist callback points, followed
	// by the delivery id (see fixture.RenderOptions).
	CallbackBase string
	// Delay is the run's wait between steps; the story's clock advances by
	// each step's wait, and by at least a second, so createdDate grows.
	Delay time.Duration
	// ReadFile reads a step's file; nil means reading it from disk, up to
	// MaxPayloadSize.
	ReadFile func(string) ([]byte, error)
}

// Delivery is a rendered step, ready to sign and send.
type Delivery struct {
	Step      string
	Source    string // the fixture name or file path
	Kind      string // the Permission Assist event name or the Permit type, "" when neither
	ID        string // the delivery id, for the webhook-id header
	RequestID string // the Permission Assist access request id, "" for other payloads
	Body      []byte
	At        time.Time // the story time, the payload's createdDate
	Expect    Expect
	Delay     time.Duration
	HasDelay  bool
}

// Prepare renders every step of sc, in order, before anything is sent: a
// step's fixture or file, the Permission Assist story's overrides, then the
// step's own set lines with their references resolved against the steps
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
	var st story
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
		raw, err := sc.load(step, readFile)
		if err != nil {
			return nil, err
		}
		user, err := sc.userSets(step, out, &left)
		if err != nil {
			return nil, err
		}
		var carry []string
		pa := isPermissionAssist(raw)
		if pa {
			if carry, err = st.sets(raw, at, newID); err != nil {
				return nil, sc.errorf(step.sourceLine, "", "step %q: %s is not a Permission Assist payload the story can carry: %v", step.Name, step.Source(), err)
			}
		}
		r, err := fixture.Render(raw, fixture.RenderOptions{Now: at, NewID: newID, CallbackBase: opts.CallbackBase, Sets: append(carry, user...)})
		if err != nil {
			return nil, sc.renderError(step, user, err)
		}
		if rendered += len(r.Body); rendered > MaxRendered {
			return nil, sc.errorf(step.Line, "split the flow into several scenarios, or make its payloads smaller",
				"the steps up to %q come to more than %d MiB once rendered (each Permission Assist step carries the request before it)", step.Name, MaxRendered>>20)
		}
		d := Delivery{Step: step.Name, Source: step.Source(), ID: r.ID, Body: r.Body, At: at,
			Expect: step.Expect, Delay: step.Delay, HasDelay: step.HasDelay}
		if pa {
			var env envelope
			if err := json.Unmarshal(r.Body, &env); err == nil {
				st.prev = env.Event.Request
				d.Kind = env.Event.Name
			}
			var req struct {
				ID string `json:"id"`
			}
			_ = json.Unmarshal(st.prev, &req)
			d.RequestID = req.ID
		} else {
			d.Kind = permitKind(r.Body)
		}
		out = append(out, d)
	}
	return out, nil
}

func (sc *Scenario) load(step Step, readFile func(string) ([]byte, error)) ([]byte, error) {
	if step.Fixture != "" {
		return fixture.Load(step.Fixture) // Parse has checked the name
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
		return nil, sc.errorf(step.sourceLine, hint, "step %q: cannot read %s: %v", step.Name, path, err)
	}
	return raw, nil
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

// isPermissionAssist reports a catch-hook delivery by the rule schema
// detection uses: it has "event" and "callback".
func isPermissionAssist(raw []byte) bool {
	var top map[string]json.RawMessage
	if json.Unmarshal(raw, &top) != nil {
		return false
	}
	_, ev := top["event"]
	_, cb := top["callback"]
	return ev && cb
}

// permitKind is a Permit payload's type, or what kind of request it is.
func permitKind(body []byte) string {
	var top map[string]json.RawMessage
	if json.Unmarshal(body, &top) != nil {
		return ""
	}
	var t string
	if json.Unmarshal(top["type"], &t) == nil && t != "" {
		return t
	}
	for _, k := range []string{"access_request", "operation_approval"} {
		if _, ok := top[k+"_details"]; ok {
			var status string
			_ = json.Unmarshal(top["status"], &status)
			return strings.TrimSpace(k + " " + status)
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
