package schemas

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// schemaNames are the six bundled schemas, as PRODUCT.md names them.
var schemaNames = []string{
	"permit.create_user",
	"permit.invite_user",
	"permit.role_assignment",
	"permit.access_request",
	"permit.operation_approval",
	"permission_assist.access_request",
}

// eventTypes is the "Event types" table of the Permission Assist payload
// reference: event.name, its UI label (event.display) and event.description.
var eventTypes = []struct{ name, display, description string }{
	{"AccessRequestCreated", "Access Request Created", "Occurs when an access request is created."},
	{"AccessRequestAssigned", "Access Request Assigned", "Occurs when an access request is assigned to a person."},
	{"AccessRequestApproved", "Access Request Approved", "Occurs when an access request is approved by all required reviewers."},
	{"AccessRequestProvisioning", "Access Request Provisioning", "Occurs when a request to automate a provision step is made."},
	{"AccessRequestResolved", "Access Request Resolved", "Occurs when an access request is resolved by a provision engineer."},
	{"AccessRequestReopened", "Access Request Reopened", "Occurs when an access request is reopened for provisioning."},
	{"AccessRequestCompleted", "Access Request Completed", "Occurs when an access request is successfully completed."},
	{"AccessRequestCanceled", "Access Request Canceled", "Occurs when an access request is canceled."},
}

// Valid Permit.io payloads, one per schema, with every field the guide lists.
const (
	permitCreateUser = `{
  "email": "jane.doe@example.com",
  "tenant_key": "acme",
  "role": "viewer",
  "permission_level": "LEVEL_1",
  "type": "create_user"
}`
	permitInviteUserRBAC = `{
  "email": "jane.doe@example.com",
  "role": "editor",
  "tenant_id": "acme",
  "user_invite_id": "3f1c2a9e-8b7d-4c6e-a5f4-0e9d8c7b6a51",
  "type": "invite_user"
}`
	permitInviteUserReBAC = `{
  "email": "jane.doe@example.com",
  "role": "editor",
  "tenant_id": "acme",
  "user_invite_id": "3f1c2a9e-8b7d-4c6e-a5f4-0e9d8c7b6a51",
  "resource_instance_key": "document:q3-report",
  "type": "invite_user"
}`
	permitRoleAssignment = `{
  "user_id": "jane.doe",
  "tenant_id": "acme",
  "role": "admin",
  "permission_level": "LEVEL_2",
  "type": "role_assignment"
}`
	permitAccessRequest = `{
  "requesting_user_id": "jane.doe",
  "access_request_details": {
    "tenant": "acme",
    "resource": "document",
    "resource_instance": "q3-report",
    "action": "edit"
  },
  "reason": "Need to fix the totals",
  "status": "pending",
  "reviewer_user_id": null,
  "reviewer_comment": null
}`
	permitOperationApproval = `{
  "requesting_user_id": "jane.doe",
  "operation_approval_details": {
    "tenant": "acme",
    "resource": "payment",
    "resource_instance": "wire-2025-0042"
  },
  "reason": null,
  "status": "approved",
  "reviewer_user_id": "john.smith",
  "reviewer_comment": "Checked with finance"
}`
)

