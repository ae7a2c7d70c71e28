// Command benchgen writes the benchmark script's inputs: N varied, valid,
// pretty-printed Permission Assist payloads (pa-00000.json ...) into DIR,
// the same files for every run with the same -seed. With -tiny, N copies of
// one small valid payload instead (t-000000.json ...), for walks of many
// files.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/webhook-tool/webhook-tool/internal/payload/paygen"
)

func main() {
	n := flag.Int("n", 10000, "how many payloads")
	seed := flag.Uint64("seed", 7, "random seed")
	dir := flag.String("dir", ".", "output directory")
	tiny := flag.Bool("tiny", false, "write one small payload N times")
	flag.Parse()
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "benchgen:", err)
		os.Exit(1)
	}
	if *tiny {
		for i := 0; i < *n; i++ {
			if err := os.WriteFile(filepath.Join(*dir, fmt.Sprintf("t-%06d.json", i)), tinyPayload, 0o644); err != nil {
				fmt.Fprintln(os.Stderr, "benchgen:", err)
				os.Exit(1)
			}
		}
		return
	}
	r := rand.New(rand.NewPCG(*seed, 1))
	for i := 0; i < *n; i++ {
		b, err := json.MarshalIndent(paygen.PermissionAssist(r), "", "  ")
		if err == nil {
			err = os.WriteFile(filepath.Join(*dir, fmt.Sprintf("pa-%05d.json", i)), append(b, '\n'), 0o644)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchgen:", err)
			os.Exit(1)
		}
	}
}

var tinyPayload = []byte(`{"email": "ann@example.com", "tenant_key": "acme", "role": "viewer", "permission_level": "member", "type": "create_user"}` + "\n")
