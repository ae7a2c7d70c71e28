package inspect

import (
	"strconv"
	"strings"
)

// Filter is a parsed q: every term must match. A term is
//
//	schema:NAME   the schema name contains NAME
//	event:NAME    the event (or Permit type) contains NAME
//	is:valid      the payload is valid against its schema (is:invalid: it is not)
//	sig:ok        the signature verified (sig:bad: it did not; sig:unchecked: no secret)
//	is:duplicate  a repeated delivery id (is:callback, is:delivery: the kind)
//	status:CODE   the answer's status, e.g. status:401 or status:4 for every 4xx
//	TEXT          any other word: found, ignoring case, in the seq, method, path,
//	              schema, event, delivery id, status, callback id or error
//
// Bodies are not searched: over a large record file they are read only when
// a delivery is opened.
type Filter struct {
	terms []term
}

type term struct {
	key, val string // key "" is free text
}

// ParseFilter reads q. Unknown keys are free text, so a path like
// "/a:b" still finds itself.
func ParseFilter(q string) Filter {
	var f Filter
	for _, w := range strings.Fields(q) {
		w = strings.ToLower(w)
		if k, v, ok := strings.Cut(w, ":"); ok && v != "" {
			switch k {
			case "schema", "event", "is", "sig", "status":
				f.terms = append(f.terms, term{k, v})
				continue
			}
		}
		f.terms = append(f.terms, term{"", w})
	}
	return f
}

// Empty reports whether f matches everything.
func (f Filter) Empty() bool { return len(f.terms) == 0 }

// Match reports whether s passes every term.
func (f Filter) Match(s *Summary) bool {
	for _, t := range f.terms {
		if !t.match(s) {
			return false
		}
	}
	return true
}

func (t term) match(s *Summary) bool {
	switch t.key {
	case "schema":
		return contains(s.Schema, t.val)
	case "event":
		return contains(s.Event, t.val)
	case "status":
		return strings.HasPrefix(strconv.Itoa(s.Status), t.val)
	case "sig":
		switch t.val {
		case "ok", "valid":
			return s.SignatureValid != nil && *s.SignatureValid
		case "bad", "invalid":
			return s.SignatureValid != nil && !*s.SignatureValid
		case "unchecked", "none":
			return s.SignatureValid == nil && s.Kind == KindDelivery
		}
		return false
	case "is":
		switch t.val {
		case "valid":
			return s.SchemaValid != nil && *s.SchemaValid
		case "invalid":
			return s.SchemaValid != nil && !*s.SchemaValid
		case "duplicate", "dup":
			return s.Duplicate
		case "forwarded":
			return s.ForwardStatus != nil
		case "exec":
			return s.ExecRuns > 0
		}
		return s.Kind == t.val
	}
	for _, field := range [...]string{s.Method, s.Path, s.Schema, s.Event, s.DeliveryID, s.CallbackFor, s.Error} {
		if contains(field, t.val) {
			return true
		}
	}
	return strconv.FormatInt(s.Seq, 10) == t.val || strconv.Itoa(s.Status) == t.val
}

// contains is a case-insensitive strings.Contains for a lower-case sub.
func contains(s, lowerSub string) bool {
	if len(lowerSub) > len(s) {
		return false
	}
	for i := 0; i+len(lowerSub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(lowerSub)], lowerSub) {
			return true
		}
	}
	return false
}
