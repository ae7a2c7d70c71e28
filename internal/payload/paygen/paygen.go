// Package paygen makes varied, valid payloads for the bundled schemas from a
// seeded random source (their event names and the like read from the
// bundled profiles and schemas): the benchmark script's inputs and the differential
// test's starting points. Every value it makes is a decoded JSON tree
// (map[string]any, []any, string, bool, nil, json.Number), so callers can
// mutate it before encoding.
package paygen

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/profile"
)

var (
	firstNames = []string{"Marco", "Hannah", "Ravi", "Olga", "Kwame", "Li", "Sofia", "Tomás", "Aisha", "Jonas", "Mei", "Pierre"}
	lastNames  = []string{"Alvarez", "Brooks", "Singh", "Petrova", "Mensah", "Wei", "Rossi", "García", "Khan", "Berg", "Tanaka", "Dubois"}
	apps       = []string{"Jack Henry Symitar", "Salesforce", "Workday", "ServiceNow", "SAP S/4HANA", "Okta", "GitHub Enterprise"}
	sections   = []string{"Debit Cards", "Disputes", "Limits", "Accounts", "Loans", "Reports", "Admin"}
	perms      = []string{"Reissue Card", "Submit Chargeback", "Override Daily Limit", "Open Account", "Approve Loan", "Export Report"}
	statuses   = []string{"Pending", "Open", "Resolved", "Completed", "Canceled", "Scheduled", "Snoozed"}
	actions    = []string{"Add", "Change", "Remove", "Suspend", "Restore"}
	levels     = []string{"None", "Unrestricted", "Grant", "Deny", "Modify"}
	ratings    = []string{"None", "Low", "Moderate", "High", "Critical"}
	idTypes    = []string{"Employee", "ServiceAccount", "Bot", "VendorAccount"}
	idStatus   = []string{"Active", "Disabled", "Removed"}
	responses  = []string{"Pending", "Approved", "Rejected"}
)

func pick(r *rand.Rand, s []string) string { return s[r.IntN(len(s))] }

// GUID returns a random lower-case 8-4-4-4-12 GUID.
func GUID(r *rand.Rand) string {
	b := make([]byte, 16)
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func when(r *rand.Rand) string {
	t := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.Int64N(int64(365 * 24 * time.Hour))))
	if r.IntN(4) == 0 {
		return t.Format("2006-01-02T15:04:05.000-07:00")
	}
	return t.Format(time.RFC3339)
}

func maybeWhen(r *rand.Rand) any {
	if r.IntN(2) == 0 {
		return nil
	}
	return when(r)
}

func person(r *rand.Rand) (first, last string) { return pick(r, firstNames), pick(r, lastNames) }

func identityRef(r *rand.Rand) map[string]any {
	f, l := person(r)
	return map[string]any{"id": GUID(r), "name": l + ", " + f}
}

func kv(k, v string) map[string]any { return map[string]any{"key": k, "value": v} }

// PermissionAssist returns a valid access-request delivery of the bundled
// profile whose deliveries carry a callback URL, with varied ids, names, event, status, User or Group target and 1–3
// privileges; pretty-printed it is about 4–7 KB.
func PermissionAssist(r *rand.Rand) map[string]any {
	events := paEvents()
	ev := events[r.IntN(len(events))]
	number := json.Number(fmt.Sprint(1000 + r.IntN(90000)))
	id := GUID(r)
	app := pick(r, apps)

	target := paTarget(r, app, paPrivileges(r, app, number))

	var assignee any
	if r.IntN(3) > 0 {
		assignee = identityRef(r)
	}
	activity, comments := paActivity(r, number), paComments(r)
	related := []any{map[string]any{
		"id": GUID(r), "kind": pick(r, []string{"Review Item", "Personnel Event"}),
		"number": json.Number(fmt.Sprint(r.IntN(5000))), "status": pick(r, statuses),
	}}
	var respList []any
	for i, n := 0, 1+r.IntN(2); i < n; i++ {
		respList = append(respList, map[string]any{"reviewer": identityRef(r), "response": pick(r, responses)})
	}
	requirements := []any{map[string]any{
		"type": "Approve", "description": "Approval by the application owner",
		"rules": []any{map[string]any{"reason": "Owner approval required", "responses": respList}},
	}}
	models := []any{map[string]any{
		"id": GUID(r), "name": app + " standard access", "description": "Baseline access for the role",
		"willBeInEffect": r.IntN(2) == 0,
	}}

	return map[string]any{
		"id":          id,
		"createdDate": when(r),
		"callback":    "https://pa.example.com/webhooks/callback/" + id,
		"event": map[string]any{
			"name": ev.Name, "display": ev.Fixed["display"], "description": ev.Fixed["description"],
			"request": map[string]any{
				"id": GUID(r), "kind": "Access Request", "number": number,
				"action": pick(r, actions), "status": pick(r, statuses),
				"reporter": identityRef(r), "assignee": assignee, "target": target,
				"scheduledStart": maybeWhen(r), "startedOn": maybeWhen(r), "approvedOn": maybeWhen(r),
				"resolvedOn": maybeWhen(r), "verifiedOn": maybeWhen(r), "completedOn": maybeWhen(r),
				"canceledOn": maybeWhen(r), "activity": activity, "comments": orEmpty(comments),
				"relatedItems": related, "requirements": requirements, "accessModels": models,
			},
		},
	}
}

