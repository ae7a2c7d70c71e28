package probe

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/webhook-tool/webhook-tool/internal/callback"
	"github.com/webhook-tool/webhook-tool/internal/render"
	"github.com/webhook-tool/webhook-tool/internal/report"
)

// WriteText prints the scorecard: a line saying what was probed, a table of
// the checks (a hint under each one that needs fixing), and a summary line.
func WriteText(w io.Writer, r *Report, pal *render.Palette) error {
	var b strings.Builder
	fmt.Fprintf(&b, "probe %s (scheme %s, %d %s, callbacks on %s)\n\n",
		pal.Bold(r.URL), r.Scheme, len(r.Fixtures), plural(len(r.Fixtures), "fixture", "fixtures"), strings.TrimSuffix(r.CallbackURL, callback.Path))
	width := len("CHECK")
	for _, c := range r.Checks {
		width = max(width, len(c.ID))
	}
	indent := strings.Repeat(" ", width+2+len("RESULT")+2)
	fmt.Fprintf(&b, "%-*s  %-6s  %s\n", width, "CHECK", "RESULT", "DETAIL")
	for _, c := range r.Checks {
		// Pad before painting: escape codes have no width.
		fmt.Fprintf(&b, "%-*s  %s  %s\n", width, c.ID, paint(pal, c.Result, fmt.Sprintf("%-6s", c.Result)), c.Detail)
		if c.Hint != "" {
			fmt.Fprintf(&b, "%s%s %s\n", indent, pal.Dim("hint:"), c.Hint)
		}
		if d := c.Diagnosis; d != nil {
			fmt.Fprintf(&b, "%s%s %s\n", indent, pal.Dim("likely cause ("+string(d.Cause)+"):"), d.Detail)
		}
	}
	fmt.Fprintf(&b, "\n%s\n", summary(r, pal))
	_, err := io.WriteString(w, b.String())
	return err
}

// summary is "12 checks: 9 pass, 1 fail, 2 warn, 0 skip in 1.2s".
func summary(r *Report, pal *render.Palette) string {
	parts := make([]string, 0, 4)
	for _, res := range []Result{Pass, Fail, Warn, Skip} {
		s := fmt.Sprintf("%d %s", r.Count(res), res)
		if r.Count(res) > 0 {
			s = paint(pal, res, s)
		}
		parts = append(parts, s)
	}
	return fmt.Sprintf("%d checks: %s in %s", len(r.Checks), strings.Join(parts, ", "), render.Duration(r.Elapsed))
}

func paint(pal *render.Palette, res Result, s string) string {
	switch res {
	case Pass:
		return pal.Green(s)
	case Fail:
		return pal.Red(s)
	case Warn:
		return pal.Yellow(s)
	}
	return pal.Dim(s)
}

// WriteJSON prints one JSON object per check, one per line.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, c := range r.Checks {
		if err := enc.Encode(c); err != nil {
			return err
		}
	}
	return nil
}

// Suite is the report as a JUnit testsuite: one testcase per check, named
// by its id; a failure for fail, a skip for skip, and a warning as the
// passing case's system-out.
func Suite(r *Report) report.Suite {
	s := report.Suite{Name: "webhook-tool probe", Timestamp: r.Started, Time: r.Elapsed}
	for _, c := range r.Checks {
		tc := report.Case{Name: c.ID, Classname: "webhook-tool.probe", Time: c.Duration}
		text := c.Detail
		if c.Hint != "" {
			text += "\nhint: " + c.Hint
		}
		if d := c.Diagnosis; d != nil {
			text += "\nlikely cause (" + string(d.Cause) + "): " + d.Detail
		}
		switch c.Result {
		case Fail:
			tc.Failure = &report.Message{Message: c.Detail, Type: "fail", Text: text}
		case Skip:
			tc.Skipped = &report.Message{Message: c.Detail}
		case Warn:
			tc.SystemOut = "warn: " + text
		default:
			tc.SystemOut = text
		}
		s.Cases = append(s.Cases, tc)
	}
	return s
}
