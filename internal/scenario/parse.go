package scenario

import (
	"errors"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/webhook-tool/webhook-tool/internal/fixture"
	"github.com/webhook-tool/webhook-tool/internal/yamlcheck"
)

var (
	stepKeys   = []string{"name", "fixture", "file", "set", "delay", "expect"}
	topKeys    = []string{"name", "description", "steps"}
	expectKeys = []string{"status", "callback"}
	stepName   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`) })
	yamlLine   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^yaml: line (\d+): (.*)$`) })
)

// Limits on a scenario file: each step of a story carries the whole log of
// its subject before it, so the rendered payloads grow with the square of
// the steps. YAML aliases and ${STEP:PATH} references let a small file
// describe huge values (4,900 aliases of a 100 KB string; steps that each
// list a hundred references to the step before), so what the set values
// come to once both are expanded is bounded too, and so is what the steps
// come to together once rendered (a step carries the request before it).
const (
	MaxSteps    = 500
	MaxFileSize = 1 << 20
	// MaxExpanded bounds the set values of a scenario together, once
	// aliases and references are expanded: checked for aliases as the
	// file is parsed, for references as they are replaced. Set values are
	// overrides, a few bytes to a copied object of a few kilobytes; what
	// fits is rendered into payloads before anything is refused, and a
	// 12 MB value took two seconds and 260 MB to render, so the bound is
	// well below that.
	MaxExpanded = 4 << 20
	// MaxRendered bounds the rendered payloads of a scenario together: a
	// 500-step story of the bundled fixtures comes to about 26 MiB.
	MaxRendered = 64 << 20
)

// Parse reads a scenario file. source names it in messages; dir is where
// its steps' files are, "" for a bundled scenario. Every problem the file
// alone shows (a key that means nothing, a step without a payload, a
// reference to a step that does not exist or comes later) is an *Error with
// its line; a step's payload is loaded by Prepare.
func Parse(data []byte, source, dir string) (*Scenario, error) {
	return ParseWith(data, source, dir, nil)
}

// ParseWith is Parse whose steps name the fixtures of list (nil: the
// bundled ones).
func ParseWith(data []byte, source, dir string, list []fixture.Fixture) (*Scenario, error) {
	sc := &Scenario{Source: source, Dir: dir, aliases: yamlcheck.Bound{Limit: MaxExpanded}, fixtures: list}
	defer func() { sc.aliases = yamlcheck.Bound{} }()
	if len(data) > MaxFileSize {
		return nil, sc.errorf(0, "", "the file is larger than a scenario file may be (%d KiB)", MaxFileSize>>10)
	}
	doc, err := yamlcheck.Parse(data)
	if err != nil {
		return nil, sc.yamlError(err)
	}
	if len(doc.Content) == 0 {
		return nil, sc.errorf(0, "a scenario has `name`, `description` and `steps`, each step a `name` and a `fixture` or `file`", "the file is empty")
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, sc.errorf(root.Line, "", "a scenario file is a mapping with `name`, `description` and `steps`")
	}
	var steps *yaml.Node
	err = eachPair(sc, root, "the scenario", topKeys, func(k, v *yaml.Node) error {
		switch k.Value {
		case "name":
			return sc.scalar(v, "name", &sc.Name)
		case "description":
			return sc.scalar(v, "description", &sc.Description)
		}
		steps = v
		return nil
	})
	if err != nil {
		return nil, err
	}
	if steps == nil {
		return nil, sc.errorf(root.Line, "list the deliveries under `steps:`, each with a `name` and a `fixture`", "the scenario has no steps")
	}
	if steps.Kind != yaml.SequenceNode || len(steps.Content) == 0 {
		return nil, sc.errorf(steps.Line, "list the deliveries under `steps:`, each with a `name` and a `fixture`", "steps must be a list of one or more steps")
	}
	if len(steps.Content) > MaxSteps {
		return nil, sc.errorf(steps.Content[MaxSteps].Line, "split the flow into several scenarios", "more than %d steps", MaxSteps)
	}
	for _, n := range steps.Content {
		st, err := sc.parseStep(n)
		if err != nil {
			return nil, err
		}
		if sc.step(st.Name) >= 0 {
			return nil, sc.errorf(st.Line, "give every step its own name", "a second step called %q", st.Name)
		}
		sc.Steps = append(sc.Steps, st)
	}
	if sc.Name == "" {
		sc.Name = strings.TrimSuffix(filepath.Base(source), filepath.Ext(source))
	}
	if err := sc.checkRefs(); err != nil {
		return nil, err
	}
	return sc, nil
}

func (sc *Scenario) yamlError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlLine().FindStringSubmatch(err.Error()); m != nil {
		msg = m[2]
	}
	line := 0
	var se *yamlcheck.SyntaxError
	if errors.As(err, &se) {
		line = se.Line
	}
	return sc.errorf(line, "", "not a YAML scenario: %s", msg)
}

// eachPair calls f for each key of mapping m, rejecting keys not in known.
func eachPair(sc *Scenario, m *yaml.Node, what string, known []string, f func(k, v *yaml.Node) error) error {
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if !slices.Contains(known, k.Value) {
			return sc.errorf(k.Line, "the keys are: "+strings.Join(known, ", "), "unknown key %q in %s", k.Value, what)
		}
		if seen[k.Value] {
			return sc.errorf(k.Line, "", "a second %q in %s", k.Value, what)
		}
		seen[k.Value] = true
		if err := f(k, v); err != nil {
			return err
		}
	}
	return nil
}

