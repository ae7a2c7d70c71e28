package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/webhook-tool/webhook-tool/internal/export"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/render"
	"github.com/webhook-tool/webhook-tool/internal/replay"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// maxField bounds the text fields of a summary (a path, an error).
const maxField = 1 << 10

// The verdicts a filter takes.
const (
	verdictValid     = "valid"
	verdictInvalid   = "invalid"
	verdictUnchecked = "unchecked"
)

// ListDeliveriesIn is list_deliveries' input.
type ListDeliveriesIn struct {
	File      string   `json:"file" jsonschema:"a record file written by webhook-tool listen --record (or a HAR file), relative to the server's working directory"`
	Seq       []string `json:"seq,omitempty" jsonschema:"only these records: numbers and ranges, as 3, 5-9 or 1,4,7"`
	Path      string   `json:"path,omitempty" jsonschema:"only records whose path starts with this"`
	Schema    string   `json:"schema,omitempty" jsonschema:"only payloads detected as this schema (PROFILE.SCHEMA, as list_profiles gives them)"`
	Payload   string   `json:"payload,omitempty" jsonschema:"only this payload verdict: valid, invalid or unchecked"`
	Signature string   `json:"signature,omitempty" jsonschema:"only this signature verdict: valid, invalid or unchecked"`
	Kind      string   `json:"kind,omitempty" jsonschema:"only deliveries or only callbacks: delivery or callback"`
	Limit     int      `json:"limit,omitempty" jsonschema:"the most records returned, the newest (default 50, at most 200)"`
}

// DeliverySummary is one record in a list.
type DeliverySummary struct {
	Seq        int64  `json:"seq"`
	ReceivedAt string `json:"received_at"`
	Method     string `json:"method"`
	Path       string `json:"path"`
	Kind       string `json:"kind" jsonschema:"delivery or callback"`
	Status     int    `json:"status" jsonschema:"what listen answered"`
	Schema     string `json:"schema,omitempty"`
	Event      string `json:"event,omitempty" jsonschema:"the Permission Assist event or Permit type"`
	Payload    string `json:"payload" jsonschema:"payload verdict: valid, invalid or unchecked"`
	Signature  string `json:"signature" jsonschema:"signature verdict: valid, invalid or unchecked"`
	DeliveryID string `json:"delivery_id,omitempty"`
	Duplicate  bool   `json:"duplicate,omitempty"`
	CallbackOf string `json:"callback_for,omitempty"`
	Error      string `json:"error,omitempty"`
}

// ListDeliveriesOut is list_deliveries' output.
type ListDeliveriesOut struct {
	Deliveries []DeliverySummary `json:"deliveries"`
	Matched    int               `json:"matched" jsonschema:"how many records matched; more than listed when cut to limit"`
	Truncated  bool              `json:"truncated,omitempty"`
	Note       string            `json:"note,omitempty"`
}

// GetDeliveryIn is get_delivery's input.
type GetDeliveryIn struct {
	File string `json:"file" jsonschema:"a record file written by webhook-tool listen --record (or a HAR file)"`
	Seq  int64  `json:"seq" jsonschema:"the record's number"`
	Signing
}

// Recheck is a recorded delivery's signature verified again.
type Recheck struct {
	Scheme    string               `json:"scheme"`
	Valid     bool                 `json:"valid"`
	Reason    string               `json:"reason,omitempty"`
	Diagnosis *signature.Diagnosis `json:"diagnosis,omitempty" jsonschema:"the signature doctor's finding: what most likely broke the signature"`
}

// DeliveryOut is get_delivery's output: the record in full.
type DeliveryOut struct {
	DeliverySummary
	Query         string            `json:"query,omitempty"`
	Headers       map[string]string `json:"headers" jsonschema:"as recorded: secrets and Authorization values as ****"`
	Body          string            `json:"body"`
	BodyEncoding  string            `json:"body_encoding,omitempty" jsonschema:"base64 when the body is not UTF-8"`
	BodyTruncated bool              `json:"body_truncated,omitempty"`
	RecordedSig   *record.Signature `json:"signature_verdict,omitempty" jsonschema:"the signature verdict listen recorded, with the doctor's diagnosis when it failed"`
	RecordedSch   *record.Schema    `json:"schema_verdict,omitempty" jsonschema:"the payload verdict listen recorded, each error with its JSON Pointer"`
	Recheck       *Recheck          `json:"recheck,omitempty" jsonschema:"the signature verified again, as of its arrival, with the given secrets or the server's, and diagnosed when it fails"`
	RecheckNote   string            `json:"recheck_note,omitempty"`
	Forward       *record.Forward   `json:"forward,omitempty"`
	Callbacks     []DeliverySummary `json:"callbacks,omitempty" jsonschema:"the callbacks recorded for this delivery's id, in order"`
}

func (s *server) addDeliveryTools(srv *mcp.Server) {
	add(srv, s, &mcp.Tool{Name: "list_deliveries", Description: "List the requests a webhook-tool listen --record file holds (newest last), filtered by seq, path, schema, payload and signature verdicts, and kind."},
		func(ctx context.Context, in ListDeliveriesIn) (ListDeliveriesOut, error) {
			return s.listDeliveries(ctx, in)
		})
	add(srv, s, &mcp.Tool{Name: "get_delivery", Description: "One recorded request in full: headers, body, listen's signature and payload verdicts, the signature doctor's diagnosis, and its callbacks."},
		s.getDelivery)
}

