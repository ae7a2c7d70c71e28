package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// Helpers shared by send, sign and verify: reading a body argument and the
// --scheme and --secret flags.

// readBody reads FILE, or standard input for "-". Errors are usage errors
// that name the file.
func readBody(app *App, path string) ([]byte, error) {
	if path == "-" {
		if app.InTTY {
			// Nobody knows to type a body: refuse rather than wait.
			return nil, usageError(errors.New("standard input is a terminal, not a body"),
				"pipe the body in, e.g. `< delivery.json`, or give a file's path")
		}
		b, err := readInput(app, "-")
		if err != nil {
			return nil, usageError(fmt.Errorf("cannot read standard input: %w", err), inputHint(err))
		}
		return b, nil
	}
	b, err := readInput(app, path)
	if err != nil {
		return nil, usageError(fmt.Errorf("cannot read %s: %w", path, unwrapPathErr(err)), inputHint(err))
	}
	return b, nil
}

// addSchemeFlag adds --scheme with completion of the scheme names.
func addSchemeFlag(cmd *cobra.Command, p *string, def string, withAuto bool) {
	names := schemeNames(withAuto)
	cmd.Flags().StringVar(p, "scheme", def, "signature `SCHEME`: "+strings.Join(names, "|"))
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

// signingFlags checks a signing command's --scheme and --secret (see
// parseSignScheme and signingSecrets): the scheme to sign in and the
// secrets to sign with, the development secret when none is given.
func signingFlags(app *App, scheme string, given []string) (signature.Scheme, []string, error) {
	s, err := parseSignScheme(scheme)
	if err != nil {
		return "", nil, err
	}
	secrets, err := signingSecrets(app, s, given)
	if err != nil {
		return "", nil, err
	}
	return s, secrets, nil
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

// signingSecrets returns the secrets to sign with under scheme: the given
// ones, else the development secret (see secretsFor). A missing or unusable
// secret is refused before anything is read or sent; secrets never appear
// in the messages.
func signingSecrets(app *App, scheme signature.Scheme, given []string) ([]string, error) {
	secrets, _, err := secretsFor(app, given, scheme != signature.None)
	if err != nil || scheme == signature.None {
		return secrets, err
	}
	for i, s := range secrets {
		if err := signature.CheckSigningSecret(scheme, s); err != nil {
			what := "--secret"
			if len(secrets) > 1 {
				what = fmt.Sprintf("--secret #%d", i+1)
			}
			return nil, usageError(fmt.Errorf("invalid %s: %w", what, err), signingKeyHint(err))
		}
	}
	return secrets, nil
}

// signingKeyHint is the hint for a secret a signing command cannot sign
// with: a whpk_ public key, which only checks.
func signingKeyHint(err error) string {
	if errors.Is(err, signature.ErrPublicKey) {
		return "sign with the whsk_ signing key of the pair (`webhook-tool secret --ed25519` prints both); the whpk_ key is the receiver's, for listen and verify"
	}
	return ""
}

// checkSigningSecrets is signingSecrets' check for a command that picks its
// scheme per delivery (replay with --scheme auto): a whpk_ key can sign
// under none, so it is refused whatever the scheme turns out to be.
func checkSigningSecrets(scheme signature.Scheme, secrets []string) error {
	for _, s := range secrets {
		check := scheme
		if check == signature.Auto && signature.KindOf(s) == signature.PublicKey {
			check = signature.Standard
		}
		if check == signature.Auto {
			continue
		}
		if err := signature.CheckSigningSecret(check, s); err != nil {
			return usageError(fmt.Errorf("--secret: %w", err), signingKeyHint(err))
		}
	}
	return nil
}