func (sc *Scenario) scalar(v *yaml.Node, key string, dst *string) error {
	if v.Kind != yaml.ScalarNode || v.ShortTag() == "!!null" {
		return sc.errorf(v.Line, "", "%s must be a single value", key)
	}
	*dst = v.Value
	return nil
}

func (sc *Scenario) parseStep(n *yaml.Node) (Step, error) {
	st := Step{Line: n.Line}
	if n.Kind != yaml.MappingNode {
		return st, sc.errorf(n.Line, "write a step as `- name: created` with `fixture: NAME` under it (`webhook-tool fixtures list` shows the names)", "a step must be a mapping")
	}
	var nameNode *yaml.Node
	err := eachPair(sc, n, "a step", stepKeys, func(k, v *yaml.Node) error {
		switch k.Value {
		case "name":
			nameNode = v
			return sc.scalar(v, "a step's name", &st.Name)
		case "fixture":
			st.sourceLine = v.Line
			return sc.scalar(v, "fixture", &st.Fixture)
		case "file":
			st.sourceLine = v.Line
			return sc.scalar(v, "file", &st.File)
		case "set":
			return sc.parseSets(&st, v)
		case "delay":
			return sc.parseDelay(&st, v)
		}
		return sc.parseExpect(&st, v)
	})
	switch {
	case err != nil:
		return st, err
	case nameNode == nil:
		return st, sc.errorf(n.Line, "later steps refer to it as ${NAME:path}", "a step without a name")
	case !stepName().MatchString(st.Name):
		return st, sc.errorf(nameNode.Line, "use letters, digits, _, - and .", "invalid step name %q", st.Name)
	case st.Fixture == "" && st.File == "":
		return st, sc.errorf(n.Line, "give `fixture: NAME` (see `webhook-tool fixtures list`) or `file: PATH`", "step %q has no fixture or file", st.Name)
	case st.Fixture != "" && st.File != "":
		return st, sc.errorf(st.sourceLine, "keep one of them", "step %q has both a fixture and a file", st.Name)
	}
	if st.Fixture != "" {
		_, err := fixture.Find(sc.fixtureList(), st.Fixture)
		if err == nil {
			return st, nil
		}
		hint := "`webhook-tool fixtures list` shows the bundled fixtures"
		var ue *fixture.UnknownError
		if errors.As(err, &ue) {
			hint = ue.Hint()
		}
		return st, sc.errorf(st.sourceLine, hint, "step %q: unknown fixture %q", st.Name, st.Fixture)
	}
	return st, nil
}

func (sc *Scenario) parseSets(st *Step, v *yaml.Node) error {
	if v.Kind != yaml.MappingNode {
		return sc.errorf(v.Line, "write overrides as `set:` with `PATH: VALUE` lines under it, e.g. `event.request.action: Remove`", "set must be a mapping of PATH: VALUE")
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Value == "" {
			return sc.errorf(k.Line, "", "a set PATH must be a plain key such as event.request.number")
		}
		if slices.ContainsFunc(st.Sets, func(s Set) bool { return s.Path == k.Value }) {
			return sc.errorf(k.Line, "", "step %q sets %s twice", st.Name, k.Value)
		}
		refs, err := sc.collectRefs(val)
		if err != nil {
			return err
		}
		var le *yamlcheck.LimitError
		if err := sc.aliases.Add(val); errors.As(err, &le) {
			return sc.errorf(le.Line, "write the value out once, or split the flow into several scenarios",
				"the set values come to more than %d MiB once YAML aliases are expanded", MaxExpanded>>20)
		}
		st.Sets = append(st.Sets, Set{Path: k.Value, Value: value{val}, Line: k.Line, refs: refs})
	}
	return nil
}

func (sc *Scenario) parseDelay(st *Step, v *yaml.Node) error {
	d, err := time.ParseDuration(v.Value)
	if v.Kind != yaml.ScalarNode || err != nil || d < 0 {
		return sc.errorf(v.Line, "write a duration such as 500ms or 2s", "invalid delay %q", v.Value)
	}
	st.Delay, st.HasDelay = d, true
	return nil
}

func (sc *Scenario) parseExpect(st *Step, v *yaml.Node) error {
	if v.Kind != yaml.MappingNode {
		return sc.errorf(v.Line, "write `expect:` with `status: 2xx` or `callback: true` under it", "expect must be a mapping")
	}
	return eachPair(sc, v, "expect", expectKeys, func(k, v *yaml.Node) error {
		if k.Value == "callback" {
			if v.ShortTag() != "!!bool" {
				return sc.errorf(v.Line, "", "expect.callback must be true or false")
			}
			st.Expect.Callback = v.Value == "true"
			return nil
		}
		s := strings.ToLower(v.Value)
		if n, err := strconv.Atoi(s); err == nil && n >= 100 && n <= 599 {
			st.Expect.Status = n
			return nil
		}
		if len(s) == 3 && s[0] >= '1' && s[0] <= '5' && s[1:] == "xx" {
			st.Expect.StatusClass = int(s[0] - '0')
			return nil
		}
		return sc.errorf(v.Line, "give a status code such as 202, or a class such as 2xx", "invalid expect.status %q", v.Value)
	})
}
