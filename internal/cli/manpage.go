package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// The reference pages are written here rather than with cobra/doc: that
// package links a markdown renderer whose start-up cost every run of the
// binary would pay, for a command only the release runs.

// docCommands lists the commands that get a page: every available command
// (hidden ones and help excluded), depth first, parents before children.
func docCommands(root *cobra.Command) []*cobra.Command {
	var out []*cobra.Command
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		if !c.IsAvailableCommand() && c != root {
			return
		}
		out = append(out, c)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return out
}

// pageName is a command's page base name: "webhook-tool-schemas-show".
func pageName(c *cobra.Command, sep string) string {
	return strings.ReplaceAll(c.CommandPath(), " ", sep)
}

// writeManPages writes one roff page (section 1) per command into dir.
func writeManPages(root *cobra.Command, dir, source string, when time.Time) error {
	for _, c := range docCommands(root) {
		var b bytes.Buffer
		name := pageName(c, "-")
		fmt.Fprintf(&b, ".TH %q \"1\" %q %q \"webhook-tool manual\"\n", strings.ToUpper(name), when.Format("Jan 2006"), source)
		fmt.Fprintf(&b, ".SH NAME\n%s \\- %s\n", roff(name), roff(c.Short))
		fmt.Fprintf(&b, ".SH SYNOPSIS\n.B %s\n", roff(c.UseLine()))
		if desc := c.Long; desc != "" || c.Short != "" {
			if desc == "" {
				desc = c.Short
			}
			fmt.Fprintf(&b, ".SH DESCRIPTION\n%s\n", roffText(desc))
		}
		writeManFlags(&b, "OPTIONS", c.NonInheritedFlags())
		writeManFlags(&b, "OPTIONS INHERITED FROM PARENT COMMANDS", c.InheritedFlags())
		if c.Example != "" {
			fmt.Fprintf(&b, ".SH EXAMPLES\n.nf\n%s\n.fi\n", roffLines(c.Example))
		}
		if see := seeAlso(c); len(see) > 0 {
			refs := make([]string, len(see))
			for i, s := range see {
				refs[i] = `\fB` + roff(pageName(s, "-")) + `\fR(1)`
			}
			fmt.Fprintf(&b, ".SH SEE ALSO\n%s\n", strings.Join(refs, ", "))
		}
		if err := os.WriteFile(filepath.Join(dir, name+".1"), b.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func writeManFlags(b *bytes.Buffer, title string, fs *pflag.FlagSet) {
	first := true
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		if first {
			fmt.Fprintf(b, ".SH %s\n", title)
			first = false
		}
		varname, usage := pflag.UnquoteUsage(f)
		head := `\fB\-\-` + roff(f.Name) + `\fR`
		if f.Shorthand != "" {
			head = `\fB\-` + roff(f.Shorthand) + `\fR, ` + head
		}
		if varname != "" {
			head += ` \fI` + roff(varname) + `\fR`
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "[]" && f.DefValue != "0" {
			usage += " (default " + f.DefValue + ")"
		}
		fmt.Fprintf(b, ".TP\n%s\n%s\n", head, roffText(usage))
	})
}

// seeAlso is a command's parent and children.
func seeAlso(c *cobra.Command) []*cobra.Command {
	var out []*cobra.Command
	if c.HasParent() {
		out = append(out, c.Parent())
	}
	for _, sub := range c.Commands() {
		if sub.IsAvailableCommand() {
			out = append(out, sub)
		}
	}
	return out
}

// roff escapes text for one roff line: backslashes and hyphens.
func roff(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	return strings.ReplaceAll(s, "-", `\-`)
}

// roffText escapes running text: a blank line starts a paragraph, and a line
// starting with . or ' is guarded so roff does not read it as a request.
func roffText(s string) string {
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		if strings.TrimSpace(line) == "" {
			out = append(out, ".PP")
			continue
		}
		out = append(out, guard(roff(line)))
	}
	return strings.Join(out, "\n")
}

// roffLines is roffText for preformatted text (examples): blank lines kept.
func roffLines(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = guard(roff(l))
	}
	return strings.Join(lines, "\n")
}

func guard(line string) string {
	if strings.HasPrefix(line, ".") || strings.HasPrefix(line, "'") {
		return `\&` + line
	}
	return line
}

// writeMarkdownPages writes one markdown page per command into dir, named
// like cobra's (webhook-tool_schemas_show.md) so links stay stable.
func writeMarkdownPages(root *cobra.Command, dir string) error {
	for _, c := range docCommands(root) {
		var b bytes.Buffer
		fmt.Fprintf(&b, "## %s\n\n%s\n\n", c.CommandPath(), c.Short)
		if c.Long != "" {
			fmt.Fprintf(&b, "### Synopsis\n\n%s\n\n", strings.TrimSpace(c.Long))
		}
		fmt.Fprintf(&b, "```\n%s\n```\n\n", c.UseLine())
		if c.Example != "" {
			fmt.Fprintf(&b, "### Examples\n\n```\n%s\n```\n\n", strings.TrimRight(c.Example, "\n"))
		}
		if u := c.NonInheritedFlags().FlagUsages(); u != "" {
			fmt.Fprintf(&b, "### Options\n\n```\n%s```\n\n", u)
		}
		if u := c.InheritedFlags().FlagUsages(); u != "" {
			fmt.Fprintf(&b, "### Options inherited from parent commands\n\n```\n%s```\n\n", u)
		}
		if see := seeAlso(c); len(see) > 0 {
			b.WriteString("### See also\n\n")
			for _, s := range see {
				fmt.Fprintf(&b, "* [%s](%s.md) - %s\n", s.CommandPath(), pageName(s, "_"), s.Short)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, pageName(c, "_")+".md"), b.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}
