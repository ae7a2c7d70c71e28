package cli

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/webhook-tool/webhook-tool/internal/callback"
	"github.com/webhook-tool/webhook-tool/internal/hookexec"
	"github.com/webhook-tool/webhook-tool/internal/listener"
	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// ExecOptions are listen's --exec flags.
type ExecOptions struct {
	Command     execCommand
	On          []string
	Timeout     time.Duration
	Concurrency int
	Callback    bool
}

// execCommand is --exec's value, which remembers being given: an empty --exec
// is a mistake to report, not a listener without a command.
type execCommand struct {
	value string
	set   bool
}

func (c *execCommand) String() string { return c.value }
func (c *execCommand) Type() string   { return "string" }
func (c *execCommand) Set(v string) error {
	c.value, c.set = v, true
	return nil
}

// execHelp ends listen's long help.
const execHelp = `

--exec 'COMMAND' runs your command for each delivery whose signature verified,
whose payload is valid and that is no duplicate (--exec-on narrows it down),
after the delivery is answered: the body on stdin, WEBHOOK_ID, WEBHOOK_SEQ,
WEBHOOK_SCHEMA, WEBHOOK_EVENT, WEBHOOK_CALLBACK and WEBHOOK_PATH in its
environment. When it exits 0, what it printed is posted once to the delivery's
callback URL. Each run is a record line of "kind":"exec".`

// maxExecConcurrency keeps --exec-concurrency to what one machine runs.
const maxExecConcurrency = 256

func addExecFlags(cmd *cobra.Command, o *ExecOptions) {
	f := cmd.Flags()
	f.Var(&o.Command, "exec", "run `COMMAND` (through /bin/sh -c; cmd /C on Windows) for each verified, valid, new delivery: the body on stdin, WEBHOOK_* variables; its output answers a Permission Assist callback")
	f.StringArrayVar(&o.On, "exec-on", nil, "run --exec only for deliveries matching `FILTER`: a schema name, a Permission Assist event name or a Permit type (repeatable: any one matches)")
	f.DurationVar(&o.Timeout, "exec-timeout", hookexec.DefaultTimeout, "kill a command, with every process it started, after `DURATION` (0: no limit)")
	f.IntVar(&o.Concurrency, "exec-concurrency", hookexec.DefaultConcurrency, "run at most `N` commands at once; the rest wait in arrival order")
	f.BoolVar(&o.Callback, "exec-callback", true, "post a command's output to the delivery's callback URL (false: never post)")
	_ = cmd.RegisterFlagCompletionFunc("exec-on", execOnCompletion)
}

// execOnCompletion offers what a filter may name: the bundled schemas, the
// Permission Assist events and the Permit types.
func execOnCompletion(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	names := schemaNames()
	for _, e := range payload.Events {
		names = append(names, e.Name)
	}
	names = append(names, hookexec.PermitTypes...)
	return names, cobra.ShellCompDirectiveNoFileComp
}

// execConfig checks the --exec flags and builds the listener's exec
// configuration: nil without --exec.
func execConfig(app *App, o *ExecOptions, reg *payload.Registry, scheme signature.Scheme, secrets []string) (*listener.ExecConfig, error) {
	if !o.Command.set {
		if len(o.On) > 0 {
			return nil, usageError(errors.New("--exec-on filters the deliveries --exec runs its command for, and there is no --exec"),
				"add --exec 'COMMAND'")
		}
		return nil, nil
	}
	if strings.TrimSpace(o.Command.value) == "" {
		return nil, usageError(errors.New("--exec is empty"), "give the command line to run, e.g. --exec './provision.sh'")
	}
	if o.Concurrency < 1 || o.Concurrency > maxExecConcurrency {
		return nil, usageErrorf("bad --exec-concurrency %d: it is 1 to %d", o.Concurrency, maxExecConcurrency)
	}
	if o.Timeout < 0 {
		return nil, usageError(fmt.Errorf("bad --exec-timeout %s: it cannot be negative", o.Timeout), "use 0 for no limit")
	}
	if err := hookexec.CheckFilters(o.On, reg.Names()); err != nil {
		var fe *hookexec.FilterError
		if errors.As(err, &fe) {
			return nil, usageError(err, fe.Hint)
		}
		return nil, usageError(err, "")
	}
	timeout := o.Timeout
	if timeout == 0 {
		timeout = -1 // hookexec's "no limit"
	}
	cfg := &listener.ExecConfig{
		Config: hookexec.Config{
			Command:     o.Command.value,
			Timeout:     timeout,
			Concurrency: o.Concurrency,
			// The command gets the user's environment, less the secrets.
			Env: hookexec.Environ(os.Environ(), secrets),
			Now: app.Now,
		},
		On: o.On,
	}
	if o.Callback {
		// As `callback` posts with its default flags.
		cfg.Sender = &callback.Sender{
			Client:  httpClient(app, 1, nil),
			Timeout: defaultTimeout,
			Retries: 3,
			Header:  http.Header{"User-Agent": {userAgent()}},
			Now:     app.Now,
		}
	}
	if scheme != signature.None && !hasSecret(secrets) {
		fmt.Fprintln(app.Err, "webhook-tool: warning: --exec runs its command only for deliveries whose signature verified, and there is no --secret to verify with: no delivery will run it")
		fmt.Fprintln(app.Err, "webhook-tool: hint: pass the sender's --secret, or --scheme none to run it for every delivery")
	}
	return cfg, nil
}

func hasSecret(secrets []string) bool {
	for _, s := range secrets {
		if s != "" {
			return true
		}
	}
	return false
}

// describeExec is the banner's line about --exec.
func describeExec(cfg *listener.ExecConfig) string {
	shell := "/bin/sh -c"
	if runtime.GOOS == "windows" {
		shell = "cmd /C"
	}
	which := "every verified, valid, new delivery"
	if len(cfg.On) > 0 {
		which = "deliveries matching " + strings.Join(cfg.On, " or ")
	}
	limit := "no time limit"
	if cfg.Timeout > 0 {
		limit = "killed after " + cfg.Timeout.String()
	}
	answer := "output posted to callback URLs"
	if cfg.Sender == nil {
		answer = "no callbacks (--exec-callback=false)"
	}
	return fmt.Sprintf("%s %q for %s; at most %d at a time, %s; %s",
		shell, cfg.Command, which, cfg.Concurrency, limit, answer)
}

// execSummary is the summary's part about --exec.
func execSummary(st *hookexec.Stats) string {
	posted := st.Callbacks - st.CallbackFailures
	s := fmt.Sprintf("%d %s run (%d ok, %d failed, %d timed out), %d %s posted",
		st.Runs, plural(int(st.Runs), "command", "commands"), st.OK, st.Failed, st.TimedOut,
		posted, plural(int(posted), "callback", "callbacks"))
	if st.CallbackFailures > 0 {
		s += fmt.Sprintf(" (%d more failed)", st.CallbackFailures)
	}
	if st.Refused > 0 {
		s += fmt.Sprintf(", %d refused with 503 (queue full or shutting down)", st.Refused)
	}
	if st.Killed > 0 {
		s += fmt.Sprintf(", %d killed at shutdown", st.Killed)
	}
	if st.NotRun > 0 {
		s += fmt.Sprintf(", %d not run (still queued at the drain limit)", st.NotRun)
	}
	return s
}
