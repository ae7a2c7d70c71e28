// Package inspect is the local web inspector behind `listen --ui` and
// `webhook-tool inspect`: a Store of the records (an index over a record
// file, or a bounded ring of this run's records), a Hub that streams new
// ones as server-sent events, and a Server that answers the page (embedded
// assets) and its JSON API, refusing requests that did not come from the
// user's own browser tab.
//
// It reads records as internal/record writes them and knows nothing of
// flags; replaying goes through a Replayer the caller supplies.
package inspect

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/textproto"
	"slices"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/render"
)

// Kinds of line, as the list shows them. An exec line (listen --exec) is
// not listed: it belongs to the delivery named by its delivery_seq.
const (
	KindDelivery = "delivery"
	KindCallback = "callback"
	KindExec     = "exec"
)

// Summary is one row of the list, as GET /api/deliveries answers it.
type Summary struct {
	Seq            int64     `json:"seq"`
	ReceivedAt     time.Time `json:"received_at"`
	Method         string    `json:"method"`
	Path           string    `json:"path"`
	Kind           string    `json:"kind"`
	Schema         string    `json:"schema"`
	Event          string    `json:"event"`
	DeliveryID     string    `json:"delivery_id"`
	SignatureValid *bool     `json:"signature_valid"` // null: not checked (no secret), or a callback
	SchemaValid    *bool     `json:"schema_valid"`    // null: not validated (a callback, a refused request, a bad signature)
	Status         int       `json:"status"`
	Duplicate      bool      `json:"duplicate"`

	SignatureScheme string `json:"signature_scheme,omitempty"`
	SchemaErrors    int    `json:"schema_errors"`
	CallbackFor     string `json:"callback_for,omitempty"`
	Callbacks       int    `json:"callbacks"`                // callbacks the stand-in got for this delivery id
	ForwardStatus   *int   `json:"forward_status,omitempty"` // the --forward-to app's answer; 0 when it failed
	// Rule is the response rule that took the delivery (listen
	// --respond): its name, else its number.
	Rule     *record.RuleRef `json:"rule,omitempty"`
	ExecRuns int             `json:"exec_runs"`
	Error    string          `json:"error,omitempty"`
}

// maxRowText bounds each text of a row that a client chose (the path, the
// event, the delivery id, the callback's delivery id, the error); the
// detail has them whole. Rows are many: 150 deliveries with a 900 KB event
// made a page of the list 165 MB.
const maxRowText = 1 << 10

// cut is s as the list and the stream hand it out: each text a client
// chose cut to maxRowText bytes (render.Clip). A filter matches the texts
// whole.
func (s Summary) cut() Summary {
	for _, f := range [...]*string{&s.Path, &s.Event, &s.DeliveryID, &s.CallbackFor, &s.Error} {
		*f = render.Clip(*f, maxRowText)
	}
	return s
}

// line is what the store keeps of a record line: the summary fields and
// the links to other lines. Its Callbacks and ExecRuns are filled when the
// summary is handed out.
type line struct {
	Summary
	deliverySeq int64 // an exec line's delivery
}

// recordLine is the part of a record line a summary needs; the body is
// only looked into for the event name.
type recordLine struct {
	Seq        int64             `json:"seq"`
	ReceivedAt time.Time         `json:"received_at"`
	Method     string            `json:"method"`
	Path       string            `json:"path"`
	Body       string            `json:"body"`
	Encoding   string            `json:"body_encoding"`
	Headers    record.Headers    `json:"headers"`
	Signature  *record.Signature `json:"signature"`
	Schema     *struct {
		Name    string            `json:"name"`
		Valid   bool              `json:"valid"`
		Errors  []json.RawMessage `json:"errors"`
		Omitted int               `json:"errors_omitted"`
		Checked *bool             `json:"checked"` // false: not validated (a bad signature)
	} `json:"schema"`
	Status      int             `json:"status"`
	Kind        string          `json:"kind"`
	DeliveryID  string          `json:"delivery_id"`
	Duplicate   bool            `json:"duplicate"`
	CallbackFor string          `json:"callback_for"`
	Rule        *record.RuleRef `json:"rule"`
	Forward     *struct {
		Status int `json:"status"`
	} `json:"forward"`
	Error       string `json:"error"`
	DeliverySeq int64  `json:"delivery_seq"`
}

