package yamlcheck

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func parse(t testing.TB, text string) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatal(err)
	}
	return &doc
}

// A value counts its text plus one byte, an alias what it names.
func TestBoundCountsExpandedBytes(t *testing.T) {
	t.Parallel()
	doc := parse(t, "a: &x hello\nb: [*x, *x]\n")
	b := Bound{Limit: 1 << 20}
	if err := b.Add(doc); err != nil {
		t.Fatal(err)
	}
	// document, mapping, "a", "hello", "b", the list, two aliases of "hello"
	if want := int64(1 + 1 + 2 + 6 + 2 + 1 + 6 + 6); b.Total() != want {
		t.Errorf("total %d, want %d", b.Total(), want)
	}
}

// Thousands of aliases of one long string: refused at the alias that
// passes the limit, having looked at each node once.
func TestBoundRefusesAliasesOfALongString(t *testing.T) {
	t.Parallel()
	text := "big: &big " + strings.Repeat("x", 100_000) + "\nlist:\n" + strings.Repeat("  - *big\n", 4900)
	b := Bound{Limit: 16 << 20}
	err := b.Add(parse(t, text))
	var le *LimitError
	if !errors.As(err, &le) {
		t.Fatalf("got %v, want a *LimitError", err)
	}
	// 100,001 bytes for the anchor, then each alias adds as much: the
	// 167th alias (line 2+167) takes the total past 16 MiB.
	if want := 2 + (16<<20)/100_001; le.Line != want {
		t.Errorf("refused at line %d, want %d", le.Line, want)
	}
	if !strings.Contains(err.Error(), fmt.Sprintf("line %d: more than 16777216 bytes", le.Line)) {
		t.Errorf("message %q", err)
	}
}

// Aliases of aliases, each level doubling the one before: 2^60 values,
// which a walk without memory of what each anchor expands to would never
// finish counting. Level n comes to about 5·2^n bytes: l17, on line 18,
// takes the total past 1 MiB.
func TestBoundRefusesAliasesOfAliases(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("l0: &l0 [x, x]\n")
	for i := 1; i <= 60; i++ {
		fmt.Fprintf(&b, "l%d: &l%d [*l%d, *l%d]\n", i, i, i-1, i-1)
	}
	bound := Bound{Limit: 1 << 20}
	var le *LimitError
	if err := bound.Add(parse(t, b.String())); !errors.As(err, &le) || le.Line != 18 {
		t.Errorf("got %v, want a *LimitError at line 18", err)
	}
}

// Several values share one Bound: the limit holds for them together.
func TestBoundIsCumulative(t *testing.T) {
	t.Parallel()
	doc := parse(t, "a: &a "+strings.Repeat("y", 600)+"\nb: *a\n")
	pairs := doc.Content[0].Content
	b := Bound{Limit: 1000}
	if err := b.Add(pairs[1]); err != nil {
		t.Fatal(err)
	}
	var le *LimitError
	if err := b.Add(pairs[3]); !errors.As(err, &le) || le.Line != 2 {
		t.Errorf("second value: got %v, want a *LimitError at line 2", err)
	}
}

// A value that contains itself is left for the decoder to refuse.
func TestBoundSurvivesACycle(t *testing.T) {
	t.Parallel()
	b := Bound{Limit: 1 << 20}
	if err := b.Add(parse(t, "a: &a [x, *a]\n")); err != nil {
		t.Fatal(err)
	}
}
