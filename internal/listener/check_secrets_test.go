package listener_test

import (
	"strings"
	"testing"

	"github.com/webhook-tool/webhook-tool/internal/listener"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// Under --scheme auto, a secret that says it is a Standard Webhooks key
// (whsec_, whsk_, whpk_) is checked before the first delivery; plain text
// could be any scheme's and is not.
func TestCheckSecretsAutoVetsStandardKeys(t *testing.T) {
	t.Parallel()
	pair, err := signature.NewKeyPair(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, ok := range [][]string{{secret}, {pair.Signing}, {pair.Public}, {"plain-text-token"}, {secret, pair.Public}} {
		if err := listener.CheckSecrets(signature.Auto, ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, c := range []struct {
		secrets []string
		want    string
	}{
		{[]string{"whsk_c2hvcnQ="}, "--secret: the secret starts with whsk_"},
		{[]string{secret, "whpk_!!"}, "--secret 2 of 2: the secret starts with whpk_"},
		{[]string{"whsec_***"}, "--secret: the secret starts with whsec_"},
	} {
		err := listener.CheckSecrets(signature.Auto, c.secrets)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.secrets, err, c.want)
		}
	}
}
