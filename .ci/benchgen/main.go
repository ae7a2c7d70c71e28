// Command benchgen writes the benchmark script's inputs: N varied, valid,
// pretty-printed Permission Assist payloads (pa-00000.json ...) into DIR,
// the same files for every run with the same -seed.
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
	flag.Parse()
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "benchgen:", err)
		os.Exit(1)
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
