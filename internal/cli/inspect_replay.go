package cli

import (
	"time"

	"github.com/webhook-tool/webhook-tool/internal/delivery"
	"github.com/webhook-tool/webhook-tool/internal/inspect"
	"github.com/webhook-tool/webhook-tool/internal/replay"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// newReplayer is the page's Replay: re-signed with the first of secrets
// (none: the recorded headers go as they were), in scheme (auto: as
// recorded), one retry, as replay does it.
func newReplayer(app *App, secrets []string, scheme signature.Scheme) *inspect.ReplaySender {
	secret := ""
	for _, s := range secrets {
		if s != "" {
			secret = s
			break
		}
	}
	return &inspect.ReplaySender{
		Client:  delivery.NewClient(1),
		Policy:  delivery.Policy{Retries: 1, Timeout: 10 * time.Second, Now: app.Now},
		Options: replay.Options{Secret: secret, Scheme: scheme, Now: app.Now, NewID: app.newID},
	}
}
