package listener

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/delivery"
	"github.com/webhook-tool/webhook-tool/internal/expect"
	"github.com/webhook-tool/webhook-tool/internal/hookexec"
	"github.com/webhook-tool/webhook-tool/internal/input"
	"github.com/webhook-tool/webhook-tool/internal/payload"
	"github.com/webhook-tool/webhook-tool/internal/render"
	"github.com/webhook-tool/webhook-tool/internal/respond"
	"github.com/webhook-tool/webhook-tool/internal/route"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// Checks of listen's settings before a run, each saying what to fix.

// InputError is a setting listen cannot use as given, or something it
// names that cannot be had (an address in use, a record file that cannot
// be opened): the command's usage error. Hint, when set, says how to fix
// it.
type InputError struct {
	Err  error
	Hint string
}

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

func inputErrorf(hint, format string, args ...any) *InputError {
	return &InputError{Err: fmt.Errorf(format, args...), Hint: hint}
}

// RunError is a run that failed (the command's exit 1), Hint saying what
// to look at.
type RunError struct {
	Err  error
	Hint string
}

func (e *RunError) Error() string { return e.Err.Error() }
func (e *RunError) Unwrap() error { return e.Err }

// Outputs are the values of --output.
var Outputs = []string{string(Pretty), string(JSON), string(Quiet)}

// ParseOutput reads an --output value: "" is pretty on a terminal (tty)
// and json otherwise, and "text", what the other commands call their human
// output, is pretty, so one "output: text" in a shared config file works
// here too.
func ParseOutput(s string, tty bool) (Output, error) {
	switch {
	case s == "" && tty, s == "text":
		return Pretty, nil
	case s == "":
		return JSON, nil
	case !slices.Contains(Outputs, s):
		return "", inputErrorf("use one of: "+strings.Join(Outputs, ", "), "unknown --output format %q", s)
	}
	return Output(s), nil
}

// View is how a run shows deliveries, and the largest body it takes.
type View struct {
	Output  Output
	Body    Body
	MaxBody int64
}

// ParseView reads --output (ParseOutput), --body (ParseBody) and
// --max-body.
func ParseView(output, body, maxBody string, tty bool) (View, error) {
	var v View
	var err error
	if v.Output, err = ParseOutput(output, tty); err != nil {
		return v, err
	}
	if v.Body, err = ParseBody(body); err != nil {
		return v, err
	}
	if v.MaxBody, err = input.ParseSize(maxBody); err != nil {
		return v, inputErrorf("", "invalid --max-body %q: %w", maxBody, err)
	}
	return v, nil
}

// ParseBody reads a --body value ("" is BodyCompact).
func ParseBody(s string) (Body, error) {
	if s == "" {
		return BodyCompact, nil
	}
	if !slices.Contains(BodyModes, Body(s)) {
		return "", inputErrorf("use one of: "+strings.Join(BodyNames(), ", "), "unknown --body %q", s)
	}
	return Body(s), nil
}

// BodyNames are the values of --body.
func BodyNames() []string {
	out := make([]string, len(BodyModes))
	for i, m := range BodyModes {
		out[i] = string(m)
	}
	return out
}

// CheckAddr reads --addr as people type it and returns HOST:PORT: a port
// alone is 127.0.0.1:PORT, a host without a port or a URL is refused with
// the HOST:PORT meant, and an address on every interface is taken with a
// warning.
func CheckAddr(diag *render.Diag, s string) (string, error) {
	addr, err := ParseAddr(s)
	var ae *AddrError
	if errors.As(err, &ae) {
		hint := "give HOST:PORT, e.g. --addr " + DefaultAddr + " (or a port alone: --addr 8080)"
		if ae.Suggest != "" {
			hint = "did you mean --addr " + ae.Suggest + "?"
		}
		return "", &InputError{Err: err, Hint: hint}
	}
	if addr.AllInterfaces {
		diag.Warnf("--addr %s listens on every network interface: other machines can send to it (--addr 127.0.0.1:PORT keeps it on this one)", s)
	}
	return addr.HostPort, nil
}

// CheckSecrets rejects combinations that could never verify anything, and
// secrets the scheme cannot use, before the first delivery arrives.
func CheckSecrets(scheme signature.Scheme, secrets []string) error {
	var nonEmpty []string
	for _, s := range secrets {
		if s != "" {
			nonEmpty = append(nonEmpty, s)
		}
	}
	switch {
	case scheme == signature.None && len(nonEmpty) > 0:
		return inputErrorf("", "--scheme none checks no signature, yet a --secret is given: drop --secret, or choose the sender's scheme (or auto)")
	case scheme != signature.None && scheme != signature.Auto && len(nonEmpty) == 0:
		return inputErrorf("pass --secret (or WEBHOOK_TOOL_SECRET), or use --scheme auto to only report signatures",
			"--scheme %s needs a --secret to verify with", scheme)
	}
	for i, s := range nonEmpty {
		check := scheme
		if scheme == signature.Auto {
			// Only a Standard Webhooks secret or key says what it is.
			if !strings.HasPrefix(s, "whsec_") && signature.KindOf(s) == signature.HMACSecret {
				continue
			}
			check = signature.Standard
		}
		if err := signature.CheckSecret(check, s); err != nil {
			label := "--secret"
			if len(nonEmpty) > 1 {
				label = fmt.Sprintf("--secret %d of %d", i+1, len(nonEmpty))
			}
			return inputErrorf("", "%s: %w", label, err)
		}
	}
	return nil
}

