package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"strings"

	"github.com/webhook-tool/webhook-tool/internal/input"
	"github.com/webhook-tool/webhook-tool/internal/payload"
)

// validateInputs turns PATH arguments into inputs in the order given:
// directories walked for *.json (in sorted order, see input.Walk), globs
// expanded, - read from stdin. The inputs are produced as validate takes
// them, so a directory is never listed whole in memory.
//
// Only a malformed argument (a bad glob, - twice) is a usage error up front.
// A path that is missing or cannot be read, a glob that matches nothing and
// a directory with no *.json are inputs whose Read fails, so they are
// reported in their place like any unreadable file and the other inputs
// still checked.
//
// A path named as an argument is read whatever it is: a FIFO given on
// purpose (`validate <(cmd)`) is waited for. What a walk or a glob finds is
// read only if it is a regular file: a FIFO, socket or device there fails
// with an *input.NotRegularError, without blocking, and validate skips it.
func validateInputs(app *App, paths []string) (iter.Seq[payload.Input], error) {
	stdinUsed := false
	for _, p := range paths {
		if p == "-" {
			if stdinUsed {
				return nil, usageErrorf("- (standard input) given more than once")
			}
			stdinUsed = true
			continue
		}
		if isGlob(p) {
			if _, err := filepath.Match(p, ""); err != nil {
				return nil, usageError(fmt.Errorf("bad glob %q: %w", p, err), "quote globs so the shell passes them through, e.g. 'payloads/*.json'")
			}
		}
	}
	return func(yield func(payload.Input) bool) {
		for _, p := range paths {
			if !yieldArg(app, p, yield) {
				return
			}
		}
	}, nil
}

// isGlob reports whether p is taken as a glob: it has a pattern character
// and names nothing as it is.
func isGlob(p string) bool {
	if !strings.ContainsAny(p, "*?[") {
		return false
	}
	_, err := os.Stat(p)
	return errors.Is(err, fs.ErrNotExist)
}

var errStopWalk = errors.New("stop")

// yieldArg yields the inputs of one argument, and false once yield has.
func yieldArg(app *App, p string, yield func(payload.Input) bool) bool {
	if p == "-" {
		return yield(stdinInput(app))
	}
	if isGlob(p) {
		matches, _ := filepath.Glob(p) // the pattern was checked up front
		if len(matches) == 0 {
			return yield(failedInput(p, "no files match"))
		}
		for _, m := range matches {
			if !yield(fileInput(app, m, input.ReadRegular)) {
				return false
			}
		}
		return true
	}
	if st, err := os.Stat(p); err != nil || !st.IsDir() {
		// Missing or not stat-able: reading it fails the same way, and
		// is reported like any other unreadable file.
		return yield(fileInput(app, p, input.ReadFile))
	}
	found := 0
	err := input.Walk(p, isJSONName, func(path string, _ fs.FileMode, err error) error {
		found++
		in := fileInput(app, path, input.ReadRegular)
		if err != nil {
			in = failedInput(path, "cannot read directory: "+unwrapPathErr(err).Error())
		}
		if !yield(in) {
			return errStopWalk
		}
		return nil
	})
	if err != nil {
		return false
	}
	if found == 0 {
		return yield(failedInput(p, "no *.json files in this directory"))
	}
	return true
}

func isJSONName(name string) bool { return strings.EqualFold(filepath.Ext(name), ".json") }

func failedInput(name, msg string) payload.Input {
	return payload.Input{Name: name, Read: func() ([]byte, error) {
		return nil, errors.New(msg)
	}}
}

// fileInput reads p with read: input.ReadFile for a path named as an
// argument, input.ReadRegular for one a walk or glob found.
func fileInput(app *App, p string, read func(string, int64) ([]byte, error)) payload.Input {
	return payload.Input{Name: p, Read: func() ([]byte, error) {
		b, err := read(p, app.inputLimit())
		if err != nil {
			return nil, fmt.Errorf("cannot read file: %w", unwrapPathErr(err))
		}
		return b, nil
	}}
}

func stdinInput(app *App) payload.Input {
	in := app.In
	return payload.Input{Name: stdinName, Read: func() ([]byte, error) {
		b, err := input.ReadAll(in, "standard input", app.inputLimit())
		if err != nil {
			return nil, fmt.Errorf("cannot read standard input: %w", err)
		}
		if len(b) == 0 {
			// Nothing was piped in (a command that failed, a wrong
			// redirect): an input error, not an invalid payload.
			return nil, errors.New("standard input is empty: nothing to validate")
		}
		return b, nil
	}}
}
