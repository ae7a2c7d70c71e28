package cli

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

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
	cmd.Flags().IntVar(&opts.MaxErrors, "max-errors", payload.DefaultMaxErrors, "list at most `N` errors per file, the first in the file, and count the rest (0: all)")
	return cmd
}

var validateOutputs = []string{"text", "json", "github", "junit"}

// addSchemaFlags adds --schema and --schema-dir, shared by every command that
// validates payloads.
func addSchemaFlags(cmd *cobra.Command, app *App, schema *string, dirs *[]string) {
	cmd.Flags().StringVar(schema, "schema", "", "validate against this schema `NAME|PATH` instead of detecting it")
	cmd.Flags().StringArrayVar(dirs, "schema-dir", nil, "add the *.json schemas under `DIR`, named by their path in it (repeatable)")
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
	inputs, err := expandInputs(app, paths)
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
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	var nValid, nInvalid, nErr int
	noMatch := false
	ci := report.NewCIWriter(opts.Output, out, app.Now) // github, junit
	reg.CheckAll(inputs, schema, opts.Workers, func(fr payload.FileResult) {
		ci.Add(fr)
		if fr.Err != nil {
			nErr++
			if payload.IsDetection(fr.Err) {
				noMatch = true
			}
			app.diag().Printf("%s: %s", fr.Name, oneLine(fr.Err.Error()))
			if h := inputHint(fr.Err); h != "" {
				app.diag().Hintf("%s", h)
			}
			if opts.Output == "json" {
				_ = enc.Encode(fileReport{File: fr.Name, Schema: fr.Result.Schema, Errors: []payload.Error{{Message: oneLine(fr.Err.Error())}}})
			}
			return
		}
		res := fr.Result
		if res.Valid {
			nValid++
		} else {
			nInvalid++
		}
		switch opts.Output {
		case "json":
			_ = enc.Encode(fileReport{File: fr.Name, Schema: res.Schema, Valid: res.Valid, Errors: res.Errors, Omitted: res.Omitted})
		case "text":
			writeFileResult(out, pal, fr.Name, res)
		}
	})
	if err := ci.Close(); err != nil {
		return failError(fmt.Errorf("cannot write the report: %w", err), "")
	}

	if opts.Output == "text" && app.OutTTY && len(inputs) > 1 {
		fmt.Fprintf(out, "%d files: %s, %s", len(inputs), pal.Green(fmt.Sprintf("%d valid", nValid)), pal.Red(fmt.Sprintf("%d invalid", nInvalid)))
		if nErr > 0 {
			fmt.Fprintf(out, ", %s", pal.Yellow(fmt.Sprintf("%d not checked", nErr)))
		}
		fmt.Fprintln(out)
	}
	switch {
	case nErr > 0:
		hint := ""
		if noMatch {
			hint = "pass --schema NAME or a schema file's path; `webhook-tool schemas list` shows the names"
		}
		if len(inputs) == 1 {
			// The file's own line already said what is wrong.
			return &ExitError{Code: ExitUsage, Hint: hint}
		}
		return usageError(fmt.Errorf("%d of %d files could not be checked", nErr, len(inputs)), hint)
	case nInvalid > 0:
		return silentFail()
	}
	return nil
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

// expandInputs turns PATH arguments into inputs in the order given:
// directories walked (sorted) for *.json, globs expanded, - read from stdin.
// Only a malformed argument (a bad glob, - twice) is a usage error up front.
// A path that is missing or cannot be read, a glob that matches nothing and a
// directory with no *.json are inputs whose Read fails, so they are reported
// in their place like any unreadable file and the other inputs still checked.
func expandInputs(app *App, paths []string) ([]payload.Input, error) {
	var inputs []payload.Input
	stdinUsed := false
	failedInput := func(name, msg string) payload.Input {
		return payload.Input{Name: name, Read: func() ([]byte, error) {
			return nil, errors.New(msg)
		}}
	}
	fileInput := func(p string) payload.Input {
		return payload.Input{Name: p, Read: func() ([]byte, error) {
			b, err := readInput(app, p)
			if err != nil {
				return nil, fmt.Errorf("cannot read file: %w", unwrapPathErr(err))
			}
			return b, nil
		}}
	}
	for _, p := range paths {
		if p == "-" {
			if stdinUsed {
				return nil, usageErrorf("- (standard input) given more than once")
			}
			stdinUsed = true
			in := app.In
			inputs = append(inputs, payload.Input{Name: stdinName, Read: func() ([]byte, error) {
				b, err := input.ReadAll(in, "standard input", app.inputLimit())
				if err != nil {
					return nil, fmt.Errorf("cannot read standard input: %w", err)
				}
				if len(b) == 0 {
					// Nothing was piped in (a command that failed, a
					// wrong redirect): an input error, not an invalid
					// payload.
					return nil, errors.New("standard input is empty: nothing to validate")
				}
				return b, nil
			}})
			continue
		}
		st, err := os.Stat(p)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && strings.ContainsAny(p, "*?[") {
				matches, gerr := filepath.Glob(p)
				if gerr != nil {
					return nil, usageError(fmt.Errorf("bad glob %q: %w", p, gerr), "quote globs so the shell passes them through, e.g. 'payloads/*.json'")
				}
				if len(matches) == 0 {
					inputs = append(inputs, failedInput(p, "no files match"))
					continue
				}
				for _, m := range matches {
					inputs = append(inputs, fileInput(m))
				}
				continue
			}
			// Missing or not stat-able: reading it fails the same way,
			// and is reported like any other unreadable file.
			inputs = append(inputs, fileInput(p))
			continue
		}
		if !st.IsDir() {
			inputs = append(inputs, fileInput(p))
			continue
		}
		var found []string
		walkErr := filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				// An unreadable subdirectory: report it in order and go on.
				found = append(found, path)
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if !d.IsDir() && strings.EqualFold(filepath.Ext(path), ".json") {
				found = append(found, path)
			}
			return nil
		})
		if walkErr != nil {
			inputs = append(inputs, failedInput(p, "cannot read directory: "+unwrapPathErr(walkErr).Error()))
			continue
		}
		if len(found) == 0 {
			inputs = append(inputs, failedInput(p, "no *.json files in this directory"))
			continue
		}
		sort.Strings(found)
		for _, f := range found {
			inputs = append(inputs, fileInput(f))
		}
	}
	return inputs, nil
}

func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
