package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/webhook-tool/webhook-tool/internal/input"
	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/render"
	"github.com/webhook-tool/webhook-tool/internal/report"
)

// ValidateOptions is everything `validate` needs, filled from flags.
type ValidateOptions struct {
	Paths      []string
	Schema     string
	SchemaDirs []string
	Profiles   []string
	Output     string
	Workers    int
	MaxErrors  int
}

func newValidateCmd(app *App, runF func(*ValidateOptions) error) *cobra.Command {
	opts := &ValidateOptions{}
	cmd := &cobra.Command{
		Use:   "validate [PATH|-]...",
		Short: "Validate payload files against JSON Schemas",
		Long: `Validate payload files against the bundled JSON Schemas (or your own).

PATH may be a file, a directory (walked recursively for *.json), a glob, or -
for standard input. The schema is detected from each payload (see
` + "`webhook-tool schemas list`" + `); --schema NAME|PATH skips detection.
--profile reads a provider's schemas: a profile file, a directory of JSON
Schemas or an OpenAPI document (see ` + "`webhook-tool help profiles`" + `).

--output github prints a GitHub Actions annotation per error, which marks the
line in the workflow run and the pull request; --output junit a JUnit XML report
with a testcase per file.

Exit status: 0 all valid, 1 any invalid, 2 usage or unreadable input.`,
		Example: `  webhook-tool validate delivery.json
  webhook-tool validate ./payloads/ 'more/*.json'
  curl -s https://example.com/hook.json | webhook-tool validate -
  webhook-tool validate --schema ./order.schema.json --output json order.json
  webhook-tool validate --profile ./github.profile.yaml deliveries/
  webhook-tool validate --output github payloads/`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if runF != nil {
				return runF(opts)
			}
			return validateRun(app, opts)
		},
	}
	addSchemaFlags(cmd, app, &opts.Schema, &opts.SchemaDirs)
	addProfileFlag(cmd.Flags(), &opts.Profiles)
	_ = cmd.RegisterFlagCompletionFunc("profile", profileCompletion)
	addOutputFlag(cmd, &opts.Output, "text", validateOutputs...)
	addMaxSizeFlag(cmd, app)
	cmd.Flags().IntVar(&opts.MaxErrors, "max-errors", payload.DefaultMaxErrors, "list at most `N` errors per file, the first in the file, and count the rest (0: all)")
	return cmd
}

var validateOutputs = []string{"text", "json", "github", "junit"}

// addSchemaFlags adds --schema and --schema-dir, shared by every command that
// validates payloads.
func addSchemaFlags(cmd *cobra.Command, app *App, schema *string, dirs *[]string) {
	cmd.Flags().StringVar(schema, "schema", "", "validate against this schema `NAME|PATH` instead of detecting it")
	stringArrayVar(cmd.Flags(), dirs, "schema-dir", "add the *.json schemas under `DIR`, named by their path in it (repeatable)")
	_ = cmd.RegisterFlagCompletionFunc("schema", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return schemaNames(), cobra.ShellCompDirectiveDefault
	})
	_ = cmd.MarkFlagDirname("schema-dir")
}

// schemaNames lists the bundled schema names, for completion.
func schemaNames() []string {
	reg, err := payload.NewRegistry()
	if err != nil {
		return nil
	}
	return reg.Names()
}

// unknownSchemaError names the schema the user probably meant, or how to
// list them, rather than every name on one line.
func unknownSchemaError(ue *payload.UnknownSchemaError, orPath bool) error {
	hint := "`webhook-tool schemas list` shows the names"
	if orPath {
		hint += "; --schema also takes a schema file's path"
	}
	if m := ue.Suggestion(); m != "" {
		hint = fmt.Sprintf("did you mean %q? %s", m, hint)
	}
	return usageError(ue, hint)
}

// fileReport is one line of `validate --output json`.
type fileReport struct {
	File   string          `json:"file"`
	Schema string          `json:"schema"`
	Valid  bool            `json:"valid"`
	Errors []payload.Error `json:"errors"`
	// Omitted counts the errors beyond --max-errors.
	Omitted int `json:"errors_omitted,omitempty"`
}

const stdinName = "<stdin>"

