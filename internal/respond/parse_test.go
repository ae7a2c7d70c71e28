package respond

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// contract is every key of the rules file (issue 25's contract), spread
// over rules where one rule could not hold them all (a 204 has no body; a
// rule that closes sends no status).
const contract = `# rules for the staging hooks
- name: created-204
  match: {event: AccessRequestCreated, path: "/hooks/*", method: POST, schema: permission_assist.access_request,
          header: {X-Env: staging}, signature: valid, payload: valid}
  status: 202
  body: 'ok ${delivery.id}'
  headers: {Retry-After: "5"}
  delay: 200ms
  times: 2
  rate: 0.5
  forward: [http://127.0.0.1:3000/hooks]
- match: {signature: invalid}
  close: true
- match:
    signature: missing
    payload: invalid
  hang: true
- status: 204
`

func TestParseContract(t *testing.T) {
	t.Parallel()
	rules, err := Parse([]byte(contract), "rules.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 4 {
		t.Fatalf("%d rules", len(rules))
	}
	New(rules, 1)
	r := rules[0]
	if r.Name != "created-204" || r.Line != 2 || r.Source != "rules.yaml" || r.Number != 1 || r.Label() != "created-204" || r.Ref() != "created-204" {
		t.Errorf("rule 1: %+v", r)
	}
	if got := rules[1]; got.Name != "" || got.Line != 12 || got.Label() != "rule 2" || got.Ref() != 2 {
		t.Errorf("rule 2: name %q line %d label %q ref %v", got.Name, got.Line, got.Label(), got.Ref())
	}
	m, a := r.m, r.act
	if len(m.events) != 1 || len(m.paths) != 1 || len(m.schemas) != 1 || len(m.methods) != 1 || len(m.headers) != 1 ||
		m.headers[0].name != "X-Env" || m.signature != "valid" || m.payload != "valid" {
		t.Errorf("match of rule 1: %+v", m)
	}
	if a.status != 202 || a.delay != 200*time.Millisecond || a.times != 2 || a.rate != 0.5 ||
		a.header.Get("Retry-After") != "5" || len(a.forward) != 1 || a.body == nil || a.body.json {
		t.Errorf("action of rule 1: %+v", a)
	}
	if !rules[1].act.close || rules[2].act.hang != true || rules[2].m.signature != "missing" || rules[2].m.payload != "invalid" {
		t.Errorf("rules 2 and 3: %+v %+v", rules[1], rules[2])
	}
}

