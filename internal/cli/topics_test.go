package cli

import (
	"os"
	"strings"
	"testing"
)

// TestHelpTopics: every topic file becomes `webhook-tool help TOPIC`,
// printing its text on stdout, and README points readers at each one.
func TestHelpTopics(t *testing.T) {
	t.Parallel()
	cmds := topicCmds()
	for _, c := range cmds {
		loadTopic(c)
	}
	if len(cmds) < 2 {
		t.Fatalf("only %d help topics", len(cmds))
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cmds {
		name := c.Name()
		t.Run(name, func(t *testing.T) {
			if c.Short == "" || len(c.Short) > 100 {
				t.Errorf("summary line %q: want one line of at most 100 characters", c.Short)
			}
			app, out, errb := helpWalkApp(t)
			if code := Run(app, []string{"help", name}); code != ExitOK {
				t.Fatalf("help %s: exit %d: %s", name, code, errb)
			}
			body := strings.TrimSpace(strings.SplitN(c.Long, "\n\n", 2)[1])
			firstPara := strings.SplitN(body, "\n\n", 2)[0]
			if !strings.Contains(out.String(), firstPara) {
				t.Errorf("help %s does not print the topic's text:\n%s", name, out)
			}
			for i, line := range strings.Split(c.Long, "\n") {
				if len(line) > 100 {
					t.Errorf("line %d is %d characters: keep topics within 100 columns", i+1, len(line))
				}
			}
			if !strings.Contains(string(readme), "webhook-tool help "+name) {
				t.Errorf("README does not point at `webhook-tool help %s`", name)
			}
		})
	}
	app, out, _ := helpWalkApp(t)
	Run(app, []string{"--help"})
	if !strings.Contains(out.String(), "Additional help topics:") {
		t.Errorf("root help does not list the topics:\n%s", out)
	}
}
