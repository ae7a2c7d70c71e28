package scenario

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// The Permission Assist story: every step of a scenario is one access
// request. The first Permission Assist step's fixture supplies the request
// (its number, target, reporter, privileges...) under a fresh request id;
// each later step carries the request of the step before it and moves it on
// by its own event: status, assignee, dates, review responses, and one new
// activity entry. A step's own fixture gives only its event envelope (and,
// for AccessRequestAssigned, the person assigned). Everything is expressed
// as --set overrides, so fixture.Render does the rendering, and a step's own
// `set:` lines, applied after these, still win.

// Permission Assist event names.
const (
	eventCreated      = "AccessRequestCreated"
	eventAssigned     = "AccessRequestAssigned"
	eventApproved     = "AccessRequestApproved"
	eventProvisioning = "AccessRequestProvisioning"
	eventResolved     = "AccessRequestResolved"
	eventReopened     = "AccessRequestReopened"
	eventCompleted    = "AccessRequestCompleted"
	eventCanceled     = "AccessRequestCanceled"
)

// dateFields are the request's milestone dates the story keeps; a story
// starts with them all null. scheduledStart is the fixture's.
var dateFields = []string{"startedOn", "approvedOn", "resolvedOn", "verifiedOn", "completedOn", "canceledOn"}

const systemAuthor = "Permission Assist"

// paRequest is the part of an access request the story reads and moves on.
type paRequest struct {
	Status       string                     `json:"status"`
	Reporter     *identityRef               `json:"reporter"`
	Assignee     *identityRef               `json:"assignee"`
	Requirements []json.RawMessage          `json:"requirements"`
	Activity     []json.RawMessage          `json:"activity"`
	dates        map[string]json.RawMessage // dateFields, JSON text
}

type identityRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// requirement is what the story reads of one event.request.requirements[].
type requirement struct {
	Type  string `json:"type"`
	Rules []struct {
		Responses []struct {
			Reviewer *identityRef `json:"reviewer"`
			Response string       `json:"response"`
		} `json:"responses"`
	} `json:"rules"`
}

// activityEntry is one event.request.activity[], in the seed's key order.
type activityEntry struct {
	CreatedDate string `json:"createdDate"`
	Author      string `json:"author"`
	Action      string `json:"action"`
	Content     string `json:"content"`
}

// envelope reads a rendered or raw Permission Assist payload.
type envelope struct {
	Event struct {
		Name    string          `json:"name"`
		Request json.RawMessage `json:"request"`
	} `json:"event"`
}

func decodeRequest(raw json.RawMessage) (*paRequest, error) {
	var r paRequest
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(raw, &all); err != nil {
		return nil, err
	}
	r.dates = map[string]json.RawMessage{}
	for _, k := range dateFields {
		r.dates[k] = all[k]
	}
	return &r, nil
}

// story carries one access request from step to step.
type story struct {
	requestID string
	prev      json.RawMessage // the previous step's rendered request; nil before the first
}

// sets returns the overrides that make a step with this raw fixture the
// next chapter of the story, at time at. newID draws the request id for the
// first chapter.
func (s *story) sets(raw []byte, at time.Time, newID func() string) ([]string, error) {
	var own envelope
	if err := json.Unmarshal(raw, &own); err != nil {
		return nil, err
	}
	var sets []string
	base := s.prev
	if base == nil {
		base = own.Event.Request
		s.requestID = newID()
		sets = append(sets, setJSON("event.request.id", s.requestID))
	} else {
		sets = append(sets, "event.request="+string(s.prev))
	}
	r, err := decodeRequest(base)
	if err != nil {
		return nil, fmt.Errorf("event.request: %w", err)
	}
	if s.prev == nil {
		// A story starts from nothing: no milestones, no history.
		for _, k := range dateFields {
			r.dates[k] = json.RawMessage("null")
		}
		r.Activity = nil
	}
	// The person an assignment names comes from the event's own fixture.
	var ownReq struct {
		Assignee json.RawMessage `json:"assignee"`
	}
	_ = json.Unmarshal(own.Event.Request, &ownReq) // a payload without one has nobody to offer
	var assignee *identityRef
	if own.Event.Name == eventAssigned && json.Unmarshal(ownReq.Assignee, &assignee) == nil && assignee != nil {
		sets = append(sets, "event.request.assignee="+string(ownReq.Assignee))
	}
	t := at.UTC().Format(time.RFC3339)
	entry, responses := r.advance(own.Event.Name, t, assignee)

	sets = append(sets, setJSON("event.request.status", r.Status))
	for _, k := range dateFields {
		sets = append(sets, "event.request."+k+"="+string(r.dates[k]))
	}
	if r.Requirements != nil {
		sets = append(sets, setJSON("event.request.requirements", r.Requirements))
	}
	sets = append(sets, responses...)
	entryJSON, _ := json.Marshal(entry)
	sets = append(sets, setJSON("event.request.activity", append(r.Activity, entryJSON)))
	return sets, nil
}

