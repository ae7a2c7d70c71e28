package respond

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/webhook-tool/webhook-tool/internal/input"
	"github.com/webhook-tool/webhook-tool/internal/route"
)

const inlineHint = "write --respond 'status=503 times=2' (KEY=VALUE words, match keys such as event=NAME beside them; a bare close or hang), or --respond FILE.yaml; see `webhook-tool help responses`"

// inlineKeys are the keys of the inline form besides header.NAME (a match
// on a request header) and headers.NAME (a header of the answer).
var inlineKeys = []string{
	"name", "status", "body", "delay", "times", "rate", "close", "hang", "forward",
	"event", "path", "method", "schema", "signature", "payload",
}

// IsInline reports whether a --respond value is a rule written inline
// rather than a file's name: it has a KEY=VALUE word, or is only close or
// hang. A file whose name has a = is given as @FILE.
func IsInline(spec string) bool {
	if strings.HasPrefix(spec, "@") {
		return false
	}
	if strings.Contains(spec, "=") {
		return true
	}
	f := strings.Fields(spec)
	return len(f) == 1 && (f[0] == "close" || f[0] == "hang")
}

// ParseInline reads a rule written inline: blank-separated KEY=VALUE words
// (quoted as SplitWords reads them), the rule file's keys with the match
// keys beside the others and the header maps spelt header.NAME=GLOB (match)
// and headers.NAME=VALUE (answer); a bare close or hang means true. event,
// schema, path and method take comma-separated lists; forward may be
// repeated.
//
//	status=503 times=2
//	event=order.created status=202 body='queued ${delivery.id}' headers.Retry-After=5
//	signature=invalid status=403
//	path=/slow/* hang
func ParseInline(spec string) (*Rule, error) {
	src := "--respond '" + spec + "'"
	fail := func(hint string, err error) (*Rule, error) {
		return nil, &Error{Source: src, Msg: err.Error(), Hint: hint}
	}
	words, err := route.SplitWords(spec)
	if err != nil {
		return fail(inlineHint, err)
	}
	if len(words) == 0 {
		return fail(inlineHint, errors.New("no rule"))
	}
	var b builder
	seen := map[string]bool{}
	for _, w := range words {
		key, val, hasVal := strings.Cut(w, "=")
		if !hasVal && (key == "close" || key == "hang") {
			val = "true"
		}
		if err := b.inline(key, val, hasVal || key == "close" || key == "hang"); err != nil {
			return fail(hintFor(err), err)
		}
		if key != "forward" && !strings.HasPrefix(key, "header.") && !strings.HasPrefix(key, "headers.") {
			if seen[key] {
				return fail("", fmt.Errorf("a second %s", key))
			}
			seen[key] = true
		}
	}
	r, err := b.finish()
	if err != nil {
		return fail("", err)
	}
	r.Source = src
	return r, nil
}

// unknownKey is an inline word that is no key.
type unknownKey struct{ word string }

func (e *unknownKey) Error() string {
	return fmt.Sprintf("%q is not a KEY=VALUE word of a rule", e.word)
}

func hintFor(err error) string {
	var uk *unknownKey
	if errors.As(err, &uk) {
		return "the keys are " + strings.Join(inlineKeys, ", ") + ", header.NAME and headers.NAME; quote a value with spaces: body='try again'"
	}
	return ""
}

// inline sets one KEY=VALUE word.
func (b *builder) inline(key, val string, hasVal bool) error {
	if name, ok := strings.CutPrefix(key, "header."); ok && hasVal {
		return b.matchHeader(name, val)
	}
	if name, ok := strings.CutPrefix(key, "headers."); ok && hasVal {
		return b.answerHeader(name, val)
	}
	if !hasVal {
		return &unknownKey{word: key}
	}
	if !slices.Contains(inlineKeys, key) {
		return &unknownKey{word: key + "=" + val}
	}
	switch key {
	case "name":
		return b.setName(val)
	case "status":
		return b.status(val)
	case "body":
		return b.body(val, false)
	case "delay":
		return b.delay(val)
	case "times":
		return b.times(val)
	case "rate":
		return b.rate(val)
	case "close", "hang":
		return b.flag(key, val)
	case "forward":
		return b.forward(val)
	case "event", "path", "schema":
		return b.globs(key, val)
	case "method":
		return b.method(val)
	}
	return b.verdict(key, val) // signature, payload
}

// Load reads every --respond value in order, files and inline rules alike,
// and returns their rules, ready for New. readFile reads a rules file (nil:
// the file itself, at most MaxFileSize bytes); a value is a file unless
// IsInline says otherwise, and @FILE is always one. Rule names must be
// unique across all of them.
func Load(specs []string, readFile func(string) ([]byte, error)) ([]*Rule, error) {
	if readFile == nil {
		readFile = func(path string) ([]byte, error) { return input.ReadFile(path, MaxFileSize) }
	}
	var all []*Rule
	for _, spec := range specs {
		var rules []*Rule
		if IsInline(spec) {
			r, err := ParseInline(spec)
			if err != nil {
				return nil, err
			}
			rules = []*Rule{r}
		} else {
			path := strings.TrimPrefix(spec, "@")
			data, err := readFile(path)
			if err != nil {
				return nil, &Error{Source: path, Msg: "cannot read the rules file: " + unwrapPath(err),
					Hint: "give a rules file, or a rule inline: --respond 'status=503 times=2'"}
			}
			if rules, err = Parse(data, path); err != nil {
				return nil, err
			}
		}
		for _, r := range rules {
			if r.Name == "" {
				continue
			}
			if i := slices.IndexFunc(all, func(o *Rule) bool { return o.Name == r.Name }); i >= 0 {
				return nil, &Error{Source: r.Source, Line: r.Line, Msg: fmt.Sprintf("a second rule called %q", r.Name), Hint: "give every rule its own name"}
			}
		}
		if len(all)+len(rules) > MaxRules {
			return nil, &Error{Source: spec, Msg: fmt.Sprintf("more than %d rules in all", MaxRules)}
		}
		all = append(all, rules...)
	}
	return all, nil
}

// unwrapPath is a file error's reason without the path the caller names.
func unwrapPath(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
