package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/webhook-tool/webhook-tool/internal/render"
)

// Exit codes shared by every command (PRODUCT.md).
const (
	ExitOK    = 0 // success
	ExitFail  = 1 // the thing checked failed: invalid payload, rejected delivery, bad signature
	ExitUsage = 2 // usage or input error: unknown flag, unknown name, unreadable file, bad URL
)

// ExitError carries the exit code for an error and an optional hint that
// tells the user how to fix it. Silent errors print nothing: the command has
// already reported (an invalid payload's errors, a failed delivery's status).
type ExitError struct {
	Code   int
	Err    error
	Hint   string
	Silent bool
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// usageError marks err as a usage or input problem (exit 2).
func usageError(err error, hint string) error {
	return &ExitError{Code: ExitUsage, Err: err, Hint: hint}
}

// usageErrorf is usageError with a formatted message and no hint.
func usageErrorf(format string, args ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, args...)}
}

// failError marks err as "the thing checked failed" (exit 1).
func failError(err error, hint string) error {
	return &ExitError{Code: ExitFail, Err: err, Hint: hint}
}

// silentFail exits 1 without a message: the command already said why.
func silentFail() error { return &ExitError{Code: ExitFail, Silent: true} }

// exitCode maps any error to the process exit code and prints it to stderr
// as one diagnostic line, plus a hint line when there is a hint.
// Errors that are not ExitErrors come from cobra (flags, arguments) or are
// unexpected; both are reported, flags as usage errors.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if !errors.As(err, &ee) {
		ee = &ExitError{Code: ExitUsage, Err: err}
	}
	if !ee.Silent {
		diag := render.NewDiag(stderr)
		if ee.Err != nil {
			diag.Printf("%s", oneLine(ee.Err.Error()))
		}
		if ee.Hint != "" {
			diag.Hintf("%s", ee.Hint)
		}
	}
	return ee.Code
}

// diag is where a command says things about itself on stderr, one line
// each behind render.Prefix, its warning label painted on a terminal.
func (a *App) diag() *render.Diag {
	return render.NewColorDiag(a.Err, render.NewPalette(a.ColorErr()))
}

// oneLine keeps an error to one line: errors from libraries sometimes carry
// newlines, and every error we print is one line.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", "; ")), " ")
}
