// Package config is the only user of viper: it fills every flag the user did
// not set from the environment (WEBHOOK_TOOL_<FLAG>) or the config file, so
// the precedence is flag > environment > config file > default. Commands read
// their typed options from the flags and never see where a value came from.
package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cast"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"

	"github.com/webhook-tool/webhook-tool/internal/suggest"
)

// EnvPrefix starts every environment variable the tool reads.
const EnvPrefix = "WEBHOOK_TOOL_"

// EnvName is the environment variable for a flag: max-body -> WEBHOOK_TOOL_MAX_BODY.
func EnvName(flag string) string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// DefaultPath is $XDG_CONFIG_HOME/webhook-tool/config.yaml, falling back to
// ~/.config when XDG_CONFIG_HOME is unset, as the XDG spec says.
func DefaultPath(getenv func(string) string) string {
	dir := getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home := getenv("HOME")
		if home == "" {
			if h, err := os.UserHomeDir(); err == nil {
				home = h
			}
		}
		if home == "" {
			return ""
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "webhook-tool", "config.yaml")
}

// Error is a configuration problem: a config file that cannot be read or
// parsed, or a value that does not fit its flag. It names where the value came from.
type Error struct {
	Source string // "config file /path" or "WEBHOOK_TOOL_X"
	Err    error
}

func (e *Error) Error() string { return e.Source + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Options says where configuration comes from.
type Options struct {
	// File is the config file. Explicit files must exist; the default one is
	// read only when it exists.
	File     string
	Explicit bool
	Getenv   func(string) string
	// Skip names flags that are never configured (config itself, help).
	Skip []string
	// Known lists every flag of every command (called only when there is a
	// file): a file key that is none of them is a typo or a leftover,
	// reported through Warn and otherwise ignored. The file is shared by all
	// commands, so a key another command takes is not reported.
	Known func() []string
	Warn  func(msg string)
	// Aliases are file keys that set a flag of another name: a list
	// flag reads better in the plural ("profiles:" sets --profile).
	Aliases map[string]string
}

// Apply sets each flag in sets that the user did not set on the command line
// from the environment, else from the config file. Keys in the file are flag
// names (`secret`, `max-body`, `schema-dir`); list flags take YAML lists.
func Apply(opts Options, sets ...*pflag.FlagSet) error {
	v, err := readFile(opts)
	if err != nil {
		return err
	}
	if v != nil && opts.Warn != nil && opts.Known != nil {
		for _, msg := range unknownKeys(v, knownKeys(opts)) {
			opts.Warn("config file " + opts.File + ": " + msg)
		}
	}
	skip := map[string]bool{"help": true}
	for _, s := range opts.Skip {
		skip[s] = true
	}
	var firstErr error
	for _, fs := range sets {
		fs.VisitAll(func(f *pflag.Flag) {
			if firstErr != nil || f.Changed || skip[f.Name] {
				return
			}
			if val := opts.Getenv(EnvName(f.Name)); val != "" {
				if err := set(f, []string{val}); err != nil {
					firstErr = &Error{Source: EnvName(f.Name), Err: err}
				}
				markSource(f, EnvName(f.Name))
				return
			}
			if key := fileKey(v, f.Name, opts.Aliases); key != "" {
				vals, err := fileValues(v.Get(key))
				if err == nil {
					err = set(f, vals)
				}
				if err != nil {
					firstErr = &Error{Source: "config file " + opts.File, Err: fmt.Errorf("%s: %w", key, err)}
				}
				markSource(f, "config file "+opts.File)
			}
		})
	}
	return firstErr
}

// SourceAnnotation is the pflag annotation Apply puts on each flag it sets:
// where the value came from ("WEBHOOK_TOOL_COUNT", "config file PATH"), so a
// command that rejects the value can say where to fix it.
const SourceAnnotation = "webhook-tool/source"

func markSource(f *pflag.Flag, source string) {
	if f.Annotations == nil {
		f.Annotations = map[string][]string{}
	}
	f.Annotations[SourceAnnotation] = []string{source}
}

// Source returns where Apply took f's value from, or "" when it did not set
// it (a default, or the command line).
func Source(f *pflag.Flag) string {
	if src := f.Annotations[SourceAnnotation]; len(src) == 1 {
		return src[0]
	}
	return ""
}

// fileValues turns a YAML value into flag strings: a list gives one string per
// element, a scalar one string.
func fileValues(raw any) ([]string, error) {
	switch x := raw.(type) {
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, err := cast.ToStringE(e)
			if err != nil {
				return nil, fmt.Errorf("list element %v is not a scalar", e)
			}
			out = append(out, s)
		}
		return out, nil
	case map[string]any:
		return nil, errors.New("expected a value or a list, got a mapping")
	case nil:
		return nil, nil
	default:
		s, err := cast.ToStringE(x)
		if err != nil {
			return nil, err
		}
		return []string{s}, nil
	}
}

// set assigns vals to f as if given on the command line, replacing the
// default of list flags rather than appending to it.
func set(f *pflag.Flag, vals []string) error {
	if sv, ok := f.Value.(pflag.SliceValue); ok {
		return sv.Replace(vals)
	}
	if len(vals) == 0 {
		return nil
	}
	if len(vals) > 1 {
		return fmt.Errorf("takes one value, got a list of %d", len(vals))
	}
	if err := f.Value.Set(vals[0]); err != nil {
		if want, ok := flagTypeNames[f.Value.Type()]; ok {
			// strconv's "parsing ...: invalid syntax" says less than this.
			return fmt.Errorf("invalid value %q: want %s", vals[0], want)
		}
		return fmt.Errorf("invalid value %q: %w", vals[0], err)
	}
	return nil
}

// Want says in words what a flag of pflag type typ accepts ("a whole
// number"), or "" for types whose own errors say it.
func Want(typ string) string { return flagTypeNames[typ] }

// flagTypeNames says in words what a flag of each pflag type accepts.
var flagTypeNames = map[string]string{
	"bool":     "true or false",
	"int":      "a whole number",
	"int64":    "a whole number",
	"uint":     "a whole number of 0 or more",
	"uint64":   "a whole number of 0 or more",
	"float64":  "a number",
	"duration": "a duration such as 30s, 5m or 1h",
}

// unknownKeys describes each top-level key of the file that names no flag,
// in sorted order, with the flag it was probably meant to be.
func unknownKeys(v *viper.Viper, known []string) []string {
	isKnown := make(map[string]bool, len(known))
	for _, k := range known {
		isKnown[k] = true
	}
	keys := make([]string, 0)
	for k := range v.AllSettings() {
		if !isKnown[k] {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var msgs []string
	for _, k := range keys {
		msg := fmt.Sprintf("%q is not a flag of any command; ignored", k)
		if _, section := v.Get(k).(map[string]any); section {
			msg += " (keys are flag names at the top level of the file; sections are not read)"
		} else if m := nearest(k, known); m != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", m)
		}
		msgs = append(msgs, msg)
	}
	return msgs
}

// nearest is the flag name key was probably meant to be: the same with
// dashes for underscores or spaces, or else the one closest in spelling
// (at most two edits, and nearer than any other).
func nearest(key string, known []string) string {
	norm := strings.NewReplacer("_", "-", " ", "-").Replace(key)
	best, bestD, tie := "", 3, false
	for _, k := range known {
		if k == norm {
			return k
		}
		switch d := suggest.Distance(norm, k); {
		case d < bestD:
			best, bestD, tie = k, d, false
		case d == bestD:
			tie = true
		}
	}
	if tie {
		return ""
	}
	return best
}
