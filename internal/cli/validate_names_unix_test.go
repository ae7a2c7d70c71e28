//go:build unix

package cli

import (
	"encoding/json"
	"encoding/xml"
	"path/filepath"
	"strings"
	"testing"
)

// File names are printed escaped in every output form: a name a pull
// request adds cannot put a control character on the terminal, nor a line
// GitHub Actions takes as a workflow command on stdout or stderr.
func TestValidateEscapesFileNames(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	names := map[string]string{ // name -> content
		"a\n::error::pwned\x1b]0;title\x07.json": validPayload,
		"b\n::error::bad\x1b[31m.json":           `{`,
		"c\r\n::warning::x\u009b31m\u202e.json":  `{"x": 1}`, // no schema: reported on stderr
		"d\xff.json":                             validPayload,
	}
	for n, body := range names {
		writeFile(t, dir, n, []byte(body))
	}
	esc := func(n string) string {
		r := strings.NewReplacer("\n", `\n`, "\r", `\r`, "\x1b", `\x1b`, "\x07", `\a`, "\u009b", `\u009b`, "\u202e", `\u202e`, "\xff", `\xff`)
		return filepath.Join(dir, r.Replace(n))
	}
	a, b, c, d := esc("a\n::error::pwned\x1b]0;title\x07.json"), esc("b\n::error::bad\x1b[31m.json"),
		esc("c\r\n::warning::x\u009b31m\u202e.json"), esc("d\xff.json")

	for _, mode := range validateOutputs {
		out, errOut, code := runValidateCLI(t, false, nil, "validate", "--output", mode, dir)
		if code != ExitUsage {
			t.Errorf("%s: exit %d, want 2", mode, code)
		}
		for stream, text := range map[string]string{"stdout": out, "stderr": errOut} {
			if i := strings.IndexAny(text, "\x1b\x07\r\u009b\u202e\ufffd"); i >= 0 {
				t.Errorf("%s: %s holds a raw control character: %q", mode, stream, text)
			}
			for _, line := range strings.Split(text, "\n") {
				if strings.HasPrefix(line, "::error::") || strings.HasPrefix(line, "::warning::") {
					t.Errorf("%s: %s has a workflow command of a file name's making: %q", mode, stream, line)
				}
			}
		}
		if want := "webhook-tool: " + c + ": no schema matches this payload"; !strings.HasPrefix(errOut, want) {
			t.Errorf("%s: stderr %q, want it to start %q", mode, errOut, want)
		}
		switch mode {
		case "text":
			for _, want := range []string{a + ": valid (permit.create_user)\n", b + ": invalid (not JSON)\n", "  " + b + ":1:2: ", d + ": valid"} {
				if !strings.Contains(out, want) {
					t.Errorf("text: stdout %q lacks %q", out, want)
				}
			}
		case "json":
			// The JSON holds each name exactly, as a JSON reader sees it.
			got := map[string]bool{}
			for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
				var r fileReport
				if err := json.Unmarshal([]byte(line), &r); err != nil {
					t.Fatalf("json: %v in %q", err, line)
				}
				got[filepath.Base(r.File)] = true
			}
			for n := range names {
				if n != "d\xff.json" && !got[n] {
					t.Errorf("json: no line for %q in %q", n, out)
				}
			}
		case "github":
			for _, want := range []string{
				"::error file=" + strings.ReplaceAll(b, ":", "%3A") + ",line=1,col=2,title=not JSON::",
				"::error file=" + strings.ReplaceAll(c, ":", "%3A") + ",title=not checked::",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("github: stdout %q lacks %q", out, want)
				}
			}
		case "junit":
			var doc struct {
				Cases []struct {
					Name string `xml:"name,attr"`
				} `xml:"testsuite>testcase"`
			}
			if err := xml.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatalf("junit: %v", err)
			}
			var got []string
			for _, c := range doc.Cases {
				got = append(got, c.Name)
			}
			if want := []string{a, b, c, d}; strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("junit: testcases %q, want %q", got, want)
			}
		}
	}
}
