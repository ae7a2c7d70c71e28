package callback

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// A callback base is what a Permission Assist callback URL is built on
// (send, scenario run and probe take it as --callback-base): the delivery
// id is added to it, or replaces a "{id}" in it (fixture.CallbackURL).

// BaseError is a callback base that is no URL a receiver could post to.
type BaseError struct {
	Base   string
	Reason string
}

func (e *BaseError) Error() string {
	return fmt.Sprintf("invalid --callback-base %q: %s", e.Base, e.Reason)
}

// Hint says what a base looks like.
func (e *BaseError) Hint() string {
	if !strings.Contains(e.Base, "://") && e.Base != "" {
		return "did you mean --callback-base http://" + e.Base + "?"
	}
	return "give a URL such as http://127.0.0.1:8080/webhooks/callback/ (a listen's stand-in): the delivery id is added, or replaces {id}"
}

// CheckBase reads a callback base: an absolute http(s) URL with a host and
// no fragment, "{id}" at most once. "" is no base (the caller's default).
func CheckBase(base string) error {
	if base == "" {
		return nil
	}
	bad := func(reason string) error { return &BaseError{Base: base, Reason: reason} }
	if !strings.Contains(base, "://") {
		return bad("it has no http:// or https://")
	}
	u, err := url.Parse(strings.ReplaceAll(base, "{id}", idMark))
	var ue *url.Error
	switch {
	case errors.As(err, &ue):
		return bad(ue.Err.Error())
	case err != nil:
		return bad(err.Error())
	case u.Scheme != "http" && u.Scheme != "https":
		return bad(fmt.Sprintf("the scheme is %q, want http or https", u.Scheme))
	case u.Host == "":
		return bad("it has no host")
	case u.Fragment != "" || strings.Contains(base, "#"):
		return bad("a fragment is never sent to the server")
	case strings.Count(base, "{id}") > 1:
		return bad("{id} may appear once")
	}
	return nil
}

// idMark stands for "{id}" while a base is parsed: braces are no URL's.
const idMark = "x-webhook-tool-id-x"

// basePath is the path of a checked base, "{id}" kept: where a stand-in
// serving that base takes callbacks.
func basePath(base string) string {
	u, err := url.Parse(strings.ReplaceAll(base, "{id}", idMark))
	if err != nil {
		return Path
	}
	p := strings.Replace(u.Path, idMark, "{id}", 1)
	if p == "" {
		p = "/"
	}
	return p
}

// idFromBase returns the delivery id of the request path p under a base
// path (basePath): the one path segment after it, or where its "{id}" is.
func idFromBase(p, base string) (string, bool) {
	prefix, suffix, hasID := strings.Cut(base, "{id}")
	id, ok := strings.CutPrefix(p, prefix)
	if ok && hasID {
		id, ok = strings.CutSuffix(id, suffix)
	}
	if !ok || id == "" || strings.Contains(id, "/") {
		return "", false
	}
	return id, true
}
