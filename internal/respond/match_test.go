package respond

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/record"
)

func mustRules(t *testing.T, seed uint64, specs ...string) *Rules {
	t.Helper()
	rules, err := Load(specs, func(string) ([]byte, error) { t.Fatal("no files here"); return nil, nil })
	if err != nil {
		t.Fatal(err)
	}
	return New(rules, seed)
}

func created() View {
	h := http.Header{}
	h.Set("X-Env", "staging")
	return View{
		ID: "msg_1", Seq: 3, Method: "POST", Path: "/hooks/pa", Schema: "permission_assist.access_request",
		Event: "AccessRequestCreated", Header: h, Signature: record.VerdictValid, Payload: record.VerdictValid,
	}
}

// label is the rule that answers v, or "-" for none.
func label(s *Rules, v View) string {
	r, _, ok := s.Match(v)
	if !ok {
		return "-"
	}
	return r.Label()
}

// TestMatchKeys: each match key holds for what it names and nothing else.
func TestMatchKeys(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		rule   string
		edit   func(*View)
		before bool // matches created() as it is
	}{
		{"event=AccessRequestCreated", func(v *View) { v.Event = "AccessRequestApproved" }, true},
		{"event=*Created,*Approved", func(v *View) { v.Event = "AccessRequestResolved" }, true},
		{"schema=permission_assist.*", func(v *View) { v.Schema = "permit.create_user" }, true},
		{"path=/hooks/*", func(v *View) { v.Path = "/hooks/pa/deeper" }, true},
		{"path=/hooks/**", func(v *View) { v.Path = "/other" }, true},
		{"method=post", func(v *View) { v.Method = "PUT" }, true},
		{"method=PUT,PATCH", func(v *View) { v.Method = "PUT" }, false},
		{"header.X-Env=staging", func(v *View) { v.Header = http.Header{"X-Env": {"prod"}} }, true},
		{"header.x-env=*", func(v *View) { v.Header = http.Header{} }, true},
		{"signature=valid", func(v *View) { v.Signature = record.VerdictInvalid }, true},
		{"signature=missing", func(v *View) { v.Signature = record.VerdictMissing }, false},
		{"payload=valid", func(v *View) { v.Payload = record.VerdictInvalid }, true},
		{"payload=invalid", func(v *View) { v.Payload = record.VerdictInvalid }, false},
		{"payload=valid", func(v *View) { v.Payload = record.VerdictUnchecked }, true},
		{"event=AccessRequestCreated path=/hooks/* method=POST", func(v *View) { v.Path = "/x" }, true},
	} {
		s := mustRules(t, 0, tc.rule+" status=503")
		v := created()
		if got := label(s, v) == "rule 1"; got != tc.before {
			t.Errorf("%s on the delivery: %v, want %v", tc.rule, got, tc.before)
		}
		tc.edit(&v)
		s = mustRules(t, 0, tc.rule+" status=503")
		if got := label(s, v) == "rule 1"; got == tc.before {
			t.Errorf("%s after the change: %v, want %v", tc.rule, got, !tc.before)
		}
	}
}

// TestMatchOrder: the first rule that matches answers; with none, Match
// says so and the listener answers as it would without rules.
func TestMatchOrder(t *testing.T) {
	t.Parallel()
	s := mustRules(t, 0, "name=created event=AccessRequestCreated status=202", "name=rest status=500")
	if got := label(s, created()); got != "created" {
		t.Errorf("created: %s", got)
	}
	v := created()
	v.Event = "AccessRequestApproved"
	if got := label(s, v); got != "rest" {
		t.Errorf("approved: %s", got)
	}
	s = mustRules(t, 0, "event=Nothing status=500")
	if got := label(s, created()); got != "-" {
		t.Errorf("no match: %s", got)
	}
	var none *Rules
	if _, _, ok := none.Match(created()); ok || none.Len() != 0 || none.MatchesBadSignature() {
		t.Error("a nil set matches")
	}
}

// TestMatchTimes: times: 2 answers the first two deliveries it matches,
// then the next rule answers: a sender's third attempt succeeds.
func TestMatchTimes(t *testing.T) {
	t.Parallel()
	s := mustRules(t, 0, "status=503 times=2", "status=200")
	var got []int
	for range 4 {
		_, a, _ := s.Match(created())
		got = append(got, a.Status)
	}
	if want := []int{503, 503, 200, 200}; !slices.Equal(got, want) {
		t.Errorf("statuses %v, want %v", got, want)
	}
	if n := s.List()[0].Matched(); n != 4 {
		t.Errorf("rule 1 matched %d", n)
	}
}

