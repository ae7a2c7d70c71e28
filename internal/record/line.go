package record

import (
	"math"
	"slices"
	"strconv"

	"github.com/webhook-tool/webhook-tool/internal/payload"

	"github.com/webhook-tool/webhook-tool/internal/jsonstr"
)

// appendLine is Marshal's hot path: the record line written by hand into
// dst, byte for byte what encoding/json (HTML escaping off) makes of a
// Record, without reflection and without a second copy of the body.
// TestAppendLineMatchesEncodingJSON holds it to that. ok is false for the
// values encoding/json refuses (a time outside years 0-9999, a NaN or
// infinite duration); Marshal then lets encoding/json say why.
func appendLine(dst []byte, r *Record) (_ []byte, ok bool) {
	dst = append(dst, seqPrefix...)
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
	if r.bodyRef != nil {
		dst = jsonstr.Append(dst, r.bodyRef)
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
	dst = appendOptString(dst, `,"kind":`, r.Kind)
	dst = appendOptString(dst, `,"query":`, r.Query)
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
