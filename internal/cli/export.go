package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/webhook-tool/webhook-tool/internal/delivery"
	"github.com/webhook-tool/webhook-tool/internal/export"
	"github.com/webhook-tool/webhook-tool/internal/har"
	"github.com/webhook-tool/webhook-tool/internal/inspect/curl"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/replay"
)

// ExportOptions is everything `export` needs, filled from flags.
type ExportOptions struct {
	File   string
	Format string
	Seqs   []string
	Path   string
	To     string
	Out    string
}

// curlGenerator is the one curl command builder, the inspector's "Copy as
// curl" (package curl; see export.CurlFunc). The record is masked already,
// so it masks nothing more.
func curlGenerator(rec *record.Record, base string) (string, []string, error) {
	c, err := curl.New(rec, base, nil)
	return c.Text, c.Left, err
}

func newExportCmd(app *App, runF func(*ExportOptions) error) *cobra.Command {
	opts := &ExportOptions{}
	cmd := &cobra.Command{
		Use:   "export RECORD.ndjson [--format har|curl|ndjson]",
		Short: "Write recorded deliveries as a HAR file, curl commands or record lines",
		Long: `Write the requests of a record file (` + "`listen --record`" + `, or a HAR file) where
people already look:

  har     one HTTP Archive 1.2 document (browser dev tools, Postman, Charles
          and HAR viewers import it): per request its method, URL, headers,
          query, raw body as postData.text, and listen's answer as the
          response (its status, and the body listen wrote itself: a refusal's
          reason, a callback's "ok"). A body that is not UTF-8 is base64 in
          postData.text with "_encoding": "base64". The record's verdicts,
          seq and ids are in each entry's "_webhook_tool".
  curl    one curl command per request that sends it again to --to plus its
          recorded path and query, the body byte for byte; each command is
          preceded by a comment line naming the request and what the command
          leaves out (a masked header)
  ndjson  the selected record lines, unchanged

Every request is exported, callbacks and refused ones included (listen --exec
run lines are not requests). --seq and --path select as replay selects.
Secrets stay masked as the record has them: nothing is unmasked.

--to: har gives each entry the URL --to plus its recorded path and query
(default: the recorded Host, else 127.0.0.1); curl needs it. --out writes a
file (mode 0600: it holds payloads), replaced only when the export is whole;
the default is standard output.

Exit status: 0 exported (a warning when nothing matched), 2 usage or an
unreadable record.`,
		Example: `  webhook-tool export deliveries.ndjson --out deliveries.har
  webhook-tool export deliveries.ndjson --format curl --to http://127.0.0.1:3000/webhooks --seq 3
  webhook-tool export deliveries.ndjson --format ndjson --path /pa > pa.ndjson`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			if runF != nil {
				return runF(opts)
			}
			return exportRun(cmd.Context(), app, opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Format, "format", "f", export.HAR, "`FORMAT`: "+strings.Join(export.Formats, "|"))
	stringArrayVar(f, &opts.Seqs, "seq", "only the records numbered `N`, N-M or N,M,... (repeatable)")
	f.StringVar(&opts.Path, "path", "", "only the records whose path starts with `PREFIX`")
	f.StringVar(&opts.To, "to", "", "the `URL` the requests go to, each at its recorded path and query below it (curl: required)")
	f.StringVar(&opts.Out, "out", "", "write to `FILE` instead of standard output")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(export.Formats, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.MarkFlagFilename("", "ndjson", "jsonl", "json", "har")
	return cmd
}

func exportRun(ctx context.Context, app *App, opts *ExportOptions) error {
	eo, err := exportOptions(app, opts)
	if err != nil {
		return err
	}
	in, closeIn, err := openRecordFile(app, opts.File)
	if err != nil {
		return err
	}
	defer closeIn()
	out, commit, err := exportOutput(app, opts.Out)
	if err != nil {
		return err
	}
	input := export.OpenInput(in, opts.File, func(msg string) { app.diag().Warnf("%s", msg) })
	res, err := export.Run(ctx, input, out, eo)
	if err = commit(err); err != nil {
		return exportError(opts, err)
	}
	if res.Selected == 0 {
		what := "no requests in " + opts.File
		if len(opts.Seqs) > 0 || opts.Path != "" {
			what += " match --seq/--path"
		}
		app.diag().Warnf("%s: the export is empty", what)
	} else if opts.Out != "" {
		app.diag().Printf("exported %d %s to %s (%s)", res.Exported, plural(res.Exported, "request", "requests"), opts.Out, opts.Format)
	}
	return nil
}

// exportOptions checks the flags and turns them into export's options.
func exportOptions(app *App, opts *ExportOptions) (export.Options, error) {
	if !slices.Contains(export.Formats, opts.Format) {
		return export.Options{}, usageError(fmt.Errorf("unknown --format %q", opts.Format), "use one of: "+strings.Join(export.Formats, ", "))
	}
	seqs, err := replay.ParseSeqs(opts.Seqs)
	if err != nil {
		return export.Options{}, usageError(err, "write --seq 3, --seq 5-9 or --seq 1,4,7")
	}
	if opts.To != "" {
		if _, err := delivery.CheckURL(opts.To); err != nil {
			return export.Options{}, usageError(fmt.Errorf("invalid --to URL: %w", err), "")
		}
	}
	if opts.Format == export.Curl {
		if opts.To == "" {
			return export.Options{}, usageError(errors.New("--format curl needs --to URL: where the commands send the requests"),
				"e.g. --to http://127.0.0.1:8080/ for a listen on its default address")
		}
	}
	return export.Options{
		Format: opts.Format, Selection: replay.Selection{Seqs: seqs, Path: opts.Path}, To: opts.To,
		Creator: har.Creator{Name: har.CreatorName, Version: buildInfo().Version}, Curl: curlGenerator,
		Warn: func(msg string) { app.diag().Warnf("%s", msg) },
	}, nil
}

// exportOutput is where the export goes: standard output, or a new file
// beside --out that replaces it only when the export is whole (commit with
// a nil error), so a failed run leaves no half file behind.
func exportOutput(app *App, name string) (io.Writer, func(error) error, error) {
	if name == "" {
		return app.Out, func(err error) error { return err }, nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*.tmp")
	if err != nil {
		return nil, nil, usageError(fmt.Errorf("cannot write --out %s: %w", name, unwrapPathErr(err)), "")
	}
	commit := func(err error) error {
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(tmp.Name(), name)
		}
		if err != nil {
			os.Remove(tmp.Name())
		}
		return err
	}
	return tmp, commit, nil
}

// exportError maps what stopped an export.
func exportError(opts *ExportOptions, err error) error {
	var nr *record.NotRecordError
	var tl *record.LineTooLongError
	var et *har.EntryTooLargeError
	switch {
	case errors.Is(err, context.Canceled):
		return failError(errors.New("interrupted"), "")
	case errors.As(err, &nr), errors.As(err, &tl), errors.As(err, &et), errors.Is(err, har.ErrNotHAR):
		return usageError(fmt.Errorf("%s: %w", opts.File, err), "export reads the file `listen --record` writes, or a HAR file")
	}
	return failError(fmt.Errorf("cannot export %s: %w", opts.File, err), "")
}
