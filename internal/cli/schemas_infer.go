package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/webhook-tool/webhook-tool/internal/infer"
	"github.com/webhook-tool/webhook-tool/internal/jsonscan"
	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/render"
	"github.com/webhook-tool/webhook-tool/internal/samples"
	"github.com/webhook-tool/webhook-tool/internal/suggest"
)

// InferOptions is everything `schemas infer` needs, filled from flags.
type InferOptions struct {
	Inputs       []string
	SchemaDirs   []string
	Profiles     []string
	Schema       string // pick the deliveries detected (or recorded) as this schema
	Event        string // pick the deliveries of this event
	Out          string
	Since        string
	EnumMax      int
	EnumMinCount int
	Strict       bool
}

func newSchemasInferCmd(app *App, dirs, specs *[]string) *cobra.Command {
	opts := &InferOptions{}
	cmd := &cobra.Command{
		Use:   "infer [INPUT|-]...",
		Short: "Infer a JSON Schema from sample payloads or recorded deliveries",
		Long: `Infer a JSON Schema (draft 2020-12) that every input satisfies, from payload files,
directories (walked for *.json, *.ndjson, *.jsonl), globs, - for standard input, and
record files that listen --record writes (each delivery's body is a sample; callbacks,
exec runs, duplicates and refused requests are passed over).

The schema gives each field its types ("integer" when every number is whole, "null"
joined where a null was seen), required (the properties present in every sample),
a format (date-time, date, uuid, email, uri) where every value matches, and an enum
for strings with at most --enum-max distinct values, each seen at least
--enum-min-count times, from two or more samples. Objects stay open to other
properties unless --strict. The same inputs give the same bytes.

` + "`webhook-tool help learn`" + ` has the whole reference.`,
		Example: `  webhook-tool schemas infer rec.ndjson --out hook.schema.json
  webhook-tool schemas infer samples/ 'more/*.json'
  webhook-tool schemas infer rec.ndjson --event EVENT --strict`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Inputs, opts.SchemaDirs, opts.Profiles = args, *dirs, *specs
			return inferRun(cmd.Context(), app, opts)
		},
	}
	f := cmd.Flags()
	addMaxSizeFlag(cmd, app)
	f.StringVar(&opts.Schema, "schema", "", "infer from the deliveries of this schema `NAME` only (as recorded, else detected)")
	f.StringVar(&opts.Event, "event", "", "infer from the deliveries of this event `NAME` only (event.name, event or type)")
	f.StringVar(&opts.Out, "out", "", "write the schema to `FILE` instead of standard output")
	f.StringVar(&opts.Since, "since", "", "only records received in the last `DURATION` (90m, 36h, 7d)")
	f.IntVar(&opts.EnumMax, "enum-max", infer.DefaultEnumMax, "an enum takes at most `N` distinct strings (0: no enums)")
	f.IntVar(&opts.EnumMinCount, "enum-min-count", infer.DefaultEnumMinCount, "an enum needs each value seen at least `N` times")
	f.BoolVar(&opts.Strict, "strict", false, "allow no properties other than those seen (additionalProperties: false)")
	_ = cmd.RegisterFlagCompletionFunc("schema", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return schemaNames(), cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// maxEnumMax bounds --enum-max.
const maxEnumMax = 1000

func inferRun(ctx context.Context, app *App, opts *InferOptions) error {
	if opts.EnumMax < 0 {
		return usageErrorf("invalid --enum-max %d: give 0 (no enums) or more", opts.EnumMax)
	}
	if opts.EnumMax > maxEnumMax {
		// Distinct values are kept per field up to --enum-max: the
		// bound keeps memory a matter of shape.
		return usageErrorf("invalid --enum-max %d: give at most %d", opts.EnumMax, maxEnumMax)
	}
	if opts.EnumMinCount < 1 {
		return usageErrorf("invalid --enum-min-count %d: give 1 or more", opts.EnumMinCount)
	}
	since, err := parseSince(app, opts.Since)
	if err != nil {
		return err
	}
	srcs, err := sampleArgs(app, opts.Inputs, "infer from")
	if err != nil {
		return err
	}
	pick, err := newPicker(opts)
	if err != nil {
		return err
	}
	iopts := infer.Options{EnumMax: opts.EnumMax, EnumMinCount: opts.EnumMinCount, Strict: opts.Strict}
	ins := make([]*infer.Inferrer, workers())
	for i := range ins {
		ins[i] = infer.New(iopts)
	}
	var notJSON, skipped counter
	scs := make([]jsonscan.Scanner, len(ins))
	stats, err := readSamples(ctx, app, srcs, since, func(w int, s *samples.Sample) error {
		if !pick.take(&scs[w], s) {
			skipped.add()
			return nil
		}
		if ins[w].AddJSON(&scs[w], s.Body, s.Index) == nil {
			return nil
		}
		if s.Record {
			notJSON.add()
			return nil
		}
		perr := &payload.Error{Message: "invalid JSON", Line: 1, Column: 1}
		if _, e := payload.Decode(s.Body); e != nil {
			perr = e
		}
		return usageError(fmt.Errorf("%s:%d:%d: %s", s.Source, perr.Line, perr.Column, perr.Message), "give payload files that are JSON")
	})
	if err != nil {
		return err
	}
	in := ins[0]
	for _, o := range ins[1:] {
		in.Merge(o)
	}
	diag := render.NewDiag(app.Err)
	if in.Samples() == 0 {
		return noSamples(stats, notJSON.n, skipped.n, pick)
	}
	out, err := infer.Marshal(in.Document(pick.title()))
	if err != nil {
		return err
	}
	if err := writeOut(app, opts.Out, out); err != nil {
		return err
	}
	note := fmt.Sprintf("inferred from %d %s (%s)", in.Samples(), plural(int(in.Samples()), "sample", "samples"), stats.Read())
	passed := joinNonEmpty(countOf(skipped.n, "not "+pick.want(), "not "+pick.want()),
		stats.PassedOver(), countOf(notJSON.n, "body that is not JSON", "bodies that are not JSON"))
	if passed != "" {
		note += "; passed over " + passed
	}
	if opts.Out != "" || passed != "" {
		diag.Printf("%s", note)
	}
	if kinds := pick.seenNames(); pick.name() == "" && len(kinds) > 1 {
		diag.Hintf("the record holds deliveries of %d schemas (%s): --schema NAME infers one of them", len(kinds), strings.Join(kinds, ", "))
	}
	return nil
}

// counter is a count shared by the workers.
type counter struct {
	mu sync.Mutex
	n  int64
}

func (c *counter) add() {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
}

func countOf(n int64, one, many string) string {
	switch n {
	case 0:
		return ""
	case 1:
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func joinNonEmpty(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, ", ")
}

// noSamples is the error when nothing was left to infer from, saying why.
func noSamples(st samples.Stats, notJSON, skipped int64, pick *picker) error {
	msg := "no samples to infer from"
	var why []string
	if skipped > 0 {
		why = append(why, fmt.Sprintf("%d %s not %s", skipped, plural(int(skipped), "was", "were"), pick.want()))
	}
	if p := joinNonEmpty(st.PassedOver(), countOf(notJSON, "body that is not JSON", "bodies that are not JSON")); p != "" {
		why = append(why, "passed over "+p)
	}
	if len(why) > 0 {
		msg += ": " + strings.Join(why, "; ")
	}
	hint := ""
	if seen := pick.seenNames(); len(seen) > 0 {
		if m := suggest.Closest(pick.name(), seen); m != "" {
			hint = fmt.Sprintf("did you mean %q? ", m)
		}
		hint += "the inputs hold " + strings.Join(seen, ", ")
	}
	return usageError(errors.New(msg), hint)
}

// writeOut writes the schema to stdout, or to --out through a temporary
// file renamed into place, so a failed run leaves no half-written file.
func writeOut(app *App, path string, b []byte) error {
	if path == "" {
		_, err := app.Out.Write(b)
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return usageError(fmt.Errorf("cannot write --out %s: %w", path, unwrapPathErr(err)), "")
	}
	_, werr := tmp.Write(b)
	cerr := tmp.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), path)
	}
	if werr != nil {
		_ = os.Remove(tmp.Name())
		return usageError(fmt.Errorf("cannot write --out %s: %w", path, unwrapPathErr(werr)), "")
	}
	return nil
}

