package replay

import (
	"context"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/delivery"
)

// NewReport is replay's JSON line and the inspector's answer alike.
func TestNewReport(t *testing.T) {
	t.Parallel()
	plan := Planned{Request: delivery.Request{Method: "POST", URL: "http://127.0.0.1:1/x?y=1"},
		Scheme: "github (as recorded)", WebhookID: "msg_1"}
	resp := delivery.Response{Status: 202, Attempts: 2, Duration: 1500 * time.Microsecond, Body: []byte("a\nb\nc\nd\ne\nf\ng")}
	got := NewReport(4, plan, resp, nil)
	want := Report{Seq: 4, Method: "POST", URL: "http://127.0.0.1:1/x?y=1", WebhookID: "msg_1", Scheme: "github (as recorded)",
		Status: 202, Attempts: 2, DurationMS: 1.5, Body: got.Body, OK: true}
	if got != want || got.Body == string(resp.Body) || got.Body == "" {
		t.Errorf("NewReport = %+v\nwant %+v with the body cut short", got, want)
	}
	failed := NewReport(4, plan, delivery.Response{}, context.DeadlineExceeded)
	if failed.OK || failed.Error == "" {
		t.Errorf("a failed send: %+v", failed)
	}
	if bad := NewReport(4, plan, delivery.Response{Status: 500}, nil); bad.OK || bad.Error != "" {
		t.Errorf("a 500: %+v", bad)
	}
}
