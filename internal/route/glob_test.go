package route

import (
	"strings"
	"testing"
)

func TestGlob(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"AccessRequestCreated", "AccessRequestCreated", true},
		{"AccessRequestCreated", "accessrequestcreated", false},
		{"AccessRequest*", "AccessRequestCreated", true},
		{"*Created", "AccessRequestCreated", true},
		{"*Created", "AccessRequestApproved", false},
		{"permit.*", "permit.create_user", true},
		{"permit.*", "permission_assist.access_request", false},
		{"*", "", true},
		{"?", "", false},
		{"a?c", "abc", true},
		{"a?c", "a/c", false},
		{"/hooks/*", "/hooks/a", true},
		{"/hooks/*", "/hooks/a/b", false},
		{"/hooks/**", "/hooks/a/b", true},
		{"/hooks/**", "/hooks/", true},
		{"/**/x", "/a/b/x", true},
		{"/*/x", "/a/b/x", false},
		{`a\*b`, "a*b", true},
		{`a\*b`, "axb", false},
		{"a*b*c", "aXbYbZc", true},
		{"a*b*c", "aXbYbZ", false},
	} {
		g, err := CompileGlob(tc.pattern)
		if err != nil {
			t.Fatalf("%q: %v", tc.pattern, err)
		}
		if got := g.Match(tc.s); got != tc.want {
			t.Errorf("%q.Match(%q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}

func TestGlobRefused(t *testing.T) {
	t.Parallel()
	for _, p := range []string{"", `abc\`, strings.Repeat("a", 1025)} {
		if _, err := CompileGlob(p); err == nil {
			t.Errorf("CompileGlob(%.20q) accepted", p)
		}
	}
}

// TestGlobNoBlowup: many stars against a long subject that almost
// matches stay cheap (a backtracking matcher takes exponential time here).
func TestGlobNoBlowup(t *testing.T) {
	t.Parallel()
	g := MustGlob(strings.Repeat("a*", 30) + "b")
	if g.Match(strings.Repeat("a", 5000)) {
		t.Fatal("matched")
	}
}

func TestSplitWords(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"status=503 times=2", []string{"status=503", "times=2"}},
		{"  status=503\t close ", []string{"status=503", "close"}},
		{`body='try ${delivery.id} again' hang`, []string{"body=try ${delivery.id} again", "hang"}},
		{`'body=a b'`, []string{"body=a b"}},
		{`body="say \"hi\" \\ \n"`, []string{`body=say "hi" \ \n`}},
		{`a\ b c`, []string{"a b", "c"}},
		{`body=''`, []string{"body="}},
		{"", nil},
	} {
		got, err := SplitWords(tc.in)
		if err != nil {
			t.Fatalf("%q: %v", tc.in, err)
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
			t.Errorf("SplitWords(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, bad := range []string{`body='open`, `body="open`, `x\`} {
		if _, err := SplitWords(bad); err == nil {
			t.Errorf("SplitWords(%q) accepted", bad)
		}
	}
}
