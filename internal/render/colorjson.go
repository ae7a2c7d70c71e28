package render

import "bytes"

// writeJSON writes valid JSON indented by two spaces per level under
// prefix, keys, strings, numbers and literals coloured, in the order the
// sender wrote them. It works on the bytes, not a decoded value, so key
// order and number spelling are the sender's.
//
// lim bounds it: at most lim.lines lines, and containers nested lim.depth
// deep (0: no limit) folded ({… 7 keys}), for compact output, and the
// indentation stops growing lim.indent levels deep.
func writeJSON(b *bytes.Buffer, pal *Palette, raw []byte, prefix string, lim jsonLimits) {
	lines := 0
	depth := 0
	newline := func() bool {
		b.WriteByte('\n')
		lines++
		if lines >= lim.lines {
			return false
		}
		b.WriteString(prefix)
		for range min(depth, lim.indent) {
			b.WriteString("  ")
		}
		return true
	}
	b.WriteString(prefix)
	i := 0
	for i < len(raw) {
		c := raw[i]
		switch c {
		case ' ', '\t', '\n', '\r':
			i++
			continue
		case '{', '[':
			j := skipWS(raw, i+1)
			if j < len(raw) && (raw[j] == '}' || raw[j] == ']') {
				b.WriteByte(c)
				b.WriteByte(raw[j])
				i = j + 1
				continue
			}
			if lim.depth > 0 && depth >= lim.depth {
				if end := containerEnd(raw, i); end > i {
					b.WriteString(pal.Dim(folded(raw[i:end])))
					i = end
					continue
				}
			}
			b.WriteByte(c)
			depth++
			i++
			if !newline() {
				truncated(b, pal, len(raw)-i, lim.more)
				return
			}
			continue
		case '}', ']':
			depth--
			if !newline() {
				truncated(b, pal, len(raw)-i, lim.more)
				return
			}
			b.WriteByte(c)
			i++
			continue
		case ',':
			b.WriteByte(',')
			i++
			if !newline() {
				truncated(b, pal, len(raw)-i, lim.more)
				return
			}
			continue
		case ':':
			b.WriteString(": ")
			i++
			continue
		case '"':
			j := skipString(raw, i)
			if j < 0 {
				j = len(raw)
			}
			// A JSON string holds no raw C0 control character, but may
			// hold C1 ones (U+009B is a CSI on some terminals) and bidi
			// overrides.
			s := Escape(string(raw[i:j]))
			k := skipWS(raw, j)
			if k < len(raw) && raw[k] == ':' {
				b.WriteString(pal.Blue(s))
			} else {
				b.WriteString(pal.Green(s))
			}
			i = j
			continue
		}
		j := scalarEnd(raw, i)
		s := string(raw[i:j])
		switch s {
		case "true", "false", "null":
			b.WriteString(pal.Yellow(s))
		default:
			b.WriteString(pal.Cyan(s))
		}
		i = j
	}
	b.WriteByte('\n')
}

func skipWS(raw []byte, i int) int {
	for i < len(raw) && (raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\n' || raw[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at raw[i] == '"',
// or -1 when it does not end.
func skipString(raw []byte, i int) int {
	for i++; i < len(raw); i++ {
		switch raw[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return -1
}

// scalarEnd returns the index after the number or literal at raw[i]
// (at least i+1, so the caller always moves on).
func scalarEnd(raw []byte, i int) int {
	for j := i + 1; j < len(raw); j++ {
		switch raw[j] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return j
		}
	}
	return len(raw)
}
