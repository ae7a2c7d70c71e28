//go:build unix

package sigctx

import (
	"context"
	"os"
	"syscall"
	"testing"
)

// TestSecondSignalQuitsAClaimingCommand: the first SIGINT cancels the
// command's context and, when the command has claimed the second (listen
// does), the second cancels its quit context instead of ending the
// process, which would leave listen --exec's commands running in their own
// process groups.
func TestSecondSignalQuitsAClaimingCommand(t *testing.T) {
	ctx, stop := Notify(context.Background())
	defer stop()
	q := Quit(ctx)
	self := os.Getpid()
	if err := syscall.Kill(self, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	<-ctx.Done()
	if q.Err() != nil {
		t.Fatal("the first Ctrl-C cancelled the quit context too")
	}
	if err := syscall.Kill(self, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	<-q.Done() // without the claim, the default handling would end the test binary here
}
