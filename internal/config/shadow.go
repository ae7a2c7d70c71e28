package config

import "github.com/spf13/pflag"

// Value is one configured value and where it is configured.
type Value struct {
	Source string // "WEBHOOK_TOOL_SECRET" or "config file PATH"
	Value  string
}

// Shadowed returns the values the environment and the config file hold for
// flag name that Apply did not use, because a source with precedence set the
// flag: a --secret on the command line shadows WEBHOOK_TOOL_SECRET and the
// file's secret. The signature doctor tries these when no secret matches, as
// the secret of another environment. Call it after Apply, with its options.
func Shadowed(opts Options, fs *pflag.FlagSet, name string) ([]Value, error) {
	f := fs.Lookup(name)
	if f == nil {
		return nil, nil
	}
	src := Source(f)
	var out []Value
	envName := EnvName(name)
	if f.Changed && src == "" { // from the command line
		if val := opts.Getenv(envName); val != "" {
			out = append(out, Value{envName, val})
		}
	}
	if (f.Changed && src == "") || src == envName {
		v, err := readFile(opts)
		if err != nil || v == nil || !v.IsSet(name) {
			return out, err
		}
		vals, err := fileValues(v.Get(name))
		if err != nil {
			return out, err
		}
		for _, val := range vals {
			out = append(out, Value{"config file " + opts.File, val})
		}
	}
	return out, nil
}