// openRecords reads a record file through export's Input.
func openRecords(name string) (*export.Input, func(), error) {
	if name == "" {
		return nil, nil, errors.New("no file: give the record file listen --record wrote")
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot read %s: %w", name, err)
	}
	return export.OpenInput(f, name, nil), func() { f.Close() }, nil
}

type filter struct {
	sel                        replay.Selection
	schema, pay, sig, kindWant string
}

func newFilter(in ListDeliveriesIn) (filter, error) {
	seqs, err := replay.ParseSeqs(in.Seq)
	if err != nil {
		return filter{}, fmt.Errorf("%w: write 3, 5-9 or 1,4,7", err)
	}
	f := filter{sel: replay.Selection{Seqs: seqs, Path: in.Path}, schema: in.Schema, pay: in.Payload, sig: in.Signature, kindWant: in.Kind}
	for _, v := range [][2]string{{"payload", in.Payload}, {"signature", in.Signature}} {
		if v[1] != "" && v[1] != verdictValid && v[1] != verdictInvalid && v[1] != verdictUnchecked {
			return filter{}, fmt.Errorf("%s %q: give valid, invalid or unchecked", v[0], v[1])
		}
	}
	if in.Kind != "" && in.Kind != "delivery" && in.Kind != record.KindCallback {
		return filter{}, fmt.Errorf("kind %q: give delivery or callback", in.Kind)
	}
	return f, nil
}

func (f filter) match(rec *record.Record, sum *DeliverySummary) bool {
	return f.sel.Match(rec) && (f.schema == "" || f.schema == sum.Schema) && (f.pay == "" || f.pay == sum.Payload) &&
		(f.sig == "" || f.sig == sum.Signature) && (f.kindWant == "" || f.kindWant == sum.Kind)
}

func (s *server) listDeliveries(ctx context.Context, in ListDeliveriesIn) (ListDeliveriesOut, error) {
	limit := in.Limit
	switch {
	case limit == 0:
		limit = DefaultList
	case limit < 0 || limit > MaxList:
		return ListDeliveriesOut{}, fmt.Errorf("limit %d: give 1 to %d", limit, MaxList)
	}
	f, err := newFilter(in)
	if err != nil {
		return ListDeliveriesOut{}, err
	}
	recs, done, err := openRecords(in.File)
	if err != nil {
		return ListDeliveriesOut{}, err
	}
	defer done()
	out := ListDeliveriesOut{Deliveries: []DeliverySummary{}}
	ring := make([]DeliverySummary, limit) // the newest limit matches
	for ctx.Err() == nil {
		rec, err := recs.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return ListDeliveriesOut{}, fmt.Errorf("%s: %w", in.File, err)
		}
		sum := s.summary(rec)
		if f.match(rec, &sum) {
			ring[out.Matched%limit] = sum
			out.Matched++
		}
	}
	if err := ctx.Err(); err != nil {
		return ListDeliveriesOut{}, err
	}
	n := min(out.Matched, limit)
	for i := out.Matched - n; i < out.Matched; i++ {
		out.Deliveries = append(out.Deliveries, ring[i%limit])
	}
	if out.Matched > limit {
		out.Truncated = true
		out.Note = fmt.Sprintf("the %d earlier matches are left out: narrow with seq or the filters, or raise limit (at most %d)", out.Matched-limit, MaxList)
	}
	return out, nil
}

func (s *server) summary(rec *record.Record) DeliverySummary {
	sum := DeliverySummary{
		Seq: rec.Seq, ReceivedAt: rec.ReceivedAt.Format(time.RFC3339Nano), Method: rec.Method, Path: cutField(rec.Path),
		Kind: "delivery", Status: rec.Status, Payload: payloadVerdict(rec.Schema), Signature: signatureVerdict(rec.Signature),
		DeliveryID: cutField(rec.DeliveryID), Duplicate: rec.Duplicate, CallbackOf: cutField(rec.CallbackFor), Error: cutField(rec.Error),
	}
	if rec.Kind != record.KindDelivery {
		sum.Kind = rec.Kind
	}
	if rec.Schema != nil {
		sum.Schema = rec.Schema.Name
	}
	if sum.Kind == "delivery" && rec.BodyEncoding == "" {
		if fs, ok := s.reg.Peek([]byte(rec.Body), headerOf(rec.Headers)); ok {
			sum.Event = cutField(fs.Event)
		}
	}
	return sum
}

func cutField(s string) string { return render.Clip(s, maxField) }

func payloadVerdict(s *record.Schema) string {
	switch {
	case s == nil || !s.IsChecked():
		return verdictUnchecked
	case s.Valid:
		return verdictValid
	}
	return verdictInvalid
}

func signatureVerdict(s *record.Signature) string {
	switch {
	case s == nil || s.Kind == record.Unchecked:
		return verdictUnchecked
	case s.Valid:
		return verdictValid
	}
	return verdictInvalid
}

// headerOf is a record's headers as an http.Header, for the profiles'
// event header.
func headerOf(h record.Headers) http.Header {
	out := make(http.Header, len(h))
	for k, v := range h {
		out.Set(k, v)
	}
	return out
}
