// Command gendocs writes webhook-tool's reference documentation from its
// command tree with cobra/doc, as gh's cmd/gen-docs does:
//
//	DIR/man/*.1            man pages (section 1), one per command
//	DIR/markdown/*.md      the same pages as markdown
//	DIR/completions/       webhook-tool.bash, _webhook-tool (zsh),
//	                       webhook-tool.fish, webhook-tool.ps1
//
// The release runs it (.goreleaser.yaml's before hook):
//
//	go run ./internal/cmd/gendocs --dir dist/docs
//
// It is a program of its own so that the shipped binary does not link
// cobra/doc and its markdown renderer, which every run would pay for at
// start-up. Pages from an earlier run that no longer match a command are
// removed. The man pages are dated SOURCE_DATE_EPOCH when it is set, else
// the build date the release stamps in (the commit date), else today, so a
// release's pages are reproducible.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/webhook-tool/webhook-tool/internal/cli"
)

func main() { os.Exit(run(os.Args[1:], os.Getenv, os.Stderr)) }

func run(args []string, getenv func(string) string, stderr io.Writer) int {
	fs := flag.NewFlagSet("gendocs", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "", "write the generated files under `DIR` (created if missing)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *dir == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: gendocs --dir DIR")
		return 2
	}
	bi := cli.CurrentBuildInfo()
	when, err := docsDate(getenv, bi.Date)
	if err != nil {
		fmt.Fprintln(stderr, "gendocs:", err)
		return 2
	}
	app := cli.NewApp()
	app.Getenv = func(string) string { return "" } // the pages show defaults, not this machine's settings
	if err := generate(cli.NewRootCmd(app), *dir, "webhook-tool "+bi.Version, when); err != nil {
		fmt.Fprintln(stderr, "gendocs:", err)
		return 1
	}
	fmt.Fprintf(stderr, "wrote man pages, markdown and completions under %s\n", *dir)
	return 0
}

// docsDate honours SOURCE_DATE_EPOCH (reproducible-builds.org), then the
// build date (RFC 3339), then today.
func docsDate(getenv func(string) string, buildDate string) (time.Time, error) {
	if s := getenv("SOURCE_DATE_EPOCH"); s != "" {
		sec, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH %q is not a Unix time", s)
		}
		return time.Unix(sec, 0).UTC(), nil
	}
	if t, err := time.Parse(time.RFC3339, buildDate); err == nil && t.Year() > 1970 {
		return t.UTC(), nil // a zero date (a snapshot without commit metadata) is no date
	}
	return time.Now().UTC(), nil
}

// generate writes every page and completion of root under dir.
func generate(root *cobra.Command, dir, source string, when time.Time) error {
	// The default completion command is added lazily on Execute; add it
	// now so it gets its pages too. No "auto generated on DATE" line: the
	// pages must be the same from the same commit.
	root.InitDefaultCompletionCmd()
	root.DisableAutoGenTag = true
	cli.FillExamples(root) // built from the bundled fixtures when help is shown

	manDir := filepath.Join(dir, "man")
	mdDir := filepath.Join(dir, "markdown")
	compDir := filepath.Join(dir, "completions")
	for _, d := range []string{manDir, mdDir, compDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
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
	header := &doc.GenManHeader{Section: "1", Date: &when, Source: source, Manual: "webhook-tool manual"}
	if err := doc.GenManTree(root, header, manDir); err != nil {
		return fmt.Errorf("writing man pages: %w", err)
	}
	if err := doc.GenMarkdownTree(root, mdDir); err != nil {
		return fmt.Errorf("writing markdown: %w", err)
	}
	// cobra/doc leaves help topics out of its trees; they are reference
	// too (`webhook-tool help limits`), so each gets its pages.
	for _, t := range cli.Topics(root) {
		if err := writeTopic(t, header, manDir, mdDir); err != nil {
			return err
		}
	}
	return writeCompletions(root, compDir)
}

// writeTopic writes help topic t's man page and markdown page.
func writeTopic(t *cobra.Command, header *doc.GenManHeader, manDir, mdDir string) error {
	base := strings.ReplaceAll(t.CommandPath(), " ", "-")
	h := *header
	h.Title = strings.ToUpper(base)
	if err := writeWith(filepath.Join(manDir, base+".1"), func(w io.Writer) error { return doc.GenMan(t, &h, w) }); err != nil {
		return fmt.Errorf("writing the %s topic's man page: %w", t.Name(), err)
	}
	md := filepath.Join(mdDir, strings.ReplaceAll(t.CommandPath(), " ", "_")+".md")
	if err := writeWith(md, func(w io.Writer) error { return doc.GenMarkdown(t, w) }); err != nil {
		return fmt.Errorf("writing the %s topic's markdown: %w", t.Name(), err)
	}
	return nil
}

// writeWith creates path and fills it with gen.
func writeWith(path string, gen func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := gen(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writeCompletions writes the four shells' completion scripts under the
// names their packaging conventions expect.
func writeCompletions(root *cobra.Command, dir string) error {
	gens := []struct {
		file string
		gen  func(io.Writer) error
	}{
		{"webhook-tool.bash", func(w io.Writer) error { return root.GenBashCompletionV2(w, true) }},
		{"_webhook-tool", root.GenZshCompletion},
		{"webhook-tool.fish", func(w io.Writer) error { return root.GenFishCompletion(w, true) }},
		{"webhook-tool.ps1", root.GenPowerShellCompletionWithDesc},
	}
	for _, g := range gens {
		path := filepath.Join(dir, g.file)
		f, err := os.Create(path)
		if err != nil {
			return err
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
