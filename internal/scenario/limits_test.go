package scenario

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/payload"
)

// parseError parses text and returns its *Error, failing the test when
// there is none.
func parseError(t *testing.T, text string) *Error {
	t.Helper()
	_, err := Parse([]byte(text), "f.yaml", "")
	var se *Error
	if !errors.As(err, &se) {
		t.Fatalf("Parse error = %v, want an *Error", err)
	}
	return se
}

// A 130 KB file whose set value lists 4,900 aliases of a 100 KB string
// (490 MB once expanded, gigabytes once rendered) is refused as it is
// parsed, at the alias that takes the set values past MaxExpanded.
func TestAliasesOfALongStringRefused(t *testing.T) {
	t.Parallel()
	text := "steps:\n  - name: a\n    fixture: permit.invite_user\n    set:\n      role: &big " + strings.Repeat("x", 100_000) +
		"\n  - name: b\n    fixture: permit.role_assignment\n    set:\n      user_id:\n" + strings.Repeat("        - *big\n", 4900)
	se := parseError(t, text)
	// The anchor and 40 aliases fit in 4 MiB; the 41st, on line 9+41,
	// does not.
	if want := 9 + (MaxExpanded-100_000)/100_001 + 1; se.Line != want || !strings.Contains(se.Msg, "the set values come to more than 4 MiB once YAML aliases are expanded") {
		t.Errorf("got %v, want line %d", se, want)
	}
	if !strings.HasPrefix(se.Error(), fmt.Sprintf("f.yaml:%d: ", se.Line)) {
		t.Errorf("Error() = %q", se.Error())
	}
}

// Each step lists four references to the value the step before set, so
// the value grows fourfold a step: step 8 would set 6.5 MB, past what the
// values before it leave of 4 MiB. It is refused at its set line as the
// references are replaced, before it is built.
func TestReferencesToReferencesRefused(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("steps:\n  - name: s0\n    fixture: permit.invite_user\n    set:\n      role: " + strings.Repeat("r", 100) + "\n")
	for i := 1; i <= 8; i++ {
		ref := fmt.Sprintf(`"${s%d:role}"`, i-1)
		fmt.Fprintf(&b, "  - name: s%d\n    fixture: permit.invite_user\n    set:\n      role: [%s, %[2]s, %[2]s, %[2]s]\n", i, ref)
	}
	sc, err := Parse([]byte(b.String()), "f.yaml", "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Prepare(t.Context(), sc, PrepareOptions{Start: testStart, NewID: counterIDs()})
	var se *Error
	// s8's set line: 5 lines for s0, then 4 a step.
	if !errors.As(err, &se) || se.Line != 5+4*8 || !strings.Contains(se.Msg, `step "s8": set role: the set values come to more than 4 MiB once ${STEP:PATH} references are replaced`) {
		t.Errorf("got %v, want an *Error at line %d", err, 5+4*8)
	}
}

// A step carries the Permission Assist request before it, so a long value
// set once is sent again by every later step: 300 KB set on the first of
// 500 steps came to 150 MB of payloads. The rendered steps are bounded
// together, refused at the step that passes MaxRendered.
func TestRenderedStepsBounded(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("steps:\n  - name: s0\n    fixture: permission_assist.access_request_created\n    set:\n      event.request.title: " + strings.Repeat("t", 300_000) + "\n")
	for i := 1; i < MaxSteps; i++ {
		fmt.Fprintf(&b, "  - name: s%d\n    fixture: permission_assist.access_request_assigned\n", i)
	}
	sc, err := Parse([]byte(b.String()), "f.yaml", "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Prepare(t.Context(), sc, PrepareOptions{Start: testStart, NewID: counterIDs()})
	var se *Error
	if !errors.As(err, &se) || !strings.Contains(se.Msg, "come to more than 64 MiB once rendered") {
		t.Fatalf("got %v, want the steps refused", err)
	}
	// Each step is 300 KB and more: the limit is passed before step 224.
	if n := (se.Line - 6) / 2; n < 150 || n > 224 || se.Line != 6+2*n {
		t.Errorf("refused at line %d (step %d)", se.Line, n)
	}
}

// The line of a syntax error is found in a file of thousands of lines
// (the search used to give up past 2,000 lines, and took minutes below).
func TestSyntaxErrorInALongFile(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("name: broken\nsteps:\n  - name: a\n    fixture: permit.invite_user\n    set:\n      role: [a,\n")
	for range 3000 {
		b.WriteString("        " + strings.Repeat("y, ", 20) + "\n")
	}
	se := parseError(t, b.String())
	if se.Line != 6 || !strings.Contains(se.Msg, "not a YAML scenario: did not find expected node content") {
		t.Errorf("got %v, want line 6", se)
	}
}

// Rendering and checking a long scenario takes seconds: both stop once
// their context is done (Ctrl-C, SIGTERM).
func TestPrepareAndValidateStopWhenCancelled(t *testing.T) {
	t.Parallel()
	sc, err := Bundled("permission_assist.lifecycle")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := Prepare(ctx, sc, PrepareOptions{Start: testStart, NewID: counterIDs()}); !errors.Is(err, context.Canceled) {
		t.Errorf("Prepare: %v", err)
	}
	ds, err := Prepare(t.Context(), sc, PrepareOptions{Start: testStart, NewID: counterIDs()})
	if err != nil {
		t.Fatal(err)
	}
	reg, err := payload.NewRegistry()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Validate(ctx, reg, ds); !errors.Is(err, context.Canceled) {
		t.Errorf("Validate: %v", err)
	}
}
