package render_test

import (
	"strings"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/render"
)

// TestPrettyRuleAndForwards: the rule that took a delivery is named under
// its summary line, by name (escaped) or number, with a dropped
// connection said as such; every forward target has its own line.
func TestPrettyRuleAndForwards(t *testing.T) {
	t.Parallel()
	rec, c := delivered(t, 1, fixture(t, "permit.create_user"), nil)
	rec.Status, rec.Rule = 503, &record.RuleRef{Number: 2}
	rec.Forward = &record.Forward{URL: "http://127.0.0.1:3000/", Status: 200, DurationMS: 1.5, Body: "ok"}
	rec.Forwards = []record.Forward{{URL: "http://127.0.0.1:4000/", DurationMS: 5000, Error: "no answer within 5s"}}
	got := pretty(rec, c, render.ViewOptions{})
	for _, want := range []string{
		"  503\n", "\n  rule: 2\n",
		"\n  forward: http://127.0.0.1:3000/ answered 200 in 1.5ms: ok\n",
		"\n  forward: http://127.0.0.1:4000/ failed after 5000.0ms: no answer within 5s\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in\n%s", want, got)
		}
	}
	rec.Status, rec.Rule, rec.Forward, rec.Forwards = 0, &record.RuleRef{Name: "slow\x1b[2J"}, nil, nil
	got = pretty(rec, c, render.ViewOptions{})
	noRaw(t, got, "\x1b")
	if !strings.Contains(got, "\n  rule: slow\\x1b[2J, no answer: the connection was dropped\n") {
		t.Errorf("a dropped connection:\n%s", got)
	}
}
