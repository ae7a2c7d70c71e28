package cli

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/webhook-tool/webhook-tool/internal/listener"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// Checks of listen's flags that need no listener: the shape of --body and
// --addr, and which secrets can verify.

// checkListenShape checks --body, and --addr as people type it: a port
// alone is 127.0.0.1:PORT (opts.Addr is rewritten so), a host without a
// port or a URL is refused with the HOST:PORT meant, and an address on
// every interface is taken with a warning.
func checkListenShape(app *App, opts *ListenOptions) error {
	if opts.Body == "" {
		opts.Body = string(listener.BodyCompact)
	}
	if !slices.Contains(bodyModes(), opts.Body) {
		return usageError(fmt.Errorf("unknown --body %q", opts.Body), "use one of: "+strings.Join(bodyModes(), ", "))
	}
	addr, err := listener.ParseAddr(opts.Addr)
	var ae *listener.AddrError
	if errors.As(err, &ae) {
		hint := "give HOST:PORT, e.g. --addr " + listener.DefaultAddr + " (or a port alone: --addr 8080)"
		if ae.Suggest != "" {
			hint = "did you mean --addr " + ae.Suggest + "?"
		}
		return usageError(err, hint)
	}
	if addr.AllInterfaces {
		fmt.Fprintf(app.Err, "webhook-tool: warning: --addr %s listens on every network interface: other machines can send to it (--addr 127.0.0.1:PORT keeps it on this one)\n", opts.Addr)
	}
	opts.Addr = addr.HostPort // "8080" is 127.0.0.1:8080 from here on
	return nil
}

// checkListenSecrets rejects combinations that could never verify anything,
// and secrets the scheme cannot use, before the first delivery arrives.
func checkListenSecrets(scheme signature.Scheme, secrets []string) error {
	var nonEmpty []string
	for _, s := range secrets {
		if s != "" {
			nonEmpty = append(nonEmpty, s)
		}
	}
	switch {
	case scheme == signature.None && len(nonEmpty) > 0:
		return usageErrorf("--scheme none checks no signature, yet a --secret is given: drop --secret, or choose the sender's scheme (or auto)")
	case scheme != signature.None && scheme != signature.Auto && len(nonEmpty) == 0:
		return usageError(fmt.Errorf("--scheme %s needs a --secret to verify with", scheme),
			"pass --secret (or WEBHOOK_TOOL_SECRET), or use --scheme auto to only report signatures")
	}
	for i, s := range nonEmpty {
		check := scheme
		if scheme == signature.Auto {
			if !strings.HasPrefix(s, "whsec_") {
				continue
			}
			check = signature.Standard
		}
		if err := signature.CheckSecret(check, s); err != nil {
			label := "--secret"
			if len(nonEmpty) > 1 {
				label = fmt.Sprintf("--secret %d of %d", i+1, len(nonEmpty))
			}
			return usageError(fmt.Errorf("%s: %w", label, err), "")
		}
	}
	return nil
}
