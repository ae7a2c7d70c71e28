// Package scenario owns whole webhook flows: scenario files (YAML) that name
// their steps by fixture, rendering the steps as one consistent story (when
// their profile tells one: one subject from its first event to its last),
// references from one step's payload to an earlier one's, and sending the
// steps in order, repeated or shuffled, against the expectations each step
// states. It knows nothing of cobra or viper; the clock, the id generator,
// the HTTP client and the signer come from the caller.
package scenario

import (
	"fmt"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/fixture"
	"github.com/webhook-tool/webhook-tool/internal/yamlcheck"
)

// Scenario is a parsed scenario file.
type Scenario struct {
	Name        string
	Description string
	// Source names the file in messages: a bundled scenario's name, or the
	// path the user gave.
	Source string
	// Dir is where a step's file is looked up; "" for a bundled scenario.
	Dir   string
	Steps []Step
	// aliases is what the set values come to with their aliases expanded,
	// while the file is parsed.
	aliases yamlcheck.Bound
	// fixtures are the fixtures its steps may name; nil: the bundled ones.
	fixtures []fixture.Fixture
}

// fixtureList is the fixtures the steps may name.
func (sc *Scenario) fixtureList() []fixture.Fixture {
	if sc.fixtures == nil {
		sc.fixtures = fixture.List()
	}
	return sc.fixtures
}

// Step is one delivery of a scenario.
type Step struct {
	Name    string
	Fixture string // a fixture's name, or "" when File is set
	File    string // a JSON file, relative to the scenario's directory
	Sets    []Set
	// Delay, when HasDelay, is the wait before this step, in place of the
	// run's --delay.
	Delay    time.Duration
	HasDelay bool
	Expect   Expect
	Line     int // of the step in the file
	// sourceLine is the line of the fixture or file key, for a payload that
	// cannot be found or read.
	sourceLine int
}

// Source is what the step sends, as output names it: the fixture name or
// the file path.
func (s Step) Source() string {
	if s.Fixture != "" {
		return s.Fixture
	}
	return s.File
}

// Set is one override of a step, PATH: VALUE in the file, applied as
// `send --set` applies one. The value may hold ${STEP:PATH} references.
type Set struct {
	Path  string
	Value value
	Line  int
	refs  []ref
}

// Expect is what a step's delivery must get back.
type Expect struct {
	// Status is the exact status wanted; 0 means any status of StatusClass.
	Status int
	// StatusClass is the hundreds digit wanted when Status is 0: 2 for
	// "2xx", the default.
	StatusClass int
	// Callback asks for the receiver to POST the delivery's callback URL
	// before the step counts as passed.
	Callback bool
}

// Matches reports whether status meets the expectation.
func (e Expect) Matches(status int) bool {
	if e.Status != 0 {
		return status == e.Status
	}
	class := e.StatusClass
	if class == 0 {
		class = 2
	}
	return status/100 == class
}

// String says what is expected, as in "2xx" or "202".
func (e Expect) String() string {
	if e.Status != 0 {
		return fmt.Sprint(e.Status)
	}
	class := e.StatusClass
	if class == 0 {
		class = 2
	}
	return fmt.Sprintf("%dxx", class)
}

// Error is a problem with a scenario file, found before anything is sent:
// it names the file and, when it is about one place, the line.
type Error struct {
	Source string
	Line   int
	Msg    string
	Hint   string // how to fix it, when there is more to say
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Source, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Source, e.Msg)
}

func (sc *Scenario) errorf(line int, hint, format string, args ...any) *Error {
	return &Error{Source: sc.Source, Line: line, Msg: fmt.Sprintf(format, args...), Hint: hint}
}

// step returns the index of the step called name, or -1.
func (sc *Scenario) step(name string) int {
	for i, s := range sc.Steps {
		if s.Name == name {
			return i
		}
	}
	return -1
}

func (sc *Scenario) stepNames() []string {
	names := make([]string, len(sc.Steps))
	for i, s := range sc.Steps {
		names[i] = s.Name
	}
	return names
}