func validateRun(app *App, opts *ValidateOptions) error {
	if err := checkOutput(opts.Output, validateOutputs...); err != nil {
		return err
	}
	paths := opts.Paths
	if len(paths) == 0 {
		if app.InTTY {
			return usageErrorf("nothing to validate: give a file, a directory, a glob or - for standard input")
		}
		paths = []string{"-"}
	}
	if opts.MaxErrors < 0 {
		return usageErrorf("bad --max-errors %d: give a count, or 0 for all errors", opts.MaxErrors)
	}
	reg, schema, err := openRegistry(opts.Profiles, opts.SchemaDirs, opts.Schema)
	if err != nil {
		return err
	}
	reg.SetMaxErrors(opts.MaxErrors)
	inputs, err := validateInputs(app, paths)
	if err != nil {
		return err
	}

	pal := render.NewPalette(app.ColorOut())
	out := app.Out
	if !app.OutTTY {
		// Piped output of thousands of files: one write per 64 KiB, not
		// one per line. A terminal sees each line as it is decided.
		bw := bufio.NewWriterSize(app.Out, 64<<10)
		defer bw.Flush()
		out = bw
	}
	v := &validateReport{app: app, opts: opts, out: out, pal: pal, diag: render.NewDiag(app.Err),
		ci: report.NewCIWriter(opts.Output, out, app.Now)} // github, junit
	v.json = json.NewEncoder(&v.line)
	v.json.SetEscapeHTML(false)
	reg.CheckStream(inputs, schema, opts.Workers, v.add)
	if err := v.ci.Close(); err != nil {
		return failError(fmt.Errorf("cannot write the report: %w", err), "")
	}

	if opts.Output == "text" && app.OutTTY && v.files > 1 {
		fmt.Fprintf(out, "%d files: %s, %s", v.files, pal.Green(fmt.Sprintf("%d valid", v.valid)), pal.Red(fmt.Sprintf("%d invalid", v.invalid)))
		if v.failed > 0 {
			fmt.Fprintf(out, ", %s", pal.Yellow(fmt.Sprintf("%d not checked", v.failed)))
		}
		fmt.Fprintln(out)
	}
	switch {
	case v.files == 0:
		return usageError(fmt.Errorf("nothing was validated: %d %s skipped", v.skipped, plural(v.skipped, "path was", "paths were")),
			"a FIFO or device is read when named as an argument, e.g. `webhook-tool validate payloads/x.json`")
	case v.failed > 0:
		hint := ""
		if v.noMatch {
			hint = "pass --schema NAME or a schema file's path; `webhook-tool schemas list` shows the names"
		}
		if v.files == 1 {
			// The file's own line already said what is wrong.
			return &ExitError{Code: ExitUsage, Hint: hint}
		}
		return usageError(fmt.Errorf("%d of %d files could not be checked", v.failed, v.files), hint)
	case v.invalid > 0:
		return silentFail()
	}
	return nil
}

// validateReport prints each file's verdict as validate decides it, and
// counts them: it keeps no list, so a walk of any size runs in flat memory.
type validateReport struct {
	app  *App
	opts *ValidateOptions
	out  io.Writer
	pal  *render.Palette
	diag *render.Diag
	ci   *report.CIWriter
	json *json.Encoder // into line
	line bytes.Buffer  // one --output json line

	files, valid, invalid, failed, skipped int
	noMatch                                bool
}

// add reports one file. Its name is printed escaped (render.Escape)
// everywhere but in JSON, whose encoding escapes it.
func (v *validateReport) add(fr payload.FileResult) {
	name := render.Escape(fr.Name)
	var nr *input.NotRegularError
	if errors.As(fr.Err, &nr) {
		v.skipped++
		v.diag.Warnf("%s: %s; skipped", name, nr)
		return
	}
	v.files++
	v.ci.Add(fr)
	if fr.Err != nil {
		v.failed++
		if payload.IsDetection(fr.Err) {
			v.noMatch = true
		}
		v.diag.Printf("%s: %s", name, oneLine(fr.Err.Error()))
		if h := inputHint(fr.Err); h != "" {
			v.diag.Hintf("%s", h)
		}
		if v.opts.Output == "json" {
			v.jsonLine(fileReport{File: fr.Name, Schema: fr.Result.Schema, Errors: []payload.Error{{Message: oneLine(fr.Err.Error())}}})
		}
		return
	}
	res := fr.Result
	if res.Valid {
		v.valid++
	} else {
		v.invalid++
	}
	switch v.opts.Output {
	case "json":
		v.jsonLine(fileReport{File: fr.Name, Schema: res.Schema, Valid: res.Valid, Errors: res.Errors, Omitted: res.Omitted})
	case "text":
		writeFileResult(v.out, v.pal, name, res)
	}
}

// jsonLine writes one --output json line. encoding/json escapes the C0
// controls; the C1 controls and bidirectional overrides it leaves as they
// are become \u escapes too, which read back as the same string.
func (v *validateReport) jsonLine(r fileReport) {
	v.line.Reset()
	_ = v.json.Encode(r)
	_, _ = v.out.Write(escapeJSONControls(v.line.Bytes()))
}

// escapeJSONControls rewrites the characters of an encoded JSON text that
// render.Escape would escape (after encoding/json, only C1 controls and
// bidirectional formatting characters remain) as \uXXXX escapes.
func escapeJSONControls(b []byte) []byte {
	if render.Escape(string(b)) == string(b) {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	for _, r := range string(b) {
		if r >= 0x80 && render.Escape(string(r)) != string(r) {
			out = fmt.Appendf(out, `\u%04x`, r)
			continue
		}
		out = utf8.AppendRune(out, r)
	}
	return out
}

// writeFileResult prints one file's verdict: a line, then one line per error
// as file:line:col, pointer and message, the form editors jump to.
func writeFileResult(w io.Writer, pal *render.Palette, name string, res payload.Result) {
	if res.Valid {
		fmt.Fprintf(w, "%s: %s (%s)\n", name, pal.Green("valid"), res.Schema)
		return
	}
	if res.Schema == "" {
		fmt.Fprintf(w, "%s: %s (not JSON)\n", name, pal.Red("invalid"))
	} else {
		n := len(res.Errors) + res.Omitted
		fmt.Fprintf(w, "%s: %s (%s, %d %s)\n", name, pal.Red("invalid"), res.Schema, n, plural(n, "error", "errors"))
	}
	for _, e := range res.Errors {
		ptr := e.InstanceLocation
		if res.Schema != "" && ptr == "" {
			ptr = "/"
		}
		if ptr != "" {
			ptr = pal.Cyan(ptr) + ": "
		}
		fmt.Fprintf(w, "  %s:%d:%d: %s%s\n", name, e.Line, e.Column, ptr, e.Message)
	}
	if res.Omitted > 0 {
		fmt.Fprintf(w, "  %s\n", pal.Dim(fmt.Sprintf("... and %d more %s (--max-errors 0 lists all)", res.Omitted, plural(res.Omitted, "error", "errors"))))
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
