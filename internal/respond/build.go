package respond

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/delivery"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/route"
)

// The keys of a rule, in the file (match keys under match:) and inline
// (match keys beside the others; header.NAME and headers.NAME for the
// header maps). They are a contract: see `webhook-tool help responses`.
var (
	ruleKeys  = []string{"name", "match", "status", "body", "headers", "delay", "times", "rate", "close", "hang", "forward"}
	matchKeys = []string{"event", "path", "method", "schema", "header", "signature", "payload"}
)

// allDigits names would read as rule numbers.
var allDigits = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]+$`) })

// builder fills a Rule from its keys, one value at a time, for both forms.
// Each method returns an error that says what is wrong with the value; the
// caller adds where it was.
type builder struct {
	ruleName string
	m        matcher
	act      action
}

func (b *builder) setName(v string) error {
	switch {
	case strings.TrimSpace(v) == "":
		return errors.New("name is empty")
	case allDigits().MatchString(v):
		return fmt.Errorf("name %q is a number, which would read as the rule's place; give it a word", v)
	case len(v) > 200 || strings.ContainsAny(v, "\r\n\x00"):
		return errors.New("name must be one short line")
	}
	b.ruleName = v
	return nil
}

func (b *builder) globs(key, v string) error {
	var dst *[]route.Glob
	switch key {
	case "event":
		dst = &b.m.events
	case "schema":
		dst = &b.m.schemas
	default:
		dst = &b.m.paths
	}
	for p := range strings.SplitSeq(v, ",") {
		g, err := route.CompileGlob(strings.TrimSpace(p))
		if err != nil {
			return fmt.Errorf("%s %q: %v", key, v, err)
		}
		*dst = append(*dst, g)
	}
	return nil
}

func (b *builder) method(v string) error {
	for m := range strings.SplitSeq(v, ",") {
		m = strings.ToUpper(strings.TrimSpace(m))
		if !validToken(m) {
			return fmt.Errorf("method %q is not an HTTP method", v)
		}
		b.m.methods = append(b.m.methods, m)
	}
	return nil
}

func (b *builder) matchHeader(name, v string) error {
	if !validToken(name) {
		return fmt.Errorf("%q is not a header name", name)
	}
	g, err := route.CompileGlob(v)
	if err != nil {
		return fmt.Errorf("header %s: %v (match any value with '*')", name, err)
	}
	b.m.headers = append(b.m.headers, headerMatch{name: http.CanonicalHeaderKey(name), glob: g})
	return nil
}

func (b *builder) verdict(key, v string) error {
	allowed := []string{record.VerdictValid, record.VerdictInvalid}
	if key == "signature" {
		allowed = append(allowed, record.VerdictMissing)
	}
	for _, a := range allowed {
		if v == a {
			if key == "signature" {
				b.m.signature = v
			} else {
				b.m.payload = v
			}
			return nil
		}
	}
	return fmt.Errorf("%s must be %s, not %q", key, strings.Join(allowed, ", "), v)
}

func (b *builder) status(v string) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < 200 || n > 599 {
		return fmt.Errorf("status must be a number from 200 to 599, not %q", v)
	}
	b.act.status, b.act.hasStatus = n, true
	return nil
}

func (b *builder) body(text string, isJSON bool) error {
	t, err := parseTemplate(text, isJSON)
	if err != nil {
		return err
	}
	b.act.body = t
	return nil
}

// forbiddenHeaders are set by the server for the answer as written.
var forbiddenHeaders = []string{"Content-Length", "Date"}

func (b *builder) answerHeader(name, v string) error {
	canon := http.CanonicalHeaderKey(name)
	switch {
	case !validToken(name):
		return fmt.Errorf("%q is not a header name", name)
	case delivery.IsHopByHop(canon) || canon == forbiddenHeaders[0] || canon == forbiddenHeaders[1]:
		return fmt.Errorf("header %s is the server's to set", canon)
	case strings.ContainsAny(v, "\r\n\x00"):
		return fmt.Errorf("header %s: the value has a line break", canon)
	}
	if b.act.header == nil {
		b.act.header = http.Header{}
	}
	b.act.header.Add(canon, v)
	return nil
}

func (b *builder) delay(v string) error {
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 || d > MaxHold {
		return fmt.Errorf("delay must be a duration from 0 to %s, such as 200ms or 2s, not %q", MaxHold, v)
	}
	b.act.delay = d
	return nil
}

func (b *builder) times(v string) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return fmt.Errorf("times must be a whole number, 1 or more, not %q", v)
	}
	b.act.times = n
	return nil
}

func (b *builder) rate(v string) error {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || !(f > 0 && f <= 1) {
		return fmt.Errorf("rate must be a share above 0 and at most 1, such as 0.2, not %q", v)
	}
	b.act.rate = f
	return nil
}

func (b *builder) flag(key, v string) error {
	on, err := strconv.ParseBool(v)
	if err != nil || v != strings.ToLower(strconv.FormatBool(on)) {
		return fmt.Errorf("%s must be true or false, not %q", key, v)
	}
	if key == "close" {
		b.act.close = on
	} else {
		b.act.hang = on
	}
	return nil
}

func (b *builder) forward(v string) error {
	if err := route.CheckTargetURL(v); err != nil {
		return fmt.Errorf("forward: %v", err)
	}
	b.act.forward = append(b.act.forward, v)
	return nil
}

// finish checks the keys against one another.
func (b *builder) finish() (*Rule, error) {
	a := &b.act
	switch {
	case a.close && a.hang:
		return nil, errors.New("close and hang both drop the answer; keep one")
	case (a.close || a.hang) && (a.hasStatus || a.body != nil || len(a.header) > 0):
		return nil, errors.New("a rule that closes or hangs sends no answer, so status, body and headers mean nothing in it")
	case a.hang && a.delay > 0:
		return nil, errors.New("hang holds the connection as long as it can; a delay adds nothing to it")
	case a.body != nil && (a.status == http.StatusNoContent || a.status == http.StatusNotModified):
		return nil, fmt.Errorf("a %d answer has no body", a.status)
	}
	return &Rule{Name: b.ruleName, m: b.m, act: b.act}, nil
}

// validToken reports whether s is an HTTP token (a method or a header
// name, RFC 9110 5.6.2).
func validToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return s != ""
}
