package listener

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"os"
	"strings"
	"sync/atomic"

	"github.com/webhook-tool/webhook-tool/internal/inspect"
	"github.com/webhook-tool/webhook-tool/internal/render"
)

// UIConfig turns on listen's web inspector (--ui).
type UIConfig struct {
	Addr string // HOST:PORT
	// Given is set when the user chose Addr: it must bind as given.
	// Otherwise Tries ports from it are tried (0: inspect.DefaultTries).
	Given bool
	Tries int
	// Replayer is the page's Replay button (nil: replays are refused).
	Replayer inspect.Replayer
	// Events reads a delivery's event name for the page (nil: as the
	// bundled profiles say).
	Events inspect.EventReader
}

// The ring the inspector keeps without --record: this many requests, and
// no more than this many bytes of record lines, oldest dropped first.
const (
	uiRingLines = 1000
	uiRingBytes = 64 << 20
)

// inspector is listen's web inspector: an index over the --record file
// when it is a regular file, else a ring of this run's requests; either is
// fed by the record writer's Tap, which never waits. The store is made in
// start, once the record file exists; the Tap passes nothing on before.
type inspector struct {
	cfg   UIConfig
	store atomic.Pointer[inspect.Store]
	ring  bool
	stop  context.CancelFunc
}

// newInspector is the page's place in a run, before the record writer is
// made; nil without one.
func newInspector(cfg *UIConfig) *inspector {
	if cfg == nil || cfg.Addr == "" || cfg.Addr == "off" {
		return nil
	}
	return &inspector{cfg: *cfg}
}

// tap is the record.Options.Tap that feeds the page, nil without one.
func (u *inspector) tap() func([]byte) {
	if u == nil {
		return nil
	}
	return func(batch []byte) {
		if s := u.store.Load(); s != nil {
			s.Tap(batch)
		}
	}
}

// openStore is the record file's index, or a ring without one (or when it
// is not a regular file: a FIFO, /dev/stdout).
func (u *inspector) openStore(recordPath string) (*inspect.Store, error) {
	if recordPath != "" {
		if st, err := os.Stat(recordPath); err == nil && st.Mode().IsRegular() {
			s, err := inspect.OpenFileWith(recordPath, inspect.FileOptions{Events: u.cfg.Events})
			if err != nil {
				return nil, &InputError{Err: fmt.Errorf("--ui: %w", err), Hint: "use another --record file, or --ui off"}
			}
			return s, nil
		}
	}
	u.ring = true
	return inspect.NewMemoryWith(uiRingLines, uiRingBytes, u.cfg.Events), nil
}

// start serves the page and says where in r. listen is the listener's own
// URL, offered on the page as a Replay target, replayTo the page's default
// one; Replay signs with secrets, the ones listen verifies with. When
// every port tried is taken the run goes on without the page (r.UIErr).
func (u *inspector) start(diag *render.Diag, recordPath, listen, replayTo string, secrets []string, r *Ready) error {
	if u == nil {
		return nil
	}
	store, err := u.openStore(recordPath)
	if err != nil {
		return err
	}
	u.store.Store(store)
	ctx, stop := context.WithCancel(context.Background())
	u.stop = stop
	srv := inspect.NewServer(inspect.Config{
		Store: store, Replayer: u.cfg.Replayer, ReplayTo: replayTo,
		Listener: listen, Secrets: secrets, Host: hostOf(u.cfg.Addr),
	})
	url, err := u.serve(ctx, diag, srv)
	if errors.Is(err, inspect.ErrNoFreePort) {
		// No page: the store is fed no more (a ring would keep up to
		// its queue's bytes for nobody).
		r.UIErr = err
		u.store.Store(nil)
		store.Close()
		return nil
	}
	if err != nil {
		return err
	}
	go store.Run(ctx, nil)
	r.UI = url
	r.UIHolds = "the --record file"
	if u.ring {
		r.UIHolds = fmt.Sprintf("this run's last %d requests, in memory (no --record)", uiRingLines)
	}
	return nil
}

// serve serves srv until ctx is done. A default address whose port is
// taken moves on to the next free one; an address the user gave must bind
// as given. A non-loopback address gets a warning: anyone who reaches it
// can read and replay deliveries.
func (u *inspector) serve(ctx context.Context, diag *render.Diag, srv *inspect.Server) (string, error) {
	addr, tries := u.cfg.Addr, u.cfg.Tries
	if tries <= 0 {
		tries = inspect.DefaultTries
	}
	if u.cfg.Given {
		tries = 1
	}
	url, _, err := inspect.Start(ctx, addr, tries, srv, log.New(diagLog{diag, "inspector: "}, "", 0))
	if err != nil {
		if errors.Is(err, inspect.ErrNoFreePort) {
			return "", err
		}
		return "", &InputError{Err: fmt.Errorf("cannot serve the inspector on %s: %w", addr, BindReason(err)),
			Hint: "choose another --ui HOST:PORT, or --ui off"}
	}
	if !inspect.Loopback(addr) {
		diag.Warnf("the inspector on %s can be reached from other machines, and whoever reaches it can read and replay deliveries", addr)
	}
	return url, nil
}

func (u *inspector) close() {
	if u == nil {
		return
	}
	if u.stop != nil {
		u.stop()
	}
	if s := u.store.Load(); s != nil {
		s.Close()
	}
}

func hostOf(addr string) string {
	if h, _, err := net.SplitHostPort(addr); err == nil {
		return h
	}
	return ""
}

// diagLog gives a log.Logger's lines (net/http's complaints) the tool's
// prefix, and what.
type diagLog struct {
	diag *render.Diag
	what string
}

func (d diagLog) Write(b []byte) (int, error) {
	d.diag.Printf("%s%s", d.what, strings.TrimSuffix(string(b), "\n"))
	return len(b), nil
}
