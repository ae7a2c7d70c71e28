package cli

// What listen prints on stderr around the deliveries: the banner and the
// summary at Ctrl-C.

import (
	"fmt"

	"github.com/webhook-tool/webhook-tool/internal/forwardurl"
	"github.com/webhook-tool/webhook-tool/internal/listener"
	"github.com/webhook-tool/webhook-tool/internal/render"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

func printListenBanner(app *App, opts *ListenOptions, cfg listener.Config, prefix, addr string, cert *listener.ServerCert, ui string) {
	base := listenBase(cert, addr)
	pal := render.NewPalette(app.ColorErr())
	fmt.Fprintf(app.Err, "listening on %s%s\n", pal.Bold(base), prefix)
	fmt.Fprintf(app.Err, "  signatures: %s\n", describeVerification(cfg.Scheme, cfg.Secrets, cfg.ReportOnly))
	if cfg.ReportOnly && len(cfg.Secrets) == 1 {
		// The one secret a report-only listener has is the development secret.
		where := ""
		if store, err := devSecretStore(app); err == nil {
			where = store.Path() + "; "
		}
		fmt.Fprintf(app.Err, "  development secret: %s  (%s`webhook-tool secret` prints it)\n", pal.Bold(cfg.Secrets[0]), where)
	}
	if cfg.Schema != "" {
		fmt.Fprintf(app.Err, "  schema: %s\n", cfg.Schema)
	}
	if opts.Record != "" {
		fmt.Fprintf(app.Err, "  recording to %s\n", opts.Record)
	}
	if opts.ForwardTo != "" {
		// Shown without its password; the app still gets it.
		fmt.Fprintf(app.Err, "  forwarding to %s\n", forwardurl.Shown(opts.ForwardTo))
	}
	if cert != nil {
		fmt.Fprintf(app.Err, "  TLS certificate (%s) SHA-256 fingerprint %s\n", cert.Note, cert.Fingerprint)
		trust := "--insecure (the certificate is generated anew each run)"
		if opts.Cert != "" {
			trust = "--cacert " + opts.Cert
		}
		fmt.Fprintf(app.Err, "  to send to it: webhook-tool send ... %s\n", trust)
	}
	fmt.Fprintf(app.Err, "  callbacks: POST %s%swebhooks/callback/{id}\n", base, prefix)
	if cfg.Exec != nil {
		fmt.Fprintf(app.Err, "  exec: %s\n", describeExec(cfg.Exec))
	}
	if ui != "" {
		fmt.Fprintf(app.Err, "  inspector: %s\n", ui)
	}
	fmt.Fprintf(app.Err, "press Ctrl-C to stop\n")
}

// listenBase is the listener's URL without its path.
func listenBase(cert *listener.ServerCert, addr string) string {
	if cert != nil {
		return "https://" + addr
	}
	return "http://" + addr
}

// printListenSummary prints the counts at exit; dropped is the output
// lines stdout never took.
func printListenSummary(app *App, opts *ListenOptions, st listener.Stats, dropped int64) {
	pal := render.NewPalette(app.ColorErr())
	reused := ""
	if st.ReusedCallbacks > 0 {
		reused = fmt.Sprintf(" (%d to a used URL, refused)", st.ReusedCallbacks)
	}
	fmt.Fprintf(app.Err, "summary: %d %s, %d bad %s, %d invalid %s, %d %s%s, %d %s",
		st.Deliveries, plural(int(st.Deliveries), "delivery", "deliveries"),
		st.BadSignatures, plural(int(st.BadSignatures), "signature", "signatures"),
		st.InvalidPayloads, plural(int(st.InvalidPayloads), "payload", "payloads"),
		st.Callbacks, plural(int(st.Callbacks), "callback", "callbacks"), reused,
		st.Duplicates, plural(int(st.Duplicates), "duplicate", "duplicates"))
	if st.Rejected > 0 {
		fmt.Fprintf(app.Err, ", %d rejected", st.Rejected)
	}
	if opts.ForwardTo != "" {
		fmt.Fprintf(app.Err, ", %d forwarded (%d failed)", st.Forwarded, st.ForwardFailures)
	}
	if st.CutOff > 0 {
		fmt.Fprintf(app.Err, ", %d cut off at shutdown", st.CutOff)
	}
	if st.RefusedConns+st.Overloaded > 0 {
		fmt.Fprintf(app.Err, ", %d refused at the connection or body limits (503)", st.RefusedConns+st.Overloaded)
	}
	if dropped > 0 {
		fmt.Fprintf(app.Err, ", %d output lines dropped (the record has every delivery)", dropped)
	}
	if st.RecordFailures > 0 {
		fmt.Fprintf(app.Err, ", %s", pal.Red(fmt.Sprintf("%d NOT RECORDED", st.RecordFailures)))
	}
	if st.Exec != nil {
		fmt.Fprintf(app.Err, "; exec: %s", execSummary(st.Exec))
	}
	fmt.Fprintln(app.Err)
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

// bodyModes are the values of --body.
func bodyModes() []string {
	out := make([]string, len(listener.BodyModes))
	for i, m := range listener.BodyModes {
		out[i] = string(m)
	}
	return out
}