func orEmpty(a []any) []any {
	if a == nil {
		return []any{}
	}
	return a
}

// Flat returns a valid payload for the named bundled schema, made from
// what the schema says of each property: its const or enum, else a value
// of its type and format; optional properties half the time, nullable
// ones null a third of the time. It suits the bundled schemas without an
// envelope of their own: flat objects of strings and small objects.
func Flat(r *rand.Rand, schema string) map[string]any {
	doc := schemaDoc(schema)
	if doc == nil {
		panic("paygen: unknown schema " + schema)
	}
	m, _ := flatValue(r, doc, "").(map[string]any)
	return m
}

// schemaDocs are the bundled schemas, decoded once.
var schemaDocs sync.Map // name -> map[string]any

func schemaDoc(name string) map[string]any {
	if d, ok := schemaDocs.Load(name); ok {
		return d.(map[string]any)
	}
	reg, err := payload.Bundled()
	if err != nil {
		return nil
	}
	src, err := reg.Source(name)
	if err != nil {
		return nil
	}
	var doc map[string]any
	if json.Unmarshal(src, &doc) != nil {
		return nil
	}
	schemaDocs.Store(name, doc)
	return doc
}

// flatValue is a value the property schema s (of the member name) holds.
func flatValue(r *rand.Rand, s map[string]any, name string) any {
	if c, ok := s["const"]; ok {
		return c
	}
	if e, ok := s["enum"].([]any); ok && len(e) > 0 {
		return e[r.IntN(len(e))]
	}
	var types []string
	switch t := s["type"].(type) {
	case string:
		types = []string{t}
	case []any:
		for _, x := range t {
			if x, ok := x.(string); ok {
				types = append(types, x)
			}
		}
	}
	if slices.Contains(types, "null") && (len(types) == 1 || r.IntN(3) == 0) {
		return nil
	}
	types = slices.DeleteFunc(types, func(t string) bool { return t == "null" })
	t := "string"
	if len(types) > 0 {
		t = types[0]
	}
	switch t {
	case "object":
		props, _ := s["properties"].(map[string]any)
		required, _ := s["required"].([]any)
		m := map[string]any{}
		for _, k := range slices.Sorted(maps.Keys(props)) {
			ps, _ := props[k].(map[string]any)
			if ps != nil && (slices.Contains(required, any(k)) || r.IntN(2) == 0) {
				m[k] = flatValue(r, ps, k)
			}
		}
		return m
	case "array":
		items, _ := s["items"].(map[string]any)
		var out []any
		for i, n := 0, r.IntN(3); i < n && items != nil; i++ {
			out = append(out, flatValue(r, items, name))
		}
		return orEmpty(out)
	case "integer", "number":
		return json.Number(fmt.Sprint(r.IntN(1000)))
	case "boolean":
		return r.IntN(2) == 0
	}
	return flatString(r, s, name)
}

// flatString is a string of the schema's format, or a word that fits its
// member's name.
func flatString(r *rand.Rand, s map[string]any, name string) string {
	f, l := person(r)
	switch format, _ := s["format"].(string); {
	case format == "email" || strings.Contains(name, "email"):
		return fmt.Sprintf("%c.%s%d@example.com", f[0]|0x20, "user", r.IntN(1000))
	case format == "uuid":
		return GUID(r)
	case format == "date-time":
		return when(r)
	case format == "uri":
		return "https://example.com/" + strings.ToLower(l)
	case strings.HasSuffix(name, "_id") || strings.HasSuffix(name, "_key"):
		return strings.ToLower(l) + fmt.Sprint(r.IntN(100))
	}
	return pick(r, []string{"acme", "viewer", "editor", "admin", "pending", "document", "read", strings.ToLower(l)})
}