var errNotRecord = errors.New("not a record: no method")

// parseLineJSON reads the summary of one record line with encoding/json:
// parseLine's way with a line its fast path does not take.
func parseLineJSON(b []byte, events EventReader) (line, error) {
	var r recordLine
	if err := json.Unmarshal(b, &r); err != nil {
		return line{}, err
	}
	f := r.fastLine()
	l, event, err := f.summary()
	if event && r.Body != "" {
		l.Event = events([]byte(r.Body), r.Headers)
	}
	return l, err
}

// fastLine is r as the fast path reads it, for the summary both make.
func (r *recordLine) fastLine() fastLine {
	f := fastLine{
		seq: r.Seq, deliverySeq: r.DeliverySeq, receivedAt: r.ReceivedAt,
		method: r.Method, path: r.Path, kind: r.Kind, encoding: r.Encoding,
		deliveryID: r.DeliveryID, callbackFor: r.CallbackFor, errText: r.Error,
		status: r.Status, duplicate: r.Duplicate, rule: r.Rule,
	}
	if s := r.Signature; s != nil {
		f.sig, f.sigScheme, f.sigKind, f.sigValid = true, s.Scheme, s.Kind, s.Valid
	}
	if s := r.Schema; s != nil {
		f.schema, f.schemaName, f.schemaValid = true, s.Name, s.Valid
		f.schemaErrors, f.schemaOmitted = len(s.Errors), s.Omitted
		switch {
		case s.Checked == nil:
		case *s.Checked:
			f.schemaChecked = 1
		default:
			f.schemaChecked = -1
		}
	}
	if fw := r.Forward; fw != nil {
		f.forward, f.forwardStatus = true, fw.Status
	}
	return f
}

// EventReader reads a delivery's event name from its body and headers:
// the value at its profile's event field (profile.Fields.Event), "" when
// it has none. body is only valid during the call: a store reads many
// lines through one buffer.
type EventReader func(body []byte, h record.Headers) string

// RegistryEvents is the EventReader of a registry's profiles: it reads the
// event without validating (payload.Registry.Peek), the headers narrowing
// detection as they do in listen.
func RegistryEvents(reg *payload.Registry) EventReader {
	names := eventHeaders(reg)
	return func(body []byte, h record.Headers) string {
		f, _ := reg.Peek(body, names.of(h))
		return f.Event
	}
}

// headerNames are the event headers of a registry's profiles, canonical.
type headerNames []string

func eventHeaders(reg *payload.Registry) headerNames {
	var names headerNames
	for _, p := range reg.Profiles() {
		if p.EventHeader != "" {
			names = append(names, textproto.CanonicalMIMEHeaderKey(p.EventHeader))
		}
	}
	return names
}

// of is the http.Header detection reads of a record's headers: of them,
// Peek reads only the profiles' event headers (to narrow detection to the
// schemas one names), so only those are copied, and a delivery without
// any (every one, when no profile has an event header) costs no header.
func (names headerNames) of(h record.Headers) http.Header {
	if len(names) == 0 {
		return nil
	}
	var hh http.Header
	for k, v := range h {
		if ck := textproto.CanonicalMIMEHeaderKey(k); slices.Contains(names, ck) {
			if hh == nil {
				hh = make(http.Header, len(names))
			}
			hh[ck] = []string{v}
		}
	}
	return hh
}

// BundledEvents reads an event as the bundled profiles say.
func BundledEvents(body []byte, h record.Headers) string {
	reg, err := payload.Bundled()
	if err != nil {
		return ""
	}
	return RegistryEvents(reg)(body, h)
}
