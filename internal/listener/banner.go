package listener

// What listen says on stderr around the deliveries: the banner once it is
// up, and the summary line at the end. The command prints them.

import (
	"cmp"
	"fmt"
	"runtime"
	"strings"

	"github.com/webhook-tool/webhook-tool/internal/forwardurl"
	"github.com/webhook-tool/webhook-tool/internal/hookexec"
	"github.com/webhook-tool/webhook-tool/internal/render"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// Banner is what a run says once it is up (r): where it listens, how it
// checks signatures, where it records and forwards, and how to stop it.
func (c *RunConfig) Banner(r Ready, pal *render.Palette) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("listening on %s%s", pal.Bold(r.Base), strings.TrimPrefix(r.URL, r.Base))
	if r.Public != "" {
		line("  public URL: %s (--public-url: where a vendor sends, through your tunnel)", pal.Bold(r.Public))
	}
	line("  signatures: %s", describeVerification(c.Scheme, c.Secrets, c.ReportOnly))
	if c.ReportOnly && len(c.Secrets) == 1 {
		// The one secret a report-only listener has is the development secret.
		where := ""
		if c.DevSecretAt != "" {
			where = c.DevSecretAt + "; "
		}
		line("  development secret: %s  (%s`webhook-tool secret` prints it)", pal.Bold(c.Secrets[0]), where)
	}
	if c.Schema != "" {
		line("  schema: %s", c.Schema)
	}
	if c.Record != "" {
		line("  recording to %s", c.Record)
	}
	if c.ForwardTo != "" {
		// Shown without its password; the app still gets it.
		line("  forwarding to %s", forwardurl.Shown(c.ForwardTo))
	}
	if cert := c.Cert; cert != nil {
		line("  TLS certificate (%s) SHA-256 fingerprint %s", cert.Note, cert.Fingerprint)
		trust, why := "--insecure", " (the certificate is generated anew each run)"
		if cert.File != "" {
			trust, why = "--cacert "+cert.File, ""
		}
		if cert.ClientCA != "" {
			line("  client certificates: required, issued by the CA in %s (mutual TLS)", cert.ClientCA)
			trust += " --cert CLIENT.pem --key CLIENT-KEY.pem"
		}
		line("  to send to it: webhook-tool send ... %s%s", trust, why)
	}
	line("  callbacks: POST %swebhooks/callback/{id}", cmp.Or(r.Public, r.URL))
	if c.Exec != nil {
		line("  exec: %s", c.Exec.describe())
	}
	switch {
	case r.UIErr != nil:
		line("  inspector: not started: %v (choose one with --ui HOST:PORT)", r.UIErr)
	case r.UI != "":
		line("  inspector: %s (%s)", pal.Bold(r.UI), r.UIHolds)
	}
	line("press Ctrl-C to stop")
	return b.String()
}

func describeVerification(scheme signature.Scheme, secrets []string, dev bool) string {
	n := 0
	for _, s := range secrets {
		if s != "" {
			n++
		}
	}
	switch {
	case scheme == signature.None:
		return "none expected (--scheme none)"
	case n == 0:
		return "reported, not checked (no --secret); scheme " + string(scheme)
	case dev:
		return "checked with the development secret and reported, never refused (--secret refuses bad ones with 401); scheme " + string(scheme)
	}
	return fmt.Sprintf("checked, scheme %s, %d %s", scheme, n, plural(n, "secret", "secrets"))
}

// describe is the banner's line about --exec.
func (e *ExecConfig) describe() string {
	shell := "/bin/sh -c"
	if runtime.GOOS == "windows" {
		shell = "cmd /C"
	}
	which := "every verified, valid, new delivery"
	if len(e.On) > 0 {
		which = "deliveries matching " + strings.Join(e.On, " or ")
	}
	limit := "no time limit"
	if e.Timeout > 0 {
		limit = "killed after " + e.Timeout.String()
	}
	answer := "output posted to callback URLs"
	if e.Sender == nil {
		answer = "no callbacks (--exec-callback=false)"
	}
	return fmt.Sprintf("%s %q for %s; at most %d at a time, %s; %s",
		shell, e.Command, which, e.Concurrency, limit, answer)
}

// Line is the summary line, without its newline: the counts, the output
// lines dropped, and what --exec did.
func (s Summary) Line(pal *render.Palette) string {
	var b strings.Builder
	reused := ""
	if s.ReusedCallbacks > 0 {
		reused = fmt.Sprintf(" (%d to a used URL, refused)", s.ReusedCallbacks)
	}
	fmt.Fprintf(&b, "summary: %d %s, %d bad %s, %d invalid %s, %d %s%s, %d %s",
		s.Deliveries, plural(int(s.Deliveries), "delivery", "deliveries"),
		s.BadSignatures, plural(int(s.BadSignatures), "signature", "signatures"),
		s.InvalidPayloads, plural(int(s.InvalidPayloads), "payload", "payloads"),
		s.Callbacks, plural(int(s.Callbacks), "callback", "callbacks"), reused,
		s.Duplicates, plural(int(s.Duplicates), "duplicate", "duplicates"))
	if s.Rejected > 0 {
		fmt.Fprintf(&b, ", %d rejected", s.Rejected)
	}
	if s.Forwarding {
		fmt.Fprintf(&b, ", %d forwarded (%d failed)", s.Forwarded, s.ForwardFailures)
	}
	if s.CutOff > 0 {
		fmt.Fprintf(&b, ", %d cut off at shutdown", s.CutOff)
	}
	if s.RefusedConns+s.Overloaded > 0 {
		fmt.Fprintf(&b, ", %d refused at the connection or body limits (503)", s.RefusedConns+s.Overloaded)
	}
	if s.Dropped > 0 {
		fmt.Fprintf(&b, ", %d output lines dropped (the record has every delivery)", s.Dropped)
	}
	if s.RecordFailures > 0 {
		fmt.Fprintf(&b, ", %s", pal.Red(fmt.Sprintf("%d NOT RECORDED", s.RecordFailures)))
	}
	if s.Exec != nil {
		fmt.Fprintf(&b, "; exec: %s", execSummary(s.Exec))
	}
	return b.String()
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
