package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

// Each command's flags can be tested alone: runF receives the options the
// flags filled and nothing runs (gh's NewCmdX(f, runF)).
func TestFlagsParseAlone(t *testing.T) {
	t.Parallel()
	app := testApp(&bytes.Buffer{}, &bytes.Buffer{})
	tests := []struct {
		name string
		cmd  func(ran *bool) *cobra.Command
		args []string
	}{
		{"replay", func(ran *bool) *cobra.Command {
			return newReplayCmd(app, func(o *ReplayOptions) error {
				*ran = o.File == "rec.ndjson" && o.Client.To == "http://h/" && o.Client.Retries == 0 && o.Client.Timeout == time.Second &&
					len(o.Seqs) == 2 && o.Client.TLS.CACert == "ca.pem" && o.Scheme == "auto"
				return nil
			})
		}, []string{"rec.ndjson", "--to", "http://h/", "--retries", "0", "--timeout", "1s", "--seq", "1", "--seq", "3-4", "--cacert", "ca.pem"}},
		{"callback", func(ran *bool) *cobra.Command {
			return newCallbackCmd(app, func(o *CallbackOptions) error {
				*ran = len(o.Args) == 2 && o.Client.Retries == 3 && o.Client.Timeout == 10*time.Second && len(o.Client.Headers) == 1 && o.Client.To == ""
				return nil
			})
		}, []string{"http://h/cb", "done", "-H", "X-A: 1"}},
		{"listen", func(ran *bool) *cobra.Command {
			return newListenCmd(app, func(o *ListenOptions) error {
				*ran = o.Addr == "127.0.0.1:0" && len(o.Secrets) == 2 && o.TLS && o.MaxBody == "2MiB"
				return nil
			})
		}, []string{"--addr", "127.0.0.1:0", "--secret", "a", "--secret", "b", "--tls", "--max-body", "2MiB"}},
		{"listen --exec", func(ran *bool) *cobra.Command {
			return newListenCmd(app, func(o *ListenOptions) error {
				e := o.Exec
				*ran = e.Given && e.Command == "./p.sh" && len(e.On) == 2 && e.On[1] == "invite_user" &&
					e.Timeout == 30*time.Second && e.Concurrency == 2 && !e.Callback
				return nil
			})
		}, []string{"--exec", "./p.sh", "--exec-on", "AccessRequestProvisioning", "--exec-on", "invite_user", "--exec-timeout", "30s", "--exec-concurrency", "2", "--exec-callback=false"}},
		{"verify", func(ran *bool) *cobra.Command {
			return newVerifyCmd(app, func(o *VerifyOptions) error {
				*ran = o.File == "body.json" && len(o.Headers) == 2 && o.Tolerance == 0 && o.Scheme == "auto" && o.Explain
				return nil
			})
		}, []string{"body.json", "-H", "a: 1", "-H", "@h.txt", "--tolerance", "0", "--explain"}},
		{"sign", func(ran *bool) *cobra.Command {
			return newSignCmd(app, func(o *SignOptions) error {
				*ran = o.File == "-" && o.ID == "msg_1" && o.Timestamp == 1614265330 && o.Scheme == "standard"
				return nil
			})
		}, []string{"-", "--id", "msg_1", "--timestamp", "1614265330"}},
		{"validate", func(ran *bool) *cobra.Command {
			return newValidateCmd(app, func(o *ValidateOptions) error {
				*ran = len(o.Paths) == 2 && o.Schema == "permit.create_user" && o.Output == "json"
				return nil
			})
		}, []string{"a.json", "dir", "--schema", "permit.create_user", "-o", "json"}},
	}
	for _, tt := range tests {
		var ran bool
		cmd := tt.cmd(&ran)
		cmd.SetArgs(tt.args)
		cmd.SetOut(&bytes.Buffer{})
		cmd.SetErr(&bytes.Buffer{})
		if err := cmd.Execute(); err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if !ran {
			t.Errorf("%s: runF did not get the options the flags say", tt.name)
		}
	}
}

// The clock and the id generator come from App: the same App gives the
// same request, byte for byte, and the ids are the generator's.
func TestSendDryRunUsesTheAppsClockAndIDs(t *testing.T) {
	t.Parallel()
	run := func() string {
		var out, errb bytes.Buffer
		app := testApp(&out, &errb)
		code := Run(app, []string{"send", "permission_assist.access_request_created", "--to", "http://127.0.0.1:9/",
			"--secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "--dry-run", "--output", "json"})
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
		return out.String()
	}
	first := run()
	if second := run(); second != first {
		t.Errorf("two dry runs differ:\n%s\n%s", first, second)
	}
	for _, want := range []string{
		`"webhook_id":"0a2f4d8e-1111-4222-8333-944455556666"`,
		`"webhook-timestamp":"1700000000"`,
		`/webhooks/callback/0a2f4d8e-1111-4222-8333-944455556666`,
	} {
		if !strings.Contains(first, want) {
			t.Errorf("dry run lacks %s:\n%s", want, first)
		}
	}
}
