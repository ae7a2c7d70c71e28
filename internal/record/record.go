// Package record owns the NDJSON delivery record that `listen --record`
// writes and `replay` reads: the Record type, a Writer that many HTTP
// handlers append to at once and that returns only when a line is written,
// and a Reader.
//
// One record is one line, in the field order PRODUCT.md documents:
//
//	{"seq":1,"received_at":"...","method":"POST","path":"/","headers":{...},"body":"...",
//	 "signature":{...},"schema":{...},"status":200}
//
// followed by optional fields (kind, query, path_raw, headers_base64,
// delivery_id, duplicate, callback_for, user_invite_id, forward,
// client_cert, error). A body that is not UTF-8 is stored base64 with
// "body_encoding":"base64"; exact.go keeps the path, query and header
// values byte for byte too. Marshal has the line written by hand by
// internal/record/recline, and by encoding/json only for what that refuses.
package record

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/redact"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// Kinds of record. A delivery is everything but a callback.
const (
	KindDelivery = ""         // a webhook delivery (the field is omitted)
	KindCallback = "callback" // a POST to the callback stand-in, {path}webhooks/callback/{id}
	KindExec     = "exec"     // a run of listen --exec's command (an Exec line, not a request)
)

// BodyBase64 is the body_encoding of a body that is not UTF-8.
const BodyBase64 = "base64"

// Record is one request that reached the listener's handler.
type Record struct {
	Seq          int64     `json:"seq"`
	ReceivedAt   time.Time `json:"received_at"`
	Method       string    `json:"method"`
	Path         string    `json:"path"`
	Headers      Headers   `json:"headers"`
	Body         string    `json:"body"`
	BodyEncoding string    `json:"body_encoding,omitempty"`
	// Signature and Schema are set for every delivery and left out for a
	// callback, which is plain text and carries no signature.
	Signature *Signature `json:"signature,omitempty"`
	Schema    *Schema    `json:"schema,omitempty"`
	Status    int        `json:"status"`

	Kind  string `json:"kind,omitempty"`
	Query string `json:"query,omitempty"`
	// PathRaw is the path as it was sent, escaped, when Path alone does not
	// give it back: an escaped byte that is not UTF-8 (which Path, a JSON
	// string, cannot hold), or an escape a client chose (%2F, %41).
	PathRaw string `json:"path_raw,omitempty"`
	// HeadersBase64 holds the exact bytes, base64, of the header values
	// that are not UTF-8; Headers has them too, readable, each such byte
	// as U+FFFD. (ExactHeaders puts them together.)
	HeadersBase64 Headers  `json:"headers_base64,omitempty"`
	DeliveryID    string   `json:"delivery_id,omitempty"`
	Duplicate     bool     `json:"duplicate,omitempty"`
	CallbackFor   string   `json:"callback_for,omitempty"`
	UserInviteID  string   `json:"user_invite_id,omitempty"`
	Forward       *Forward `json:"forward,omitempty"`
	// ClientCert names the certificate the client presented, for a request
	// that came over mutual TLS (listen --client-ca).
	ClientCert *ClientCert `json:"client_cert,omitempty"`
	// Error says why the request was refused before it could be checked
	// (a body over --max-body, a body the client never finished, a path
	// outside --path), or why the answer differs from --status.
	Error string `json:"error,omitempty"`

	// bodyRef, when set, is the body Marshal writes instead of Body (see
	// SetBodyRef).
	bodyRef []byte
}

// Signature is the verdict on a delivery's signature. Kind is the failure
// kind as signature.FailureKind spells it ("no_match", "stale_timestamp"...),
// or "unchecked" when no --secret was given, so nothing could be verified.
type Signature struct {
	Scheme string `json:"scheme"`
	Valid  bool   `json:"valid"`
	Reason string `json:"reason"`
	Kind   string `json:"kind,omitempty"`
	// Diagnosis is what most likely broke a signature that did not match,
	// when the signature doctor found it.
	Diagnosis *signature.Diagnosis `json:"diagnosis,omitempty"`
}

// Unchecked is Signature.Kind when the listener had no secret to check with.
const Unchecked = "unchecked"

// Schema is the verdict on a delivery's payload. Name is "" when the body is
// not JSON or no schema matched; Errors then holds one error saying which.
// Errors lists at most the listener's error limit; Omitted counts the rest.
//
// A delivery whose signature failed is not validated (a body built to make
// errors costs nothing then): Checked is false and Reason says why. For a
// validated payload both are left out.
type Schema struct {
	Name    string          `json:"name"`
	Valid   bool            `json:"valid"`
	Errors  []payload.Error `json:"errors"`
	Omitted int             `json:"errors_omitted,omitempty"`
	Checked *bool           `json:"checked,omitempty"`
	Reason  string          `json:"reason,omitempty"`
}

