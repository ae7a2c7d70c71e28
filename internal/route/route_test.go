package route

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

func TestParseTarget(t *testing.T) {
	t.Parallel()
	tg, err := ParseTarget("http://127.0.0.1:3000/hooks event=AccessRequestCreated,'*Approved' schema=permission_assist.* path=/pa/** event=X")
	if err != nil {
		t.Fatal(err)
	}
	if tg.URL != "http://127.0.0.1:3000/hooks" || len(tg.Events) != 3 || len(tg.Schemas) != 1 || len(tg.Paths) != 1 {
		t.Fatalf("parsed %+v", tg)
	}
	if got := tg.String(); got != "http://127.0.0.1:3000/hooks event=AccessRequestCreated,*Approved,X schema=permission_assist.* path=/pa/**" {
		t.Errorf("String() = %q", got)
	}
	pa := Delivery{Path: "/pa/x", Schema: "permission_assist.access_request", Event: "AccessRequestApproved"}
	if !tg.Matches(pa) {
		t.Error("an approved delivery under /pa/ does not match")
	}
	for _, d := range []Delivery{
		{Path: "/other", Schema: pa.Schema, Event: pa.Event},               // path filter
		{Path: pa.Path, Schema: "permit.create_user", Event: pa.Event},     // schema filter
		{Path: pa.Path, Schema: pa.Schema, Event: "AccessRequestResolved"}, // event filter
		{Path: pa.Path, Schema: pa.Schema},                                 // no event
	} {
		if tg.Matches(d) {
			t.Errorf("%+v matches", d)
		}
	}
	plain, err := ParseTarget("http://u:secret@127.0.0.1:3000/")
	if err != nil {
		t.Fatal(err)
	}
	if plain.Filtered() || !plain.Matches(Delivery{}) {
		t.Error("a target without filters must take every delivery")
	}
	if got := plain.String(); strings.Contains(got, "secret") {
		t.Errorf("String() shows the password: %s", got)
	}
}

func TestParseTargetRefused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ spec, msg, hint string }{
		{"", "no URL", "give the app's URL"},
		{"127.0.0.1:3000", "invalid URL", "did you mean http://127.0.0.1:3000?"},
		{"ftp://x/", "the scheme must be http or https", ""},
		{"http://u:pw@ host/", "invalid URL", ""},
		{"http://127.0.0.1:3000/ evnt=X", `"evnt=X" is not a filter`, "event=NAME"},
		{"http://127.0.0.1:3000/ AccessRequestCreated", "is not a filter", ""},
		{"http://127.0.0.1:3000/ event=", "event=: an empty pattern", ""},
		{"http://127.0.0.1:3000/ event=A,,B", "an empty pattern", ""},
		{"http://127.0.0.1:3000/ event='A", "not closed", ""},
	} {
		_, err := ParseTarget(tc.spec)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%q: error %v, want a *route.Error", tc.spec, err)
			continue
		}
		if !strings.Contains(e.Msg, tc.msg) || !strings.Contains(e.Hint, tc.hint) {
			t.Errorf("%q: %q (hint %q), want %q (hint %q)", tc.spec, e.Msg, e.Hint, tc.msg, tc.hint)
		}
		if strings.Contains(e.Msg, "pw") {
			t.Errorf("%q: the error shows the password: %s", tc.spec, e.Msg)
		}
	}
}

func TestSelect(t *testing.T) {
	t.Parallel()
	all, _ := ParseTarget("http://a/")
	created, _ := ParseTarget("http://b/ event=AccessRequestCreated")
	permit, _ := ParseTarget("http://c/ schema=permit.*")
	ts := []Target{all, created, permit}
	urls := func(d Delivery) string {
		var out []string
		for _, x := range Select(ts, d) {
			out = append(out, x.URL)
		}
		return strings.Join(out, " ")
	}
	if got := urls(Delivery{Event: "AccessRequestCreated", Schema: "permission_assist.access_request"}); got != "http://a/ http://b/" {
		t.Errorf("created goes to %s", got)
	}
	if got := urls(Delivery{Schema: "permit.create_user", Event: "create_user"}); got != "http://a/ http://c/" {
		t.Errorf("create_user goes to %s", got)
	}
}

func TestEvents(t *testing.T) {
	t.Parallel()
	none, err := ParseEvents(nil)
	if err != nil || none.Active() || !none.Allows(Delivery{}) {
		t.Fatal("no --events must let everything through")
	}
	e, err := ParseEvents([]string{"AccessRequestCreated, permit.*", "*Resolved"})
	if err != nil {
		t.Fatal(err)
	}
	if e.String() != "AccessRequestCreated,permit.*,*Resolved" {
		t.Errorf("String() = %q", e.String())
	}
	for _, tc := range []struct {
		d    Delivery
		want bool
	}{
		{Delivery{Event: "AccessRequestCreated", Schema: "permission_assist.access_request"}, true},
		{Delivery{Event: "AccessRequestResolved", Schema: "permission_assist.access_request"}, true},
		{Delivery{Event: "AccessRequestApproved", Schema: "permission_assist.access_request"}, false},
		{Delivery{Event: "create_user", Schema: "permit.create_user"}, true},
		{Delivery{}, false}, // not JSON: no names
	} {
		if got := e.Allows(tc.d); got != tc.want {
			t.Errorf("Allows(%+v) = %v, want %v", tc.d, got, tc.want)
		}
	}
	for _, bad := range [][]string{{""}, {"A,"}, {"A", " "}} {
		if _, err := ParseEvents(bad); err == nil {
			t.Errorf("ParseEvents(%q) accepted", bad)
		}
	}
}

// TestURLFor: each target maps a request below listen's prefix as
// --forward-to does: the rest of the path and the query kept.
func TestURLFor(t *testing.T) {
	t.Parallel()
	tg, _ := ParseTarget("http://127.0.0.1:3000/hooks event=X")
	u, _ := url.Parse("/in/permit?tenant=acme")
	if got := tg.URLFor("/in/", u); got != "http://127.0.0.1:3000/hooks/permit?tenant=acme" {
		t.Errorf("URLFor = %s", got)
	}
}
