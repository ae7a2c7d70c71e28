package cli

import (
	"time"

	"github.com/webhook-tool/webhook-tool/internal/delivery"
	"github.com/webhook-tool/webhook-tool/internal/inspect"
	"github.com/webhook-tool/webhook-tool/internal/replay"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// newReplayer is the page's Replay: re-signed with secrets, one signature
// per secret where the scheme carries several, as replay and send sign
// (none: the recorded headers go as they were), in scheme (auto: as
// recorded), one retry, as replay does it.
func newReplayer(app *App, secrets []string, scheme signature.Scheme) *inspect.ReplaySender {
	var given []string
	for _, s := range secrets {
		if s != "" {
			given = append(given, s)
		}
	}
	return &inspect.ReplaySender{
		Client:  delivery.NewClient(1),
		Policy:  delivery.Policy{Retries: 1, Timeout: 10 * time.Second, Now: app.Now},
		Options: replay.Options{Secrets: given, Scheme: scheme, Now: app.Now, NewID: app.newID},
	}
}
