package render

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/webhook-tool/webhook-tool/internal/record"
)

// Body says how much of each delivery's body pretty output shows.
type Body string

// The body modes.
const (
	// BodyCompact keeps a delivery to at most CompactLines lines: the
	// summary, the headers that matter, the errors, and the body with
	// objects and arrays below CompactDepth folded ({… 12 keys}), cut to
	// the lines left.
	BodyCompact Body = "compact"
	BodyFull    Body = "full" // the whole body (up to Limits.BodyLines), as the record has it
	BodyNone    Body = "none" // no body: summary, headers and errors
)

// BodyModes lists the modes, for --body.
var BodyModes = []Body{BodyCompact, BodyFull, BodyNone}

const (
	// CompactLines bounds a delivery's block in compact mode, so that its
	// verdict stays on screen: a Permission Assist delivery shown whole is
	// 140 to 200 lines.
	CompactLines = 40
	// CompactDepth is the nesting shown in compact mode; deeper objects
	// and arrays are folded.
	CompactDepth = 3
	// compactErrors is how many validation errors compact mode lists.
	compactErrors = 8
	// headerValueShown is how much of a signature the headers line shows;
	// ids are shown whole, up to idShown (listen tracks ids of at most 256
	// bytes: a longer one is a client's invention, not worth a screen).
	headerValueShown = 24
	idShown          = 256

	// pathShown is how much of a path and query the summary line shows.
	pathShown = 1 << 10
)

// jsonLimits bound writeJSON: at most lines lines, containers nested depth
// deep (0: no limit) folded, and indentation at most indent levels deep.
type jsonLimits struct {
	lines, depth, indent int
	more                 string // said after a cut, e.g. "--body full shows it all"
}

// deliveryHeaders are the headers worth a line of their own: the delivery
// id and the signature, in the order shown.
var deliveryHeaders = []string{
	"Webhook-Id", "Svix-Id", "Webhook-Signature", "Svix-Signature",
	"X-Hub-Signature-256", "Stripe-Signature", "Authorization",
}

// writeHeaders writes the line with the headers that matter, if any. Their
// values are the client's: escaped like everything else it chose.
func writeHeaders(b *bytes.Buffer, pal *Palette, headers record.Headers) {
	var parts []string
	for _, name := range deliveryHeaders {
		v, ok := headers[name]
		if !ok {
			continue
		}
		if strings.HasSuffix(name, "-Id") {
			v = Clip(v, idShown)
		} else {
			v = Clip(v, headerValueShown) // a signature's start is enough to tell two apart
		}
		parts = append(parts, pal.Dim(name+":")+" "+Escape(v))
	}
	if len(parts) > 0 {
		b.WriteString("  " + strings.Join(parts, "  ") + "\n")
	}
}

// CutRunes is s cut to at most n bytes, not in the middle of a character.
func CutRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	end := n
	for end > 0 && end > n-utf8.UTFMax && !utf8.RuneStart(s[end]) {
		end--
	}
	if !utf8.RuneStart(s[end]) {
		end = n // not UTF-8 here anyway: cut where asked
	}
	return s[:end]
}

// Clip is s when it has at most n bytes, else s cut to n bytes, not in the
// middle of a character, with "…" marking the cut.
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return CutRunes(s, n) + "…"
}

// folded is how a container too deep for compact mode is shown:
// {… 12 keys} or […  3 items].
func folded(raw []byte) string {
	n := countMembers(raw)
	switch {
	case raw[0] == '{' && n == 1:
		return "{… 1 key}"
	case raw[0] == '{':
		return "{… " + strconv.Itoa(n) + " keys}"
	case n == 1:
		return "[… 1 item]"
	}
	return "[… " + strconv.Itoa(n) + " items]"
}

// countMembers counts the members of the object or array raw.
func countMembers(raw []byte) int {
	n, depth, empty := 0, 0, true
	for i := 0; i < len(raw); i++ {
		switch raw[i] {
		case '"':
			if j := skipString(raw, i); j > 0 {
				i = j - 1
			}
			empty = false
		case '{', '[':
			depth++
			if depth > 1 {
				empty = false
			}
		case '}', ']':
			depth--
		case ',':
			if depth == 1 {
				n++
			}
		case ' ', '\t', '\n', '\r':
		default:
			empty = false
		}
	}
	if empty {
		return 0
	}
	return n + 1
}

// firstLines is the start of body up to n lines (whole lines, at most
// maxBytes).
func firstLines(body []byte, n, maxBytes int) []byte {
	end := 0
	for i := 0; i < n && end < len(body); i++ {
		j := bytes.IndexByte(body[end:], '\n')
		if j < 0 {
			end = len(body)
			break
		}
		end += j + 1
	}
	shown := body[:min(end, maxBytes)]
	for len(shown) > 0 && utf8.Valid(body) && !utf8.Valid(shown) {
		shown = shown[:len(shown)-1] // not in the middle of a character
	}
	return shown
}

// lineCount counts the lines in b from offset from.
func lineCount(b *bytes.Buffer, from int) int {
	return bytes.Count(b.Bytes()[from:], []byte{'\n'})
}

// showBody writes the body as v.body says, in the lines the block has
// left, and returns how many validation errors may follow.
func (v view) showBody(b *bytes.Buffer, start int, rec *record.Record, body []byte, isJSON bool) int {
	pal := v.pal
	lim, errsShown := v.bodyLimits(b, start, rec)
	switch {
	case v.body == BodyNone:
	case len(body) == 0:
		if rec.Error == "" {
			b.WriteString("  " + pal.Dim("(empty body)") + "\n")
		}
	case lim.lines < 2:
		b.WriteString("  " + pal.Dim(fmt.Sprintf("(%d bytes; --body full shows the body)", len(body))) + "\n")
	case isJSON:
		writeJSON(b, pal, body, "  ", lim)
	case lim.depth > 0: // compact: the lines left, as text
		shown := firstLines(body, lim.lines, v.lim.TextBytes)
		v.writeText(b, shown, "  ")
		if len(shown) < len(body) {
			truncated(b, pal, len(body)-len(shown), lim.more)
		}
	default:
		v.writeText(b, body, "  ")
	}
	return errsShown
}

// bodyLimits says how the body is shown in the lines a delivery has left
// (compact mode: CompactLines in all), and how many errors are listed.
func (v view) bodyLimits(b *bytes.Buffer, start int, rec *record.Record) (jsonLimits, int) {
	if v.body != BodyCompact {
		return jsonLimits{lines: v.lim.BodyLines, indent: v.lim.IndentDepth}, v.lim.Errors
	}
	errs, omitted := 0, 0
	if rec.Schema != nil && !rec.Schema.Valid {
		errs, omitted = len(rec.Schema.Errors), rec.Schema.Omitted
	}
	shown := min(errs, compactErrors)
	reserved := shown
	if errs+omitted > shown {
		reserved++ // "... and N more errors"
	}
	left := CompactLines - lineCount(b, start) - reserved
	// The cut line ("... N more bytes") takes one of the lines left.
	return jsonLimits{lines: left - 1, depth: CompactDepth, indent: v.lim.IndentDepth, more: "--body full shows it all"}, shown
}

// containerEnd returns the index after the object or array starting at
// raw[i], or -1 when it does not end.
func containerEnd(raw []byte, i int) int {
	depth := 0
	for ; i < len(raw); i++ {
		switch raw[i] {
		case '"':
			j := skipString(raw, i)
			if j < 0 {
				return -1
			}
			i = j - 1
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return -1
}
