package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/spf13/cobra"
)

// DocsOptions is everything the hidden `docs` command needs.
type DocsOptions struct {
	Dir string
}

// newDocsCmd builds `webhook-tool docs --dir DIR`, which the release uses to
// ship man pages, markdown reference pages and shell completions generated
// from the command tree itself, so they never drift from --help. It is hidden:
// users read the results, they do not run it.
func newDocsCmd(app *App) *cobra.Command {
	opts := &DocsOptions{}
	cmd := &cobra.Command{
		Use:   "docs --dir DIR",
		Short: "Generate man pages, markdown and shell completions from the command tree",
		Long: `Generate the reference documentation from the command tree:

  DIR/man/*.1               man pages (section 1), one per command
  DIR/markdown/*.md         the same pages as markdown
  DIR/completions/          webhook-tool.bash, _webhook-tool (zsh),
                            webhook-tool.fish, webhook-tool.ps1

Pages from an earlier run that no longer match a command are removed. The
man pages are dated SOURCE_DATE_EPOCH when it is set, else the build date set
by the release's ldflags, else today, so a release's pages are reproducible.
Used by the release (.goreleaser.yaml).`,
		Example: `  webhook-tool docs --dir ./dist-docs
  man ./dist-docs/man/webhook-tool-validate.1`,
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return docsRun(app, cmd.Root(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Dir, "dir", "", "write the generated files under `DIR` (created if missing)")
	_ = cmd.MarkFlagDirname("dir")
	return cmd
}

func docsRun(app *App, root *cobra.Command, opts *DocsOptions) error {
	if opts.Dir == "" {
		return usageError(errors.New("no output directory"), "pass --dir DIR")
	}
	when, err := docsDate(app)
	if err != nil {
		return err
	}
	// The default completion command is added lazily on Execute; make sure it
	// is in the tree so it gets a page too.
	root.InitDefaultCompletionCmd()

	manDir := filepath.Join(opts.Dir, "man")
	mdDir := filepath.Join(opts.Dir, "markdown")
	compDir := filepath.Join(opts.Dir, "completions")
	for _, d := range []string{manDir, mdDir, compDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return usageError(fmt.Errorf("cannot create %s: %w", d, unwrapPathErr(err)), "")
		}
	}
	// A renamed or removed command must not leave its old page behind to be
	// shipped. Only our own pages are removed: DIR may hold other files.
	for _, pattern := range []string{filepath.Join(manDir, "webhook-tool*.1"), filepath.Join(mdDir, "webhook-tool*.md")} {
		old, _ := filepath.Glob(pattern)
		for _, f := range old {
			if err := os.Remove(f); err != nil {
				return fmt.Errorf("removing stale page: %w", err)
			}
		}
	}

	if err := writeManPages(root, manDir, "webhook-tool "+buildInfo().Version, when); err != nil {
		return fmt.Errorf("writing man pages: %w", err)
	}
	if err := writeMarkdownPages(root, mdDir); err != nil {
		return fmt.Errorf("writing markdown: %w", err)
	}
	if err := writeCompletions(root, compDir); err != nil {
		return err
	}
	fmt.Fprintf(app.Err, "wrote man pages to %s, markdown to %s, completions to %s\n", manDir, mdDir, compDir)
	return nil
}

// docsDate honours SOURCE_DATE_EPOCH (reproducible-builds.org), then the
// build date the release stamps in with ldflags (the commit date), so a
// release's man pages are byte-for-byte the same from the same commit.
func docsDate(app *App) (time.Time, error) {
	if s := app.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		sec, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, usageError(fmt.Errorf("SOURCE_DATE_EPOCH %q is not a Unix time", s), "set it to seconds since 1970, e.g. $(git log -1 --format=%ct)")
		}
		return time.Unix(sec, 0).UTC(), nil
	}
	if t, err := time.Parse(time.RFC3339, date); err == nil {
		return t.UTC(), nil
	}
	return app.Now().UTC(), nil
}

// writeCompletions writes the four shells' completion scripts under the
// names their packaging conventions expect.
func writeCompletions(root *cobra.Command, dir string) error {
	gens := []struct {
		file string
		gen  func(*os.File) error
	}{
		{"webhook-tool.bash", func(f *os.File) error { return root.GenBashCompletionV2(f, true) }},
		{"_webhook-tool", func(f *os.File) error { return root.GenZshCompletion(f) }},
		{"webhook-tool.fish", func(f *os.File) error { return root.GenFishCompletion(f, true) }},
		{"webhook-tool.ps1", func(f *os.File) error { return root.GenPowerShellCompletionWithDesc(f) }},
	}
	for _, g := range gens {
		path := filepath.Join(dir, g.file)
		f, err := os.Create(path)
		if err != nil {
			return usageError(fmt.Errorf("cannot create %s: %w", path, unwrapPathErr(err)), "")
		}
		err = g.gen(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
	}
	return nil
}