// advance moves r on by event at time t and returns the activity entry the
// event adds and the --set overrides of review responses it decides.
// assignee is the one the event's own fixture names, for an assignment.
func (r *paRequest) advance(event, t string, assignee *identityRef) (activityEntry, []string) {
	var responses []string
	approve := func() {
		r.setDate("approvedOn", t, false)
		responses = append(responses, r.respond("Approve", "Approved")...)
	}
	entry := activityEntry{CreatedDate: t, Author: systemAuthor, Action: actionOf(event)}
	switch event {
	case eventCreated:
		r.Status = "Pending"
		entry.Author, entry.Content = r.reporterName(), "Access request created"
	case eventAssigned:
		if assignee != nil {
			r.Assignee = assignee
		}
		entry.Content = "Assigned to " + r.assigneeName()
	case eventApproved:
		approve()
		r.Status = "Open"
		entry.Content = "All required approvals received"
	case eventProvisioning:
		approve()
		r.setDate("startedOn", t, false)
		r.Status = "Open"
		entry.Author, entry.Content = r.assigneeName(), "Automated provisioning requested"
	case eventResolved:
		approve()
		r.setDate("startedOn", t, false)
		r.setDate("resolvedOn", t, true)
		r.ensureVerify()
		responses = append(responses, r.respond("Verify", "Pending")...)
		r.Status = "Resolved"
		entry.Author, entry.Content = r.assigneeName(), "Resolved: provisioning complete, verification pending"
	case eventReopened:
		r.dates["resolvedOn"], r.dates["verifiedOn"] = json.RawMessage("null"), json.RawMessage("null")
		r.ensureVerify()
		responses = append(responses, r.respond("Verify", "Rejected")...)
		r.Status = "Open"
		entry.Author, entry.Content = r.verifier().Name, "Reopened for provisioning: verification rejected"
	case eventCompleted:
		approve()
		r.setDate("startedOn", t, false)
		r.setDate("resolvedOn", t, false)
		r.setDate("verifiedOn", t, false)
		r.setDate("completedOn", t, true)
		r.ensureVerify()
		responses = append(responses, r.respond("Verify", "Approved")...)
		r.Status = "Completed"
		entry.Content = "Access request completed"
	case eventCanceled:
		r.setDate("canceledOn", t, true)
		r.Status = "Canceled"
		entry.Author, entry.Content = r.reporterName(), "Access request canceled"
	default:
		entry.Content = event
	}
	return entry, responses
}

// actionOf is the activity action for an event: "Approved" for
// AccessRequestApproved.
func actionOf(event string) string {
	if a, ok := strings.CutPrefix(event, "AccessRequest"); ok && a != "" {
		return a
	}
	return event
}

// setDate sets a milestone to t; unless always, only one not reached yet.
func (r *paRequest) setDate(k, t string, always bool) {
	if always || len(r.dates[k]) == 0 || string(r.dates[k]) == "null" {
		r.dates[k], _ = json.Marshal(t)
	}
}

func (r *paRequest) reporterName() string {
	if r.Reporter != nil && r.Reporter.Name != "" {
		return r.Reporter.Name
	}
	return systemAuthor
}

func (r *paRequest) assigneeName() string {
	if r.Assignee != nil && r.Assignee.Name != "" {
		return r.Assignee.Name
	}
	return systemAuthor
}

// respond returns overrides that set every response of the requirements of
// type typ to response.
func (r *paRequest) respond(typ, response string) []string {
	var sets []string
	for i, raw := range r.Requirements {
		var req requirement
		if json.Unmarshal(raw, &req) != nil || req.Type != typ {
			continue
		}
		for j, rule := range req.Rules {
			for k := range rule.Responses {
				sets = append(sets, setJSON(fmt.Sprintf("event.request.requirements[%d].rules[%d].responses[%d].response", i, j, k), response))
			}
		}
	}
	return sets
}

// ensureVerify adds a verification to a request that has no Verify
// requirement: a resolved request waits for it before completing.
func (r *paRequest) ensureVerify() {
	if r.reviewer("Verify") != nil {
		return
	}
	reviewer := r.verifier()
	type response struct {
		Reviewer identityRef `json:"reviewer"`
		Response string      `json:"response"`
	}
	type rule struct {
		Reason    string     `json:"reason"`
		Responses []response `json:"responses"`
	}
	v, _ := json.Marshal(struct {
		Type        string `json:"type"`
		Description string `json:"description"`
		Rules       []rule `json:"rules"`
	}{"Verify", "Verification is required before the request is completed",
		[]rule{{"Verification that the access is in place", []response{{reviewer, "Pending"}}}}})
	r.Requirements = append(r.Requirements, v)
}

// reviewer returns the first reviewer of the requirements of type typ, or
// nil when there is none.
func (r *paRequest) reviewer(typ string) *identityRef {
	for _, raw := range r.Requirements {
		var req requirement
		if json.Unmarshal(raw, &req) != nil || req.Type != typ {
			continue
		}
		for _, rule := range req.Rules {
			for _, resp := range rule.Responses {
				if resp.Reviewer != nil {
					return resp.Reviewer
				}
			}
		}
	}
	return nil
}

// verifier is who verifies the work: the Verify reviewer when there is one,
// else the reporter, unless Permission Assist itself reported the request,
// in which case the approver verifies.
func (r *paRequest) verifier() identityRef {
	if v := r.reviewer("Verify"); v != nil {
		return *v
	}
	if r.Reporter != nil && r.Reporter.Name != systemAuthor {
		return *r.Reporter
	}
	if a := r.reviewer("Approve"); a != nil {
		return *a
	}
	return identityRef{Name: r.reporterName()}
}

// setJSON is a PATH=VALUE override with v as JSON.
func setJSON(path string, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("scenario: encoding %s: %v", path, err)) // only plain values reach here
	}
	return path + "=" + string(b)
}
