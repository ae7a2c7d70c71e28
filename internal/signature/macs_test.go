package signature

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"net/textproto"
	"sync"
	"testing"
)

// TestPooledMACsAgreeWithFreshOnes checks a recycled state gives what a
// fresh hmac.New gives, for many keys at once (past the pooled count) and
// from many goroutines.
func TestPooledMACsAgreeWithFreshOnes(t *testing.T) {
	t.Parallel()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				key := []byte(fmt.Sprintf("key-%d", (g*7+i)%(maxPooledKeys+9)))
				msg := []byte(fmt.Sprintf("message %d %d", g, i))
				fresh := hmac.New(sha256.New, key)
				fresh.Write(msg)
				want := fresh.Sum(nil)
				m := getMAC(key)
				m.buf = githubMAC(m, m.buf, msg)
				got := append([]byte(nil), m.buf...)
				m.release()
				if !hmac.Equal(got, want) {
					t.Errorf("key %q: pooled MAC differs from a fresh one", key)
					return
				}
			}
		}()
	}
	wg.Wait()
	n := len(*macPools.m.Load())
	if n > maxPooledKeys {
		t.Errorf("%d keys pooled, want at most %d", n, maxPooledKeys)
	}
}

// TestCanonicalKeys holds canonicalKey to net/http's canonical form of
// every header name the schemes look up: a wrong one would find nothing.
func TestCanonicalKeys(t *testing.T) {
	t.Parallel()
	for _, name := range []string{HeaderWebhookID, HeaderWebhookTimestamp, HeaderWebhookSignature,
		HeaderSvixID, HeaderSvixTimestamp, HeaderSvixSignature, HeaderGitHubSignature, HeaderGitHubSHA1,
		HeaderStripeSignature, HeaderAuthorization} {
		if got, want := canonicalKey(name), textproto.CanonicalMIMEHeaderKey(name); got != want {
			t.Errorf("canonicalKey(%q) = %q, want %q", name, got, want)
		}
	}
}