// TestParseJSONBody: a mapping or list body is JSON, keys in the file's
// order, YAML types kept, and placeholders escaped to stay in their string.
func TestParseJSONBody(t *testing.T) {
	t.Parallel()
	rules, err := Parse([]byte(`
- status: 409
  body:
    error: duplicate
    id: ${delivery.id}
    seq: "${delivery.seq}"
    retry: false
    after: 5
    ratio: 0.5
    tags: [a, 1, null]
    note: 'say "${delivery.event}"'
`), "r.yaml")
	if err != nil {
		t.Fatal(err)
	}
	a := rules[0].act.answer(View{ID: `id"with\quote`, Seq: 7, Event: "Created"})
	want := `{"error":"duplicate","id":"id\"with\\quote","seq":"7","retry":false,"after":5,"ratio":0.5,"tags":["a",1,null],"note":"say \"Created\""}`
	if string(a.Body) != want || a.ContentType != "application/json" {
		t.Errorf("body %s (%s)\nwant %s", a.Body, a.ContentType, want)
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, file, want string
	}{
		{"not a list", "status: 503\n", "r.yaml:1: a rules file is a list of rules"},
		{"empty", "", "r.yaml: the file has no rules"},
		{"empty list", "[]\n", "r.yaml:1: the file has no rules"},
		{"syntax", "- status: 503\n  body: [\n", "r.yaml:2: not a YAML rules file"},
		{"tab", "- status: 503\n\tbody: x\n", "r.yaml:2: not a YAML rules file"},
		{"rule not a mapping", "- status=503\n", "r.yaml:1: a rule must be a mapping"},
		{"unknown key", "- status: 503\n  tims: 2\n", `r.yaml:2: unknown key "tims" in a rule`},
		{"unknown match key", "- match: {evnt: X}\n", `r.yaml:1: unknown key "evnt" in match`},
		{"match keys at the top", "- event: X\n  status: 503\n", `r.yaml:1: unknown key "event" in a rule`},
		{"twice", "- status: 503\n  status: 502\n", `r.yaml:2: a second "status" in a rule`},
		{"status range", "- status: 99\n", `r.yaml:1: status must be a number from 200 to 599, not "99"`},
		{"status word", "- \n  status: ok\n", `r.yaml:2: status must be a number`},
		{"delay", "- delay: 1 minute\n", `r.yaml:1: delay must be a duration from 0 to 30s`},
		{"delay too long", "- delay: 31s\n", `r.yaml:1: delay must be a duration from 0 to 30s`},
		{"times", "- times: 0\n", `r.yaml:1: times must be a whole number, 1 or more`},
		{"rate", "- rate: 1.5\n", `r.yaml:1: rate must be a share above 0 and at most 1`},
		{"rate percent", "- rate: 20%\n", `rate must be a share`},
		{"close", "- close: yes\n", `r.yaml:1: close must be true or false, not "yes"`},
		{"signature", "- match: {signature: bad}\n", `r.yaml:1: signature must be valid, invalid, missing, not "bad"`},
		{"payload missing", "- match: {payload: missing}\n", `payload must be valid, invalid, not "missing"`},
		{"method", "- match: {method: 'PO ST'}\n", `method "PO ST" is not an HTTP method`},
		{"glob", "- match: {path: ''}\n", `r.yaml:1: path "": an empty pattern`},
		{"header not a map", "- match: {header: X-Env}\n", "r.yaml:1: match.header must be a mapping"},
		{"answer header name", "- headers: {'Retry After': 5}\n", `r.yaml:1: "Retry After" is not a header name`},
		{"hop-by-hop header", "- headers: {Connection: close}\n", "header Connection is the server's to set"},
		{"content-length", "- headers: {content-length: 5}\n", "header Content-Length is the server's to set"},
		{"placeholder", "- body: 'hi ${delivery.name}'\n", "r.yaml:1: unknown placeholder ${delivery.name} in the body; the placeholders are ${delivery.id}, ${delivery.seq}, ${delivery.event}"},
		{"placeholder in JSON", "- body: {a: {b: '${id}'}}\n", "r.yaml:1: unknown placeholder ${id}"},
		{"unclosed placeholder", "- body: 'hi ${delivery.id'\n", "a ${ that is not closed"},
		{"null body", "- body:\n", "body has no value"},
		{"forward", "- forward: [localhost:3000]\n", `r.yaml:1: forward: invalid URL "localhost:3000"`},
		{"forward list", "- forward: []\n", "forward is an empty list"},
		{"name number", "- name: 2\n", `name "2" is a number`},
		{"name twice", "- name: a\n- name: a\n", `r.yaml:2: a second rule called "a"`},
		{"close and hang", "- close: true\n  hang: true\n", "r.yaml:1: close and hang both drop the answer"},
		{"close and status", "- status: 503\n  close: true\n", "status, body and headers mean nothing"},
		{"hang and delay", "- hang: true\n  delay: 1s\n", "a delay adds nothing"},
		{"204 with body", "- status: 204\n  body: hi\n", "r.yaml:1: a 204 answer has no body"},
		{"infinite number", "- body: {a: .inf}\n", "not a JSON number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.file), "r.yaml")
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v, want a *respond.Error", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got  %s\nwant %s", err, tc.want)
			}
		})
	}
}

// aliasBomb is a body of levels lists of ten, each item an alias of the
// list before: 10^levels values from a few lines.
func aliasBomb(levels int) string {
	var b strings.Builder
	b.WriteString("- body:\n    l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < levels; i++ {
		fmt.Fprintf(&b, "    l%d: &l%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*l%d, ", i-1), 10), ", "))
	}
	return b.String()
}

// TestParseBomb: aliases of aliases are refused at a bound, not expanded:
// past 4 MiB for the file as a whole, past 10,000 values for a body.
func TestParseBomb(t *testing.T) {
	t.Parallel()
	_, err := Parse([]byte(aliasBomb(12)), "bomb.yaml")
	if err == nil || !strings.Contains(err.Error(), "more than 4 MiB once its YAML aliases are expanded") {
		t.Errorf("a file of 10^12 values: %v", err)
	}
	_, err = Parse([]byte(aliasBomb(5)), "bomb.yaml")
	if err == nil || !strings.Contains(err.Error(), "larger than a rule's body may be") {
		t.Errorf("a body of 10^5 values: %v", err)
	}
}

func TestParseTooMany(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("- status: 503\n", MaxRules+1)
	if _, err := Parse([]byte(big), "r.yaml"); err == nil || !strings.Contains(err.Error(), "more than 1000 rules") {
		t.Errorf("error %v", err)
	}
	if _, err := Parse(make([]byte, MaxFileSize+1), "r.yaml"); err == nil || !strings.Contains(err.Error(), "larger than a rules file") {
		t.Errorf("error %v", err)
	}
}

// TestParseAliases: an alias stands for the value it names.
func TestParseAliases(t *testing.T) {
	t.Parallel()
	rules, err := Parse([]byte("- match: &m {event: A}\n  status: 503\n- match: *m\n  status: 200\n"), "r.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(rules[1].m.events) != 1 || rules[1].m.events[0].String() != "A" {
		t.Errorf("rule 2 match: %+v", rules[1].m)
	}
}
