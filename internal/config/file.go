package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/spf13/viper"
	"go.yaml.in/yaml/v3"

	"github.com/webhook-tool/webhook-tool/internal/input"
	"github.com/webhook-tool/webhook-tool/internal/yamlcheck"
)

func readFile(opts Options) (*viper.Viper, error) {
	if opts.File == "" {
		return nil, nil
	}
	if _, err := os.Stat(opts.File); err != nil {
		if !opts.Explicit && errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, &Error{Source: "config file " + opts.File, Err: cleanPathError(err)}
	}
	// Every command reads the default file, so an absurd one must cost
	// little: it is read within MaxFileSize and its nesting checked before
	// any parser sees it (YAML and JSON parsers take seconds to minutes on
	// a few thousand levels), and a YAML file's aliases are counted before
	// they are expanded.
	raw, err := input.ReadFile(opts.File, MaxFileSize)
	if err == nil {
		err = checkNesting(raw)
	}
	typ := strings.TrimPrefix(strings.ToLower(filepath.Ext(opts.File)), ".")
	if typ == "" || typ == "yml" {
		typ = "yaml"
	}
	if err == nil && typ == "yaml" {
		err = checkYAML(raw)
	}
	if err != nil {
		return nil, &Error{Source: "config file " + opts.File, Err: cleanPathError(err)}
	}
	v := viper.New()
	v.SetConfigType(typ)
	if err := v.ReadConfig(bytes.NewReader(raw)); err != nil {
		var perr viper.ConfigParseError
		if errors.As(err, &perr) {
			if inner := errors.Unwrap(perr); inner != nil {
				err = inner
			}
			if typ == "yaml" {
				err = yamlLoadError(err)
			}
		}
		return nil, &Error{Source: "config file " + opts.File, Err: cleanPathError(err)}
	}
	return v, nil
}

// Limits on a config file. A config file maps flag names to values or
// lists of values: a few hundred bytes, two levels deep.
const (
	// MaxFileSize is the largest config file read: a thousand times any
	// real one. It also bounds what a YAML file comes to once its
	// aliases are expanded (see yamlcheck.Bound): three hundred aliases
	// of a 200 KB secret would otherwise hand every command 60 MB of
	// secrets.
	MaxFileSize = 1 << 20
	// MaxNesting is the deepest nesting of mappings and lists allowed,
	// counted in brackets or in indentation steps: far beyond the two a
	// config file uses, far below where parsers slow down.
	MaxNesting = 32
)

// checkYAML parses a YAML config file into its node tree (which keeps
// aliases as they are written) and refuses one whose aliases expand past
// MaxFileSize, at the line of the alias that goes past it.
func checkYAML(raw []byte) error {
	doc, err := yamlcheck.Parse(raw)
	var se *yamlcheck.SyntaxError
	if errors.As(err, &se) {
		// The line is where the file stops being valid YAML, which is where
		// a person has to look: the library's own line is often elsewhere.
		return fmt.Errorf("line %d: invalid YAML: %s", se.Line, yamlErrPrefix().ReplaceAllString(se.Err.Error(), ""))
	}
	b := yamlcheck.Bound{Limit: MaxFileSize}
	var le *yamlcheck.LimitError
	if err := b.Add(doc); errors.As(err, &le) {
		return fmt.Errorf("line %d: the file comes to more than %d MiB once its YAML aliases are expanded: a config file maps flag names to values", le.Line, MaxFileSize>>20)
	}
	return nil
}

// checkNesting refuses a file nested deeper than MaxNesting, counting
// flow brackets ([ and { outside double-quoted strings) and block
// indentation (a deeper indent than any before starts a level).
func checkNesting(raw []byte) error {
	depth, inString, escaped := 0, false, false
	var indents []int // the block indentation levels open
	open := func(at int) bool {
		for len(indents) > 0 && indents[len(indents)-1] >= at {
			indents = indents[:len(indents)-1]
		}
		indents = append(indents, at)
		return len(indents) <= MaxNesting
	}
	lineStart, indent := true, 0
	for _, c := range raw {
		if lineStart {
			switch c {
			case ' ', '\t':
				indent++
				continue
			case '-': // "- " opens a list level, as a deeper indent does
				if !open(indent) {
					return fmt.Errorf("nested more than %d levels deep: a config file maps flag names to values", MaxNesting)
				}
				indent++
				continue
			}
			lineStart = false
			if c != '\n' && c != '#' && !open(indent) {
				return fmt.Errorf("nested more than %d levels deep: a config file maps flag names to values", MaxNesting)
			}
		}
		switch {
		case c == '\n':
			lineStart, indent = true, 0
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			if depth++; depth > MaxNesting {
				return fmt.Errorf("nested more than %d levels deep: a config file maps flag names to values", MaxNesting)
			}
		case c == ']' || c == '}':
			depth--
		}
	}
	return nil
}

// The patterns are compiled on first use: only a broken config file needs
// them, and every run would otherwise pay for them at start-up.
var (
	yamlErrPrefix = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^yaml: (line \d+: )?`) })
	notAMapping   = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(line \d+): cannot unmarshal !!(\w+)(?: .*)? into map\[string\]interface \{\}$`)
	})
	yamlKinds = map[string]string{"seq": "list", "str": "string", "int": "number", "float": "number", "bool": "boolean"}
)

// yamlLoadError restates an error of the YAML library loading a file that
// parses (checkYAML has seen to that): a repeated key, a top level that is
// not a mapping. Its messages carry correct lines.
func yamlLoadError(err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return fmt.Errorf("invalid YAML: %s", yamlErrPrefix().ReplaceAllString(err.Error(), ""))
	}
	msg := strings.Join(te.Errors, "; ")
	if m := notAMapping().FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("%s: expected a mapping of flag names to values (to: URL, secret: ...), got a %s", m[1], yamlKinds[m[2]])
	}
	return fmt.Errorf("invalid YAML: %s", msg)
}

// cleanPathError drops the path from *os.PathError: our message already names it.
func cleanPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
