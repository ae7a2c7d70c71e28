package render

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/webhook-tool/webhook-tool/internal/record"
)

// Limits keep pretty output readable whatever arrives: a 6 KB Permission
// Assist payload is shown whole (about 200 lines); a 10 MB body or 10,000
// nested arrays are cut short, and the record keeps every byte.
type Limits struct {
	BodyLines   int // lines of a body shown (--body full)
	IndentDepth int // nesting levels indented; deeper ones are not indented further
	TextBytes   int // bytes of a text body shown
	Errors      int // validation errors listed (--body full and none)
}

// DefaultLimits are listen's.
var DefaultLimits = Limits{BodyLines: 400, IndentDepth: 24, TextBytes: 4 << 10, Errors: 20}

// ViewOptions say how a record is shown.
type ViewOptions struct {
	Palette *Palette // nil: no colour
	Body    Body     // "": BodyFull
	// ReportOnly says that invalid signatures were reported, not refused
	// (listen with the development secret): the verdict says "not enforced".
	ReportOnly bool
	Limits     Limits // a zero field takes DefaultLimits'
}

// Checked is what checking a delivery's body found that its record does
// not keep.
type Checked struct {
	JSON      bool   // the body is JSON: shown indented and coloured
	EventName string // a Permission Assist event.name, shown with the schema
}

// view is ViewOptions with every default filled in.
type view struct {
	pal        *Palette
	body       Body
	reportOnly bool
	lim        Limits
}

func (o ViewOptions) view() view {
	v := view{pal: o.Palette, body: o.Body, reportOnly: o.ReportOnly, lim: o.Limits}
	if v.pal == nil {
		v.pal = NewPalette(false)
	}
	if v.body == "" {
		v.body = BodyFull
	}
	d := DefaultLimits
	v.lim.BodyLines = orDefault(v.lim.BodyLines, d.BodyLines)
	v.lim.IndentDepth = orDefault(v.lim.IndentDepth, d.IndentDepth)
	v.lim.TextBytes = orDefault(v.lim.TextBytes, d.TextBytes)
	v.lim.Errors = orDefault(v.lim.Errors, d.Errors)
	return v
}

func orDefault(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}

// Pretty appends a delivery's block to b: the summary line, notes, the
// headers that matter, the body as o.Body says and the validation errors,
// then a blank line. Everything in it that a client (or the --forward-to
// app) chose goes through Escape: no escape sequence of theirs reaches the
// terminal.
func Pretty(b *bytes.Buffer, rec *record.Record, body []byte, c Checked, o ViewOptions) {
	v := o.view()
	pal := v.pal
	start := b.Len()
	b.WriteString(pal.Dim(rec.ReceivedAt.Format("15:04:05.000")))
	b.WriteByte(' ')
	b.WriteString(pal.Dim("#" + strconv.FormatInt(rec.Seq, 10)))
	b.WriteByte(' ')
	b.WriteString(pal.Bold(Escape(rec.Method)))
	b.WriteByte(' ')
	path := rec.Path
	if rec.Query != "" {
		path += "?" + rec.Query
	}
	b.WriteString(pal.Cyan(Escape(Clip(path, pathShown))))
	b.WriteString("  ")

	v.verdicts(b, rec, c)
	b.WriteString("  ")
	b.WriteString(StatusColor(pal, rec.Status)(strconv.Itoa(rec.Status)))
	b.WriteByte('\n')

	v.notes(b, rec)
	writeHeaders(b, pal, rec.Headers)
	errsShown := v.showBody(b, start, rec, body, c.JSON)
	v.schemaErrors(b, rec.Schema, errsShown)
	b.WriteByte('\n')
}

// schemaErrors lists the first shown validation errors, and says how many
// more there are.
func (v view) schemaErrors(b *bytes.Buffer, sch *record.Schema, shown int) {
	if sch == nil || sch.Valid {
		return
	}
	pal := v.pal
	for i, e := range sch.Errors {
		if i == shown {
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
			b.WriteString(pal.Cyan(Escape(ptr)))
			b.WriteByte(' ')
		}
		if e.Line > 0 {
			b.WriteString(pal.Dim(fmt.Sprintf("(line %d:%d)", e.Line, e.Column)))
			b.WriteByte(' ')
		}
		b.WriteString(Escape(e.Message))
		b.WriteByte('\n')
	}
	if more := len(sch.Errors) + sch.Omitted - min(len(sch.Errors), shown); more > 0 {
		where := "see the record"
		if sch.Omitted > 0 {
			where = fmt.Sprintf("the record lists the first %d", len(sch.Errors))
		}
		fmt.Fprintf(b, "  %s\n", pal.Dim(fmt.Sprintf("... and %d more %s (%s)", more, plural(more, "error", "errors"), where)))
	}
}

