package render

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/webhook-tool/webhook-tool/internal/record"
)

// PrettyExec appends a run of listen --exec's command to b: a summary line,
// what went wrong, the command's output, then a blank line. The output and
// the callback's URL and answer may hold what a client sent (a command
// that echoes the payload, a callback URL from the body): each of their
// lines goes through Escape, tabs kept.
func PrettyExec(b *bytes.Buffer, e *record.Exec, o ViewOptions) {
	pal := o.view().pal
	b.WriteString(pal.Dim(e.StartedAt.Format("15:04:05.000")))
	b.WriteString(" " + pal.Dim("#"+strconv.FormatInt(e.Seq, 10)) + " ")
	b.WriteString(pal.Bold("exec") + " for #" + strconv.FormatInt(e.DeliverySeq, 10) + "  ")
	switch {
	case e.NotRun:
		b.WriteString(pal.Red("NOT RUN"))
	case e.TimedOut:
		b.WriteString(pal.Red("TIMED OUT"))
	case e.Killed:
		b.WriteString(pal.Red("KILLED"))
	case e.ExitCode == 0 && e.Error == "":
		b.WriteString(pal.Green("exit 0"))
	default:
		b.WriteString(pal.Red("FAILED exit " + strconv.Itoa(e.ExitCode)))
	}
	if !e.NotRun {
		b.WriteString("  " + Millis(e.DurationMS))
	}
	if cb := e.Callback; cb != nil {
		b.WriteString("  ")
		switch {
		case cb.Status != 0:
			b.WriteString("callback " + StatusColor(pal, cb.Status)(strconv.Itoa(cb.Status)))
		case cb.Error != "":
			b.WriteString(pal.Red("callback FAILED"))
		default:
			b.WriteString(pal.Dim("no callback (" + Escape(cb.Skipped) + ")"))
		}
	}
	b.WriteByte('\n')
	note := func(label, text string, paint func(string) string) {
		if text == "" {
			return
		}
		b.WriteString("  " + paint(label) + " ")
		indent := "\n" + strings.Repeat(" ", len(label)+3)
		for i, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
			if i > 0 {
				b.WriteString(indent)
			}
			b.WriteString(EscapeKeepTabs(strings.TrimSuffix(line, "\r")))
		}
		b.WriteByte('\n')
	}
	note("error:", e.Error, pal.Red)
	if cb := e.Callback; cb != nil && cb.Error != "" {
		note("callback:", cb.URL+": "+cb.Error, pal.Red)
	}
	note("stdout:", e.StdoutExcerpt, pal.Blue)
	note("stderr:", e.StderrExcerpt, pal.Yellow)
	b.WriteByte('\n')
}
