package fastpath_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/payload/fastpath"
	"github.com/webhook-tool/webhook-tool/internal/payload/paygen"
)

var permitSchemas = []string{
	"permit.create_user", "permit.invite_user", "permit.role_assignment",
	"permit.access_request", "permit.operation_approval",
}

func TestEveryBundledSchemaHasAFastPath(t *testing.T) {
	t.Parallel()
	b := bundled(t)
	if len(b.names) != 6 {
		t.Fatalf("%d bundled schemas: %v", len(b.names), b.names)
	}
	for _, name := range b.names {
		if err := b.err[name]; err != nil {
			t.Errorf("%s: the fast path cannot compile it: %v", name, err)
		}
	}
}

func TestGUIDCheckMatchesThePattern(t *testing.T) {
	t.Parallel()
	re := regexp.MustCompile(fastpath.GUIDPattern)
	r := rand.New(rand.NewPCG(3, 3))
	const alphabet = "0123456789abcdefABCDEFgG-\n é"
	for i := 0; i < 20000; i++ {
		var s string
		if i%2 == 0 {
			b := []byte(paygen.GUID(r))
			for j := r.IntN(3); j > 0; j-- {
				b[r.IntN(len(b))] = alphabet[r.IntN(len(alphabet))]
			}
			s = string(b)
		} else {
			b := make([]byte, 30+r.IntN(10))
			for j := range b {
				b[j] = alphabet[r.IntN(len(alphabet))]
			}
			s = string(b)
		}
		if fastpath.IsGUID(s) != re.MatchString(s) {
			t.Fatalf("isGUID(%q) = %v, the pattern says %v", s, fastpath.IsGUID(s), re.MatchString(s))
		}
	}
}

// TestGUIDCheckEveryByte puts every byte value at every position of a
// GUID: the word-at-a-time check must agree with the pattern on each.
func TestGUIDCheckEveryByte(t *testing.T) {
	t.Parallel()
	re := regexp.MustCompile(fastpath.GUIDPattern)
	for _, guid := range []string{"e5b0d3a8-6c41-4f2e-9d87-3a1f5c0b7e26", "ABCDEF01-2345-6789-abcd-ef0123456789"} {
		for p := 0; p < len(guid); p++ {
			for b := 0; b < 256; b++ {
				s := guid[:p] + string([]byte{byte(b)}) + guid[p+1:]
				if fastpath.IsGUID(s) != re.MatchString(s) {
					t.Fatalf("isGUID(%q) = %v, the pattern says %v", s, fastpath.IsGUID(s), re.MatchString(s))
				}
			}
		}
	}
}

