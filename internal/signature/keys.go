package signature

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Standard Webhooks' asymmetric signatures, v1a: Ed25519 (RFC 8032, pure)
// over the same "id.timestamp.body" as the v1 HMAC. The keys travel as text
// the way whsec_ secrets do, a prefix and standard base64:
//
//	whsk_<base64 of the 32-byte Ed25519 seed>   the signing key: the sender's, kept secret
//	whpk_<base64 of the 32-byte public key>     the public key: the receiver's, not secret
//
// The seed is what RFC 8032 calls the private key, and what the Standard
// Webhooks reference library passes to ed25519.NewKeyFromSeed. A 64-byte
// whsk_ (the seed followed by its public key: libsodium's secret key, Go's
// ed25519.PrivateKey) is read too, when the public half is the seed's own.
const (
	SigningKeyPrefix = "whsk_"
	PublicKeyPrefix  = "whpk_"
)

// KeyKind says what kind of key a Standard Webhooks secret is.
type KeyKind int

// The kinds of Standard Webhooks secrets.
const (
	HMACSecret KeyKind = iota // whsec_ or plain text: signs and checks v1
	SigningKey                // whsk_: signs v1a, and checks it (the public key follows from it)
	PublicKey                 // whpk_: checks v1a, cannot sign
)

// KindOf says what kind of Standard Webhooks key secret is, by its prefix
// alone: it does not check the rest.
func KindOf(secret string) KeyKind {
	switch {
	case strings.HasPrefix(secret, SigningKeyPrefix):
		return SigningKey
	case strings.HasPrefix(secret, PublicKeyPrefix):
		return PublicKey
	}
	return HMACSecret
}

// ErrPublicKey is wrapped by the error NewSigner and CheckSigningSecret
// return for a whpk_ public key: it checks signatures and cannot make them,
// so a command can say which key to sign with instead.
var ErrPublicKey = errors.New("the secret is a whpk_ public key: it checks v1a signatures and cannot make them")

// KeyPair is a new Ed25519 key pair in the Standard Webhooks encoding.
type KeyPair struct {
	Signing string `json:"signing_key"` // whsk_: for the sender (send, sign, replay, probe, scenario)
	Public  string `json:"public_key"`  // whpk_: for the receiver (listen, verify)
}

// NewKeyPair makes a key pair from the randomness of r (crypto/rand.Reader
// when nil).
func NewKeyPair(r io.Reader) (KeyPair, error) {
	pub, priv, err := ed25519.GenerateKey(r)
	if err != nil {
		return KeyPair{}, fmt.Errorf("cannot make an Ed25519 key pair: %w", err)
	}
	return KeyPair{
		Signing: SigningKeyPrefix + base64.StdEncoding.EncodeToString(priv.Seed()),
		Public:  PublicKeyPrefix + base64.StdEncoding.EncodeToString(pub),
	}, nil
}

// PublicKeyOf returns the whpk_ public key that checks what the whsk_ key
// signs (a whpk_ key is returned as it is, re-encoded). The error never
// contains the key.
func PublicKeyOf(key string) (string, error) {
	k, err := parseEdKey(key)
	if err != nil {
		return "", err
	}
	return PublicKeyPrefix + base64.StdEncoding.EncodeToString(k.pub), nil
}

// edKey is a parsed whsk_ or whpk_ key.
type edKey struct {
	pub  ed25519.PublicKey
	priv ed25519.PrivateKey // nil for a whpk_ key
}

// parseEdKey reads a whsk_ or whpk_ key. Its errors say what is wrong
// without quoting any of the key.
func parseEdKey(secret string) (edKey, error) {
	if enc, ok := strings.CutPrefix(secret, SigningKeyPrefix); ok {
		raw, _ := decodeStdBase64(enc)
		switch len(raw) {
		case ed25519.SeedSize:
			priv := ed25519.NewKeyFromSeed(raw)
			return edKey{pub: priv.Public().(ed25519.PublicKey), priv: priv}, nil
		case ed25519.PrivateKeySize:
			priv := ed25519.NewKeyFromSeed(raw[:ed25519.SeedSize])
			pub := priv.Public().(ed25519.PublicKey)
			if !bytes.Equal(pub, raw[ed25519.SeedSize:]) {
				return edKey{}, errors.New("the whsk_ key holds 64 bytes, a seed and a public key, " +
					"and the public key is not the seed's: the key is damaged, or two keys were pasted together")
			}
			return edKey{pub: pub, priv: priv}, nil
		}
		return edKey{}, errors.New("the secret starts with whsk_ (a Standard Webhooks Ed25519 signing key), " +
			"but the rest is not the base64 of a 32-byte seed; copy the whole key")
	}
	if enc, ok := strings.CutPrefix(secret, PublicKeyPrefix); ok {
		raw, _ := decodeStdBase64(enc)
		if len(raw) != ed25519.PublicKeySize {
			return edKey{}, errors.New("the secret starts with whpk_ (a Standard Webhooks Ed25519 public key), " +
				"but the rest is not the base64 of a 32-byte key; copy the whole key")
		}
		return edKey{pub: ed25519.PublicKey(raw)}, nil
	}
	return edKey{}, errors.New("not a whsk_ or whpk_ key")
}

// decodeStdBase64 decodes standard base64, padded or not: padding is
// easily lost when a key is copied into a shell or an environment file.
func decodeStdBase64(s string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		b, err = base64.RawStdEncoding.DecodeString(s)
	}
	return b, err
}

// CheckSigningSecret is CheckSecret for a command that signs: a whpk_
// public key, which can only check, is refused with an error wrapping
// ErrPublicKey, whatever the scheme.
func CheckSigningSecret(scheme Scheme, secret string) error {
	if err := CheckSecret(scheme, secret); err != nil {
		return err
	}
	if scheme != None && scheme != Auto && KindOf(secret) == PublicKey {
		return ErrPublicKey
	}
	return nil
}

// edSignature signs "id.ts.body" with priv; msg is a buffer to reuse.
func edSignature(priv ed25519.PrivateKey, msg []byte, id, ts string, body []byte) (sig, buf []byte) {
	buf = signedContent(msg[:0], id, ts, body)
	return ed25519.Sign(priv, buf), buf
}

// signedContent appends Standard Webhooks' signed content, "id.ts.body", to
// dst. Ed25519 needs it in one piece, as the HMAC does not.
func signedContent(dst []byte, id, ts string, body []byte) []byte {
	dst = append(dst, id...)
	dst = append(dst, '.')
	dst = append(dst, ts...)
	dst = append(dst, '.')
	return append(dst, body...)
}
