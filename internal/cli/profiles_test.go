package cli

import (
	"regexp"
	"strings"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/profile"
)

// TestProfilesTopicDocumentsEveryKey: the profiles help topic shows every
// key the profile file takes, as a line of its example file.
func TestProfilesTopicDocumentsEveryKey(t *testing.T) {
	t.Parallel()
	b, err := topicFS.ReadFile("topics/profiles.txt")
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for _, k := range profile.Keys() {
		key := k[strings.LastIndexAny(k, ".")+1:]
		if !regexp.MustCompile(`(?m)^ {4}[ -]*` + regexp.QuoteMeta(key) + `:`).MatchString(text) {
			t.Errorf("the topic does not show the key %s", k)
		}
	}
}

// `webhook-tool help profiles` is the topic, on the profiles command.
func TestHelpProfilesIsTheTopic(t *testing.T) {
	t.Parallel()
	app, out, errb := helpWalkApp(t)
	if code := Run(app, []string{"help", "profiles"}); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb)
	}
	for _, want := range []string{"every key of the profile file", "event-header: X-GitHub-Event", "Usage:", "profiles [command]"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("help profiles lacks %q", want)
		}
	}
}