// TestFastPathAgreesWithV5 is the differential test: over thousands of
// generated payloads, valid and mutated to break (or keep) every kind of
// keyword in the bundled schemas, whenever the fast path says "valid", v5
// must say valid against the same schema; and the fast path must prove
// every untouched generated payload, or it is not doing its job. The
// registry, which takes the fast path first, must give v5's verdict too.
func TestFastPathAgreesWithV5(t *testing.T) {
	t.Parallel()
	b := bundled(t)
	reg, err := payload.NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(11, 7))
	n := 6000
	if testing.Short() {
		n = 600
	}
	var fastValid, v5Valid, v5Invalid, unsure int
	// check returns whether the fast path proved raw valid. The
	// registry's "invalid" is v5's own (the fast path never says it), so
	// only a "valid", the registry's or the fast path's, needs v5 asked.
	check := func(raw []byte, schema, what string) bool {
		t.Helper()
		res, err := reg.Check(raw, schema)
		regValid := err == nil && res.Valid
		name := schema
		if name == "" {
			name = res.Schema
		}
		fast := name != "" && b.fastValid(raw, name)
		if regValid || fast {
			doc, ok := decodes(t, raw)
			want := schema
			if ok && want == "" {
				want = reg.Detect(doc, nil)
			}
			// Several rules matched: the one the payload satisfies.
			several := schema == "" && want == "" && slices.Contains(reg.Candidates(doc, nil), name)
			if !ok || (want != name && !several) || !b.v5Valid(doc, name) {
				t.Fatalf("%s: the registry says %+v, %v, the fast path valid %v; v5 says it is not a valid %s\n%s", what, res, err, fast, name, raw)
			}
		}
		if regValid {
			v5Valid++
		} else {
			v5Invalid++
		}
		if !fast {
			unsure++
			return false
		}
		fastValid++
		return true
	}
	pretty := func(doc any) []byte {
		b, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	// Untouched payloads: the fast path must prove each one.
	for i := 0; i < n/6; i++ {
		doc := paygen.PermissionAssist(r)
		raw := pretty(doc)
		if !check(raw, "", "valid permission assist") {
			t.Fatalf("the fast path could not prove a valid payload:\n%s", raw)
		}
		for _, s := range permitSchemas {
			raw := pretty(paygen.Flat(r, s))
			if !check(raw, "", "valid "+s) {
				t.Fatalf("the fast path could not prove a valid %s payload:\n%s", s, raw)
			}
		}
	}

	// Mutated payloads: one to three changes to the tree, then sometimes
	// a change to the text itself.
	for i := 0; i < n; i++ {
		var doc any
		schema := ""
		if i%3 == 0 {
			s := permitSchemas[r.IntN(len(permitSchemas))]
			doc = paygen.Flat(r, s)
			if r.IntN(4) == 0 {
				schema = s // skip detection sometimes
			}
		} else {
			doc = paygen.PermissionAssist(r)
			if r.IntN(4) == 0 {
				schema = "permission_assist.access_request"
			}
		}
		var what []string
		for j := 1 + r.IntN(3); j > 0; j-- {
			doc, what = mutateTree(r, doc, what)
		}
		raw := pretty(doc)
		if r.IntN(5) == 0 {
			var w string
			raw, w = mutateText(r, raw)
			what = append(what, w)
		}
		check(raw, schema, strings.Join(what, "; "))
	}
	t.Logf("%d payloads: v5 valid %d, invalid %d; fast path proved %d valid, left %d to v5",
		fastValid+unsure, v5Valid, v5Invalid, fastValid, unsure)
	if v5Invalid < n/2 || v5Valid-fastValid > n/10 {
		t.Errorf("the mutations are not exercising both verdicts: %d invalid, %d valid, %d proved fast", v5Invalid, v5Valid, fastValid)
	}
}

// replacements are values put in place of a random node: every JSON type,
// and strings that are right or wrong for each format, pattern, enum and
// const in the bundled schemas.
var replacements = []any{
	nil, true, false, json.Number("1"), json.Number("-0"), json.Number("1.0"), json.Number("1.5"), json.Number("1e2"),
	json.Number("12345678901234567890"), json.Number("2.50E+1"), json.Number("-7"), "", "x", map[string]any{}, []any{}, []any{"x"}, []any{json.Number("1")},
	[]any{map[string]any{}}, map[string]any{"id": "x"},
	// GUIDs
	"e5b0d3a8-6c41-4f2e-9d87-3a1f5c0b7e26", "E5B0D3A8-6C41-4F2E-9D87-3A1F5C0B7E26", "e5b0d3a8-6c41-4f2e-9d87-3a1f5c0b7e2",
	"e5b0d3a8-6c41-4f2e-9d87-3a1f5c0b7e2g", "e5b0d3a86c414f2e9d873a1f5c0b7e26", "e5b0d3a8-6c41-4f2e-9d87-3a1f5c0b7e26\n",
	// date-times
	"2025-12-03T16:48:31Z", "2025-12-03t16:48:31z", "2025-12-03T16:48:31.123+05:30", "2025-12-03 16:48:31Z",
	"2025-13-03T16:48:31Z", "2025-02-30T10:00:00Z", "2025-12-03T24:00:00Z", "2016-12-31T23:59:60Z",
	"2025-12-03T23:59:60Z", "2025-12-03T16:48:31", "2025-12-03", "2025-12-03T16:48:31+25:00",
	// URIs
	"https://pa.example.com/cb/1", "http://[::1]:8080/x", "http://[zz]/x", "/relative/path", "mailto:a@example.com",
	"https://exa mple.com", "urn:x", "%zz", "http://a b",
	// emails
	"jane.doe@example.com", "a@b", "a", "@example.com", "a@[127.0.0.1]", "a@[300.0.0.1]", "a..b@example.com",
	"\"quoted\"@example.com", strings.Repeat("a", 65) + "@example.com", "a@-example.com",
	// enum and const values, right and wrong
	"AccessRequestCreated", "AccessRequestApproved", "AccessRequestCanceled", "AccessRequestDeleted",
	"Access Request Created", "Access Request Approved", "Occurs when an access request is created.",
	"Access Request", "Identity", "Application", "User", "Group", "Add", "Remove", "Delete", "Pending", "Open",
	"Snoozed", "Closed", "None", "Grant", "Critical", "Severe", "Employee", "Robot", "Active", "Review Item",
	"Approved", "Rejected", "create_user", "invite_user", "role_assignment", "Security Group",
}

