package listener_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/listener"
)

// SetProgram reads the program flags; each mistake is an *InputError that
// says where (a rules file's line) and, where it can, how to fix it.
func TestSetProgramErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rulesFile := filepath.Join(dir, "rules.yaml")
	if err := os.WriteFile(rulesFile, []byte("- status: 204\n- match: {event: A}\n  tims: 2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		flags      listener.ProgramFlags
		want, hint string
	}{
		{listener.ProgramFlags{Respond: []string{rulesFile}}, rulesFile + `:3: unknown key "tims" in a rule`, "the keys are: name, match,"},
		{listener.ProgramFlags{Respond: []string{"status=99"}}, `--respond 'status=99': status must be a number from 200 to 599, not "99"`, ""},
		{listener.ProgramFlags{Respond: []string{filepath.Join(dir, "none.yaml")}}, "none.yaml: cannot read the rules file: no such file or directory", "give a rules file"},
		{listener.ProgramFlags{ForwardTo: []string{"http://127.0.0.1:3000/", "localhost:3000/x event=A"}}, `invalid --forward-to URL "localhost:3000/x"`, "did you mean --forward-to http://localhost:3000/x?"},
		{listener.ProgramFlags{ForwardTo: []string{"http://u:hunter2@127.0.0.1:3000/ tenant=acme"}}, `invalid --forward-to http://u:xxxxx@127.0.0.1:3000/: "tenant=acme" is not a filter`, "after the URL come event=NAME"},
		{listener.ProgramFlags{ForwardTo: []string{"http://127.0.0.1:3000/ event='A"}}, `invalid --forward-to: a ' that is not closed`, "quote a glob"},
		{listener.ProgramFlags{ForwardTimeout: -time.Second}, "bad --forward-timeout -1s: it cannot be negative", "give how long"},
		{listener.ProgramFlags{Events: []string{"A,,B"}}, `invalid --events "A,,B"`, "list schema or event names"},
		{listener.ProgramFlags{Expect: []string{"0"}}, `invalid --expect "0"`, "write --expect 3"},
		{listener.ProgramFlags{Within: time.Second}, "--within bounds how long listen waits for --expect, and there is no --expect", "add --expect 3"},
		{listener.ProgramFlags{Expect: []string{"1"}, Within: -time.Second}, "bad --within -1s: it cannot be negative", ""},
	} {
		cfg := listener.RunConfig{Config: listener.Config{Status: 200}}
		err := cfg.SetProgram(tc.flags)
		var ie *listener.InputError
		if !errors.As(err, &ie) || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(ie.Hint, tc.hint) {
			t.Errorf("%+v: got %v (hint %q), want %q (hint %q)", tc.flags, err, hintOf(ie), tc.want, tc.hint)
		}
	}
}

func hintOf(ie *listener.InputError) string {
	if ie == nil {
		return ""
	}
	return ie.Hint
}

// Without --seed one is picked; with it, it is kept. The rules are
// numbered across every --respond in order.
func TestSetProgramSeedAndRules(t *testing.T) {
	t.Parallel()
	a := listener.RunConfig{Config: listener.Config{Status: 200}}
	b := a
	if err := a.SetProgram(listener.ProgramFlags{Respond: []string{"status=503 times=2", "name=x status=202"}, Seed: 42, SeedGiven: true}); err != nil {
		t.Fatal(err)
	}
	if err := a.SetProgram(listener.ProgramFlags{Respond: []string{"status=503 times=2", "name=x status=202"}, Seed: 42, SeedGiven: true,
		ForwardTo: []string{"http://127.0.0.1:3000/ event=A*,B path=/x/**", "http://127.0.0.1:4000/"}}); err != nil {
		t.Fatal(err)
	}
	if len(a.Targets) != 2 || a.Targets[0].String() != "http://127.0.0.1:3000/ event=A*,B path=/x/**" || a.Targets[1].Filtered() {
		t.Errorf("targets %v", a.Targets)
	}
	if a.Seed != 42 || a.Rules.Len() != 2 || a.Rules.List()[1].Label() != "x" || a.Rules.List()[0].Label() != "rule 1" {
		t.Errorf("seed %d, rules %v", a.Seed, a.Rules.List())
	}
	seeds := map[uint64]bool{}
	for range 5 {
		if err := b.SetProgram(listener.ProgramFlags{}); err != nil {
			t.Fatal(err)
		}
		seeds[b.Seed] = true
	}
	if len(seeds) < 2 || b.Rules != nil {
		t.Errorf("picked seeds %v; rules %v", seeds, b.Rules)
	}
}
