package payload

import "testing"

func TestSameName(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"order_created", "order_created", true},
		{"order-created", "ORDER_CREATED", true},
		{"Order_Created", "order-created", true},
		{"order_created", "order_create", false},
		{"order_created", "order.created", false},
		{"ordeR", "order", true},
		{"a@", "a`", false}, // '@' and '`' are not letters: no folding
		{"[", "{", false},
		{"ÉVÉNEMENT-créé", "événement_CRÉÉ", true},
		{"éa", "éb", false},
		{"", "", true},
	} {
		if got := sameName(c.a, c.b); got != c.want {
			t.Errorf("sameName(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

func TestEventLabelAllocatesNothing(t *testing.T) {
	res := Result{Schema: "shop.order_created", Fields: Fields{Event: "order-created"}}
	if n := testing.AllocsPerRun(100, func() {
		if res.EventLabel() != "" {
			t.Fatal("label shown")
		}
	}); n != 0 {
		t.Errorf("EventLabel allocates %v times", n)
	}
}
