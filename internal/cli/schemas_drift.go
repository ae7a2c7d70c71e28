package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/webhook-tool/webhook-tool/internal/drift"
	"github.com/webhook-tool/webhook-tool/internal/infer"
	"github.com/webhook-tool/webhook-tool/internal/render"
	"github.com/webhook-tool/webhook-tool/internal/samples"
)

// DriftOptions is everything `schemas drift` needs, filled from flags.
type DriftOptions struct {
	Inputs     []string
	SchemaDirs []string
	Profiles   []string
	Schema     string // check every delivery against this schema instead of detecting
	Output     string
	Since      string
	// Suggest is "" (report), suggestAny (the one schema that drifted) or
	// a schema name: print that schema widened to accept what was seen.
	Suggest string
}

const suggestAny = "*"

var driftOutputs = []string{"text", "json", "markdown"}

func newSchemasDriftCmd(app *App, dirs, specs *[]string) *cobra.Command {
	opts := &DriftOptions{}
	cmd := &cobra.Command{
		Use:   "drift [RECORD|PAYLOAD|-]...",
		Short: "Report where recorded deliveries drift from their schemas",
		Long: `Check recorded deliveries (record files from listen --record, or payload files,
directories, globs, -) against the schemas they are detected as, or --schema, and
report per schema: undeclared fields (JSON Pointer patterns, * for array indexes and
map keys) with how many deliveries carried them and the first; rejected values
grouped by pointer and keyword, with counts and an example; optional declared fields
no delivery carried; and a one-line verdict.

--suggest prints the schema widened to accept what was seen instead of the report
(--suggest=NAME picks one when several schemas drifted).

Exit status: 0 no drift, 1 drift (an undeclared field or a rejected value; a field
never seen is not drift), 2 usage or unreadable input. ` + "`webhook-tool help learn`" + ` has
the whole reference.`,
		Example: `  webhook-tool schemas drift rec.ndjson
  webhook-tool schemas drift rec.ndjson --since 24h --output markdown
  webhook-tool schemas drift rec.ndjson --schema hook.schema.json --suggest > hook.next.json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Inputs, opts.SchemaDirs, opts.Profiles = args, *dirs, *specs
			return driftRun(cmd.Context(), app, opts)
		},
	}
	f := cmd.Flags()
	addMaxSizeFlag(cmd, app)
	f.StringVar(&opts.Schema, "schema", "", "check every delivery against this schema `NAME|PATH` instead of detecting it")
	f.StringVar(&opts.Since, "since", "", "only records received in the last `DURATION` (90m, 36h, 7d)")
	f.StringVar(&opts.Suggest, "suggest", "", "print the schema (`NAME`, or the one that drifted) widened to accept what was seen")
	f.Lookup("suggest").NoOptDefVal = suggestAny
	addOutputFlag(cmd, &opts.Output, "text", driftOutputs...)
	_ = cmd.RegisterFlagCompletionFunc("schema", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return schemaNames(), cobra.ShellCompDirectiveDefault
	})
	return cmd
}

// driftResolver is where deliveries meet schemas: --schema, or detection
// by the registry of bundled schemas and --schema-dir. A vendor profile
// (--profile) plugs in here, returning its own drift.Resolver.
func driftResolver(opts *DriftOptions) (drift.Resolver, error) {
	reg, name, err := openRegistry(opts.Profiles, opts.SchemaDirs, opts.Schema)
	if err != nil {
		return nil, err
	}
	return drift.RegistryResolver(reg, name), nil
}

func driftRun(ctx context.Context, app *App, opts *DriftOptions) error {
	if err := checkOutput(opts.Output, driftOutputs...); err != nil {
		return err
	}
	since, err := parseSince(app, opts.Since)
	if err != nil {
		return err
	}
	srcs, err := sampleArgs(app, opts.Inputs, "check")
	if err != nil {
		return err
	}
	res, err := driftResolver(opts)
	if err != nil {
		return err
	}
	cs := make([]*drift.Checker, workers())
	for i := range cs {
		cs[i] = drift.New(res, drift.Options{Suggest: opts.Suggest != ""})
	}
	stats, err := readSamples(ctx, app, srcs, since, func(w int, s *samples.Sample) error {
		err := cs[w].Add(s)
		var nj *drift.NotJSONError
		if errors.As(err, &nj) {
			return usageError(nj, "give payload files that are JSON")
		}
		if err != nil {
			return usageError(err, "")
		}
		return nil
	})
	if err != nil {
		return err
	}
	c := cs[0]
	for _, o := range cs[1:] {
		c.Merge(o)
	}
	rep := c.Report()
	diag := render.NewDiag(app.Err)
	if rep.Deliveries()+rep.Unmatched.Deliveries+rep.NotJSON.Deliveries == 0 {
		msg := "no deliveries to check"
		if p := stats.PassedOver(); p != "" {
			msg += ": passed over " + p
		}
		return usageError(errors.New(msg), "")
	}
	if p := stats.PassedOver(); p != "" {
		diag.Printf("checked %s; passed over %s", stats.Read(), p)
	}
	if opts.Suggest != "" {
		if err := driftSuggest(app, diag, c, rep, opts.Suggest); err != nil {
			return err
		}
	} else if err := writeDrift(app, rep, opts.Output); err != nil {
		return err
	}
	if rep.Drift() {
		return silentFail()
	}
	return nil
}

func writeDrift(app *App, rep drift.Report, output string) error {
	w := bufio.NewWriter(app.Out)
	var err error
	switch output {
	case "json":
		err = drift.WriteJSON(w, rep)
	case "markdown":
		err = drift.WriteMarkdown(w, rep)
	default:
		err = drift.WriteText(w, rep, render.NewPalette(app.ColorOut()))
	}
	if err == nil {
		err = w.Flush()
	}
	return err
}

// driftSuggest prints the widened schema; the verdicts and anything it
// could not widen go to stderr.
func driftSuggest(app *App, diag *render.Diag, c *drift.Checker, rep drift.Report, want string) error {
	var names, drifted []string
	for _, s := range rep.Schemas {
		names = append(names, s.Schema)
		if s.Drift() {
			drifted = append(drifted, s.Schema)
		}
		diag.Printf("%s", s.Verdict())
	}
	name := want
	if want == suggestAny {
		switch {
		case len(drifted) == 1:
			name = drifted[0]
		case len(drifted) == 0 && len(names) == 1:
			name = names[0]
		case len(drifted) == 0:
			return usageError(fmt.Errorf("no schema drifted, and %d were checked", len(names)), "--suggest=NAME prints one of "+strings.Join(names, ", "))
		default:
			return usageError(fmt.Errorf("%d schemas drifted: %s", len(drifted), strings.Join(drifted, ", ")), "--suggest=NAME picks one")
		}
	}
	doc, notes, err := c.Suggest(name)
	if err != nil {
		return usageError(err, "--suggest=NAME takes one of "+strings.Join(names, ", "))
	}
	for _, n := range notes {
		diag.Warnf("%s", n)
	}
	b, err := infer.Marshal(doc)
	if err != nil {
		return err
	}
	_, err = app.Out.Write(b)
	return err
}