// hotField matches the pointers mutateTree aims at a third of the time.
var hotField = regexp.MustCompile(`^/(id|createdDate|callback|email|type|reason|event/(name|display|description)|event/request/(number|kind|status|assignee|[a-z]+On|relatedItems/\d+/number|target/(type|nomenclature|affectedIdentity(/(emailAddress|kind|inactivatedDate))?|privileges/\d+/(requestedAccess|sources))))$`)

// edgeValues are the values where the fast path must hand over to v5 or
// agree with it exactly: numbers v5 counts as integers or not, nulls and
// empty values.
var edgeValues = []any{
	json.Number("1.5"), json.Number("1.0"), json.Number("1e2"), json.Number("2.5E+1"), json.Number("-0"),
	json.Number("0.1e1"), nil, "", []any{}, map[string]any{},
}

var extraKeys = []string{"nomenclature", "extra", "type", "event", "callback", "access_request_details", "id"}

// mutateTree applies one random change to doc and says what it did.
func mutateTree(r *rand.Rand, doc any, what []string) (any, []string) {
	var paths []string
	var walk func(v any, p string)
	walk = func(v any, p string) {
		paths = append(paths, p)
		switch c := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(c))
			for k := range c {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				walk(c[k], p+"/"+k)
			}
		case []any:
			for i, x := range c {
				walk(x, fmt.Sprintf("%s/%d", p, i))
			}
		}
	}
	walk(doc, "")
	p := paths[r.IntN(len(paths))]
	if r.IntN(3) == 0 {
		// Aim at the fields the schemas say most about, which a uniform
		// pick among a few hundred nodes would rarely hit.
		var hot []string
		for _, q := range paths {
			if hotField.MatchString(q) {
				hot = append(hot, q)
			}
		}
		if len(hot) > 0 {
			p = hot[r.IntN(len(hot))]
		}
	}
	parentPtr, last := p[:max(strings.LastIndexByte(p, '/'), 0)], p[strings.LastIndexByte(p, '/')+1:]
	parent, _ := pointerGet(doc, parentPtr)
	node, _ := pointerGet(doc, p)

	switch op := r.IntN(10); {
	case op < 5 && p != "": // replace a value
		// A copy: a later mutation must not change the shared value.
		v := copyTree(replacements[r.IntN(len(replacements))])
		if r.IntN(3) == 0 {
			v = copyTree(edgeValues[r.IntN(len(edgeValues))])
		}
		setChild(parent, last, v)
		return doc, append(what, fmt.Sprintf("%s = %v", p, v))
	case op < 7 && p != "": // delete a member or an item
		switch c := parent.(type) {
		case map[string]any:
			delete(c, last)
			return doc, append(what, "delete "+p)
		case []any:
			var i int
			fmt.Sscan(last, &i)
			setAt(doc, parentPtr, append(append([]any{}, c[:i]...), c[i+1:]...))
			return doc, append(what, "delete "+p)
		}
	case op < 9: // add a member to an object, or an item to an array
		switch c := node.(type) {
		case map[string]any:
			k := extraKeys[r.IntN(len(extraKeys))]
			v := copyTree(replacements[r.IntN(len(replacements))])
			c[k] = v
			return doc, append(what, fmt.Sprintf("%s/%s = %v (added)", p, k, v))
		case []any:
			v := copyTree(replacements[r.IntN(len(replacements))])
			if len(c) > 0 && r.IntN(2) == 0 {
				v = clone(c[0])
			}
			setAt(doc, p, append(c, v))
			return doc, append(what, p+" += item")
		}
	default: // the cross-field rules: the event's labels, a target's type,
		// nomenclature (a false schema for users) and affectedIdentity
		root, ok := doc.(map[string]any)
		if !ok {
			break
		}
		tg, _ := pointerGet(doc, "/event/request/target")
		target, _ := tg.(map[string]any)
		switch k := r.IntN(4); {
		case k == 0 && root["event"] != nil:
			if ev, ok := root["event"].(map[string]any); ok {
				events := payload.BundledEvents()
				e := events[r.IntN(len(events))]
				ev["name"] = e.Name
				return doc, append(what, "event.name = "+e.Name)
			}
		case k == 1 && target != nil:
			target["type"] = []string{"User", "Group"}[r.IntN(2)]
			return doc, append(what, fmt.Sprintf("target.type = %v", target["type"]))
		case k == 2 && target != nil:
			if _, has := target["nomenclature"]; has {
				delete(target, "nomenclature")
				return doc, append(what, "delete target.nomenclature")
			}
			target["nomenclature"] = "Security Group"
			return doc, append(what, "add target.nomenclature")
		case k == 3 && target != nil:
			if target["affectedIdentity"] == nil {
				target["affectedIdentity"] = map[string]any{}
				return doc, append(what, "target.affectedIdentity = {}")
			}
			target["affectedIdentity"] = nil
			return doc, append(what, "target.affectedIdentity = null")
		}
	}
	return doc, append(what, "no change")
}

