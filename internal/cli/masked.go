package cli

import (
	"errors"

	"github.com/webhook-tool/webhook-tool/internal/redact"
)

// maskedApp is app with its output and errors masked for secrets: any run
// of redact.MinRun or more of their characters, in any common encoding. For
// the commands that send with a secret and show what came back (a server's
// answer echoing the Authorization header, a --to URL holding the secret).
// done masks the error the command returns, which Run prints.
func maskedApp(app *App, secrets []string) (masked *App, done func(error) error) {
	runs := redact.New(secrets)
	if runs == nil {
		return app, func(err error) error { return err }
	}
	a := *app
	a.Out, a.Err = runs.Writer(app.Out), runs.Writer(app.Err)
	return &a, func(err error) error {
		var ee *ExitError
		if !errors.As(err, &ee) {
			if err != nil {
				return errors.New(runs.Mask(err.Error()))
			}
			return nil
		}
		c := *ee
		c.Err = runs.Error(c.Err)
		c.Hint = runs.Mask(c.Hint)
		return &c
	}
}
