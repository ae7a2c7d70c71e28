package cli

import (
	"cmp"
	"encoding/json"
	"errors"
	"net/url"
	"strings"

	"github.com/spf13/pflag"

	"github.com/webhook-tool/webhook-tool/internal/callback"
	"github.com/webhook-tool/webhook-tool/internal/fixture"
	"github.com/webhook-tool/webhook-tool/internal/listener"
)

// --callback-base, as send, scenario run and probe take it: what a
// Permission Assist delivery's callback URL is built on.

// addCallbackBaseFlag adds --callback-base; def says what it is when not
// given.
func addCallbackBaseFlag(f *pflag.FlagSet, p *string, def string) {
	f.StringVar(p, "callback-base", "", "Permission Assist `URL` callbacks are built on, + the delivery id or in place of {id} (default: "+def+")")
}

// callbackBase is the --callback-base in effect: the one given, checked,
// else def.
func callbackBase(given, def string) (string, error) {
	if err := callback.CheckBase(given); err != nil {
		var be *callback.BaseError
		hint := ""
		if errors.As(err, &be) {
			hint = be.Hint()
		}
		return "", usageError(err, hint)
	}
	return cmp.Or(given, def), nil
}

// noteDefaultCallback says, on one line, where the callback of a payload
// sent to target points when no --callback-base was given: at target's
// origin, which is the sender's own app unless target is a listen. Said
// only when body has a callback there and target is not where listen
// listens by default.
func noteDefaultCallback(app *App, body []byte, target *url.URL) {
	base := callback.BaseFor(target)
	if base == listenCallbacks {
		return
	}
	var doc struct {
		Callback string `json:"callback"`
	}
	if json.Unmarshal(body, &doc) != nil || !strings.HasPrefix(doc.Callback, base) {
		return // no callback, or one the user --set
	}
	app.diag().Printf("note: the payload's callback points at the --to origin: %s; if that is your app, --callback-base %s points it at a listen",
		fixture.CallbackURL(base, "{id}"), listenCallbacks)
}

// listenCallbacks is the callback base of a listen on its default address.
const listenCallbacks = "http://" + listener.DefaultAddr + callback.Path
