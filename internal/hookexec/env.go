package hookexec

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// The variables each run sets.
const (
	EnvID       = "WEBHOOK_ID"
	EnvSeq      = "WEBHOOK_SEQ"
	EnvSchema   = "WEBHOOK_SCHEMA"
	EnvEvent    = "WEBHOOK_EVENT"
	EnvCallback = "WEBHOOK_CALLBACK"
	EnvPath     = "WEBHOOK_PATH"
)

var runVars = []string{EnvID, EnvSeq, EnvSchema, EnvEvent, EnvCallback, EnvPath}

// minInTextSecret is the length from which a secret is looked for inside a
// variable's value; a shorter one drops only a variable that is exactly it
// (as the listener masks short secrets only as whole values).
const minInTextSecret = 6

// Environ is base (the user's environment, as os.Environ gives it) without
// what a command must not be handed: the tool's own secret settings
// (WEBHOOK_TOOL_SECRET and any other WEBHOOK_TOOL_ name with SECRET in it),
// every variable whose value holds one of secrets (or, for a whsec_ secret,
// its key), and the WEBHOOK_* names each run sets itself. Everything else,
// the user's PATH and their own API tokens included, is kept.
func Environ(base []string, secrets []string) []string {
	var long, short []string
	for _, s := range secrets {
		for _, form := range []string{s, strings.TrimPrefix(s, "whsec_")} {
			switch n := utf8.RuneCountInString(form); {
			case n == 0:
			case n < minInTextSecret:
				short = append(short, form)
			default:
				long = append(long, form)
			}
		}
	}
	out := make([]string, 0, len(base))
	for _, kv := range base {
		name, value, _ := strings.Cut(kv, "=")
		upper := strings.ToUpper(name)
		if strings.HasPrefix(upper, "WEBHOOK_TOOL_") && strings.Contains(upper, "SECRET") {
			continue
		}
		if isRunVar(upper) || holdsSecret(value, long, short) {
			continue
		}
		out = append(out, kv)
	}
	return out
}

func isRunVar(upper string) bool {
	for _, v := range runVars {
		if upper == v {
			return true
		}
	}
	return false
}

func holdsSecret(value string, long, short []string) bool {
	for _, s := range long {
		if strings.Contains(value, s) {
			return true
		}
	}
	for _, s := range short {
		if value == s {
			return true
		}
	}
	return false
}

// jobEnv is base with j's WEBHOOK_* variables added.
func jobEnv(base []string, j *Job) []string {
	env := make([]string, 0, len(base)+len(runVars))
	env = append(env, base...)
	return append(env,
		EnvID+"="+j.ID,
		EnvSeq+"="+strconv.FormatInt(j.DeliverySeq, 10),
		EnvSchema+"="+j.Schema,
		EnvEvent+"="+j.Event,
		EnvCallback+"="+j.Callback,
		EnvPath+"="+j.Path,
	)
}
