package inspect

import (
	"encoding/json"
	"errors"
)

// What an answer may cost. Indenting JSON costs a line's indentation per
// value, and the indentation grows with the nesting: a body of 118 KB
// nested 9,000 deep, indented as json.Indent does, is 900 MB. So the
// inspector indents no line deeper than maxIndentDepth levels, and shows a
// body, or a side of a Diff, as written when indenting it would make more
// than answerBound of its size.
const (
	maxIndentDepth = 32
	answerGrowth   = 8
	answerSlack    = 64 << 10
)

// answerBound is the most an indented form of n bytes may take.
func answerBound(n int) int { return answerGrowth*n + answerSlack }

// prettyNote says why a JSON body has no body_pretty.
const prettyNote = "the body is too large or too deeply nested to indent: shown as received"

var errTooLarge = errors.New("indented, the body would be too large")

// indentJSON is body as json.Indent(dst, body, "", "  ") writes it (every
// number, key and string as written; the space before and between values
// dropped, after the value kept), except that no line is indented deeper
// than maxIndentDepth levels. It fails with errTooLarge when the result
// would pass limit bytes, having written little more than that.
func indentJSON(body []byte, limit int) ([]byte, error) {
	if !json.Valid(body) {
		return nil, errors.New("not JSON")
	}
	start, end := 0, len(body)
	for start < end && isSpace(body[start]) {
		start++
	}
	for end > start && isSpace(body[end-1]) {
		end--
	}
	out := make([]byte, 0, min(limit, 2*len(body)+64))
	newline := func(depth int) {
		out = append(out, '\n')
		for range min(depth, maxIndentDepth) {
			out = append(out, ' ', ' ')
		}
	}
	depth, needIndent, inString, escaped := 0, false, false, false
	for _, c := range body[start:end] {
		switch {
		case inString:
			out = append(out, c)
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		case isSpace(c):
			continue
		}
		if len(out) > limit {
			return nil, errTooLarge
		}
		// As json.Indent: the line after { or [ waits for the first value,
		// so that an empty object or array stays {} or [].
		if needIndent && c != '}' && c != ']' {
			needIndent = false
			depth++
			newline(depth)
		}
		switch c {
		case '"':
			inString = true
			out = append(out, c)
		case '{', '[':
			needIndent = true
			out = append(out, c)
		case ',':
			out = append(out, c)
			newline(depth)
		case ':':
			out = append(out, c, ' ')
		case '}', ']':
			if needIndent {
				needIndent = false
			} else {
				depth--
				newline(depth)
			}
			out = append(out, c)
		default:
			out = append(out, c)
		}
	}
	if len(out)+len(body)-end > limit {
		return nil, errTooLarge
	}
	return append(out, body[end:]...), nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }
