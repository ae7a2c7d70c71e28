// Package delivery sends HTTP requests: it builds signed, stamped webhook
// requests from a rendered payload (Template, Builder), sends them with one
// retry engine whose rule is a Policy (RetryDelivery for webhooks,
// RetryNotSent for callbacks) and backoff, runs load mode, and classifies the
// transport errors every sender needs (was the request sent at all? what
// went wrong, in words?).
package delivery

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"
)

// NotSent reports whether err means the request never reached the server (connection refused, DNS failure,
// no route, dial timeout) — the only case where re-sending cannot duplicate it.
//
// Only failures of the dial itself count: once a connection is open, some or
// all of the request may have been read by the server, so a timeout, a reset or
// an early close after that is treated as possibly delivered. A failed TLS
// handshake also sends no request, but it is not reported here: it is a
// configuration problem (an untrusted certificate, a plain-HTTP port) that a
// retry does not fix. When in doubt the answer is false, the safe side for a
// caller deciding whether to retry something that must not happen twice.
func NotSent(err error) bool {
	if err == nil {
		return false
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return true
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	return false
}

// Describe turns a transport error into a short human phrase: "connection refused", "no such host example.invalid",
// "timed out after 10s" (if you can tell), "TLS handshake failed: certificate signed by unknown authority", ...
//
// The phrase names what failed, not the URL: callers already print the URL. A
// timeout's length is not carried by Go's errors, so a timeout reads "timed out
// connecting to HOST" or "timed out waiting for the response"; a caller that
// knows its timeout appends "after 10s".
func Describe(err error) string {
	if err == nil {
		return ""
	}
	var cut *CutShortError
	if errors.As(err, &cut) {
		return describeCutShort(cut)
	}
	if s := describeTLS(err); s != "" {
		return "TLS handshake failed: " + s
	}

	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		switch {
		case dnsErr.IsNotFound:
			return "no such host " + dnsErr.Name
		case dnsErr.IsTimeout:
			return "DNS lookup of " + dnsErr.Name + " timed out"
		default:
			return "DNS lookup of " + dnsErr.Name + " failed: " + dnsErr.Err
		}
	}

	var op *net.OpError
	dial := errors.As(err, &op) && op.Op == "dial"
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.EHOSTUNREACH):
		return "no route to host"
	case errors.Is(err, syscall.ENETUNREACH):
		return "network is unreachable"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset by the server"
	case errors.Is(err, syscall.EPIPE):
		return "connection closed by the server while sending"
	}

	if isTimeout(err) {
		if dial {
			if op.Addr != nil {
				return "timed out connecting to " + op.Addr.String()
			}
			return "timed out connecting"
		}
		return "timed out waiting for the response"
	}
	if errors.Is(err, context.Canceled) {
		return "canceled"
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return "server closed the connection without answering"
	}

	msg := innerMessage(err)
	if strings.Contains(msg, "server gave HTTP response to HTTPS client") {
		return "server answered plain HTTP to an HTTPS request"
	}
	return msg
}

// describeCutShort says why an answer's body stopped short. The phrase
// leaves out how much arrived, so a load run counts every such failure as
// one kind; Explain adds the timeout's length.
func describeCutShort(cut *CutShortError) string {
	why := Describe(cut.Err)
	switch {
	case isTimeout(cut.Err):
		why = "timed out reading its body"
	case errors.Is(cut.Err, io.EOF) || errors.Is(cut.Err, io.ErrUnexpectedEOF):
		why = "the connection closed before its body ended"
	}
	return "the answer (" + StatusText(cut.Status) + ") was cut short: " + why
}

// describeTLS names a TLS failure, or returns "" when err is not one.
func describeTLS(err error) string {
	if s := clientCertRefusal(err); s != "" {
		return s
	}
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	var rec tls.RecordHeaderError
	var alert tls.AlertError
	var verify *tls.CertificateVerificationError
	switch {
	case errors.As(err, &unknownCA):
		return "certificate signed by unknown authority"
	case errors.As(err, &hostErr):
		return hostErr.Error()
	case errors.As(err, &invalid):
		return invalid.Error()
	case errors.As(err, &verify):
		return verify.Err.Error()
	case errors.As(err, &rec):
		return "the server does not speak TLS on this port"
	case errors.As(err, &alert):
		return "the server refused the handshake: " + alert.Error()
	}
	if strings.Contains(err.Error(), "tls: ") {
		return strings.TrimPrefix(innerMessage(err), "tls: ")
	}
	return ""
}

func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
		return true
	}
	var te interface{ Timeout() bool }
	return errors.As(err, &te) && te.Timeout()
}

// innerMessage drops the `Post "URL": ` prefix of a *url.Error, which repeats
// what the caller already shows.
func innerMessage(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return fmt.Sprint(ue.Err)
	}
	return err.Error()
}

// HandshakeFailed reports whether err is a failed TLS handshake (an untrusted
// or wrong certificate, a port that does not speak TLS). Like NotSent, it
// means no HTTP request reached the server; unlike NotSent, retrying does not
// help, so senders report it rather than retry.
func HandshakeFailed(err error) bool {
	if err == nil {
		return false
	}
	return describeTLS(err) != "" || strings.Contains(err.Error(), "server gave HTTP response to HTTPS client")
}