// picker applies --schema and --event, and remembers the names it saw so
// an empty result can say what there was.
type picker struct {
	schema, event string
	reg           *payload.Registry
	mu            sync.Mutex
	seen          map[string]bool
}

const maxSeenNames = 50

func newPicker(opts *InferOptions) (*picker, error) {
	p := &picker{schema: opts.Schema, event: opts.Event, seen: map[string]bool{}}
	if opts.Schema != "" && opts.Event != "" {
		return nil, usageErrorf("--schema and --event both pick deliveries: give one")
	}
	if opts.Schema != "" {
		reg, _, err := openRegistry(opts.Profiles, opts.SchemaDirs, "")
		if err != nil {
			return nil, err
		}
		p.reg = reg
	}
	return p, nil
}

func (p *picker) take(sc *jsonscan.Scanner, s *samples.Sample) bool {
	var got string
	switch {
	case p.schema != "":
		got = s.Schema
		if got == "" {
			res, _ := p.reg.Check(s.Body, "")
			got = res.Schema
		}
	case p.event != "":
		got = eventName(sc, s.Body)
	default:
		p.note(s.Schema)
		return true
	}
	if got == p.name() {
		return true
	}
	p.note(got)
	return false
}

// note remembers a schema or event name seen.
func (p *picker) note(name string) {
	if name == "" {
		return
	}
	p.mu.Lock()
	if len(p.seen) < maxSeenNames {
		p.seen[name] = true
	}
	p.mu.Unlock()
}

func (p *picker) name() string { return p.schema + p.event }

func (p *picker) want() string {
	if p.schema != "" {
		return "of schema " + p.schema
	}
	return "of event " + p.event
}

func (p *picker) title() string {
	if n := p.name(); n != "" {
		return n + " (inferred)"
	}
	return "Webhook payload (inferred)"
}

func (p *picker) seenNames() []string {
	out := make([]string, 0, len(p.seen))
	for n := range p.seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// eventName is a payload's event: event.name (Permission Assist), else a
// top-level event, type or event_type string (Permit's type, and most
// vendors'); "" when it has none, or is not JSON.
func eventName(sc *jsonscan.Scanner, body []byte) string {
	var name, event, typ, eventType string
	str := func(dst *string) {
		if sc.Peek() == jsonscan.String {
			*dst = string(sc.Str())
		} else {
			sc.Skip()
		}
	}
	sc.Reset(body)
	if sc.Peek() != jsonscan.Object {
		return ""
	}
	sc.Object(func(key []byte) {
		switch string(key) {
		case "event":
			if sc.Peek() != jsonscan.Object {
				str(&event)
				return
			}
			sc.Object(func(k []byte) {
				if string(k) == "name" {
					str(&name)
				} else {
					sc.Skip()
				}
			})
		case "type":
			str(&typ)
		case "event_type":
			str(&eventType)
		default:
			sc.Skip()
		}
	})
	if sc.End() != nil {
		return ""
	}
	for _, n := range []string{name, event, typ, eventType} {
		if n != "" {
			return n
		}
	}
	return ""
}
