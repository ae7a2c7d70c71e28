package cli

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/webhook-tool/webhook-tool/internal/listener"
)

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
