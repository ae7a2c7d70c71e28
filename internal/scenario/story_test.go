package scenario

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/payload"
)

var testStart = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

const testBase = "http://127.0.0.1:8080/webhooks/callback/"

// counterIDs returns GUIDs numbered 1, 2, 3... in the order they are drawn.
func counterIDs() func() string {
	n := 0
	return func() string {
		n++
		return fmt.Sprintf("00000000-0000-4000-8000-%012d", n)
	}
}

func prepareBundled(t *testing.T, name string) []Delivery {
	t.Helper()
	sc, err := Bundled(name)
	if err != nil {
		t.Fatalf("Bundled(%s): %v", name, err)
	}
	ds, err := Prepare(t.Context(), sc, PrepareOptions{Start: testStart, NewID: counterIDs(), CallbackBase: testBase})
	if err != nil {
		t.Fatalf("Prepare(%s): %v", name, err)
	}
	return ds
}

func decodeBody(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("body is not JSON: %v", err)
	}
	return m
}

// at digs a dotted path out of a decoded payload.
func at(v any, path string) any {
	for _, k := range strings.Split(path, ".") {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	return v
}

func TestBundledScenarioNamesAndSteps(t *testing.T) {
	t.Parallel()
	want := map[string][]string{
		"permission_assist.lifecycle": {"Created", "Assigned", "Approved", "Provisioning", "Resolved", "Completed"},
		"permission_assist.canceled":  {"Created", "Canceled"},
		"permission_assist.reopened":  {"Created", "Approved", "Provisioning", "Resolved", "Reopened", "Resolved", "Completed"},
		"permit.invite_flow":          {"invite_user", "create_user", "role_assignment"},
		"permit.access_request_flow":  {"access_request pending", "access_request approved"},
	}
	names := Names()
	if !reflect.DeepEqual(names, []string{"permission_assist.canceled", "permission_assist.lifecycle", "permission_assist.reopened", "permit.access_request_flow", "permit.invite_flow"}) {
		t.Fatalf("Names() = %q", names)
	}
	for _, info := range List() {
		if info.Description == "" || strings.HasSuffix(info.Description, ".") {
			t.Errorf("%s: description %q: want one line without a final period", info.Name, info.Description)
		}
		sc, _ := Bundled(info.Name)
		if sc.Name != info.Name {
			t.Errorf("file %s.yaml says name %q", info.Name, sc.Name)
		}
		var kinds []string
		for _, d := range prepareBundled(t, info.Name) {
			kinds = append(kinds, strings.TrimPrefix(d.Kind, "AccessRequest"))
		}
		if !reflect.DeepEqual(kinds, want[info.Name]) {
			t.Errorf("%s sends %q, want %q", info.Name, kinds, want[info.Name])
		}
	}
}

func TestEveryBundledStepIsValid(t *testing.T) {
	t.Parallel()
	reg, err := payload.NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range Names() {
		checked, err := Validate(t.Context(), reg, prepareBundled(t, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range checked {
			if c.NoSchema || !c.Result.Valid {
				t.Errorf("%s step %s: no schema %v, valid %v: %+v", name, c.Step, c.NoSchema, c.Result.Valid, c.Result.Errors)
			}
		}
	}
}

// The bundled access request story's events and milestone dates.
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

var dateFields = []string{"startedOn", "approvedOn", "resolvedOn", "verifiedOn", "completedOn", "canceledOn"}

// statusFor is the status each event leaves the request in.
var statusFor = map[string]string{
	eventCreated: "Pending", eventAssigned: "Pending", eventApproved: "Open", eventProvisioning: "Open",
	eventResolved: "Resolved", eventReopened: "Open", eventCompleted: "Completed", eventCanceled: "Canceled",
}

// reachedBy lists, per event, the dates that must be set after it (the rest
// of the milestones that the story has not reached must be null).
var reachedBy = map[string][]string{
	eventCreated:      {},
	eventAssigned:     {},
	eventApproved:     {"approvedOn"},
	eventProvisioning: {"approvedOn", "startedOn"},
	eventResolved:     {"approvedOn", "startedOn", "resolvedOn"},
	eventReopened:     {"approvedOn", "startedOn"},
	eventCompleted:    {"approvedOn", "startedOn", "resolvedOn", "verifiedOn", "completedOn"},
	eventCanceled:     {"canceledOn"},
}

// TestPermissionAssistScenariosTellOneStory checks the story rules field by
// field on every bundled Permission Assist scenario.
func TestPermissionAssistScenariosTellOneStory(t *testing.T) {
	t.Parallel()
	for _, name := range Names() {
		if !strings.HasPrefix(name, "permission_assist.") {
			continue
		}
		t.Run(name, func(t *testing.T) {
			ds := prepareBundled(t, name)
			first := decodeBody(t, ds[0].Body)
			req0 := at(first, "event.request").(map[string]any)
			ids := map[string]bool{}
			var prevDate time.Time
			prevActivity := []any{}
			reached := map[string]any{} // milestone -> the date it was first set to
			assigned := false
			for i, d := range ds {
				m := decodeBody(t, d.Body)
				req := at(m, "event.request").(map[string]any)
				event := at(m, "event.name").(string)
				where := fmt.Sprintf("step %d (%s)", i+1, d.Step)

				for _, k := range []string{"id", "number", "action", "kind", "target", "reporter"} {
					if !reflect.DeepEqual(req[k], req0[k]) {
						t.Errorf("%s: event.request.%s = %v, want the first step's %v", where, k, req[k], req0[k])
					}
				}
				if !reflect.DeepEqual(at(req, "target.privileges"), at(req0, "target.privileges")) {
					t.Errorf("%s: privileges changed", where)
				}
				if req["id"] != d.RequestID || d.RequestID == "" {
					t.Errorf("%s: Delivery.RequestID %q, body has %v", where, d.RequestID, req["id"])
				}
				id, _ := m["id"].(string)
				if ids[id] || id != d.ID {
					t.Errorf("%s: delivery id %q is reused or is not Delivery.ID %q", where, id, d.ID)
				}
				ids[id] = true
				if m["callback"] != testBase+id {
					t.Errorf("%s: callback %v, want %s", where, m["callback"], testBase+id)
				}
				created, err := time.Parse(time.RFC3339, m["createdDate"].(string))
				if err != nil || (i > 0 && !created.After(prevDate)) {
					t.Errorf("%s: createdDate %v does not advance from %s", where, m["createdDate"], prevDate)
				}
				prevDate = created

				if req["status"] != statusFor[event] {
					t.Errorf("%s: status %v after %s, want %s", where, req["status"], event, statusFor[event])
				}
				assigned = assigned || event == eventAssigned
				if assigned && at(req, "assignee.name") != "Patel, Anika" {
					t.Errorf("%s: assignee %v, want the person assigned (the assigned fixture's)", where, req["assignee"])
				}
				if !assigned && req["assignee"] != nil {
					t.Errorf("%s: assignee %v before any assignment", where, req["assignee"])
				}
				checkDates(t, where, event, req, created, reached)
				checkResponses(t, where, event, req)

				activity := req["activity"].([]any)
				if len(activity) != len(prevActivity)+1 || !reflect.DeepEqual(activity[:len(prevActivity)], prevActivity) {
					t.Errorf("%s: activity has %d entries, want the %d before it plus one", where, len(activity), len(prevActivity))
				}
				last := activity[len(activity)-1].(map[string]any)
				if last["createdDate"] != m["createdDate"] || last["action"] != strings.TrimPrefix(event, "AccessRequest") || last["content"] == "" {
					t.Errorf("%s: new activity entry %v does not fit %s at %v", where, last, event, m["createdDate"])
				}
				prevActivity = activity
			}
		})
	}
}

func checkDates(t *testing.T, where, event string, req map[string]any, created time.Time, reached map[string]any) {
	t.Helper()
	if event == eventReopened {
		delete(reached, "resolvedOn") // reopened: the resolution no longer stands
		if req["resolvedOn"] != nil {
			t.Errorf("%s: resolvedOn %v on a reopened request", where, req["resolvedOn"])
		}
	}
	want := reachedBy[event]
	for _, k := range dateFields {
		v := req[k]
		switch {
		case slices.Contains(want, k) || reached[k] != nil:
			s, _ := v.(string)
			d, err := time.Parse(time.RFC3339, s)
			if err != nil || d.After(created) {
				t.Errorf("%s: %s = %v, want a date not after the delivery %s", where, k, v, created)
			}
			if prev, ok := reached[k]; ok && prev != v && !(event == eventResolved && k == "resolvedOn") {
				t.Errorf("%s: %s moved from %v to %v", where, k, prev, v)
			}
			reached[k] = v
		case v != nil:
			t.Errorf("%s: %s = %v before the request got there", where, k, v)
		}
	}
}

// checkResponses checks the reviews each event implies.
func checkResponses(t *testing.T, where, event string, req map[string]any) {
	t.Helper()
	want := map[string]string{"Approve": "Pending"}
	switch event {
	case eventApproved, eventProvisioning:
		want["Approve"] = "Approved"
	case eventResolved:
		want = map[string]string{"Approve": "Approved", "Verify": "Pending"}
	case eventReopened:
		want = map[string]string{"Approve": "Approved", "Verify": "Rejected"}
	case eventCompleted:
		want = map[string]string{"Approve": "Approved", "Verify": "Approved"}
	case eventCanceled:
		return // canceled at any point: the reviews stay as they were
	}
	seen := map[string]bool{}
	for _, r := range req["requirements"].([]any) {
		typ := at(r, "type").(string)
		seen[typ] = true
		for _, rule := range at(r, "rules").([]any) {
			for _, resp := range at(rule, "responses").([]any) {
				if w, ok := want[typ]; ok && at(resp, "response") != w {
					t.Errorf("%s: a %s response is %v after %s, want %s", where, typ, at(resp, "response"), event, w)
				}
			}
		}
	}
	for typ := range want {
		if !seen[typ] {
			t.Errorf("%s: no %s requirement after %s", where, typ, event)
		}
	}
}

func TestPermitScenariosKeepThePerson(t *testing.T) {
	t.Parallel()
	ds := prepareBundled(t, "permit.invite_flow")
	invite, created, assigned := decodeBody(t, ds[0].Body), decodeBody(t, ds[1].Body), decodeBody(t, ds[2].Body)
	if invite["user_invite_id"] == "3c7e9a15-6b2d-4f80-a4c1-e8d05b7f2a96" {
		t.Error("the invite kept the fixture's user_invite_id; want a fresh one")
	}
	for _, c := range [][2]any{
		{created["email"], invite["email"]}, {assigned["user_id"], invite["email"]},
		{created["tenant_key"], invite["tenant_id"]}, {assigned["tenant_id"], invite["tenant_id"]},
		{created["role"], invite["role"]}, {assigned["role"], invite["role"]},
	} {
		if c[0] != c[1] {
			t.Errorf("invite_flow: %v != %v", c[0], c[1])
		}
	}

	ds = prepareBundled(t, "permit.access_request_flow")
	pending, reviewed := decodeBody(t, ds[0].Body), decodeBody(t, ds[1].Body)
	for _, k := range []string{"requesting_user_id", "access_request_details", "reason"} {
		if !reflect.DeepEqual(pending[k], reviewed[k]) {
			t.Errorf("access_request_flow: %s %v then %v", k, pending[k], reviewed[k])
		}
	}
	if pending["status"] != "pending" || pending["reviewer_user_id"] != nil {
		t.Errorf("first step: status %v reviewer %v, want pending and none", pending["status"], pending["reviewer_user_id"])
	}
	if reviewed["status"] != "approved" || reviewed["reviewer_user_id"] == nil || reviewed["reviewer_comment"] == nil {
		t.Errorf("second step: status %v reviewer %v, want a review", reviewed["status"], reviewed["reviewer_user_id"])
	}
}

func TestPrepareIsDeterministic(t *testing.T) {
	t.Parallel()
	a, b := prepareBundled(t, "permission_assist.lifecycle"), prepareBundled(t, "permission_assist.lifecycle")
	for i := range a {
		if string(a[i].Body) != string(b[i].Body) {
			t.Fatalf("step %d differs between two runs with the same clock and ids", i+1)
		}
	}
}

func TestDelayAdvancesTheStoryClock(t *testing.T) {
	t.Parallel()
	sc, _ := Bundled("permission_assist.canceled")
	ds, err := Prepare(t.Context(), sc, PrepareOptions{Start: testStart, NewID: counterIDs(), Delay: 90 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if got := ds[1].At.Sub(ds[0].At); got != 90*time.Second {
		t.Errorf("steps %s apart, want the --delay 1m30s", got)
	}
	if !ds[0].At.Equal(testStart) {
		t.Errorf("first step at %s, want the start %s", ds[0].At, testStart)
	}
}

// TestStoryCarriesTheUsersOverrides: a set line on one step is part of the
// story from then on, and a step's own set lines win over the story's.
func TestStoryCarriesTheUsersOverrides(t *testing.T) {
	t.Parallel()
	ds := parsePrepare(t, `steps:
  - name: created
    fixture: permission_assist.access_request_created
    set:
      event.request.number: 7
      event.request.target.name: ada
  - name: approved
    fixture: permission_assist.access_request_approved
  - name: completed
    fixture: permission_assist.access_request_completed
    set:
      event.request.status: Resolved
`, testBase)
	for i, d := range ds {
		m := decodeBody(t, d.Body)
		if at(m, "event.request.number") != float64(7) || at(m, "event.request.target.name") != "ada" {
			t.Errorf("step %d: number %v, target %v; want the first step's overrides", i+1, at(m, "event.request.number"), at(m, "event.request.target.name"))
		}
	}
	if got := at(decodeBody(t, ds[2].Body), "event.request.status"); got != "Resolved" {
		t.Errorf("a step's own set line lost to the story: status %v", got)
	}
	if got := at(decodeBody(t, ds[1].Body), "event.request.status"); got != "Open" {
		t.Errorf("approved: status %v, want Open", got)
	}
}

// TestStoryStartingLater: a story may begin at any event; the milestones
// the first event implies are set, and nothing before it is made up.
func TestStoryStartingLater(t *testing.T) {
	t.Parallel()
	ds := parsePrepare(t, `steps:
  - name: resolved
    fixture: permission_assist.access_request_resolved
  - name: completed
    fixture: permission_assist.access_request_completed
`, testBase)
	m := decodeBody(t, ds[0].Body)
	req := at(m, "event.request").(map[string]any)
	for _, k := range []string{"approvedOn", "startedOn", "resolvedOn"} {
		if req[k] != m["createdDate"] {
			t.Errorf("%s = %v, want the delivery time %v", k, req[k], m["createdDate"])
		}
	}
	if act := req["activity"].([]any); len(act) != 1 {
		t.Errorf("activity has %d entries, want the one for this step", len(act))
	}
	if req["number"] != float64(1058) || req["id"] != "00000000-0000-4000-8000-000000000001" {
		t.Errorf("the story is the first fixture's request under a fresh id: number %v id %v", req["number"], req["id"])
	}
	last := at(decodeBody(t, ds[1].Body), "event.request").(map[string]any)
	if last["resolvedOn"] != req["resolvedOn"] || last["status"] != "Completed" || last["completedOn"] == nil {
		t.Errorf("completed after resolved: %v %v %v", last["resolvedOn"], last["status"], last["completedOn"])
	}
}
