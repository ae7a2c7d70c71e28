package cli

import "github.com/spf13/cobra"

// addReachFlags adds listen's flags that say how it is reached from
// elsewhere (a tunnel) and how a script knows it is up; the listener does
// the work (listener.RunConfig's PublicURL and ReadyFile).
func addReachFlags(cmd *cobra.Command, opts *ListenOptions) {
	f := cmd.Flags()
	f.StringVar(&opts.Public, "public-url", "", "the `URL` a tunnel (cloudflared, ngrok) exposes --addr at: the banner, callback URLs and the inspector use it (webhook-tool help tunnels)")
	f.StringVar(&opts.Ready, "ready-file", "", "once deliveries are taken, write their URL to `FILE` (removed at exit), for a script to wait on: until [ -s FILE ]; do sleep 0.1; done")
	_ = cmd.MarkFlagFilename("ready-file")
}