// verdicts is the middle of the summary line: what arrived and what was
// found.
func (v view) verdicts(b *bytes.Buffer, rec *record.Record, c Checked) {
	pal := v.pal
	switch {
	case rec.Kind == record.KindCallback:
		b.WriteString(pal.Magenta("callback for " + Escape(Clip(rec.CallbackFor, idShown))))
		return
	case rec.Signature == nil: // rejected before it could be checked
		b.WriteString(pal.Red("rejected"))
		return
	}
	b.WriteString(pal.Magenta(payloadName(rec.Schema, c)))
	b.WriteString("  ")
	sig := rec.Signature
	scheme := Escape(sig.Scheme) // a record file is anyone's text
	switch {
	case sig.Kind == record.Unchecked:
		b.WriteString(pal.Yellow("signature not checked (" + scheme + ")"))
	case sig.Valid && sig.Scheme == "none":
		b.WriteString(pal.Dim("unsigned"))
	case sig.Valid:
		b.WriteString(pal.Green("signature valid (" + scheme + ")"))
	case v.reportOnly:
		b.WriteString(pal.Red("signature INVALID (" + scheme + ", not enforced)"))
	default:
		b.WriteString(pal.Red("signature INVALID (" + scheme + ")"))
	}
	b.WriteString("  ")
	sch := rec.Schema
	switch {
	case sch == nil:
		b.WriteString(pal.Red("schema not checked"))
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

// payloadName says what the body is: its event and schema, or why it has
// none.
func payloadName(sch *record.Schema, c Checked) string {
	name := ""
	if sch != nil {
		name = Escape(sch.Name)
	}
	switch {
	case !sch.IsChecked() && c.JSON:
		return "JSON payload" // not looked into: its signature failed
	case c.EventName != "" && name != "":
		return Escape(c.EventName) + " (" + name + ")"
	case name == "" && !c.JSON:
		return "not JSON"
	case name == "":
		return "unknown payload"
	}
	return name
}

// notes are the lines under the summary: errors, the invite to approve,
// duplicates, the app's answer to a forward.
func (v view) notes(b *bytes.Buffer, rec *record.Record) {
	pal := v.pal
	note := func(label, text string, paint func(string) string) {
		b.WriteString("  ")
		b.WriteString(paint(label))
		b.WriteString(" ")
		b.WriteString(text)
		b.WriteByte('\n')
	}
	if rec.Error != "" {
		note("error:", Escape(rec.Error), pal.Red)
	}
	if s := rec.Signature; s != nil && !s.Valid && s.Kind != record.Unchecked {
		note("signature:", Escape(s.Reason), pal.Red)
		if dg := s.Diagnosis; dg != nil {
			note("likely cause ("+Escape(string(dg.Cause))+"):", Escape(dg.Detail), pal.Yellow)
		}
	}
	if rec.UserInviteID != "" {
		note("invite to approve:", "user_invite_id "+pal.Bold(Escape(rec.UserInviteID)), pal.Yellow)
	}
	if rec.Duplicate {
		note("duplicate:", "delivery id "+Escape(Clip(rec.DeliveryID, idShown))+" was received before; answered as usual", pal.Yellow)
	}
	if r := rec.Rule; r != nil {
		text := Escape(r.Name)
		if r.Name == "" {
			text = strconv.Itoa(r.Number)
		}
		if rec.Status == 0 {
			text += ", no answer: the connection was dropped"
		}
		note("rule:", text, pal.Magenta)
	}
	if f := rec.Forward; f != nil {
		v.forwardNote(b, f)
	}
	for i := range rec.Forwards {
		v.forwardNote(b, &rec.Forwards[i])
	}
}

// forwardNote is the line about what a forward target answered.
func (v view) forwardNote(b *bytes.Buffer, f *record.Forward) {
	pal := v.pal
	b.WriteString("  ")
	if f.Error != "" && f.Status == 0 {
		b.WriteString(pal.Red("forward:"))
		b.WriteString(" " + Escape(f.URL) + " failed after " + Millis(f.DurationMS) + ": " + Escape(f.Error) + "\n")
		return
	}
	ex := FirstLine(f.Body)
	if ex != "" {
		ex = ": " + Escape(ex)
	}
	b.WriteString(pal.Blue("forward:"))
	b.WriteString(" " + Escape(f.URL) + " answered " + StatusColor(pal, f.Status)(strconv.Itoa(f.Status)) + " in " + Millis(f.DurationMS) + ex + "\n")
}

// StatusColor is how an HTTP status is painted: green for 2xx, yellow for
// 4xx, red for 5xx, bold otherwise.
func StatusColor(pal *Palette, status int) func(string) string {
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

// Millis prints milliseconds as a record holds them: 12.3ms.
func Millis(v float64) string {
	return strconv.FormatFloat(v, 'f', 1, 64) + "ms"
}

// FirstLine is the first line of an excerpt, trimmed, with " ..." when
// more lines follow.
func FirstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i] + " ..."
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
