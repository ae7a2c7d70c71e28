package listener

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/render"
)

// Limits that keep pretty output readable whatever arrives: a 6 KB
// Permission Assist payload is shown whole (about 200 lines); a 10 MB body or
// 10,000 nested arrays are cut short, and the record keeps every byte.
const (
	maxBodyLines   = 400
	maxIndentDepth = 24
	maxTextBytes   = 4 << 10
	maxErrorsShown = 20
)

// pretty writes a delivery's block: the summary line, notes, the body and
// the validation errors.
func (l *Listener) pretty(b *bytes.Buffer, d *inflight) {
	pal := l.cfg.Palette
	rec := &d.rec
	start := b.Len()
	b.WriteString(pal.Dim(rec.ReceivedAt.Format("15:04:05.000")))
	b.WriteByte(' ')
	b.WriteString(pal.Dim("#" + strconv.FormatInt(rec.Seq, 10)))
	b.WriteByte(' ')
	b.WriteString(pal.Bold(rec.Method))
	b.WriteByte(' ')
	path := rec.Path
	if rec.Query != "" {
		path += "?" + rec.Query
	}
	// Everything below that a client (or the --forward-to app) chose goes
	// through esc: no escape sequence of theirs reaches the terminal.
	b.WriteString(pal.Cyan(esc(path)))
	b.WriteString("  ")

	l.prettyVerdicts(b, d)
	b.WriteString("  ")
	b.WriteString(statusColor(pal, rec.Status)(strconv.Itoa(rec.Status)))
	b.WriteByte('\n')

	l.prettyNotes(b, d)
	writeHeaders(b, pal, rec.Headers)
	errsShown := l.prettyBody(b, start, d)

	if sch := rec.Schema; sch != nil && !sch.Valid {
		for i, e := range sch.Errors {
			if i == errsShown {
				break
			}
			b.WriteString("  ")
			b.WriteString(pal.Red("✗"))
			b.WriteByte(' ')
			if e.InstanceLocation != "" || sch.Name != "" {
				ptr := e.InstanceLocation
				if ptr == "" {
					ptr = "/"
				}
				b.WriteString(pal.Cyan(esc(ptr)))
				b.WriteByte(' ')
			}
			if e.Line > 0 {
				b.WriteString(pal.Dim(fmt.Sprintf("(line %d:%d)", e.Line, e.Column)))
				b.WriteByte(' ')
			}
			b.WriteString(esc(e.Message))
			b.WriteByte('\n')
		}
		if more := len(sch.Errors) + sch.Omitted - min(len(sch.Errors), errsShown); more > 0 {
			where := "see the record"
			if sch.Omitted > 0 {
				where = fmt.Sprintf("the record lists the first %d", len(sch.Errors))
			}
			fmt.Fprintf(b, "  %s\n", pal.Dim(fmt.Sprintf("... and %d more %s (%s)", more, plural(more, "error", "errors"), where)))
		}
	}
	b.WriteByte('\n')
}

// prettyVerdicts is the middle of the summary line: what arrived and
// what was found.
func (l *Listener) prettyVerdicts(b *bytes.Buffer, d *inflight) {
	pal := l.cfg.Palette
	rec := &d.rec
	switch {
	case rec.Kind == record.KindCallback:
		b.WriteString(pal.Magenta("callback for " + esc(rec.CallbackFor)))
	case rec.Signature == nil: // rejected before it could be checked
		b.WriteString(pal.Red("rejected"))
	default:
		name := rec.Schema.Name
		switch {
		case !rec.Schema.IsChecked() && d.isJSON:
			name = "JSON payload" // not looked into: its signature failed
		case d.eventName != "" && name != "":
			name = esc(d.eventName) + " (" + name + ")"
		case name == "" && !d.isJSON:
			name = "not JSON"
		case name == "":
			name = "unknown payload"
		}
		b.WriteString(pal.Magenta(name))
		b.WriteString("  ")
		sig := rec.Signature
		switch {
		case sig.Kind == record.Unchecked:
			b.WriteString(pal.Yellow("signature not checked (" + sig.Scheme + ")"))
		case sig.Valid && sig.Scheme == "none":
			b.WriteString(pal.Dim("unsigned"))
		case sig.Valid:
			b.WriteString(pal.Green("signature valid (" + sig.Scheme + ")"))
		case l.cfg.ReportOnly:
			b.WriteString(pal.Red("signature INVALID (" + sig.Scheme + ", not enforced)"))
		default:
			b.WriteString(pal.Red("signature INVALID (" + sig.Scheme + ")"))
		}
		b.WriteString("  ")
		sch := rec.Schema
		switch {
		case sch.Valid:
			b.WriteString(pal.Green("schema valid"))
		case !sch.IsChecked():
			b.WriteString(pal.Dim("schema not validated (bad signature)"))
		case sch.Name == "":
			b.WriteString(pal.Red("schema not checked"))
		default:
			n := len(sch.Errors) + sch.Omitted
			b.WriteString(pal.Red(fmt.Sprintf("schema INVALID (%d %s)", n, plural(n, "error", "errors"))))
		}
		if rec.Duplicate {
			b.WriteString("  ")
			b.WriteString(pal.Yellow("DUPLICATE"))
		}
	}
}