// Check checks the answer's status, the signatures' tolerance and the
// --forward-to URL.
func (c *Config) Check() error {
	if c.Status < 200 || c.Status > 599 {
		// 1xx are interim answers: net/http sends them and then a 200.
		return inputErrorf("", "bad --status %d: give a final HTTP status, 200 to 599", c.Status)
	}
	if c.Tolerance < 0 {
		return inputErrorf("", "bad --tolerance %s: it cannot be negative", c.Tolerance)
	}
	if c.ForwardTo != "" {
		return checkForwardURL(c.ForwardTo)
	}
	return nil
}

// checkForwardURL checks a --forward-to URL: absolute http or https with
// a host.
func checkForwardURL(raw string) error {
	if _, err := delivery.CheckURL(raw); err != nil {
		shown := raw // as typed, unless it parses: then without its password
		if u, perr := url.Parse(shown); perr == nil {
			shown = u.Redacted()
		}
		hint := "give your app's full URL, e.g. http://localhost:3000/webhooks"
		if withHTTP, ok := delivery.WithoutScheme(raw); ok {
			hint = "did you mean --forward-to " + withHTTP + "?"
		}
		return inputErrorf(hint, "invalid --forward-to URL %q: %w", shown, err)
	}
	return nil
}

// parseTargets reads the --forward-to values: a URL, then optional
// event=, schema= and path= filters (route.ParseTarget).
func parseTargets(values []string) ([]route.Target, error) {
	var out []route.Target
	for _, v := range values {
		words, err := route.SplitWords(v)
		if err == nil && len(words) > 0 {
			if err := checkForwardURL(words[0]); err != nil {
				return nil, err
			}
		}
		t, err := route.ParseTarget(v)
		var re *route.Error
		if errors.As(err, &re) {
			where := ""
			if len(words) > 0 {
				where = " " + route.Shown(words[0])
			}
			return nil, inputErrorf(re.Hint, "invalid --forward-to%s: %s", where, re.Msg)
		} else if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// ExecFlags are listen's --exec flags as given.
type ExecFlags struct {
	Command     string
	Given       bool // --exec was given: an empty one is a mistake, not none
	On          []string
	Timeout     time.Duration // 0: no limit
	Concurrency int
	Callback    bool // post a command's output to its delivery's callback URL
}

// MaxExecConcurrency keeps --exec-concurrency to what one machine runs.
const MaxExecConcurrency = 256

// SetExec checks the --exec flags and sets c.Exec from them (nil without
// --exec): base (its environment, clock and callback sender, the sender
// dropped unless f.Callback) with the command, its filters (checked
// against reg's schema and event names), its time limit and concurrency.
// An --exec no delivery can run (no secret to verify with) is a warning
// on c.Diag: c.Scheme and c.Secrets are set first.
func (c *Config) SetExec(f ExecFlags, reg *payload.Registry, base hookexec.Config) error {
	c.Exec = nil
	if !f.Given {
		if len(f.On) > 0 {
			return &InputError{Err: errors.New("--exec-on filters the deliveries --exec runs its command for, and there is no --exec"),
				Hint: "add --exec 'COMMAND'"}
		}
		return nil
	}
	if strings.TrimSpace(f.Command) == "" {
		return &InputError{Err: errors.New("--exec is empty"), Hint: "give the command line to run, e.g. --exec './provision.sh'"}
	}
	if f.Concurrency < 1 || f.Concurrency > MaxExecConcurrency {
		return inputErrorf("", "bad --exec-concurrency %d: it is 1 to %d", f.Concurrency, MaxExecConcurrency)
	}
	if f.Timeout < 0 {
		return inputErrorf("use 0 for no limit", "bad --exec-timeout %s: it cannot be negative", f.Timeout)
	}
	if err := hookexec.CheckFilters(f.On, reg.Names(), reg); err != nil {
		var fe *hookexec.FilterError
		if errors.As(err, &fe) {
			return &InputError{Err: err, Hint: fe.Hint}
		}
		return &InputError{Err: err}
	}
	timeout := f.Timeout
	if timeout == 0 {
		timeout = -1 // hookexec's "no limit"
	}
	base.Command, base.Timeout, base.Concurrency = f.Command, timeout, f.Concurrency
	if !f.Callback {
		base.Sender = nil
	}
	c.Exec = &ExecConfig{Config: base, On: f.On}
	if c.Scheme != signature.None && !slices.ContainsFunc(c.Secrets, func(s string) bool { return s != "" }) {
		c.Diag.Warnf("--exec runs its command only for deliveries whose signature verified, and there is no --secret to verify with: no delivery will run it")
		c.Diag.Hintf("pass the sender's --secret, or --scheme none to run it for every delivery")
	}
	return nil
}

// LoadCert is the certificate --tls, --cert and --key ask for, or nil for
// plain HTTP; a self-signed one is made for addr's host too. A --cert that
// has expired is taken, with a warning. clientCA, the --client-ca file,
// implies TLS, and makes the server require client certificates that a CA
// in it issued.
func LoadCert(diag *render.Diag, tls bool, certFile, keyFile, clientCA, addr string, now time.Time) (*ServerCert, error) {
	if !tls && certFile == "" && keyFile == "" && clientCA == "" {
		return nil, nil
	}
	if (certFile == "") != (keyFile == "") {
		return nil, inputErrorf("", "--cert and --key go together: give both, or neither for a self-signed certificate")
	}
	host, _, _ := net.SplitHostPort(addr)
	cert, err := LoadServerCert(certFile, keyFile, host, now)
	var le *CertLoadError
	switch {
	case errors.As(err, &le):
		return nil, &InputError{Err: err, Hint: "both files must be PEM, the key matching the certificate"}
	case err != nil:
		return nil, err
	}
	if certFile != "" && now.After(cert.NotAfter) {
		diag.Warnf("%s expired on %s", certFile, cert.NotAfter.Format(time.DateOnly))
	}
	if clientCA != "" {
		if err := cert.RequireClientCerts(clientCA); err != nil {
			return nil, &InputError{Err: err, Hint: "give the PEM certificate of the CA that issues the senders' client certificates"}
		}
	}
	return cert, nil
}

// ProgramFlags are the flags that program listen's answers and its end, as
// given: the response rules, routes, --events and --expect
// (`webhook-tool help responses`).
type ProgramFlags struct {
	ForwardTo      []string      // --forward-to: URL [event=GLOB] [schema=GLOB] [path=GLOB]
	ForwardTimeout time.Duration // 0: the forward client's (30s)
	Respond        []string      // --respond: rules files and inline rules, in order
	Seed           uint64
	SeedGiven      bool // --seed was given; otherwise one is picked
	Events         []string
	Expect         []string
	Within         time.Duration
}

// SetProgram checks c's answer (Check), then the program flags, and sets
// c's Targets, ForwardTimeout, Rules, Seed, Events, Expect and Within from
// them. A rules
// file or an inline rule with a mistake is an *InputError naming its file
// and line (or the --respond value).
func (c *RunConfig) SetProgram(f ProgramFlags) error {
	if err := c.Check(); err != nil {
		return err
	}
	var err error
	if c.Targets, err = parseTargets(f.ForwardTo); err != nil {
		return err
	}
	if f.ForwardTimeout < 0 {
		return inputErrorf("give how long all the targets of a delivery may take together, e.g. --forward-timeout 30s", "bad --forward-timeout %s: it cannot be negative", f.ForwardTimeout)
	}
	c.ForwardTimeout = f.ForwardTimeout
	c.Seed = f.Seed
	if !f.SeedGiven {
		c.Seed = rand.Uint64N(1_000_000_000) // short enough to retype
	}
	rules, err := respond.Load(f.Respond, nil)
	var re *respond.Error
	if errors.As(err, &re) {
		return &InputError{Err: errors.New(re.Error()), Hint: re.Hint}
	} else if err != nil {
		return err
	}
	c.Rules = nil
	if len(rules) > 0 {
		c.Rules = respond.New(rules, c.Seed)
	}
	if c.Events, err = route.ParseEvents(f.Events); err != nil {
		return routeError(err)
	}
	if c.Expect, err = expect.ParseSpecs(f.Expect); err != nil {
		var ee *expect.Error
		if errors.As(err, &ee) {
			return &InputError{Err: err, Hint: ee.Hint}
		}
		return err
	}
	switch {
	case f.Within < 0:
		return inputErrorf("", "bad --within %s: it cannot be negative", f.Within)
	case f.Within > 0 && len(c.Expect) == 0:
		return inputErrorf("add --expect 3 (or --expect EVENT=N, --expect callback=N)", "--within bounds how long listen waits for --expect, and there is no --expect")
	}
	c.Within = f.Within
	return nil
}

// routeError is a route error as an *InputError with its hint.
func routeError(err error) error {
	var e *route.Error
	if errors.As(err, &e) {
		return &InputError{Err: err, Hint: e.Hint}
	}
	return err
}