// paPrivileges are a target's privileges, one to three.
func paPrivileges(r *rand.Rand, app string, number json.Number) []any {
	var privs []any
	for i, n := 0, 1+r.IntN(3); i < n; i++ {
		privs = append(privs, map[string]any{
			"initialAccess":   pick(r, levels),
			"requestedAccess": pick(r, levels),
			"approvedAccess":  pick(r, levels),
			"permission": map[string]any{
				"header":      app + " permissions",
				"section":     pick(r, sections),
				"permission":  pick(r, perms),
				"description": "Allows the holder to " + pick(r, perms) + " in " + pick(r, sections) + " for members of the branch",
				"riskRating":  pick(r, ratings),
				"metadata":    []any{kv("Limit", fmt.Sprintf("$%d", 100*(1+r.IntN(90)))), kv("Reviewed", "yes")},
				"value":       fmt.Sprintf("PERM_%d", r.IntN(100000)),
			},
			"sources": []any{"Group Membership", "Direct Assignment"},
			"origins": []any{"Access Request #" + number.String()},
		})
	}

	return privs
}

// paTarget is the request's target: a user with an affected identity, or
// a group.
func paTarget(r *rand.Rand, app string, privs []any) map[string]any {
	target := map[string]any{
		"name": "",
		"application": map[string]any{
			"id": GUID(r), "kind": "Application", "name": app, "priority": pick(r, ratings),
			"isArchived": r.IntN(10) == 0, "lastUpdated": when(r),
		},
		"privileges": privs,
		"metadata":   []any{kv("Owner", pick(r, lastNames)), kv("Members", fmt.Sprint(r.IntN(200)))},
	}
	if r.IntN(2) == 0 {
		f, l := person(r)
		target["type"] = "User"
		target["name"] = fmt.Sprintf("%c%s%d", f[0], l, r.IntN(100))
		target["affectedIdentity"] = map[string]any{
			"id": GUID(r), "kind": "Identity", "firstName": f, "lastName": l,
			"emailAddress": fmt.Sprintf("%c.%s@example.com", f[0]|0x20, "user"+fmt.Sprint(r.IntN(1000))),
			"type":         pick(r, idTypes), "title": "Member Services Representative", "company": "Example Credit Union",
			"division": "Retail", "department": pick(r, sections), "office": "Branch " + fmt.Sprint(r.IntN(40)),
			"supervisorName": pick(r, lastNames) + ", " + pick(r, firstNames),
			"createdDate":    when(r), "updatedDate": when(r), "firstSeenDate": when(r),
			"inactivatedDate": maybeWhen(r), "status": pick(r, idStatus),
		}
	} else {
		target["type"] = "Group"
		target["name"] = pick(r, sections) + " - Tier " + fmt.Sprint(1+r.IntN(3))
		target["nomenclature"] = "Security Group"
		target["affectedIdentity"] = nil
	}

	return target
}

// paActivity is a request's activity log.
func paActivity(r *rand.Rand, number json.Number) []any {
	var activity []any
	for i, n := 0, 1+r.IntN(4); i < n; i++ {
		var act any = pick(r, []string{"Created", "Approved", "Assigned", "Commented"})
		if r.IntN(5) == 0 {
			act = nil
		}
		f, l := person(r)
		activity = append(activity, map[string]any{
			"createdDate": when(r), "author": l + ", " + f, "action": act,
			"content": "Step " + fmt.Sprint(i+1) + " recorded for request " + number.String(),
		})
	}
	return activity
}

func paComments(r *rand.Rand) []any {
	var comments []any
	for i, n := 0, r.IntN(3); i < n; i++ {
		f, l := person(r)
		comments = append(comments, map[string]any{"createdDate": when(r), "author": l + ", " + f, "content": "Please review the requested access before Friday."})
	}
	return comments
}

// paEvents are the events of the bundled schema PermissionAssist makes
// payloads of: the schema of the bundled profile whose deliveries carry
// a callback URL, its events as its schema lists them.
func paEvents() []payload.Event {
	var name string
	for _, p := range profile.Bundled() {
		if p.Fields.Callback != "" {
			name = p.Name
			break
		}
	}
	var out []payload.Event
	for _, e := range payload.BundledEvents() {
		if e.Profile == name {
			out = append(out, e)
		}
	}
	return out
}
