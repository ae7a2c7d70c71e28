package drift

import (
	"fmt"
	"sort"
	"strings"
)

// Report is what a Checker found, per schema, in a stable order.
type Report struct {
	Schemas []SchemaReport
	// Unmatched are the payloads no schema was detected for; NotJSON the
	// recorded bodies that are not JSON. Neither is drift of a schema.
	Unmatched, NotJSON Count
}

// Count is a number of deliveries and the first of them.
type Count struct {
	Deliveries  int64
	FirstSource string
	FirstSeq    int64 // 0 for a payload file
}

// First names the first delivery: "rec.ndjson seq 7", or a file name.
func (c Count) First() string { return where(c.FirstSource, c.FirstSeq) }

func where(source string, seq int64) string {
	if seq > 0 {
		return fmt.Sprintf("%s seq %d", source, seq)
	}
	return source
}

// Kinds of finding.
const (
	Undeclared = "undeclared"
	Rejected   = "rejected"
	NeverSeen  = "never_seen"
)

// Finding is one line of the report: `--output json` prints each as is.
type Finding struct {
	Schema  string `json:"schema"`
	Kind    string `json:"finding"`
	Pointer string `json:"pointer"`
	Keyword string `json:"keyword,omitempty"`
	// Deliveries is how many deliveries carried it (0 for never_seen).
	Deliveries  int64  `json:"deliveries"`
	FirstSource string `json:"first_source,omitempty"`
	FirstSeq    int64  `json:"first_seq,omitempty"`
	// Example is the first delivery's value as JSON text, cut at 80
	// characters (with "…"); empty for a missing property.
	Example string `json:"example,omitempty"`
	Message string `json:"message,omitempty"`
}

// First names the first delivery that carried it.
func (f Finding) First() string { return where(f.FirstSource, f.FirstSeq) }

// SchemaReport is the findings for one schema.
type SchemaReport struct {
	Schema     string
	Deliveries int64
	Drifted    int64 // deliveries with an undeclared field or a rejected value
	Undeclared []Finding
	Rejected   []Finding
	NeverSeen  []Finding
	// Omitted counts deliveries whose findings were past the limit of
	// distinct findings kept; Truncated those with more validation errors
	// than the validator lists (payload.DefaultMaxErrors).
	Omitted, Truncated int64
}

// Drift reports whether any delivery carried an undeclared field or a
// rejected value. Optional fields never seen are not drift.
func (r SchemaReport) Drift() bool { return r.Drifted > 0 }

// Verdict is the schema's one-line summary.
func (r SchemaReport) Verdict() string {
	never := ""
	if n := len(r.NeverSeen); n > 0 {
		never = fmt.Sprintf(" (%s never seen)", count(int64(n), "optional field", "optional fields"))
	}
	if !r.Drift() {
		return fmt.Sprintf("%s: no drift in %s%s", r.Schema, count(r.Deliveries, "delivery", "deliveries"), never)
	}
	var parts []string
	if n := len(r.Undeclared); n > 0 {
		parts = append(parts, count(int64(n), "undeclared field", "undeclared fields"))
	}
	if n := len(r.Rejected); n > 0 {
		parts = append(parts, count(int64(n), "field with rejected values", "fields with rejected values"))
	}
	if r.Omitted > 0 {
		parts = append(parts, fmt.Sprintf("more in %s not itemized", count(r.Omitted, "delivery", "deliveries")))
	}
	return fmt.Sprintf("%s: drift in %d of %s: %s%s", r.Schema, r.Drifted, count(r.Deliveries, "delivery", "deliveries"),
		strings.Join(parts, ", "), never)
}

// Drift reports whether any schema drifted.
func (r Report) Drift() bool {
	for _, s := range r.Schemas {
		if s.Drift() {
			return true
		}
	}
	return false
}

// Deliveries is how many deliveries were checked against a schema.
func (r Report) Deliveries() int64 {
	var n int64
	for _, s := range r.Schemas {
		n += s.Deliveries
	}
	return n
}

func count(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// Report is what c found: schemas by name, findings by pointer.
func (c *Checker) Report() Report {
	rep := Report{Unmatched: c.unmatched.summary(), NotJSON: c.notJSON.summary()}
	names := make([]string, 0, len(c.schemas))
	for n := range c.schemas {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		rep.Schemas = append(rep.Schemas, c.schemas[name].report())
	}
	return rep
}

func (t tally) summary() Count {
	return Count{Deliveries: t.count, FirstSource: t.first.source, FirstSeq: t.first.seq}
}

func (st *schemaState) report() SchemaReport {
	r := SchemaReport{Schema: st.name, Deliveries: st.deliveries, Drifted: st.drifted,
		Omitted: st.overflowU + st.overflowR, Truncated: st.truncated}
	for _, f := range st.undeclared {
		r.Undeclared = append(r.Undeclared, f.out(st.name, Undeclared))
	}
	for _, f := range st.rejected {
		r.Rejected = append(r.Rejected, f.out(st.name, Rejected))
	}
	for p, seen := range st.optionalSeen() {
		if !seen {
			r.NeverSeen = append(r.NeverSeen, Finding{Schema: st.name, Kind: NeverSeen, Pointer: p})
		}
	}
	for _, fs := range [][]Finding{r.Undeclared, r.Rejected, r.NeverSeen} {
		sort.Slice(fs, func(i, j int) bool {
			if fs[i].Pointer != fs[j].Pointer {
				return fs[i].Pointer < fs[j].Pointer
			}
			return fs[i].Keyword < fs[j].Keyword
		})
	}
	return r
}

func (f *finding) out(schema, kind string) Finding {
	return Finding{Schema: schema, Kind: kind, Pointer: f.pattern, Keyword: f.keyword, Deliveries: f.count,
		FirstSource: f.first.source, FirstSeq: f.first.seq, Example: f.example, Message: f.message}
}
