package render

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// truncated says that rest bytes of a body were not shown.
func truncated(b *bytes.Buffer, pal *Palette, rest int, more ...string) {
	also := ""
	if len(more) > 0 && more[0] != "" {
		also = "; " + more[0]
	}
	fmt.Fprintf(b, "%s\n", pal.Dim(fmt.Sprintf("  ... %d more bytes not shown (the record has the whole body%s)", rest, also)))
}

// writeText shows a body that is not JSON: text line by line with control
// characters escaped, or, for bytes that are not UTF-8, a quoted excerpt.
func (v view) writeText(b *bytes.Buffer, body []byte, prefix string) {
	pal := v.pal
	shown := body
	if len(shown) > v.lim.TextBytes {
		shown = shown[:v.lim.TextBytes]
	}
	if !utf8.Valid(body) {
		fmt.Fprintf(b, "%s%s\n", prefix, pal.Dim(fmt.Sprintf("(%d bytes, not UTF-8; the record holds them base64)", len(body))))
		if len(shown) > 256 {
			shown = shown[:256]
		}
		fmt.Fprintf(b, "%s%s\n", prefix, strconv.QuoteToASCII(string(shown)))
		if len(shown) < len(body) {
			truncated(b, pal, len(body)-len(shown))
		}
		return
	}
	for len(shown) > 0 && !utf8.Valid(shown) {
		shown = shown[:len(shown)-1]
	}
	lines := 0
	for line := range strings.SplitSeq(strings.TrimRight(string(shown), "\n"), "\n") {
		if lines == v.lim.BodyLines {
			break
		}
		lines++
		line = strings.TrimSuffix(line, "\r")
		b.WriteString(prefix)
		b.WriteString(EscapeKeepTabs(line))
		b.WriteByte('\n')
	}
	if len(shown) < len(body) {
		truncated(b, pal, len(body)-len(shown))
	}
}
