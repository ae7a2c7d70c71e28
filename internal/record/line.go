package record

import (
	"encoding/binary"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/webhook-tool/webhook-tool/internal/payload"
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
	dst = appendString(dst, r.Method)
	dst = append(dst, `,"path":`...)
	dst = appendString(dst, r.Path)
	dst = append(dst, `,"headers":`...)
	dst = appendHeaders(dst, r.Headers)
	dst = append(dst, `,"body":`...)
	if r.bodyRef != nil {
		dst = appendString(dst, r.bodyRef)
	} else {
		dst = appendString(dst, r.Body)
	}
	if r.BodyEncoding != "" {
		dst = append(dst, `,"body_encoding":`...)
		dst = appendString(dst, r.BodyEncoding)
	}
	if s := r.Signature; s != nil {
		dst = append(dst, `,"signature":{"scheme":`...)
		dst = appendString(dst, s.Scheme)
		dst = append(dst, `,"valid":`...)
		dst = strconv.AppendBool(dst, s.Valid)
		dst = append(dst, `,"reason":`...)
		dst = appendString(dst, s.Reason)
		if s.Kind != "" {
			dst = append(dst, `,"kind":`...)
			dst = appendString(dst, s.Kind)
		}
		dst = append(dst, '}')
	}
	if s := r.Schema; s != nil {
		dst = append(dst, `,"schema":{"name":`...)
		dst = appendString(dst, s.Name)
		dst = append(dst, `,"valid":`...)
		dst = strconv.AppendBool(dst, s.Valid)
		dst = append(dst, `,"errors":`...)
		dst = appendErrors(dst, s.Errors)
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
		dst = appendString(dst, f.URL)
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
	return appendString(dst, s)
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
		dst = appendString(dst, k)
		dst = append(dst, ':')
		dst = appendString(dst, h[k])
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
		dst = appendString(dst, e.InstanceLocation)
		dst = append(dst, `,"keywordLocation":`...)
		dst = appendString(dst, e.KeywordLocation)
		dst = append(dst, `,"message":`...)
		dst = appendString(dst, e.Message)
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

const hexDigits = "0123456789abcdef"

// Word-at-a-time constants: a byte needs escaping when it is below 0x20, is
// '"' or '\\', or starts a multi-byte sequence (0x80 and up), which must be
// checked for invalid UTF-8 and U+2028/U+2029.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// specialBytes returns a mask with the high bit set in the first byte of
// the 8 in x (little-endian: the lowest) that needs escaping or is not
// ASCII; bytes after it may be flagged falsely, bytes before it never are.
// Zero means all 8 bytes are copied as they are.
func specialBytes(x uint64) uint64 {
	ctl := (x - ones*0x20) &^ x // a byte < 0x20
	quo := x ^ (ones * '"')
	quo = (quo - ones) &^ quo // a '"'
	bsl := x ^ (ones * '\\')
	bsl = (bsl - ones) &^ bsl // a '\\'
	return (ctl | quo | bsl | x) & highs
}

// appendString writes s as a JSON string the way encoding/json does with
// HTML escaping off: '"', '\\' and control characters escaped (\b \f \n \r
// \t short, the rest \u00XX), invalid UTF-8 replaced by \ufffd, and U+2028
// and U+2029 escaped. Runs of plain ASCII are skipped 8 bytes at a time.
func appendString[S []byte | string](dst []byte, s S) []byte {
	dst = append(dst, '"')
	start, i := 0, 0
	for i < len(s) {
		if i+8 <= len(s) {
			// For a string the conversion does not allocate: it only
			// feeds the load.
			m := specialBytes(binary.LittleEndian.Uint64([]byte(s[i : i+8])))
			if m == 0 {
				i += 8
				continue
			}
			i += bits.TrailingZeros64(m) >> 3
		}
		b := s[i]
		if b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := decodeRune(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

func decodeRune[S []byte | string](s S) (rune, int) {
	n := min(len(s), utf8.UTFMax)
	var buf [utf8.UTFMax]byte
	copy(buf[:], s[:n])
	return utf8.DecodeRune(buf[:n])
}