// TestMatchTimesConcurrent: many deliveries at once; exactly times of them
// get the rule.
func TestMatchTimesConcurrent(t *testing.T) {
	t.Parallel()
	s := mustRules(t, 0, "status=503 times=10", "status=200")
	var mu sync.Mutex
	count := map[int]int{}
	var wg sync.WaitGroup
	for range 200 {
		wg.Go(func() {
			_, a, _ := s.Match(created())
			mu.Lock()
			count[a.Status]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if count[503] != 10 || count[200] != 190 {
		t.Errorf("answers %v", count)
	}
}

// pattern is which of n deliveries the rate rule answered, as 1s and 0s.
func pattern(t *testing.T, seed uint64, spec string, n int) string {
	s := mustRules(t, seed, spec, "status=200")
	var b strings.Builder
	for range n {
		r, _, _ := s.Match(created())
		if r.Number == 1 {
			b.WriteByte('1')
		} else {
			b.WriteByte('0')
		}
	}
	return b.String()
}

// TestMatchRate: rate answers about its share, the same deliveries for the
// same seed, others for another seed.
func TestMatchRate(t *testing.T) {
	t.Parallel()
	a, b := pattern(t, 42, "status=503 rate=0.2", 10000), pattern(t, 42, "status=503 rate=0.2", 10000)
	if a != b {
		t.Error("the same seed picked other deliveries")
	}
	if c := pattern(t, 43, "status=503 rate=0.2", 10000); c == a {
		t.Error("another seed picked the same deliveries")
	}
	if n := strings.Count(a, "1"); n < 1800 || n > 2200 {
		t.Errorf("rate 0.2 answered %d of 10000", n)
	}
	if all := pattern(t, 7, "status=503 rate=1", 100); strings.Contains(all, "0") {
		t.Errorf("rate 1 skipped some: %s", all)
	}
	// times bounds the window rate picks from: of the first 10 matches,
	// those the seed picks, and none after.
	w := pattern(t, 42, "status=503 times=10 rate=0.5", 50)
	if strings.Contains(w[10:], "1") || w[:10] != pattern(t, 42, "status=503 rate=0.5", 10) {
		t.Errorf("times=10 rate=0.5: %s", w)
	}
}

// TestMatchBadSignature: under --secret a failed signature is answered
// only by a rule that asks for it; the rules that do not are passed over.
func TestMatchBadSignature(t *testing.T) {
	t.Parallel()
	s := mustRules(t, 0, "status=503 times=5", "signature=invalid status=403 body=forged", "signature=missing status=400")
	if !s.MatchesBadSignature() {
		t.Fatal("MatchesBadSignature is false")
	}
	v := created()
	v.SignatureEnforced, v.Signature = true, record.VerdictInvalid
	if got := label(s, v); got != "rule 2" {
		t.Errorf("invalid: %s", got)
	}
	v.Signature = record.VerdictMissing
	if got := label(s, v); got != "rule 3" {
		t.Errorf("missing: %s", got)
	}
	v.SignatureEnforced = false // report only: every rule may answer
	if got := label(s, v); got != "rule 1" {
		t.Errorf("not enforced: %s", got)
	}
	plain := mustRules(t, 0, "status=503")
	v.SignatureEnforced, v.Signature = true, record.VerdictInvalid
	if plain.MatchesBadSignature() || label(plain, v) != "-" {
		t.Error("a catch-all rule answered a bad signature under --secret")
	}
	v.Signature = record.VerdictValid
	if label(plain, v) != "rule 1" {
		t.Error("a good signature under --secret is not answered by the rules")
	}
}

// TestAnswer: the answer carries what the rule says, placeholders filled
// in, and says whether the rule answers by itself.
func TestAnswer(t *testing.T) {
	t.Parallel()
	s := mustRules(t, 0, `status=409 body='dup ${delivery.id} #${delivery.seq} ${delivery.event}' headers.Retry-After=5 headers.X-A=1 headers.X-A=2 delay=5ms forward=http://127.0.0.1:1/a forward=http://127.0.0.1:2/b`)
	_, a, ok := s.Match(created())
	if !ok || !a.Answers || a.Status != 409 || string(a.Body) != "dup msg_1 #3 AccessRequestCreated" ||
		a.ContentType != "text/plain; charset=utf-8" || a.Header.Get("Retry-After") != "5" || len(a.Header.Values("X-A")) != 2 ||
		a.Delay.Milliseconds() != 5 || len(a.Forward) != 2 || a.Close || a.Hang {
		t.Errorf("answer %+v", a)
	}
	_, a, _ = mustRules(t, 0, "delay=1s forward=http://127.0.0.1:1/").Match(created())
	if a.Answers || a.Status != 0 {
		t.Errorf("a rule with only a delay and a forward answers: %+v", a)
	}
	_, a, _ = mustRules(t, 0, "hang").Match(created())
	if !a.Answers || !a.Hang || a.HangFor != MaxHold {
		t.Errorf("hang: %+v", a)
	}
	_, a, _ = mustRules(t, 0, "body=''").Match(created())
	if !a.Answers || len(a.Body) != 0 {
		t.Errorf("empty body: %+v", a)
	}
}

// TestBodyAfterSeq: a body with ${delivery.seq} is filled in again once
// the listener knows the seq; one without keeps the rule's own bytes.
func TestBodyAfterSeq(t *testing.T) {
	t.Parallel()
	s := mustRules(t, 0, `body='#${delivery.seq} ${delivery.id}'`, `status=204`, `body=plain`)
	v := created()
	v.Seq = 0
	r, a, _ := s.Match(v)
	if !r.UsesSeq() || string(a.Body) != "#0 msg_1" {
		t.Fatalf("before the seq: %q, UsesSeq %v", a.Body, r.UsesSeq())
	}
	v.Seq = 42
	if got := string(r.Body(v)); got != "#42 msg_1" {
		t.Errorf("after the seq: %q", got)
	}
	for i, want := range []string{"", "plain"} {
		r := s.List()[i+1]
		if r.UsesSeq() || string(r.Body(v)) != want || (want == "") != (r.Body(v) == nil) {
			t.Errorf("rule %d: UsesSeq %v, body %q", r.Number, r.UsesSeq(), r.Body(v))
		}
	}
}

// TestRuleForwards: a rule says where it forwards, so the listener can
// prepare those targets before the first delivery.
func TestRuleForwards(t *testing.T) {
	t.Parallel()
	s := mustRules(t, 0, "forward=http://127.0.0.1:1/a forward=http://127.0.0.1:2/b", "status=204")
	if got := s.List()[0].Forwards(); len(got) != 2 || got[1] != "http://127.0.0.1:2/b" {
		t.Errorf("forwards %v", got)
	}
	if got := s.List()[1].Forwards(); got != nil {
		t.Errorf("a rule without forward: %v", got)
	}
}