// compile compiles a bundled schema exactly as the product does: draft
// 2020-12, formats asserted, the file added under its $id.
func compile(t testing.TB, name string) *jsonschema.Schema {
	t.Helper()
	data, err := FS.ReadFile(Path(name))
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	c.AssertFormat = true
	url := BaseURL + name + ".json"
	if err := c.AddResource(url, bytes.NewReader(data)); err != nil {
		t.Fatalf("add %s: %v", name, err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatalf("compile %s: %v", name, err)
	}
	return s
}

// unmarshalJSON decodes an instance the way jsonschema/v5 expects it (numbers
// as json.Number, one top-level value only). v5 has no exported decoder.
func unmarshalJSON(t testing.TB, data []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if _, err := d.Token(); err == nil {
		t.Fatalf("decode: trailing data after the top-level value")
	}
	return v
}

// clone deep-copies a decoded JSON value (or turns a Go literal such as 5 or
// map[string]any into its decoded JSON form).
func clone(t testing.TB, v any) any {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return unmarshalJSON(t, data)
}

// edit changes one dotted path ("event.request.privileges.0.permission") of a
// decoded document: it sets value, or deletes the member when del is true.
type edit struct {
	path  string
	value any
	del   bool
}

func set(path string, value any) edit { return edit{path: path, value: value} }
func del(path string) edit            { return edit{path: path, del: true} }

// apply returns a copy of doc with the edits applied; the original is untouched.
func apply(t testing.TB, doc any, edits ...edit) any {
	t.Helper()
	out := clone(t, doc)
	for _, e := range edits {
		keys := strings.Split(e.path, ".")
		parent := out
		for _, k := range keys[:len(keys)-1] {
			parent = child(t, parent, k, e.path)
		}
		last := keys[len(keys)-1]
		switch p := parent.(type) {
		case map[string]any:
			if e.del {
				delete(p, last)
			} else {
				p[last] = clone(t, e.value)
			}
		case []any:
			i, err := strconv.Atoi(last)
			if err != nil || i < 0 || i >= len(p) || e.del {
				t.Fatalf("edit %s: cannot set or delete array element %q", e.path, last)
			}
			p[i] = clone(t, e.value)
		default:
			t.Fatalf("edit %s: parent of %q is not an object or array", e.path, last)
		}
	}
	return out
}

func child(t testing.TB, v any, key, path string) any {
	t.Helper()
	switch p := v.(type) {
	case map[string]any:
		c, ok := p[key]
		if !ok {
			t.Fatalf("edit %s: no member %q", path, key)
		}
		return c
	case []any:
		i, err := strconv.Atoi(key)
		if err != nil || i < 0 || i >= len(p) {
			t.Fatalf("edit %s: no element %q", path, key)
		}
		return p[i]
	}
	t.Fatalf("edit %s: %q is inside a scalar", path, key)
	return nil
}

// leaves returns the innermost validation errors: the ones a user is shown.
func leaves(ve *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(ve.Causes) == 0 {
		return []*jsonschema.ValidationError{ve}
	}
	var out []*jsonschema.ValidationError
	for _, c := range ve.Causes {
		out = append(out, leaves(c)...)
	}
	return out
}

// Keyword suffixes of a leaf error's absolute keyword location.
const (
	kwRequired = "/required"
	kwEnum     = "/enum"
	kwConst    = "/const"
	kwType     = "/type"
	kwFormat   = "/format"
	kwGUID     = "/$defs/guid/pattern"
	kwFalse    = "/properties/nomenclature"
)

// ruleCase is one table entry: base document plus edits, and either valid or
// the instance location (and keyword) a leaf error must report.
type ruleCase struct {
	schema string
	name   string
	base   string
	edits  []edit
	valid  bool
	loc    string // JSON Pointer of the expected leaf error
	kw     string // suffix of that leaf's absolute keyword location
}

func ok(schema, base, name string, edits ...edit) ruleCase {
	return ruleCase{schema: schema, base: base, name: name, edits: edits, valid: true}
}

func bad(schema, base, name, loc, kw string, edits ...edit) ruleCase {
	return ruleCase{schema: schema, base: base, name: name, edits: edits, loc: loc, kw: kw}
}

// pointer turns a dotted path into a JSON Pointer.
func pointer(path string) string {
	if path == "" {
		return ""
	}
	return "/" + strings.ReplaceAll(path, ".", "/")
}

// parentPointer is where a missing dotted path is reported.
func parentPointer(path string) string {
	i := strings.LastIndex(path, ".")
	if i < 0 {
		return ""
	}
	return pointer(path[:i])
}

// requiredCases makes one "missing" case per member of the object at prefix.
func requiredCases(schema, base, prefix string, members ...string) []ruleCase {
	var out []ruleCase
	for _, m := range members {
		p := m
		if prefix != "" {
			p = prefix + "." + m
		}
		out = append(out, bad(schema, base, "missing "+p, parentPointer(p), kwRequired, del(p)))
	}
	return out
}

// typeCase sets path to a value of the wrong JSON type.
func typeCase(schema, base, path string, value any) ruleCase {
	return bad(schema, base, fmt.Sprintf("%s wrong type %v", path, value), pointer(path), kwType, set(path, value))
}

func loadBases(t *testing.T) map[string]any {
	t.Helper()
	sample, err := os.ReadFile(filepath.Join("testdata", "seed_sample.json"))
	if err != nil {
		t.Fatal(err)
	}
	pa := unmarshalJSON(t, sample)
	group := apply(t, pa,
		set("event.request.target.type", "Group"),
		set("event.request.target.name", "Teller Cash Advance"),
		set("event.request.target.nomenclature", "FBV\\Teller-CashAdvance"),
		set("event.request.target.affectedIdentity", nil),
	)
	return map[string]any{
		"pa":       pa,
		"pa_group": group,
		"create":   unmarshalJSON(t, []byte(permitCreateUser)),
		"rbac":     unmarshalJSON(t, []byte(permitInviteUserRBAC)),
		"rebac":    unmarshalJSON(t, []byte(permitInviteUserReBAC)),
		"role":     unmarshalJSON(t, []byte(permitRoleAssignment)),
		"access":   unmarshalJSON(t, []byte(permitAccessRequest)),
		"approval": unmarshalJSON(t, []byte(permitOperationApproval)),
	}
}

func permitCases() []ruleCase {
	const (
		cu = "permit.create_user"
		iu = "permit.invite_user"
		ra = "permit.role_assignment"
		ar = "permit.access_request"
		oa = "permit.operation_approval"
	)
	cs := []ruleCase{
		// User Management - Create User
		ok(cu, "create", "guide fields"),
		ok(cu, "create", "unknown extra field allowed", set("created_by", "admin")),
		bad(cu, "create", "type is create_user", "/type", kwConst, set("type", "invite_user")),
		bad(cu, "create", "email is an email", "/email", kwFormat, set("email", "not-an-email")),
		typeCase(cu, "create", "email", 5),
		typeCase(cu, "create", "tenant_key", 5),
		typeCase(cu, "create", "role", nil),
		typeCase(cu, "create", "permission_level", true),

		// User Management - Invite User, RBAC and ReBAC
		ok(iu, "rbac", "RBAC invite"),
		ok(iu, "rebac", "ReBAC invite"),
		ok(iu, "rbac", "unknown extra field allowed", set("invited_by", "admin")),
		bad(iu, "rbac", "type is invite_user", "/type", kwConst, set("type", "create_user")),
		bad(iu, "rbac", "email is an email", "/email", kwFormat, set("email", "jane.doe")),
		typeCase(iu, "rbac", "role", 5),
		typeCase(iu, "rbac", "tenant_id", 5),
		typeCase(iu, "rbac", "user_invite_id", 42),
		typeCase(iu, "rebac", "resource_instance_key", 5),
		typeCase(iu, "rebac", "resource_instance_key", nil),

		// User Management - Assign Role to User
		ok(ra, "role", "guide fields"),
		ok(ra, "role", "unknown extra field allowed", set("assigned_by", "admin")),
		bad(ra, "role", "type is role_assignment", "/type", kwConst, set("type", "create_user")),
		typeCase(ra, "role", "user_id", 5),
		typeCase(ra, "role", "tenant_id", 5),
		typeCase(ra, "role", "role", []any{"admin"}),
		typeCase(ra, "role", "permission_level", 1),

		// Access Request Webhook
		ok(ar, "access", "guide fields, nullable fields null"),
		ok(ar, "access", "nullable fields as strings",
			set("reviewer_user_id", "john.smith"), set("reviewer_comment", "ok"), set("reason", "because")),
		ok(ar, "access", "reason null", set("reason", nil)),
		ok(ar, "access", "status is any string (RequestStatus values are not in the guide)", set("status", "whatever")),
		ok(ar, "access", "unknown extra field allowed", set("access_request_details.role", "editor")),
		typeCase(ar, "access", "requesting_user_id", 5),
		typeCase(ar, "access", "requesting_user_id", nil),
		typeCase(ar, "access", "access_request_details", "acme/document"),
		typeCase(ar, "access", "access_request_details.tenant", 5),
		typeCase(ar, "access", "access_request_details.resource", 5),
		typeCase(ar, "access", "access_request_details.resource_instance", nil),
		typeCase(ar, "access", "access_request_details.action", 5),
		typeCase(ar, "access", "reason", 5),
		typeCase(ar, "access", "status", nil),
		typeCase(ar, "access", "reviewer_user_id", 5),
		typeCase(ar, "access", "reviewer_comment", false),

		// Operation Approval Webhook
		ok(oa, "approval", "guide fields"),
		ok(oa, "approval", "nullable fields null",
			set("reviewer_user_id", nil), set("reviewer_comment", nil), set("reason", nil)),
		ok(oa, "approval", "unknown extra field allowed", set("operation_approval_details.action", "pay")),
		typeCase(oa, "approval", "requesting_user_id", 5),
		typeCase(oa, "approval", "operation_approval_details", nil),
		typeCase(oa, "approval", "operation_approval_details.tenant", 5),
		typeCase(oa, "approval", "operation_approval_details.resource", 5),
		typeCase(oa, "approval", "operation_approval_details.resource_instance", 5),
		typeCase(oa, "approval", "reason", 5),
		typeCase(oa, "approval", "status", 5),
		typeCase(oa, "approval", "reviewer_user_id", 5),
		typeCase(oa, "approval", "reviewer_comment", []any{}),
	}
	cs = append(cs, requiredCases(cu, "create", "", "email", "tenant_key", "role", "permission_level", "type")...)
	cs = append(cs, requiredCases(iu, "rbac", "", "email", "role", "tenant_id", "user_invite_id", "type")...)
	cs = append(cs, requiredCases(iu, "rebac", "", "email", "role", "tenant_id", "user_invite_id", "type")...)
	cs = append(cs, requiredCases(ra, "role", "", "user_id", "tenant_id", "role", "permission_level", "type")...)
	cs = append(cs, requiredCases(ar, "access", "", "requesting_user_id", "access_request_details", "reason", "status", "reviewer_user_id", "reviewer_comment")...)
	cs = append(cs, requiredCases(ar, "access", "access_request_details", "tenant", "resource", "resource_instance", "action")...)
	cs = append(cs, requiredCases(oa, "approval", "", "requesting_user_id", "operation_approval_details", "reason", "status", "reviewer_user_id", "reviewer_comment")...)
	cs = append(cs, requiredCases(oa, "approval", "operation_approval_details", "tenant", "resource", "resource_instance")...)
	return cs
}

func permissionAssistCases() []ruleCase {
	const s = "permission_assist.access_request"
	const (
		r  = "event.request"
		tg = "event.request.target"
		ai = "event.request.target.affectedIdentity"
		ap = "event.request.target.application"
		pv = "event.request.target.privileges.0"
		pm = "event.request.target.privileges.0.permission"
	)
	nullableDates := []string{"scheduledStart", "startedOn", "approvedOn", "resolvedOn", "verifiedOn", "completedOn", "canceledOn"}

	cs := []ruleCase{
		ok(s, "pa", "seed sample"),
		ok(s, "pa_group", "Group target: nomenclature, affectedIdentity null"),
		ok(s, "pa", "unknown extra fields allowed",
			set("deliveryAttempt", 2), set("event.request.priority", "High"), set(ai+".phone", "555-0100")),
		ok(s, "pa", "assignee object", set(r+".assignee", map[string]any{
			"id": "e1f2a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b", "name": "Lee, Sam"})),
		ok(s, "pa", "inactivatedDate set", set(ai+".inactivatedDate", "2025-11-30T00:00:00Z")),
		ok(s, "pa", "activity action null", set(r+".activity.0.action", nil)),
		ok(s, "pa", "date-time with offset and fraction", set("createdDate", "2025-12-01T09:30:05.123-05:00")),
		ok(s, "pa", "upper-case GUID", set("id", "F1E2D3C4-B5A6-7890-ABCD-EF1234567890")),
		ok(s, "pa", "comment", set(r+".comments", []any{map[string]any{
			"createdDate": "2025-12-01T15:00:00Z", "author": "Davis, Michelle", "content": "Approved on the phone"}})),
		ok(s, "pa", "Personnel Event related item", set(r+".relatedItems.0.kind", "Personnel Event")),
		ok(s, "pa", "requirement type is any string", set(r+".requirements.0.type", "Escalate")),
		ok(s, "pa", "empty arrays", set(r+".activity", []any{}), set(r+".relatedItems", []any{}),
			set(r+".requirements", []any{}), set(r+".accessModels", []any{}), set(tg+".privileges", []any{}),
			set(tg+".metadata", []any{})),

		// Top-level fields.
		bad(s, "pa", "id is a GUID", "/id", kwGUID, set("id", "f1e2d3c4-b5a6-7890-abcd")),
		bad(s, "pa", "id GUID has no braces", "/id", kwGUID, set("id", "{f1e2d3c4-b5a6-7890-abcd-ef1234567890}")),
		typeCase(s, "pa", "id", 5),
		bad(s, "pa", "createdDate is a date-time", "/createdDate", kwFormat, set("createdDate", "2025-12-01")),
		bad(s, "pa", "createdDate needs a time zone", "/createdDate", kwFormat, set("createdDate", "2025-12-01T14:30:05")),
		bad(s, "pa", "createdDate is not prose", "/createdDate", kwFormat, set("createdDate", "yesterday")),
		typeCase(s, "pa", "createdDate", 1733063405),
		bad(s, "pa", "callback is a URI", "/callback", kwFormat, set("callback", "not a url")),
		bad(s, "pa", "callback is absolute", "/callback", kwFormat, set("callback", "/webhooks/callback/1")),
		typeCase(s, "pa", "callback", nil),
		typeCase(s, "pa", "event", "AccessRequestCreated"),

		// Event fields.
		bad(s, "pa", "event.name is an event type", "/event/name", kwEnum, set("event.name", "AccessRequestDeleted")),
		bad(s, "pa", "event.name is case-sensitive", "/event/name", kwEnum, set("event.name", "accessRequestCreated")),
		typeCase(s, "pa", "event.display", 5),
		typeCase(s, "pa", "event.description", nil),
		typeCase(s, "pa", "event.request", []any{}),
		bad(s, "pa", "display matches name", "/event/display", kwConst, set("event.display", "Access Request Approved")),
		bad(s, "pa", "description matches name", "/event/description", kwConst,
			set("event.description", "Occurs when an access request is approved by all required reviewers.")),
		bad(s, "pa", "display of another event", "/event/display", kwConst,
			set("event.name", "AccessRequestCanceled"), set("event.description", "Occurs when an access request is canceled.")),
		bad(s, "pa", "description of another event", "/event/description", kwConst,
			set("event.name", "AccessRequestCanceled"), set("event.display", "Access Request Canceled")),

		// Access request fields.
		bad(s, "pa", "request.id is a GUID", "/event/request/id", kwGUID, set(r+".id", "1042")),
		bad(s, "pa", "kind is Access Request", "/event/request/kind", kwConst, set(r+".kind", "Review Item")),
		typeCase(s, "pa", r+".number", "1042"),
		typeCase(s, "pa", r+".number", 1042.5),
		bad(s, "pa", "action values", "/event/request/action", kwEnum, set(r+".action", "Delete")),
		bad(s, "pa", "status values", "/event/request/status", kwEnum, set(r+".status", "Closed")),
		bad(s, "pa", "status values are case-sensitive", "/event/request/status", kwEnum, set(r+".status", "pending")),
		typeCase(s, "pa", r+".reporter", nil),
		bad(s, "pa", "reporter.id is a GUID", "/event/request/reporter/id", kwGUID, set(r+".reporter.id", "pa")),
		typeCase(s, "pa", r+".reporter.name", 5),
		typeCase(s, "pa", r+".assignee", "Lee, Sam"),
		bad(s, "pa", "assignee.id is a GUID", "/event/request/assignee/id", kwGUID,
			set(r+".assignee", map[string]any{"id": "sam", "name": "Lee, Sam"})),
		bad(s, "pa", "assignee needs id", "/event/request/assignee", kwRequired,
			set(r+".assignee", map[string]any{"name": "Lee, Sam"})),
		bad(s, "pa", "assignee needs name", "/event/request/assignee", kwRequired,
			set(r+".assignee", map[string]any{"id": "e1f2a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b"})),
		typeCase(s, "pa", r+".target", nil),
		typeCase(s, "pa", r+".activity", map[string]any{}),
		bad(s, "pa", "activity createdDate", "/event/request/activity/0/createdDate", kwFormat,
			set(r+".activity.0.createdDate", "12/01/2025")),
		typeCase(s, "pa", r+".activity.0.author", nil),
		typeCase(s, "pa", r+".activity.0.action", 5),
		typeCase(s, "pa", r+".activity.0.content", nil),
		typeCase(s, "pa", r+".comments", nil),
		bad(s, "pa", "comment createdDate", "/event/request/comments/0/createdDate", kwFormat,
			set(r+".comments", []any{map[string]any{"createdDate": "now", "author": "a", "content": "c"}})),
		bad(s, "pa", "comment needs content", "/event/request/comments/0", kwRequired,
			set(r+".comments", []any{map[string]any{"createdDate": "2025-12-01T15:00:00Z", "author": "a"}})),
		bad(s, "pa", "comment needs author", "/event/request/comments/0", kwRequired,
			set(r+".comments", []any{map[string]any{"createdDate": "2025-12-01T15:00:00Z", "content": "c"}})),
		bad(s, "pa", "comment needs createdDate", "/event/request/comments/0", kwRequired,
			set(r+".comments", []any{map[string]any{"author": "a", "content": "c"}})),
		bad(s, "pa", "comment is an object", "/event/request/comments/0", kwType, set(r+".comments", []any{"Looks fine"})),
		typeCase(s, "pa", r+".relatedItems", "5421"),
		bad(s, "pa", "relatedItems id", "/event/request/relatedItems/0/id", kwGUID, set(r+".relatedItems.0.id", "5421")),
		bad(s, "pa", "relatedItems kind values", "/event/request/relatedItems/0/kind", kwEnum,
			set(r+".relatedItems.0.kind", "Access Request")),
		typeCase(s, "pa", r+".relatedItems.0.number", "5421"),
		typeCase(s, "pa", r+".relatedItems.0.status", nil),
		typeCase(s, "pa", r+".requirements", nil),
		typeCase(s, "pa", r+".requirements.0.type", nil),
		typeCase(s, "pa", r+".requirements.0.description", 5),
		typeCase(s, "pa", r+".requirements.0.rules", map[string]any{}),
		typeCase(s, "pa", r+".requirements.0.rules.0.reason", nil),
		typeCase(s, "pa", r+".requirements.0.rules.0.responses", nil),
		typeCase(s, "pa", r+".requirements.0.rules.0.responses.0.reviewer", "Davis, Michelle"),
		bad(s, "pa", "reviewer id", "/event/request/requirements/0/rules/0/responses/0/reviewer/id", kwGUID,
			set(r+".requirements.0.rules.0.responses.0.reviewer.id", "mdavis")),
		typeCase(s, "pa", r+".requirements.0.rules.0.responses.0.reviewer.name", nil),
		bad(s, "pa", "response values", "/event/request/requirements/0/rules/0/responses/0/response", kwEnum,
			set(r+".requirements.0.rules.0.responses.0.response", "Denied")),
		typeCase(s, "pa", r+".accessModels", nil),
		bad(s, "pa", "accessModels id", "/event/request/accessModels/0/id", kwGUID, set(r+".accessModels.0.id", "teller")),
		typeCase(s, "pa", r+".accessModels.0.name", 5),
		typeCase(s, "pa", r+".accessModels.0.description", nil),
		typeCase(s, "pa", r+".accessModels.0.willBeInEffect", "false"),

		// Target.
		bad(s, "pa", "target type values", "/event/request/target/type", kwEnum, set(tg+".type", "Team")),
		typeCase(s, "pa", tg+".name", nil),
		bad(s, "pa", "User target has no nomenclature", "/event/request/target/nomenclature", kwFalse,
			set(tg+".nomenclature", "Security Group")),
		bad(s, "pa", "User target has an affectedIdentity object", "/event/request/target/affectedIdentity", kwType,
			set(ai, nil)),
		bad(s, "pa_group", "Group target needs nomenclature", "/event/request/target", kwRequired,
			del(tg+".nomenclature")),
		bad(s, "pa_group", "Group target has a null affectedIdentity", "/event/request/target/affectedIdentity", kwType,
			set(ai, map[string]any{})),
		typeCase(s, "pa_group", tg+".nomenclature", 5),
		typeCase(s, "pa", ai, "rjohnson"),
		typeCase(s, "pa", tg+".application", nil),
		typeCase(s, "pa", tg+".privileges", nil),
		typeCase(s, "pa", tg+".metadata", nil),

		// affectedIdentity.
		bad(s, "pa", "identity id", "/event/request/target/affectedIdentity/id", kwGUID, set(ai+".id", "rjohnson")),
		bad(s, "pa", "identity kind is Identity", "/event/request/target/affectedIdentity/kind", kwConst, set(ai+".kind", "User")),
		bad(s, "pa", "identity email", "/event/request/target/affectedIdentity/emailAddress", kwFormat,
			set(ai+".emailAddress", "rjohnson")),
		bad(s, "pa", "identity type values", "/event/request/target/affectedIdentity/type", kwEnum, set(ai+".type", "Contractor")),
		bad(s, "pa", "identity status values", "/event/request/target/affectedIdentity/status", kwEnum, set(ai+".status", "Inactive")),
		bad(s, "pa", "identity inactivatedDate", "/event/request/target/affectedIdentity/inactivatedDate", kwFormat,
			set(ai+".inactivatedDate", "never")),
		typeCase(s, "pa", ai+".inactivatedDate", 0),
		typeCase(s, "pa", ai+".createdDate", nil),
		typeCase(s, "pa", ai+".updatedDate", nil),
		typeCase(s, "pa", ai+".firstSeenDate", nil),
		typeCase(s, "pa", ai+".emailAddress", nil),
		typeCase(s, "pa", ai+".firstName", 5),
		typeCase(s, "pa", ai+".lastName", 5),
		typeCase(s, "pa", ai+".title", nil),
		typeCase(s, "pa", ai+".company", nil),
		typeCase(s, "pa", ai+".division", nil),
		typeCase(s, "pa", ai+".department", nil),
		typeCase(s, "pa", ai+".office", nil),
		typeCase(s, "pa", ai+".supervisorName", nil),

		// Application.
		bad(s, "pa", "application id", "/event/request/target/application/id", kwGUID, set(ap+".id", "symitar")),
		bad(s, "pa", "application kind is Application", "/event/request/target/application/kind", kwConst, set(ap+".kind", "App")),
		bad(s, "pa", "application priority values", "/event/request/target/application/priority", kwEnum, set(ap+".priority", "Urgent")),
		typeCase(s, "pa", ap+".name", nil),
		typeCase(s, "pa", ap+".isArchived", "false"),
		bad(s, "pa", "application lastUpdated", "/event/request/target/application/lastUpdated", kwFormat,
			set(ap+".lastUpdated", "2025-12-01 08:45")),
		typeCase(s, "pa", ap+".lastUpdated", nil),

		// Privileges.
		bad(s, "pa", "initialAccess values", "/event/request/target/privileges/0/initialAccess", kwEnum, set(pv+".initialAccess", "Read")),
		bad(s, "pa", "requestedAccess values", "/event/request/target/privileges/0/requestedAccess", kwEnum, set(pv+".requestedAccess", "Write")),
		bad(s, "pa", "approvedAccess values", "/event/request/target/privileges/0/approvedAccess", kwEnum, set(pv+".approvedAccess", nil)),
		typeCase(s, "pa", pv+".permission", nil),
		typeCase(s, "pa", pm+".header", nil),
		typeCase(s, "pa", pm+".section", nil),
		typeCase(s, "pa", pm+".permission", nil),
		typeCase(s, "pa", pm+".description", nil),
		bad(s, "pa", "riskRating values", "/event/request/target/privileges/0/permission/riskRating", kwEnum, set(pm+".riskRating", "Severe")),
		typeCase(s, "pa", pm+".metadata", nil),
		typeCase(s, "pa", pm+".metadata.0.key", 5),
		typeCase(s, "pa", pm+".metadata.0.value", 10000),
		typeCase(s, "pa", pm+".value", nil),
		typeCase(s, "pa", pv+".sources", "Direct Assignment"),
		typeCase(s, "pa", pv+".sources.0", 1),
		typeCase(s, "pa", pv+".origins", nil),
		typeCase(s, "pa", pv+".origins.0", nil),
		typeCase(s, "pa", tg+".metadata.0.key", nil),
		typeCase(s, "pa", tg+".metadata.0.value", 5),
	}

	for _, et := range eventTypes {
		cs = append(cs, ok(s, "pa", "event "+et.name,
			set("event.name", et.name), set("event.display", et.display), set("event.description", et.description)))
		cs = append(cs, ok(s, "pa_group", "Group target, event "+et.name,
			set("event.name", et.name), set("event.display", et.display), set("event.description", et.description)))
	}
	for _, d := range nullableDates {
		cs = append(cs,
			ok(s, "pa", d+" set", set(r+"."+d, "2025-12-02T09:00:00Z")),
			bad(s, "pa", d+" is a date-time", pointer(r+"."+d), kwFormat, set(r+"."+d, "2025-12-02")),
			typeCase(s, "pa", r+"."+d, false),
		)
	}

	cs = append(cs, requiredCases(s, "pa", "", "id", "createdDate", "callback", "event")...)
	cs = append(cs, requiredCases(s, "pa", "event", "name", "display", "description", "request")...)
	cs = append(cs, requiredCases(s, "pa", r, "id", "kind", "number", "action", "status", "reporter", "assignee", "target",
		"scheduledStart", "startedOn", "approvedOn", "resolvedOn", "verifiedOn", "completedOn", "canceledOn",
		"activity", "comments", "relatedItems", "requirements", "accessModels")...)
	cs = append(cs, requiredCases(s, "pa", r+".reporter", "id", "name")...)
	cs = append(cs, requiredCases(s, "pa", tg, "type", "name", "affectedIdentity", "application", "privileges", "metadata")...)
	cs = append(cs, requiredCases(s, "pa_group", tg, "affectedIdentity")...)
	cs = append(cs, requiredCases(s, "pa", ai, "id", "kind", "firstName", "lastName", "emailAddress", "type", "title",
		"company", "division", "department", "office", "supervisorName", "createdDate", "updatedDate", "firstSeenDate",
		"inactivatedDate", "status")...)
	cs = append(cs, requiredCases(s, "pa", ap, "id", "kind", "name", "priority", "isArchived", "lastUpdated")...)
	cs = append(cs, requiredCases(s, "pa", pv, "initialAccess", "requestedAccess", "approvedAccess", "permission", "sources", "origins")...)
	cs = append(cs, requiredCases(s, "pa", pm, "header", "section", "permission", "description", "riskRating", "metadata", "value")...)
	cs = append(cs, requiredCases(s, "pa", pm+".metadata.0", "key", "value")...)
	cs = append(cs, requiredCases(s, "pa", tg+".metadata.0", "key", "value")...)
	cs = append(cs, requiredCases(s, "pa", r+".activity.0", "createdDate", "author", "action", "content")...)
	cs = append(cs, requiredCases(s, "pa", r+".relatedItems.0", "id", "kind", "number", "status")...)
	cs = append(cs, requiredCases(s, "pa", r+".requirements.0", "type", "description", "rules")...)
	cs = append(cs, requiredCases(s, "pa", r+".requirements.0.rules.0", "reason", "responses")...)
	cs = append(cs, requiredCases(s, "pa", r+".requirements.0.rules.0.responses.0", "reviewer", "response")...)
	cs = append(cs, requiredCases(s, "pa", r+".requirements.0.rules.0.responses.0.reviewer", "id", "name")...)
	cs = append(cs, requiredCases(s, "pa", r+".accessModels.0", "id", "name", "description", "willBeInEffect")...)
	return cs
}

// TestRules validates every table case. With WEBHOOK_TOOL_SCHEMA_DUMP=DIR set,
// it also writes each case's payload to DIR/<schema>/<n>-<valid|invalid>.json,
// so the same verdicts can be checked with another validator (ajv-cli).
func TestRules(t *testing.T) {
	t.Parallel()
	bases := loadBases(t)
	compiled := map[string]*jsonschema.Schema{}
	for _, n := range schemaNames {
		compiled[n] = compile(t, n)
	}
	dump := os.Getenv("WEBHOOK_TOOL_SCHEMA_DUMP")
	cases := append(permitCases(), permissionAssistCases()...)
	seen := map[string]bool{}
	for i, tc := range cases {
		id := tc.schema + "/" + tc.base + "/" + tc.name
		if seen[id] {
			t.Errorf("duplicate case name %q", id)
		}
		seen[id] = true
		base, found := bases[tc.base]
		if !found {
			t.Fatalf("%s: unknown base %q", id, tc.base)
		}
		doc := apply(t, base, tc.edits...)
		if dump != "" {
			writeDump(t, dump, tc, i, doc)
		}
		t.Run(id, func(t *testing.T) {
			err := compiled[tc.schema].Validate(doc)
			if tc.valid {
				if err != nil {
					t.Fatalf("want valid, got %#v", err)
				}
				return
			}
			var ve *jsonschema.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("want a validation error at %q, got %v", tc.loc, err)
			}
			var got []string
			for _, l := range leaves(ve) {
				got = append(got, fmt.Sprintf("%q %s: %s", l.InstanceLocation, l.AbsoluteKeywordLocation, l.Message))
				if l.InstanceLocation == tc.loc && strings.HasSuffix(l.AbsoluteKeywordLocation, tc.kw) {
					return
				}
			}
			t.Fatalf("no leaf error at %q with keyword ...%s; leaves:\n  %s", tc.loc, tc.kw, strings.Join(got, "\n  "))
		})
	}
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

func writeDump(t *testing.T, dir string, tc ruleCase, i int, doc any) {
	t.Helper()
	verdict := "invalid"
	if tc.valid {
		verdict = "valid"
	}
	d := filepath.Join(dir, tc.schema)
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("%03d-%s-%s.json", i, verdict, unsafeName.ReplaceAllString(tc.base+"_"+tc.name, "_"))
	if err := os.WriteFile(filepath.Join(d, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestSeedSample checks the sample payload copied verbatim from the Permission
// Assist reference.
func TestSeedSample(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join("testdata", "seed_sample.json"))
	if err != nil {
		t.Fatal(err)
	}
	s := compile(t, "permission_assist.access_request")
	if err := s.Validate(unmarshalJSON(t, data)); err != nil {
		t.Fatalf("seed sample: %#v", err)
	}
}

// TestEventTypesMatchSchema checks that the schema's event.name enum is exactly
// the eight event types, so the display/description rules cover every name.
func TestEventTypesMatchSchema(t *testing.T) {
	t.Parallel()
	data, err := FS.ReadFile(Path("permission_assist.access_request"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Properties struct {
			Event struct {
				Properties struct {
					Name struct {
						Enum []string `json:"enum"`
					} `json:"name"`
				} `json:"properties"`
				AllOf []json.RawMessage `json:"allOf"`
			} `json:"event"`
		} `json:"properties"`
		Defs map[string]json.RawMessage `json:"$defs"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, et := range eventTypes {
		want = append(want, et.name)
	}
	got := doc.Properties.Event.Properties.Name.Enum
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("event.name enum = %v, want %v", got, want)
	}
	if n := len(doc.Properties.Event.AllOf); n != len(eventTypes) {
		t.Errorf("event.allOf has %d rules, want one per event type (%d)", n, len(eventTypes))
	}
	var guid struct {
		Type    string `json:"type"`
		Pattern string `json:"pattern"`
	}
	if err := json.Unmarshal(doc.Defs["guid"], &guid); err != nil {
		t.Fatalf("$defs.guid: %v", err)
	}
	const pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
	if guid.Type != "string" || guid.Pattern != pattern {
		t.Errorf("$defs.guid = %+v, want a string with pattern %s", guid, pattern)
	}
}

// TestFiles checks the package holds exactly the six schemas, each with the
// draft 2020-12 $schema, an $id matching its file name, a one-line title and a
// description.
func TestFiles(t *testing.T) {
	t.Parallel()
	entries := Files()
	want := map[string]bool{}
	for _, n := range schemaNames {
		want[n+".json"] = true
	}
	var found []string
	for _, e := range entries {
		// The file permit/create_user.json is the schema permit.create_user.
		file := strings.Replace(e, "/", ".", 1)
		if !strings.HasSuffix(file, ".json") {
			continue
		}
		found = append(found, file)
		if !want[file] {
			t.Errorf("%s: not one of the six bundled schema names", file)
			continue
		}
		data, err := FS.ReadFile(e)
		if err != nil {
			t.Fatal(err)
		}
		var head struct {
			Schema      string `json:"$schema"`
			ID          string `json:"$id"`
			Title       string `json:"title"`
			Description string `json:"description"`
		}
		if err := json.Unmarshal(data, &head); err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		if head.Schema != "https://json-schema.org/draft/2020-12/schema" {
			t.Errorf("%s: $schema = %q, want draft 2020-12", file, head.Schema)
		}
		if head.ID != BaseURL+file {
			t.Errorf("%s: $id = %q, want %q", file, head.ID, BaseURL+file)
		}
		if head.Title == "" || strings.ContainsAny(head.Title, "\r\n") {
			t.Errorf("%s: title %q must be one non-empty line", file, head.Title)
		}
		if head.Description == "" {
			t.Errorf("%s: description is empty", file)
		}
	}
	sort.Strings(found)
	if len(found) != len(schemaNames) {
		t.Errorf("schema files = %v, want the six %v", found, schemaNames)
	}
}

// TestSchemasAreStandard rejects keywords other validators would not know
// (ajv's strict mode refuses them): only standard draft 2020-12 keywords plus
// $comment, title, description and $defs may appear in a schema position.
func TestSchemasAreStandard(t *testing.T) {
	t.Parallel()
	known := map[string]bool{}
	for _, k := range strings.Fields(`$schema $id $ref $defs $comment title description
		type enum const format pattern required properties items if then else allOf
		anyOf oneOf not minimum maximum minLength maxLength minItems maxItems`) {
		known[k] = true
	}
	for _, n := range schemaNames {
		data, err := FS.ReadFile(Path(n))
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		checkKeywords(t, n, "", doc, known)
	}
}

func checkKeywords(t *testing.T, file, at string, schema any, known map[string]bool) {
	t.Helper()
	obj, isObj := schema.(map[string]any)
	if !isObj {
		if _, isBool := schema.(bool); !isBool {
			t.Errorf("%s#%s: a schema must be an object or a boolean", file, at)
		}
		return
	}
	for k, v := range obj {
		if !known[k] {
			t.Errorf("%s#%s: unknown keyword %q", file, at, k)
			continue
		}
		switch k {
		case "properties", "$defs":
			for name, sub := range v.(map[string]any) {
				checkKeywords(t, file, at+"/"+k+"/"+name, sub, known)
			}
		case "items", "if", "then", "else", "not":
			checkKeywords(t, file, at+"/"+k, v, known)
		case "allOf", "anyOf", "oneOf":
			for i, sub := range v.([]any) {
				checkKeywords(t, file, fmt.Sprintf("%s/%s/%d", at, k, i), sub, known)
			}
		}
	}
}
