package cli

import (
	"errors"
	"fmt"

	"github.com/webhook-tool/webhook-tool/internal/input"
)

// parseMaxSize reads --max-size into app.maxInput.
func parseMaxSize(app *App) error {
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