// NotChecked is the Schema of a payload that was not validated, for reason.
func NotChecked(reason string) *Schema {
	f := false
	return &Schema{Errors: []payload.Error{}, Checked: &f, Reason: reason}
}

// IsChecked reports whether the payload was validated.
func (s *Schema) IsChecked() bool { return s != nil && (s.Checked == nil || *s.Checked) }

// Forward is what the app behind --forward-to answered.
type Forward struct {
	URL        string  `json:"url"`
	Status     int     `json:"status,omitempty"`
	DurationMS float64 `json:"duration_ms"`
	Body       string  `json:"body,omitempty"` // an excerpt
	Error      string  `json:"error,omitempty"`
}

// ClientCert is the certificate a client presented over mutual TLS: its
// subject and issuer, as RFC 2253 distinguished names.
type ClientCert struct {
	Subject string `json:"subject"`
	Issuer  string `json:"issuer,omitempty"`
}

// SetBody stores body as text when it is UTF-8 and as base64 otherwise, so
// the record stays valid JSON and the bytes survive exactly.
func (r *Record) SetBody(body []byte) {
	r.bodyRef = nil
	if utf8.Valid(body) {
		r.Body, r.BodyEncoding = string(body), ""
		return
	}
	r.Body, r.BodyEncoding = base64.StdEncoding.EncodeToString(body), BodyBase64
}

// SetBodyRef is SetBody for a record that is only marshalled: a UTF-8 body
// is not copied into Body (which stays empty) but referred to, so body must
// not change until Marshal has written the line. The listener records every
// delivery this way from a pooled buffer; a body that is not UTF-8 is stored
// base64 in Body, as SetBody does.
func (r *Record) SetBodyRef(body []byte) {
	if utf8.Valid(body) {
		r.Body, r.BodyEncoding, r.bodyRef = "", "", body
		return
	}
	r.SetBody(body)
}

// RawBody returns the body's bytes as they were received.
func (r *Record) RawBody() ([]byte, error) {
	switch r.BodyEncoding {
	case "":
		return []byte(r.Body), nil
	case BodyBase64:
		b, err := base64.StdEncoding.DecodeString(r.Body)
		if err != nil {
			return nil, fmt.Errorf("record %d: body is not valid base64: %w", r.Seq, err)
		}
		return b, nil
	}
	return nil, fmt.Errorf("record %d: unknown body_encoding %q", r.Seq, r.BodyEncoding)
}

// FlattenHeaders turns request headers into the record's one-value-per-name
// form: repeated values joined with ", " (as HTTP allows), and every value
// passed through redact so no secret is written.
func FlattenHeaders(h http.Header, redact func(name, value string) string) map[string]string {
	m := make(map[string]string, len(h))
	for k, vs := range h {
		v := vs[0]
		if len(vs) > 1 {
			v = strings.Join(vs, ", ")
		}
		if redact != nil {
			v = redact(k, v)
		}
		m[k] = v
	}
	return m
}

// Headers are a record's request headers, one value per name (repeated
// values joined with ", ", as FlattenHeaders writes them). Reading also
// takes a list of values per name, as an http.Header marshals, so a file
// another receiver wrote that way reads too.
type Headers map[string]string

// UnmarshalJSON reads {"Name":"value"} and {"Name":["v1","v2"]}.
func (h *Headers) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	if raw == nil {
		*h = nil
		return nil
	}
	m := make(Headers, len(raw))
	for k, v := range raw {
		var one string
		if json.Unmarshal(v, &one) == nil {
			m[k] = one
			continue
		}
		var many []string
		if err := json.Unmarshal(v, &many); err != nil {
			return fmt.Errorf("header %s is neither a string nor a list of strings", k)
		}
		m[k] = strings.Join(many, ", ")
	}
	*h = m
	return nil
}

// HTTPHeader is the record's headers as an http.Header, names as recorded,
// values as they were sent (ExactHeaders; as recorded when headers_base64
// does not decode).
func (r *Record) HTTPHeader() http.Header {
	hs, err := r.ExactHeaders()
	if err != nil {
		hs = r.Headers
	}
	h := make(http.Header, len(hs))
	for k, v := range hs {
		h.Add(k, v)
	}
	return h
}

// Redacted reports whether a recorded header value is a secret the
// listener masked when it recorded it ("****", or "Bearer ****"): the
// value in the record is not the one that was sent.
func Redacted(value string) bool { return redact.Masked(value) }
