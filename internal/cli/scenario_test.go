package cli

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestScenarioRunFlagErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--delay", "-1s"}, "invalid --delay -1s"},
		{[]string{"--timeout", "-1s"}, "invalid --timeout -1s"},
		{[]string{"--retries", "-1"}, "invalid --retries -1"},
		{[]string{"--callback-timeout", "0s"}, "invalid --callback-timeout 0s"},
		{[]string{"--seed", "4"}, "--seed orders a shuffled run, and --shuffle is not set"},
		{[]string{"--output", "yaml"}, `unknown --output format "yaml"`},
		{[]string{"--scheme", "auto"}, "invalid --scheme: the auto scheme only detects schemes when verifying"},
		{[]string{"--to", "ftp://x/"}, `invalid --to URL "ftp://x/"`},
		{[]string{"--scheme", "standard", "--secret", ""}, "--secret is empty"},
		{[]string{"-H", "no colon"}, `malformed header "no colon"`},
	} {
		args := append([]string{"scenario", "run", "permission_assist.canceled", "--to", "http://127.0.0.1:1/", "--scheme", "none"}, tc.args...)
		out, errOut, code := runCLI(t, &App{}, args...)
		if code != ExitUsage || !strings.Contains(errOut, "webhook-tool: "+tc.msg) || out != "" {
			t.Errorf("%q: exit %d, stderr %q, stdout %q; want 2 and %q", tc.args, code, errOut, out, tc.msg)
		}
	}
}

func TestScenarioRunAgainstAReceiver(t *testing.T) {
	t.Parallel()
	srv, got := recorder(t)
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	out, errOut, code := runCLI(t, &App{Now: func() time.Time { return now }},
		"scenario", "run", "permission_assist.lifecycle", "--to", srv.URL+"/hooks", "--secret", testSecret, "--output", "json")
	if code != ExitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	deliveries := got()
	if len(lines) != 6 || len(deliveries) != 6 {
		t.Fatalf("%d lines, %d deliveries; want 6 of each", len(lines), len(deliveries))
	}
	for i, l := range lines {
		var rep struct {
			Step, Fixture, ID string
			Status            int
			OK                bool
		}
		if err := json.Unmarshal([]byte(l), &rep); err != nil || !rep.OK || rep.Status != 200 || rep.ID == "" {
			t.Errorf("line %d: %s (%v)", i+1, l, err)
		}
		h := deliveries[i].header
		if h.Get("webhook-id") != rep.ID || h.Get("webhook-timestamp") != "1777636800" || h.Get("Content-Type") != "application/json" {
			t.Errorf("delivery %d headers %v, want webhook-id %s and the app clock's timestamp", i+1, h, rep.ID)
		}
		var body struct {
			CreatedDate string `json:"createdDate"`
			Callback    string `json:"callback"`
		}
		json.Unmarshal(deliveries[i].body, &body)
		if want := srv.URL + "/webhooks/callback/" + rep.ID; body.Callback != want {
			t.Errorf("delivery %d callback %s, want %s (the --to origin)", i+1, body.Callback, want)
		}
		if want := now.Add(time.Duration(i) * time.Second).Format(time.RFC3339); body.CreatedDate != want {
			t.Errorf("delivery %d createdDate %s, want %s", i+1, body.CreatedDate, want)
		}
	}
}

// The flags alone: runF gets the options they fill, nothing runs.
func TestScenarioRunFlagsParseAlone(t *testing.T) {
	t.Parallel()
	var got *ScenarioRunOptions
	cmd := newScenarioCmd(&App{}, func(o *ScenarioRunOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"run", "flow.yaml", "--to", "http://h/", "--retries", "0", "--timeout", "2s", "-H", "X-A: 1", "--cacert", "ca.pem",
		"--secret", "s1", "--scheme", "github", "--delay", "250ms", "--duplicate", "--shuffle", "--seed", "9", "--keep-going",
		"--callback-base", "http://l/webhooks/callback/", "--callback-addr", "127.0.0.1:7", "--callback-timeout", "3s", "--no-validate", "-o", "json"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	want := ScenarioRunOptions{Source: "flow.yaml", Secrets: []string{"s1"}, Scheme: "github", CallbackBase: "http://l/webhooks/callback/",
		CallbackAddr: "127.0.0.1:7", CallbackTimeout: 3 * time.Second, NoValidate: true, Delay: 250 * time.Millisecond, Duplicate: true,
		Shuffle: true, Seed: 9, SeedSet: true, KeepGoing: true, Output: "json"}
	c := got.Client
	got.Client = clientFlags{}
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("options\n got %+v\nwant %+v", *got, want)
	}
	if c.To != "http://h/" || c.Retries != 0 || c.Timeout != 2*time.Second || len(c.Headers) != 1 || c.TLS.CACert != "ca.pem" {
		t.Errorf("client flags %+v", c)
	}
}
