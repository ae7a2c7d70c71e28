package cli

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/listener"
)

// TestTopicsGiveListensTimeouts: help limits and help receiving state the
// timeouts listen enforces, and change when they do.
func TestTopicsGiveListensTimeouts(t *testing.T) {
	t.Parallel()
	d := listener.DefaultTimeouts()
	want := map[string][]string{
		"limits": {
			secs(d.ReadHeader) + " for its headers, " + secs(d.Read) + " for its whole request, " +
				secs(d.Write) + " from its last header to the end of the answer, " + secs(d.Idle) + " idle between keep-alive",
		},
		"receiving": {
			"A client has " + secs(d.ReadHeader) + " to send its headers and " + secs(d.Read) + " for its whole request;",
			"the answer must be written within " + secs(d.Write) + " of the last header",
			"a keep-alive connection may sit idle for " + secs(d.Idle) + ".",
		},
	}
	for name, phrases := range want {
		b, err := topicFS.ReadFile("topics/" + name + ".txt")
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(strings.Fields(string(b)), " ") // as read, not as wrapped
		for _, p := range phrases {
			if !strings.Contains(text, p) {
				t.Errorf("help %s does not say %q", name, p)
			}
		}
	}
}

// secs writes d as the topics do: whole seconds ("60s", not "1m0s").
func secs(d time.Duration) string { return strconv.Itoa(int(d/time.Second)) + "s" }
