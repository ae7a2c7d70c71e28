package drift

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/webhook-tool/webhook-tool/internal/render"
)

// WriteText writes the report grouped by schema for a person: the verdict
// line, then each kind of finding indented under it. Pointers, values and
// messages come from the payloads, so they are escaped for the terminal.
func WriteText(w io.Writer, rep Report, pal *render.Palette) error {
	for i, s := range rep.Schemas {
		if i > 0 {
			fmt.Fprintln(w)
		}
		v := s.Verdict()
		if s.Drift() {
			v = pal.Red(v)
		} else {
			v = pal.Green(v)
		}
		fmt.Fprintln(w, v)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		section := func(title string, fs []Finding, line func(Finding) string) {
			if len(fs) == 0 {
				return
			}
			fmt.Fprintf(tw, "  %s\n", title)
			for _, f := range fs {
				fmt.Fprintf(tw, "    %s\n", line(f))
			}
		}
		section("undeclared fields (the schema does not name them)", s.Undeclared, func(f Finding) string {
			return fmt.Sprintf("%s\t%s\tfirst %s\te.g. %s", pointer(f.Pointer), count(f.Deliveries, "delivery", "deliveries"),
				render.Escape(f.First()), render.Escape(f.Example))
		})
		section("rejected values (the schema does not allow them)", s.Rejected, func(f Finding) string {
			return fmt.Sprintf("%s\t%s\t%s\tfirst %s\t%s", pointer(f.Pointer), f.Keyword, count(f.Deliveries, "delivery", "deliveries"),
				render.Escape(f.First()), render.Escape(f.Message))
		})
		section("never seen (optional fields no delivery carried; not drift)", s.NeverSeen, func(f Finding) string {
			return pointer(f.Pointer)
		})
		if err := tw.Flush(); err != nil {
			return err
		}
		if s.Truncated > 0 {
			fmt.Fprintf(w, "  %s\n", pal.Dim(fmt.Sprintf("%s had more errors than the validator lists: only the first were counted",
				count(s.Truncated, "delivery", "deliveries"))))
		}
	}
	return writeOthers(w, rep, func(s string) string { return s })
}

// writeOthers says what was not checked against any schema.
func writeOthers(w io.Writer, rep Report, wrap func(string) string) error {
	if len(rep.Schemas) > 0 && (rep.Unmatched.Deliveries > 0 || rep.NotJSON.Deliveries > 0) {
		fmt.Fprintln(w)
	}
	if c := rep.Unmatched; c.Deliveries > 0 {
		fmt.Fprintln(w, wrap(fmt.Sprintf("no schema matched %s (first %s): pass --schema NAME, or --schema-dir DIR with your schemas",
			count(c.Deliveries, "delivery", "deliveries"), render.Escape(c.First()))))
	}
	if c := rep.NotJSON; c.Deliveries > 0 {
		_, err := fmt.Fprintln(w, wrap(fmt.Sprintf("%s had a body that is not JSON (first %s)",
			count(c.Deliveries, "delivery", "deliveries"), render.Escape(c.First()))))
		return err
	}
	return nil
}

func pointer(p string) string {
	if p == "" {
		return "/ (the whole payload)"
	}
	return render.Escape(p)
}

// verdictLine is the JSON form of a schema's verdict.
type verdictLine struct {
	Schema     string `json:"schema"`
	Kind       string `json:"finding"`
	Drift      bool   `json:"drift"`
	Deliveries int64  `json:"deliveries"`
	Drifted    int64  `json:"drifted"`
	Undeclared int    `json:"undeclared"`
	Rejected   int    `json:"rejected"`
	NeverSeen  int    `json:"never_seen"`
	Omitted    int64  `json:"omitted,omitempty"`
	Verdict    string `json:"verdict"`
}

// countLine is the JSON form of the deliveries no schema checked.
type countLine struct {
	Kind        string `json:"finding"`
	Deliveries  int64  `json:"deliveries"`
	FirstSource string `json:"first_source,omitempty"`
	FirstSeq    int64  `json:"first_seq,omitempty"`
}

// WriteJSON writes one JSON object per line: each finding, then the
// schema's verdict ("finding":"verdict"); then "unmatched" and "not_json"
// counts when there are any.
func WriteJSON(w io.Writer, rep Report) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, s := range rep.Schemas {
		for _, fs := range [][]Finding{s.Undeclared, s.Rejected, s.NeverSeen} {
			for _, f := range fs {
				if err := enc.Encode(f); err != nil {
					return err
				}
			}
		}
		v := verdictLine{Schema: s.Schema, Kind: "verdict", Drift: s.Drift(), Deliveries: s.Deliveries, Drifted: s.Drifted,
			Undeclared: len(s.Undeclared), Rejected: len(s.Rejected), NeverSeen: len(s.NeverSeen), Omitted: s.Omitted, Verdict: s.Verdict()}
		if err := enc.Encode(v); err != nil {
			return err
		}
	}
	for _, c := range []struct {
		kind string
		c    Count
	}{{"unmatched", rep.Unmatched}, {"not_json", rep.NotJSON}} {
		if c.c.Deliveries > 0 {
			if err := enc.Encode(countLine{c.kind, c.c.Deliveries, c.c.FirstSource, c.c.FirstSeq}); err != nil {
				return err
			}
		}
	}
	return nil
}

// WriteMarkdown writes a heading with the verdict and a table of findings
// per schema, to paste into an issue.
func WriteMarkdown(w io.Writer, rep Report) error {
	for i, s := range rep.Schemas {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "### %s\n\n", mdText(s.Verdict()))
		if len(s.Undeclared)+len(s.Rejected)+len(s.NeverSeen) == 0 {
			continue
		}
		fmt.Fprintln(w, "| finding | pointer | keyword | deliveries | first | example |")
		fmt.Fprintln(w, "| --- | --- | --- | ---: | --- | --- |")
		row := func(kind string, f Finding) {
			n, first := "", ""
			if f.Deliveries > 0 {
				n, first = fmt.Sprint(f.Deliveries), mdText(f.First())
			}
			ex := ""
			if f.Example != "" {
				ex = mdCode(f.Example)
			}
			kw := ""
			if f.Keyword != "" {
				kw = mdCode(f.Keyword)
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", kind, mdCode(orRoot(f.Pointer)), kw, n, first, ex)
		}
		for _, f := range s.Undeclared {
			row("undeclared", f)
		}
		for _, f := range s.Rejected {
			row("rejected", f)
		}
		for _, f := range s.NeverSeen {
			row("never seen", f)
		}
	}
	if rep.Unmatched.Deliveries > 0 || rep.NotJSON.Deliveries > 0 {
		return writeOthers(w, rep, func(s string) string { return mdText(s) })
	}
	return nil
}

func orRoot(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// mdText is text safe in a Markdown table cell.
func mdText(s string) string {
	s = render.Escape(s)
	r := strings.NewReplacer("|", `\|`, "`", "\\`", "*", `\*`, "_", `\_`, "<", "&lt;", "[", `\[`)
	return r.Replace(s)
}

// mdCode is s as a code span in a table cell.
func mdCode(s string) string {
	s = strings.ReplaceAll(render.Escape(s), "|", `\|`)
	if strings.Contains(s, "`") {
		return "`` " + s + " ``"
	}
	return "`" + s + "`"
}
