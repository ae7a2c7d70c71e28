// Package recline writes the NDJSON line of one delivery record by hand:
// byte for byte what encoding/json (HTML escaping off) makes of a
// record.Record, without reflection and without a second copy of the body.
// At thousands of deliveries a second, reflection and escaping the body
// through encoding/json were a fifth of listen's CPU.
//
// Its one entry point is Append. record owns the Record type and the file
// format; it hands Append a Line (Record.Line) and falls back to
// encoding/json for the values Append refuses. The tests here hold Append
// to encoding/json over hostile strings, random records and a fuzz target.
package recline

import (
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/jsonstr"
	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// Start is how every line starts: its seq is 0, for the record writer to
// replace with the record's number.
const Start = `{"seq":0`

// Line is a record's values, in the order PRODUCT.md documents them. Its
// verdicts have record's types' shapes, so record converts its pointers to
// them for nothing (and fails to compile if the shapes part).
type Line struct {
	ReceivedAt time.Time
	Method     string
	Path       string
	Headers    map[string]string
	// Body is written, unless BodyRef is set: then its bytes are, as a
	// string (the listener's pooled buffer, not copied).
	Body         string
	BodyRef      []byte
	BodyEncoding string
	Signature    *Signature
	Schema       *Schema
	Status       int
	Kind         string
	Query        string
	PathRaw      string
	// HeadersBase64 is written when it has an entry.
	HeadersBase64 map[string]string
	DeliveryID    string
	Duplicate     bool
	CallbackFor   string
	UserInviteID  string
	Forward       *Forward
	ClientCert    *ClientCert
	Error         string
}

// Signature is record.Signature's shape.
type Signature struct {
	Scheme    string
	Valid     bool
	Reason    string
	Kind      string
	Diagnosis *signature.Diagnosis
}

// Schema is record.Schema's shape.
type Schema struct {
	Name    string
	Valid   bool
	Errors  []payload.Error
	Omitted int
	Checked *bool
	Reason  string
}

// Forward is record.Forward's shape.
type Forward struct {
	URL        string
	Status     int
	DurationMS float64
	Body       string
	Error      string
}

// ClientCert is record.ClientCert's shape.
type ClientCert struct {
	Subject string
	Issuer  string
}

// Append appends the line of r, with its trailing newline, to dst. ok is
// false for the values encoding/json refuses (a time outside years
// 0-9999, a NaN or infinite duration), and dst then holds a partial line
// past its old length: the caller lets encoding/json say why.
func Append(dst []byte, r *Line) (_ []byte, ok bool) {
	dst = append(dst, Start...)
	dst = append(dst, `,"received_at":"`...)
	var err error
	if dst, err = r.ReceivedAt.AppendText(dst); err != nil {
		return dst, false
	}
	dst = append(dst, `","method":`...)
	dst = jsonstr.Append(dst, r.Method)
	dst = append(dst, `,"path":`...)
	dst = jsonstr.Append(dst, r.Path)
	dst = append(dst, `,"headers":`...)
	dst = appendHeaders(dst, r.Headers)
	dst = append(dst, `,"body":`...)
	if r.BodyRef != nil {
		dst = jsonstr.Append(dst, r.BodyRef)
	} else {
		dst = jsonstr.Append(dst, r.Body)
	}
	if r.BodyEncoding != "" {
		dst = append(dst, `,"body_encoding":`...)
		dst = jsonstr.Append(dst, r.BodyEncoding)
	}
	if s := r.Signature; s != nil {
		dst = append(dst, `,"signature":{"scheme":`...)
		dst = jsonstr.Append(dst, s.Scheme)
		dst = append(dst, `,"valid":`...)
		dst = strconv.AppendBool(dst, s.Valid)
		dst = append(dst, `,"reason":`...)
		dst = jsonstr.Append(dst, s.Reason)
		if s.Kind != "" {
			dst = append(dst, `,"kind":`...)
			dst = jsonstr.Append(dst, s.Kind)
		}
		if d := s.Diagnosis; d != nil {
			dst = append(dst, `,"diagnosis":{"cause":`...)
			dst = jsonstr.Append(dst, string(d.Cause))
			dst = append(dst, `,"detail":`...)
			dst = jsonstr.Append(dst, d.Detail)
			dst = append(dst, '}')
		}
		dst = append(dst, '}')
	}
	if s := r.Schema; s != nil {
		dst = append(dst, `,"schema":{"name":`...)
		dst = jsonstr.Append(dst, s.Name)
		dst = append(dst, `,"valid":`...)
		dst = strconv.AppendBool(dst, s.Valid)
		dst = append(dst, `,"errors":`...)
		dst = appendErrors(dst, s.Errors)
		if s.Omitted != 0 {
			dst = append(dst, `,"errors_omitted":`...)
			dst = strconv.AppendInt(dst, int64(s.Omitted), 10)
		}
		if s.Checked != nil {
			dst = append(dst, `,"checked":`...)
			dst = strconv.AppendBool(dst, *s.Checked)
		}
		dst = appendOptString(dst, `,"reason":`, s.Reason)
		dst = append(dst, '}')
	}
	dst = append(dst, `,"status":`...)
	dst = strconv.AppendInt(dst, int64(r.Status), 10)
	return appendOptional(dst, r)
}

// appendOptional writes the fields after status, those left out when
// empty, and ends the line.
func appendOptional(dst []byte, r *Line) (_ []byte, ok bool) {
	dst = appendOptString(dst, `,"kind":`, r.Kind)
	dst = appendOptString(dst, `,"query":`, r.Query)
	dst = appendOptString(dst, `,"path_raw":`, r.PathRaw)
	if len(r.HeadersBase64) > 0 {
		dst = append(dst, `,"headers_base64":`...)
		dst = appendHeaders(dst, r.HeadersBase64)
	}
	dst = appendOptString(dst, `,"delivery_id":`, r.DeliveryID)
	if r.Duplicate {
		dst = append(dst, `,"duplicate":true`...)
	}
	dst = appendOptString(dst, `,"callback_for":`, r.CallbackFor)
	dst = appendOptString(dst, `,"user_invite_id":`, r.UserInviteID)
	if f := r.Forward; f != nil {
		dst = append(dst, `,"forward":{"url":`...)
		dst = jsonstr.Append(dst, f.URL)
		if f.Status != 0 {
			dst = append(dst, `,"status":`...)
			dst = strconv.AppendInt(dst, int64(f.Status), 10)
		}
		dst = append(dst, `,"duration_ms":`...)
		if dst, ok = appendFloat(dst, f.DurationMS); !ok {
			return dst, false
		}
		dst = appendOptString(dst, `,"body":`, f.Body)
		dst = appendOptString(dst, `,"error":`, f.Error)
		dst = append(dst, '}')
	}
	if c := r.ClientCert; c != nil {
		dst = append(dst, `,"client_cert":{"subject":`...)
		dst = jsonstr.Append(dst, c.Subject)
		dst = appendOptString(dst, `,"issuer":`, c.Issuer)
		dst = append(dst, '}')
	}
	dst = appendOptString(dst, `,"error":`, r.Error)
	return append(dst, '}', '\n'), true
}

func appendOptString(dst []byte, key, s string) []byte {
	if s == "" {
		return dst
	}
	dst = append(dst, key...)
	return jsonstr.Append(dst, s)
}

// appendHeaders writes the map with its keys sorted, as encoding/json does.
func appendHeaders(dst []byte, h map[string]string) []byte {
	if h == nil {
		return append(dst, "null"...)
	}
	var stack [32]string
	keys := stack[:0]
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = jsonstr.Append(dst, k)
		dst = append(dst, ':')
		dst = jsonstr.Append(dst, h[k])
	}
	return append(dst, '}')
}

func appendErrors(dst []byte, errs []payload.Error) []byte {
	if errs == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '[')
	for i := range errs {
		e := &errs[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"instanceLocation":`...)
		dst = jsonstr.Append(dst, e.InstanceLocation)
		dst = append(dst, `,"keywordLocation":`...)
		dst = jsonstr.Append(dst, e.KeywordLocation)
		dst = append(dst, `,"message":`...)
		dst = jsonstr.Append(dst, e.Message)
		dst = append(dst, `,"line":`...)
		dst = strconv.AppendInt(dst, int64(e.Line), 10)
		dst = append(dst, `,"column":`...)
		dst = strconv.AppendInt(dst, int64(e.Column), 10)
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

// appendFloat formats a float64 as encoding/json does: shortest form, in
// exponent notation only for very small or very large magnitudes.
func appendFloat(dst []byte, f float64) ([]byte, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return dst, false
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if format == 'e' {
		// Clean up e-09 to e-9.
		n := len(dst)
		if n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst, true
}
