package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/webhook-tool/webhook-tool/internal/cli"
)

func TestGendocsWritesPagesForEveryCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	stale := filepath.Join(dir, "man", "webhook-tool-removed.1")
	os.MkdirAll(filepath.Dir(stale), 0o755)
	os.WriteFile(stale, []byte("old"), 0o644)
	keep := filepath.Join(dir, "man", "other.1")
	os.WriteFile(keep, []byte("not ours"), 0o644)

	var errb bytes.Buffer
	getenv := func(k string) string {
		if k == "SOURCE_DATE_EPOCH" {
			return "1764000000" // 2025-11-24
		}
		return ""
	}
	if code := run([]string{"--dir", dir}, getenv, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	man, err := os.ReadFile(filepath.Join(dir, "man", "webhook-tool-validate.1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`.TH "WEBHOOK-TOOL-VALIDATE" "1" "Nov 2025" "webhook-tool `,
		`webhook-tool-validate - Validate payload files against JSON Schemas`,
		`\fB--schema\fP=""`,
		`\fB-o\fP, \fB--output\fP=`,
		".SH EXAMPLE",
		`\fBwebhook-tool(1)\fP`,
	} {
		if !bytes.Contains(man, []byte(want)) {
			t.Errorf("validate man page lacks %q:\n%s", want, man)
		}
	}
	if bytes.Contains(man, []byte("Auto generated")) {
		t.Error("the page carries a generation date: not reproducible")
	}
	md, err := os.ReadFile(filepath.Join(dir, "markdown", "webhook-tool_schemas_show.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(md, []byte("## webhook-tool schemas show")) || !bytes.Contains(md, []byte("[webhook-tool schemas](webhook-tool_schemas.md)")) {
		t.Errorf("schemas show markdown page:\n%s", md)
	}
	// Every visible command has both pages, listen among them.
	root := cli.NewRootCmd(cli.NewApp())
	root.InitDefaultCompletionCmd()
	var walk func(*cobra.Command)
	n := 0
	walk = func(c *cobra.Command) {
		if !c.IsAvailableCommand() && c != root {
			return
		}
		n++
		for _, p := range []string{
			filepath.Join(dir, "man", strings.ReplaceAll(c.CommandPath(), " ", "-")+".1"),
			filepath.Join(dir, "markdown", strings.ReplaceAll(c.CommandPath(), " ", "_")+".md"),
		} {
			if _, err := os.Stat(p); err != nil {
				t.Errorf("missing page for %q: %v", c.CommandPath(), err)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	// Help topics (webhook-tool help limits) get pages too, though cobra/doc
	// leaves them out of its trees.
	topics := cli.Topics(root)
	if len(topics) == 0 {
		t.Error("no help topics")
	}
	for _, c := range topics {
		page, err := os.ReadFile(filepath.Join(dir, "man", "webhook-tool-"+c.Name()+".1"))
		if err != nil || !bytes.Contains(page, []byte(c.Short)) {
			t.Errorf("help topic %s: man page missing or without its summary: %v", c.Name(), err)
		}
		if _, err := os.Stat(filepath.Join(dir, "markdown", "webhook-tool_"+c.Name()+".md")); err != nil {
			t.Errorf("help topic %s: %v", c.Name(), err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "man", "webhook-tool-listen.1")); err != nil || n < 12 {
		t.Errorf("listen page: %v; %d commands", err, n)
	}
	for _, f := range []string{"webhook-tool.bash", "_webhook-tool", "webhook-tool.fish", "webhook-tool.ps1"} {
		if st, err := os.Stat(filepath.Join(dir, "completions", f)); err != nil || st.Size() == 0 {
			t.Errorf("completion %s: %v", f, err)
		}
	}
	if _, err := os.Stat(stale); err == nil {
		t.Error("a stale page of ours was left behind")
	}
	if _, err := os.Stat(keep); err != nil {
		t.Error("a file that is not ours was removed")
	}

	// The same commit gives the same pages.
	again := t.TempDir()
	if code := run([]string{"--dir", again}, getenv, &errb); code != 0 {
		t.Fatal(errb.String())
	}
	second, _ := os.ReadFile(filepath.Join(again, "man", "webhook-tool-validate.1"))
	if !bytes.Equal(man, second) {
		t.Error("two runs wrote different pages")
	}
}

func TestGendocsUsage(t *testing.T) {
	t.Parallel()
	var errb bytes.Buffer
	if code := run(nil, func(string) string { return "" }, &errb); code != 2 || !strings.Contains(errb.String(), "usage: gendocs --dir DIR") {
		t.Errorf("exit %d: %s", code, errb.String())
	}
	errb.Reset()
	bad := func(string) string { return "soon" }
	if code := run([]string{"--dir", t.TempDir()}, bad, &errb); code != 2 || !strings.Contains(errb.String(), `SOURCE_DATE_EPOCH "soon" is not a Unix time`) {
		t.Errorf("exit %d: %s", code, errb.String())
	}
}

// The shipped binary does not link cobra/doc (nor its markdown renderer):
// only this generator does.
func TestBinaryDoesNotLinkCobraDoc(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-deps", "github.com/webhook-tool/webhook-tool/cmd/webhook-tool").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if pkg == "github.com/spf13/cobra/doc" || strings.HasPrefix(pkg, "github.com/cpuguy83/go-md2man") || strings.HasPrefix(pkg, "github.com/russross/blackfriday") {
			t.Errorf("cmd/webhook-tool depends on %s", pkg)
		}
	}
}
