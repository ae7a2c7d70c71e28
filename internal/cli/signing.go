package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// Helpers shared by send, sign and verify: reading a body argument, the
// --scheme and --secret flags, and signing with several secrets.

// readBody reads FILE, or standard input for "-". Errors are usage errors
// that name the file.
func readBody(app *App, path string) ([]byte, error) {
	if path == "-" {
		if app.InTTY {
			// Nobody knows to type a body: refuse rather than wait.
			return nil, usageError(errors.New("standard input is a terminal, not a body"),
				"pipe the body in, e.g. `< delivery.json`, or give a file's path")
		}
		b, err := io.ReadAll(app.In)
		if err != nil {
			return nil, usageError(fmt.Errorf("cannot read standard input: %w", err), "")
		}
		return b, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, usageError(fmt.Errorf("cannot read %s: %w", path, unwrapPathErr(err)), "")
	}
	return b, nil
}

// addSchemeFlag adds --scheme with completion of the scheme names.
func addSchemeFlag(cmd *cobra.Command, p *string, def string, withAuto bool) {
	names := schemeNames(withAuto)
	cmd.Flags().StringVar(p, "scheme", def, "signature scheme: "+strings.Join(names, "|"))
	_ = cmd.RegisterFlagCompletionFunc("scheme", cobra.FixedCompletions(names, cobra.ShellCompDirectiveNoFileComp))
}

func schemeNames(withAuto bool) []string {
	var names []string
	if withAuto {
		names = append(names, string(signature.Auto))
	}
	for _, s := range signature.Schemes() {
		names = append(names, string(s))
	}
	return names
}

// parseSignScheme reads --scheme for a command that signs: auto is not a way
// to sign.
func parseSignScheme(s string) (signature.Scheme, error) {
	scheme, err := signature.ParseScheme(s)
	switch {
	case err != nil:
		err = fmt.Errorf("unknown scheme %q", s) // the hint lists the ones that sign
	case scheme == signature.Auto:
		err = errors.New("the auto scheme only detects schemes when verifying")
	}
	if err != nil {
		return "", usageError(fmt.Errorf("invalid --scheme: %w", err), "use one of: "+strings.Join(schemeNames(false), ", "))
	}
	return scheme, nil
}

// checkSigningSecrets rejects a missing or unusable secret before anything
// is read or sent. Secrets never appear in the messages.
func checkSigningSecrets(scheme signature.Scheme, secrets []string) error {
	secrets = nonEmpty(secrets)
	if scheme == signature.None {
		return nil
	}
	if len(secrets) == 0 {
		return usageError(fmt.Errorf("the %s scheme signs with a secret, and none was given", scheme),
			"pass --secret S or set WEBHOOK_TOOL_SECRET; --scheme none sends no signature")
	}
	for i, s := range secrets {
		if err := signature.CheckSecret(scheme, s); err != nil {
			what := "--secret"
			if len(secrets) > 1 {
				what = fmt.Sprintf("--secret #%d", i+1)
			}
			return usageError(fmt.Errorf("invalid %s: %w", what, err), "")
		}
	}
	return nil
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// signHeaders signs body with every secret where the scheme can carry
// several signatures (standard: space-separated in webhook-signature; stripe:
// one v1= per secret), so a receiver rotating secrets accepts either. GitHub
// and bearer carry one, made with the first secret.
func signHeaders(scheme signature.Scheme, secrets []string, id string, ts time.Time, body []byte) ([]signature.Header, error) {
	signers, err := newSigners(scheme, secrets)
	if err != nil {
		return nil, err
	}
	return signWith(signers, id, ts, body)
}

// newSigners returns a Signer per secret that goes into the headers (see
// signHeaders): all of them for standard and stripe, the first otherwise.
func newSigners(scheme signature.Scheme, secrets []string) ([]*signature.Signer, error) {
	secrets = nonEmpty(secrets)
	if len(secrets) == 0 {
		secrets = []string{""}
	}
	if scheme != signature.Standard && scheme != signature.Stripe {
		secrets = secrets[:1]
	}
	out := make([]*signature.Signer, len(secrets))
	for i, s := range secrets {
		var err error
		if out[i], err = signature.NewSigner(scheme, s); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// signWith is signHeaders with Signers from newSigners, which a load run
// keeps from one delivery to the next.
func signWith(signers []*signature.Signer, id string, ts time.Time, body []byte) ([]signature.Header, error) {
	first, err := signers[0].Sign(id, ts, body)
	if err != nil {
		return nil, err
	}
	for _, s := range signers[1:] {
		more, err := s.Sign(id, ts, body)
		if err != nil {
			return nil, err
		}
		for i := range first {
			switch first[i].Name {
			case signature.HeaderWebhookSignature:
				first[i].Value += " " + more[i].Value
			case signature.HeaderStripeSignature:
				_, v1, _ := strings.Cut(more[i].Value, ",")
				first[i].Value += "," + v1
			}
		}
	}
	return first, nil
}

// expandHeaderFiles replaces each -H @FILE with the header lines in FILE
// (blank lines skipped), as curl does, so sign's output feeds verify and
// send directly.
func expandHeaderFiles(raw []string) ([]string, error) {
	var out []string
	for _, h := range raw {
		path, ok := strings.CutPrefix(h, "@")
		if !ok {
			out = append(out, h)
			continue
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, usageError(fmt.Errorf("cannot read %s: %w", path, unwrapPathErr(err)), "")
		}
		for line := range strings.Lines(string(b)) {
			if line = strings.TrimRight(line, "\r\n"); strings.TrimSpace(line) != "" {
				out = append(out, line)
			}
		}
	}
	return out, nil
}
