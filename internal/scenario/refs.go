package scenario

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/webhook-tool/webhook-tool/internal/yamlcheck"
)

// refPattern is a reference to an earlier step's rendered payload,
// ${STEP:PATH}, the syntax Stripe's fixtures use; PATH is written as for
// --set.
var refPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\$\{([^{}:]*):([^{}]*)\}`) })

// ref is one ${STEP:PATH} in a set value.
type ref struct {
	Step, Path string
	Text       string // as written
	Line       int
}

// value is a set value as the YAML file has it, references unresolved.
type value struct{ n *yaml.Node }

// Set values are bounded: YAML aliases let a small file describe a huge
// value (each alias of an alias doubles it), so both the depth and the
// number of values a set expands to are capped.
const (
	maxValueDepth = 64
	maxValueNodes = 10000
)

func (sc *Scenario) collectRefs(n *yaml.Node) ([]ref, error) {
	var refs []ref
	nodes := 0
	var walk func(n *yaml.Node, depth int) error
	walk = func(n *yaml.Node, depth int) error {
		if nodes++; nodes > maxValueNodes {
			return sc.errorf(n.Line, "", "a set value of more than %d values", maxValueNodes)
		}
		if depth > maxValueDepth {
			return sc.errorf(n.Line, "", "a set value nested more than %d levels deep", maxValueDepth)
		}
		switch n.Kind {
		case yaml.AliasNode:
			return walk(n.Alias, depth+1)
		case yaml.ScalarNode:
			if n.ShortTag() != "!!str" {
				return nil
			}
			for _, m := range refPattern().FindAllStringSubmatch(n.Value, -1) {
				r := ref{Step: strings.TrimSpace(m[1]), Path: strings.TrimSpace(m[2]), Text: m[0], Line: n.Line}
				if r.Step == "" || r.Path == "" {
					return sc.errorf(n.Line, "write ${STEP:PATH}, e.g. ${invite:email}", "incomplete reference %s", m[0])
				}
				refs = append(refs, r)
			}
		}
		for _, c := range n.Content {
			if err := walk(c, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	return refs, walk(n, 0)
}

// checkRefs makes sure every reference names a step that comes earlier: an
// unknown step, the step itself or a later one is an error at the
// reference's line, a cycle shown as such.
func (sc *Scenario) checkRefs() error {
	for i, st := range sc.Steps {
		for _, set := range st.Sets {
			for _, r := range set.refs {
				j := sc.step(r.Step)
				switch {
				case j < 0:
					return sc.errorf(r.Line, "the steps are: "+strings.Join(sc.stepNames(), ", "),
						"%s refers to step %q, which the scenario does not have", r.Text, r.Step)
				case j == i:
					return sc.errorf(r.Line, "a step can only use an earlier step's payload",
						"reference cycle: step %q refers to itself in %s", st.Name, r.Text)
				case j > i:
					if path := sc.cycle(j, i); path != nil {
						return sc.errorf(r.Line, "a step can only use an earlier step's payload",
							"reference cycle: %s", strings.Join(append([]string{st.Name}, path...), " -> "))
					}
					return sc.errorf(r.Line, "a step can only use an earlier step's payload; move it below "+r.Step,
						"%s refers to step %q, which comes later", r.Text, r.Step)
				}
			}
		}
	}
	return nil
}

// cycle returns the step names on a chain of references from step from to
// step to (both included), or nil when there is none.
func (sc *Scenario) cycle(from, to int) []string {
	seen := map[int]bool{}
	var walk func(i int) []string
	walk = func(i int) []string {
		if i == to {
			return []string{sc.Steps[i].Name}
		}
		if seen[i] {
			return nil
		}
		seen[i] = true
		for _, set := range sc.Steps[i].Sets {
			for _, r := range set.refs {
				if j := sc.step(r.Step); j >= 0 {
					if rest := walk(j); rest != nil {
						return append([]string{sc.Steps[i].Name}, rest...)
					}
				}
			}
		}
		return nil
	}
	return walk(from)
}

// errTooLarge is a set value that comes to more than it may once its
// references are replaced.
var errTooLarge = errors.New("too large")

// toJSON renders v as JSON text, each reference replaced by what resolve
// returns for it (compact JSON). A string that is a single reference takes
// the referenced value as it is, number or object alike; a reference inside
// a longer string is spliced in as text. A value that comes to more than
// limit bytes stops there with errTooLarge: references to references can
// multiply a few bytes a hundredfold a step.
func (v value) toJSON(resolve func(ref) ([]byte, error), limit int) ([]byte, error) {
	var buf bytes.Buffer
	err := yamlcheck.JSON(&buf, v.n, yamlcheck.JSONOptions{
		MaxDepth:   maxValueDepth,
		MaxBytes:   cmp.Or(limit, -1), // -1: nothing past the first value; 0 would be no limit
		AliasLevel: true,
		EscapeHTML: true,
		Numbers:    yamlcheck.NumbersShortest,
		String: func(dst *bytes.Buffer, n *yaml.Node) error {
			return writeRefs(dst, n.Value, resolve, limit)
		},
	})
	if err == nil && buf.Len() > limit {
		err = errTooLarge
	}
	return buf.Bytes(), valueError(err)
}

// valueError words an error of yamlcheck.JSON for a set value.
func valueError(err error) error {
	var je *yamlcheck.JSONError
	if !errors.As(err, &je) {
		return err
	}
	switch {
	case je.Kind == yamlcheck.JSONDepth:
		return fmt.Errorf("a value nested more than %d levels deep", maxValueDepth)
	case je.Kind == yamlcheck.JSONBytes:
		return errTooLarge
	case je.Node.ShortTag() == "!!int":
		return fmt.Errorf("%s is out of range for a JSON integer", je.Node.Value)
	case je.Node.ShortTag() == "!!float":
		return fmt.Errorf("%s is not a number JSON can carry", je.Node.Value)
	}
	return err // a !!bool that is not one: the YAML library's message
}

// writeRefs writes the string s to dst with its references resolved,
// failing with errTooLarge once dst would come to more than limit bytes.
func writeRefs(dst *bytes.Buffer, s string, resolve func(ref) ([]byte, error), limit int) error {
	check := func(n int) error {
		if dst.Len()+n > limit {
			return errTooLarge
		}
		return nil
	}
	locs := refPattern().FindAllStringSubmatchIndex(s, -1)
	if len(locs) == 1 && locs[0][0] == 0 && locs[0][1] == len(s) {
		raw, err := resolve(refAt(s, locs[0]))
		if err == nil {
			err = check(len(raw))
		}
		if err != nil {
			return err
		}
		dst.Write(raw)
		return nil
	}
	var out strings.Builder
	last := 0
	for _, l := range locs {
		out.WriteString(s[last:l[0]])
		raw, err := resolve(refAt(s, l))
		if err != nil {
			return err
		}
		if err := check(out.Len() + len(raw)); err != nil {
			return err
		}
		var str string
		if json.Unmarshal(raw, &str) == nil {
			out.WriteString(str)
		} else {
			out.Write(raw)
		}
		last = l[1]
	}
	out.WriteString(s[last:])
	yamlcheck.WriteJSONString(dst, out.String(), true)
	return nil
}

func refAt(s string, loc []int) ref {
	return ref{Step: strings.TrimSpace(s[loc[2]:loc[3]]), Path: strings.TrimSpace(s[loc[4]:loc[5]]), Text: s[loc[0]:loc[1]]}
}
