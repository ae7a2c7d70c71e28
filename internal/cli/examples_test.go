package cli

import (
	"strings"
	"testing"
)

// The examples built from the bundled fixtures are not built for a run
// that shows no help, and are there when help is shown.
func TestExamplesBuiltWhenHelpIsShown(t *testing.T) {
	t.Parallel()
	app, _, _ := helpWalkApp(t)
	root := NewRootCmd(app)
	for _, name := range []string{"send", "probe"} {
		c, _, err := root.Find([]string{name})
		if err != nil {
			t.Fatal(err)
		}
		if c.Example != "" {
			t.Errorf("%s: examples built at start-up", name)
		}
	}
	app, out, _ := helpWalkApp(t)
	if code := Run(app, []string{"send", "--help"}); code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(out.String(), "Examples:") || !strings.Contains(out.String(), "webhook-tool send "+exampleFixture(0).Name) {
		t.Errorf("send --help lacks the examples built from the bundled fixtures:\n%s", out)
	}
}
