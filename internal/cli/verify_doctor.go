package cli

import (
	"fmt"
	"io"
	"net/http"
	"slices"

	"github.com/spf13/cobra"

	"github.com/webhook-tool/webhook-tool/internal/config"
	"github.com/webhook-tool/webhook-tool/internal/render"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// doctorOptions is how verify checks and, on a failure, diagnoses.
type doctorOptions struct {
	signature.DiagnoseOptions
	verifier *signature.Verifier // made from DiagnoseOptions.VerifyOptions, once for every delivery checked
	explain  bool                // --explain: keep every candidate tried
}

// doctorFindings is the signature doctor's part of a verdict.
type doctorFindings struct {
	Diagnosis *signature.Diagnosis  `json:"diagnosis,omitempty"`
	Tried     []signature.Candidate `json:"tried,omitempty"`   // --explain
	Repeats   int                   `json:"repeats,omitempty"` // --explain: candidates that gave bytes already tried
	explain   bool
	kind      signature.FailureKind
}

// diagnose asks the signature doctor about a failed result; a valid one is
// left alone.
func (do doctorOptions) diagnose(h http.Header, body []byte, res signature.Result) doctorFindings {
	f := doctorFindings{explain: do.explain, kind: res.Kind}
	if res.Valid {
		return f
	}
	rep := signature.Diagnose(do.DiagnoseOptions, h, body, res)
	f.Diagnosis = rep.Diagnosis
	if do.explain {
		f.Tried, f.Repeats = rep.Tried, rep.Repeats
	}
	return f
}

func likelyCause(d *signature.Diagnosis) string {
	return "likely cause (" + string(d.Cause) + "): " + d.Detail
}

// writeFindings prints the candidates tried (--explain) and, for a record
// line, the likely cause; a single request's cause is its error's hint.
func writeFindings(w io.Writer, f doctorFindings, prefix string) {
	if f.explain {
		for _, c := range f.Tried {
			cause := ""
			if c.Cause != "" {
				cause = " " + string(c.Cause)
			}
			fmt.Fprintf(w, "%stried %s%s: %s: %s\n", prefix, c.Scheme, cause, c.Change, c.Outcome)
		}
		switch {
		case f.Repeats > 0:
			fmt.Fprintf(w, "%s%d more %s gave bytes already tried\n", prefix, f.Repeats, plural(f.Repeats, "candidate", "candidates"))
		case len(f.Tried) > 0:
		case f.kind == signature.NoFailure:
			fmt.Fprintf(w, "%snothing to diagnose: the signature is valid\n", prefix)
		default:
			fmt.Fprintf(w, "%snothing to try: no change explains a %s failure\n", prefix, f.kind)
		}
	}
	if f.Diagnosis != nil && prefix != "" {
		fmt.Fprintf(w, "%s%s\n", prefix, likelyCause(f.Diagnosis))
	}
}

// otherSecrets are the secrets the environment or the config file hold
// that a --secret flag (or the environment) overrode: a sender may still use
// one of them, and the doctor names it without printing it.
func otherSecrets(app *App) []signature.NamedSecret {
	others := app.shadowedSecrets
	if store, err := devSecretStore(app); err == nil {
		// Read when a diagnosis needs it: a send may make it after a
		// listen has started. It is never made here.
		others = append(slices.Clip(others), signature.NamedSecret{Name: "the development secret", Load: store.Existing, Fix: devSecretFix})
	}
	return others
}

// devSecretFix is what to do when a delivery was signed with the
// development secret and checked with another: the sender (send, replay,
// probe, scenario run) used it for want of --secret.
const devSecretFix = "a sender without --secret uses it; send with the receiver's (send --secret ...), or run listen without --secret"

// shadowedSecrets names the secrets config.Shadowed finds for cmd's
// --secret, by where they are configured and never by value.
func shadowedSecrets(opts config.Options, cmd *cobra.Command) []signature.NamedSecret {
	vals, err := config.Shadowed(opts, cmd.Flags(), "secret")
	if err != nil {
		return nil // Apply has read the same file: this cannot fail in a way worth reporting
	}
	count := map[string]int{}
	for _, v := range vals {
		count[v.Source]++
	}
	var out []signature.NamedSecret
	seen := map[string]int{}
	for _, v := range vals {
		seen[v.Source]++
		name := "the secret in " + v.Source
		if count[v.Source] > 1 {
			name = fmt.Sprintf("secret %d in %s", seen[v.Source], v.Source)
		}
		out = append(out, signature.NamedSecret{Name: name, Value: v.Value})
	}
	return out
}

// warnSigningKeys says when a whsk_ signing key is given to check
// signatures: it works (its public key follows from it), but a receiver
// needs only the public key, and holding the signing key lets it forge
// deliveries. The warning names the whpk_ key to use instead, never the
// whsk_ one.
func warnSigningKeys(app *App, secrets []string) {
	diag := render.NewDiag(app.Err)
	for i, s := range secrets {
		if signature.KindOf(s) != signature.SigningKey {
			continue
		}
		pub, err := signature.PublicKeyOf(s)
		if err != nil {
			continue // Verify reports it, as an invalid secret
		}
		what := "--secret"
		if len(secrets) > 1 {
			what = fmt.Sprintf("--secret #%d", i+1)
		}
		diag.Warnf("%s is a whsk_ signing key: it checks v1a signatures through its public key, but a receiver needs only that public key, %s; keep the signing key with the sender", what, pub)
	}
}
