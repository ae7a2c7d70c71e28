package inspect

import (
	"net"
	"testing"
	"time"
)

// The inspector serves at most so many connections at once: the next one
// waits until one of them closes, and Close ends a wait.
func TestLimitConnsWaitsForASlot(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := limitConns(ln, 2)
	accepted := make(chan net.Conn, 3)
	go func() {
		defer close(accepted)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	for range 3 {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
	}
	next := func() net.Conn {
		t.Helper()
		select {
		case c := <-accepted:
			return c
		case <-time.After(30 * time.Second):
			t.Fatal("no connection accepted")
			return nil
		}
	}
	first := next()
	next()
	select {
	case <-accepted:
		t.Fatal("a third connection accepted while two are open")
	case <-time.After(100 * time.Millisecond):
	}
	first.Close()
	first.Close() // twice: the slot is given back once
	next()
	l.Close()
	if _, ok := <-accepted; ok {
		t.Error("Accept went on after Close")
	}
}
