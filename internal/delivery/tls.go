package delivery

import (
	"bytes"
	"crypto/tls"
	"encoding/pem"
	"strings"
)

// CertError says what is wrong with a client certificate or its key, and
// which of the two files is at fault, so a command can name its flag. It
// never quotes the key.
type CertError struct {
	Key bool   // the fault is in the private key's file, not the certificate's
	Msg string // "holds a private key, not a certificate"
	// Encrypted is set when the key file holds an encrypted key, which has
	// to be decrypted before it can be used.
	Encrypted bool
}

func (e *CertError) Error() string { return e.Msg }

// ClientCertificate reads a client certificate (PEM, the leaf first, then
// any intermediates) and its private key (PEM: PKCS#8, PKCS#1 or SEC 1) as a
// sender presents them when a server asks for one (mutual TLS). A server that
// does not ask never sees it.
func ClientCertificate(certPEM, keyPEM []byte) (tls.Certificate, error) {
	certTypes, keyTypes := pemTypes(certPEM), pemTypes(keyPEM)
	switch {
	case !hasType(certTypes, "CERTIFICATE") && hasKey(certTypes):
		return tls.Certificate{}, &CertError{Msg: "holds a private key, not a certificate"}
	case !hasType(certTypes, "CERTIFICATE"):
		return tls.Certificate{}, &CertError{Msg: "holds no PEM certificate (-----BEGIN CERTIFICATE-----)"}
	case hasType(keyTypes, "ENCRYPTED PRIVATE KEY") || bytes.Contains(keyPEM, []byte("Proc-Type: 4,ENCRYPTED")):
		return tls.Certificate{}, &CertError{Key: true, Encrypted: true, Msg: "holds an encrypted private key, which cannot be used without its passphrase"}
	case !hasKey(keyTypes) && hasType(keyTypes, "CERTIFICATE"):
		return tls.Certificate{}, &CertError{Key: true, Msg: "holds a certificate, not a private key"}
	case !hasKey(keyTypes):
		return tls.Certificate{}, &CertError{Key: true, Msg: "holds no PEM private key (-----BEGIN PRIVATE KEY-----)"}
	}
	c, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		msg := strings.TrimPrefix(err.Error(), "tls: ")
		if strings.Contains(msg, "does not match") {
			msg = "is not the key of the certificate: its public key is another one"
		}
		return tls.Certificate{}, &CertError{Key: true, Msg: msg}
	}
	return c, nil
}

// pemTypes lists the types of the PEM blocks in b, in order.
func pemTypes(b []byte) []string {
	var types []string
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			return types
		}
		types = append(types, blk.Type)
	}
}

func hasType(types []string, t string) bool {
	for _, x := range types {
		if x == t {
			return true
		}
	}
	return false
}

// hasKey reports whether a block is a private key tls.X509KeyPair reads
// ("PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY").
func hasKey(types []string) bool {
	for _, t := range types {
		if t == "PRIVATE KEY" || strings.HasSuffix(t, " PRIVATE KEY") && t != "ENCRYPTED PRIVATE KEY" {
			return true
		}
	}
	return false
}

// ClientCertRefused reports whether err is a server refusing the client's
// certificate, or asking for one the client did not send: the TLS alerts a
// server sends when mutual TLS fails. Under TLS 1.3 the alert arrives after
// the client has finished its handshake, so it surfaces when the answer is
// read; no HTTP request was handled.
func ClientCertRefused(err error) bool { return clientCertRefusal(err) != "" }

// clientCertRefusal says how the server refused the client's certificate,
// "" when err is no such refusal.
func clientCertRefusal(err error) string {
	if err == nil {
		return ""
	}
	msg := err.Error()
	if strings.Contains(msg, "remote error: tls: certificate required") {
		// Go's client sends no certificate when the server names CAs and
		// none of them issued it, so this is also an untrusted one.
		return "the server requires a client certificate (mutual TLS) and was sent none it accepts"
	}
	for _, alert := range []string{
		"bad certificate", "unknown certificate authority", "certificate unknown",
		"expired certificate", "revoked certificate", "unsupported certificate",
	} {
		if strings.Contains(msg, "remote error: tls: "+alert) {
			return "the server refused the client certificate: " + alert
		}
	}
	return ""
}