func setChild(parent any, key string, v any) {
	switch c := parent.(type) {
	case map[string]any:
		c[key] = v
	case []any:
		var i int
		fmt.Sscan(key, &i)
		c[i] = v
	}
}

// setAt replaces the value at ptr (used when an array changes length).
func setAt(doc any, ptr string, v any) {
	if ptr == "" {
		return
	}
	i := strings.LastIndexByte(ptr, '/')
	parent, _ := pointerGet(doc, ptr[:i])
	setChild(parent, ptr[i+1:], v)
}

// copyTree copies the maps and slices of v, so that mutating the copy
// leaves v alone; other values are kept as they are.
func copyTree(v any) any {
	switch c := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(c))
		for k, x := range c {
			m[k] = copyTree(x)
		}
		return m
	case []any:
		out := make([]any, len(c))
		for i, x := range c {
			out[i] = copyTree(x)
		}
		return out
	}
	return v
}

func clone(v any) any {
	b, _ := json.Marshal(v)
	var out any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	_ = d.Decode(&out)
	return out
}

// textEdits change the JSON text in ways a tree cannot: escapes, duplicate
// keys, and text that is not JSON at all.
var textEdits = []struct {
	name string
	f    func(r *rand.Rand, b []byte) []byte
}{
	{"escape a string value", func(r *rand.Rand, b []byte) []byte {
		return replaceNth(r, b, []byte(`": "A`), []byte(`": "\u0041`))
	}},
	{"escape a slash", func(r *rand.Rand, b []byte) []byte { return bytes.Replace(b, []byte("//"), []byte(`\/\/`), 1) }},
	{"escape a key", func(r *rand.Rand, b []byte) []byte {
		return replaceNth(r, b, []byte(`"name":`), []byte(`"n\u0061me":`))
	}},
	{"duplicate the first key", func(r *rand.Rand, b []byte) []byte {
		return bytes.Replace(b, []byte("{\n"), []byte("{\n  \"id\": 1,\n"), 1)
	}},
	{"duplicate the last key, invalid", func(r *rand.Rand, b []byte) []byte {
		i := bytes.LastIndexByte(b, '}')
		return append(b[:i:i], append([]byte(",\n  \"id\": 1, \"type\": 2, \"email\": 3\n"), b[i:]...)...)
	}},
	{"duplicate a nested key, invalid last", func(r *rand.Rand, b []byte) []byte {
		return replaceNth(r, b, []byte("\n    }"), []byte(",\n  \"name\": 1, \"kind\": 1, \"status\": 1\n    }"))
	}},
	{"duplicate the target type", func(r *rand.Rand, b []byte) []byte {
		b = bytes.Replace(b, []byte(`"type": "User"`), []byte(`"type": "User", "type": "Group"`), 1)
		return bytes.Replace(b, []byte(`"type": "Group",`), []byte(`"type": "Group", "type": "User",`), 1)
	}},
	{"duplicate a type key", func(r *rand.Rand, b []byte) []byte {
		return replaceNth(r, b, []byte(`"type": `), []byte(`"type": "x", "type": `))
	}},
	{"truncate", func(r *rand.Rand, b []byte) []byte { return b[:r.IntN(len(b))] }},
	{"trailing data", func(r *rand.Rand, b []byte) []byte { return append(b, " x"...) }},
	{"trailing whitespace", func(r *rand.Rand, b []byte) []byte { return append(b, " \r\n\t"...) }},
	{"byte order mark", func(r *rand.Rand, b []byte) []byte { return append([]byte("\xef\xbb\xbf"), b...) }},
	{"invalid UTF-8", func(r *rand.Rand, b []byte) []byte { return replaceNth(r, b, []byte(`"`), []byte("\"\xff")) }},
	{"control character", func(r *rand.Rand, b []byte) []byte { return replaceNth(r, b, []byte(`": "`), []byte("\": \"\t")) }},
	{"bad escape", func(r *rand.Rand, b []byte) []byte { return replaceNth(r, b, []byte(`": "`), []byte(`": "\x`)) }},
	{"lone surrogate", func(r *rand.Rand, b []byte) []byte { return replaceNth(r, b, []byte(`": "`), []byte(`": "\ud800`)) }},
	{"trailing comma", func(r *rand.Rand, b []byte) []byte { return replaceNth(r, b, []byte("\n  }"), []byte(",\n  }")) }},
	{"number with exponent", func(r *rand.Rand, b []byte) []byte {
		return replaceNth(r, b, []byte(`"number": `), []byte(`"number": 1e3, "x": `))
	}},
	{"leading zero", func(r *rand.Rand, b []byte) []byte {
		return replaceNth(r, b, []byte(`"number": `), []byte(`"number": 0`))
	}},
	{"single quotes", func(r *rand.Rand, b []byte) []byte { return replaceNth(r, b, []byte(`"kind"`), []byte(`'kind'`)) }},
	{"deep nesting", func(r *rand.Rand, b []byte) []byte {
		deep := strings.Repeat("[", 300) + strings.Repeat("]", 300)
		return replaceNth(r, b, []byte(`"sources": `), []byte(`"sources": `+deep+`, "x": `))
	}},
}

func mutateText(r *rand.Rand, b []byte) ([]byte, string) {
	e := textEdits[r.IntN(len(textEdits))]
	return e.f(r, append([]byte{}, b...)), e.name
}

// replaceNth replaces a random occurrence of old.
func replaceNth(r *rand.Rand, b, old, new []byte) []byte {
	n := bytes.Count(b, old)
	if n == 0 {
		return b
	}
	k := r.IntN(n)
	at := 0
	for ; k >= 0; k-- {
		i := bytes.Index(b[at:], old)
		at += i
		if k > 0 {
			at += len(old)
		}
	}
	return append(b[:at:at], append(append([]byte{}, new...), b[at+len(old):]...)...)
}

// pointerGet walks a JSON Pointer (no escapes: the generated payloads
// have none in their keys) through decoded JSON.
func pointerGet(doc any, ptr string) (any, bool) {
	if ptr == "" {
		return doc, true
	}
	cur := doc
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[tok]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	return cur, true
}