// prettyNotes are the lines under the summary: errors, the invite to
// approve, duplicates, the app's answer to a forward.
func (l *Listener) prettyNotes(b *bytes.Buffer, d *inflight) {
	pal := l.cfg.Palette
	rec := &d.rec
	note := func(label, text string, paint func(string) string) {
		b.WriteString("  ")
		b.WriteString(paint(label))
		b.WriteString(" ")
		b.WriteString(text)
		b.WriteByte('\n')
	}
	if rec.Error != "" {
		note("error:", esc(rec.Error), pal.Red)
	}
	if s := rec.Signature; s != nil && !s.Valid && s.Kind != record.Unchecked {
		note("signature:", esc(s.Reason), pal.Red)
		if dg := s.Diagnosis; dg != nil {
			note("likely cause ("+string(dg.Cause)+"):", esc(dg.Detail), pal.Yellow)
		}
	}
	if rec.UserInviteID != "" {
		note("invite to approve:", "user_invite_id "+pal.Bold(esc(rec.UserInviteID)), pal.Yellow)
	}
	if rec.Duplicate {
		note("duplicate:", "delivery id "+esc(rec.DeliveryID)+" was received before; answered as usual", pal.Yellow)
	}
	if f := rec.Forward; f != nil {
		if f.Error != "" && f.Status == 0 {
			note("forward:", esc(f.URL)+" failed after "+fmtMS(f.DurationMS)+": "+esc(f.Error), pal.Red)
		} else {
			ex := strings.TrimSpace(f.Body)
			if i := strings.IndexByte(ex, '\n'); i >= 0 {
				ex = ex[:i] + " ..."
			}
			if ex != "" {
				ex = ": " + esc(ex)
			}
			note("forward:", esc(f.URL)+" answered "+statusColor(pal, f.Status)(strconv.Itoa(f.Status))+" in "+fmtMS(f.DurationMS)+ex, pal.Blue)
		}
	}

}

// esc is render.Escape: text from the network, made safe for a terminal.
func esc(s string) string { return render.Escape(s) }

func statusColor(pal *render.Palette, status int) func(string) string {
	switch {
	case status >= 200 && status < 300:
		return pal.Green
	case status >= 400 && status < 500:
		return pal.Yellow
	case status >= 500:
		return pal.Red
	}
	return pal.Bold
}

func fmtMS(v float64) string {
	return strconv.FormatFloat(v, 'f', 1, 64) + "ms"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func truncated(b *bytes.Buffer, pal *render.Palette, rest int, more ...string) {
	also := ""
	if len(more) > 0 && more[0] != "" {
		also = "; " + more[0]
	}
	fmt.Fprintf(b, "%s\n", pal.Dim(fmt.Sprintf("  ... %d more bytes not shown (the record has the whole body%s)", rest, also)))
}

// writeText shows a body that is not JSON: text line by line with control
// characters escaped, or, for bytes that are not UTF-8, a quoted excerpt.
func writeText(b *bytes.Buffer, pal *render.Palette, body []byte, prefix string) {
	shown := body
	if len(shown) > maxTextBytes {
		shown = shown[:maxTextBytes]
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
		if lines == maxBodyLines {
			break
		}
		lines++
		line = strings.TrimSuffix(line, "\r")
		b.WriteString(prefix)
		b.WriteString(render.EscapeKeepTabs(line))
		b.WriteByte('\n')
	}
	if len(shown) < len(body) {
		truncated(b, pal, len(body)-len(shown))
	}
}
