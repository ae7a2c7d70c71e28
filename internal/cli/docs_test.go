package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDocsWritesPagesForEveryCommand(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, "man", "webhook-tool-removed.1")
	os.MkdirAll(filepath.Dir(stale), 0o755)
	os.WriteFile(stale, []byte("old"), 0o644)
	keep := filepath.Join(dir, "man", "other.1")
	os.WriteFile(keep, []byte("not ours"), 0o644)

	var errb bytes.Buffer
	app := &App{Streams: Streams{In: strings.NewReader(""), Out: &bytes.Buffer{}, Err: &errb},
		Getenv: func(k string) string {
			if k == "SOURCE_DATE_EPOCH" {
				return "1764000000" // 2025-11-24
			}
			return ""
		}, Now: time.Now}
	if code := Run(app, []string{"docs", "--dir", dir}); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	man, err := os.ReadFile(filepath.Join(dir, "man", "webhook-tool-validate.1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`.TH "WEBHOOK-TOOL-VALIDATE" "1" "Nov 2025"`,
		`webhook\-tool\-validate \- Validate payload files against JSON Schemas`,
		`\fB\-\-schema\fR \fINAME|PATH\fR`,
		`\fB\-o\fR, \fB\-\-output\fR`,
		".SH EXAMPLES",
		`\fBwebhook\-tool\fR(1)`,
	} {
		if !bytes.Contains(man, []byte(want)) {
			t.Errorf("validate man page lacks %q", want)
		}
	}
	md, err := os.ReadFile(filepath.Join(dir, "markdown", "webhook-tool_schemas_show.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(md, []byte("## webhook-tool schemas show")) || !bytes.Contains(md, []byte("[webhook-tool schemas](webhook-tool_schemas.md)")) {
		t.Errorf("schemas show markdown page:\n%s", md)
	}
	// Every visible command has both pages; hidden ones (docs) none.
	root := NewRootCmd(app)
	root.InitDefaultCompletionCmd()
	for _, c := range docCommands(root) {
		for _, p := range []string{filepath.Join(dir, "man", pageName(c, "-")+".1"), filepath.Join(dir, "markdown", pageName(c, "_")+".md")} {
			if _, err := os.Stat(p); err != nil {
				t.Errorf("missing page for %q: %v", c.CommandPath(), err)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "man", "webhook-tool-docs.1")); err == nil {
		t.Error("the hidden docs command got a page")
	}
	for _, f := range []string{"webhook-tool.bash", "_webhook-tool", "webhook-tool.fish", "webhook-tool.ps1"} {
		if _, err := os.Stat(filepath.Join(dir, "completions", f)); err != nil {
			t.Errorf("completion %s: %v", f, err)
		}
	}
	if _, err := os.Stat(stale); err == nil {
		t.Error("a stale page of ours was left behind")
	}
	if _, err := os.Stat(keep); err != nil {
		t.Error("a file that is not ours was removed")
	}
}

func TestRoffEscapesRequestsAndBackslashes(t *testing.T) {
	got := roffText(".config is read\n'quoted' first\nC:\\path -x\n\nnext")
	want := "\\&.config is read\n\\&'quoted' first\nC:\\epath \\-x\n.PP\nnext"
	if got != want {
		t.Errorf("roffText = %q, want %q", got, want)
	}
}
