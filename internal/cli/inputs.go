package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/webhook-tool/webhook-tool/internal/input"
)

// addMaxSizeFlag adds --max-size to a command that reads payload files or
// standard input: only there does it do anything, so only there is it
// shown.
func addMaxSizeFlag(cmd *cobra.Command, app *App) {
	cmd.Flags().StringVar(&app.maxSize, "max-size", "64MiB",
		"read at most `SIZE` from one payload file or standard input (bytes, or with KB, KiB, MB, MiB)")
}

// parseMaxSize reads --max-size into app.maxInput; a command without the
// flag reads within the default.
func parseMaxSize(app *App) error {
	if app.maxSize == "" {
		return nil
	}
	n, err := input.ParseSize(app.maxSize)
	if err != nil {
		return usageError(fmt.Errorf("invalid --max-size %q: %w", app.maxSize, err), "give a size such as 64MiB or 200MB")
	}
	app.maxInput = n
	return nil
}

// readInput reads a payload file (or "-" for standard input) within
// --max-size.
func readInput(app *App, path string) ([]byte, error) {
	if path == "-" {
		return input.ReadAll(app.In, "standard input", app.inputLimit())
	}
	return input.ReadFile(path, app.inputLimit())
}

// inputHint is the hint for an input error, when there is one.
func inputHint(err error) string {
	var tl *input.TooLargeError
	if errors.As(err, &tl) {
		return "pass --max-size to read more, e.g. --max-size 1GiB"
	}
	return ""
}
