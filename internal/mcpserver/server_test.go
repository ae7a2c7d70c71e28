package mcpserver

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/webhook-tool/webhook-tool/internal/signature"
	"github.com/webhook-tool/webhook-tool/internal/testlisten"
)

const (
	secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	other  = "whsec_c2Vjb25kIGxpc3RlbmVyIGtleQ=="
)

// secretTexts are the forms of the secrets no output may hold.
var secretTexts = []string{secret, strings.TrimPrefix(secret, "whsec_"), other, strings.TrimPrefix(other, "whsec_")}

// connect runs a server over an in-memory transport and returns the SDK's
// own client session to it.
func connect(t *testing.T, o Options) *mcp.ClientSession {
	t.Helper()
	srv, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, ct := mcp.NewInMemoryTransports()
	ss, err := srv.Connect(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ss.Close() })
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "0"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

// call calls a tool and decodes its structured output into out (nil: not
// decoded). It fails the test when the result's error state is not
// wantErr, and returns the result's text.
func call(t *testing.T, cs *mcp.ClientSession, name string, args map[string]any, wantErr bool, out any) string {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatalf("%s: protocol error: %v", name, err)
	}
	var text strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			text.WriteString(tc.Text)
		}
	}
	if res.IsError != wantErr {
		t.Fatalf("%s: IsError %v, want %v: %s", name, res.IsError, wantErr, text.String())
	}
	all, _ := json.Marshal(res)
	for _, s := range secretTexts {
		if bytes.Contains(all, []byte(s)) {
			t.Errorf("%s: the result holds a secret: %s", name, all)
		}
	}
	if out != nil && !wantErr {
		b, _ := json.Marshal(res.StructuredContent)
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	return text.String()
}

var toolNames = []string{"get_delivery", "list_deliveries", "list_fixtures", "list_profiles", "probe", "render_fixture", "send_fixture", "validate_payload"}

// Initialise, list the tools (each with an input schema whose properties
// are described), call each, sending into a real listen and reading its
// record.
func TestTools(t *testing.T) {
	t.Parallel()
	lst := testlisten.Start(t, secret)
	cs := connect(t, Options{Version: "test", Secrets: func() ([]string, error) { return []string{secret}, nil }})

	if got := cs.InitializeResult().ServerInfo.Name; got != "webhook-tool" {
		t.Errorf("server name %q", got)
	}
	tools, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tl := range tools.Tools {
		names = append(names, tl.Name)
		checkSchema(t, tl)
	}
	slices.Sort(names)
	if !slices.Equal(names, toolNames) {
		t.Fatalf("tools %v, want %v", names, toolNames)
	}

	var fl ListFixturesOut
	call(t, cs, "list_fixtures", map[string]any{"family": "permit"}, false, &fl)
	if len(fl.Fixtures) != 6 || !slices.Equal(fl.Families, []string{"permission_assist", "permit"}) {
		t.Errorf("list_fixtures: %+v", fl)
	}
	var pl ListProfilesOut
	call(t, cs, "list_profiles", nil, false, &pl)
	if len(pl.Profiles) != 2 || pl.Profiles[1].Name != "permit" || !slices.Contains(pl.Profiles[1].Schemas, "permit.create_user") || len(pl.Profiles[0].Fixtures) != 8 {
		t.Errorf("list_profiles: %+v", pl)
	}

	var ro RenderOut
	call(t, cs, "render_fixture", map[string]any{"name": "permit.create_user", "set": []string{"email=ada@example.com", "emial=x"}}, false, &ro)
	if !strings.Contains(ro.Body, `"email": "ada@example.com"`) || !ro.Validation.Valid || ro.Validation.Schema != "permit.create_user" || len(ro.Warnings) != 1 {
		t.Errorf("render_fixture: %+v", ro)
	}
	call(t, cs, "render_fixture", map[string]any{"name": "permit.create_user", "set": []string{"email=not-an-email"}}, false, &ro)
	if ro.Validation.Valid || len(ro.Validation.Errors) == 0 || ro.Validation.Errors[0].Pointer != "/email" {
		t.Errorf("render_fixture of an invalid payload: %+v", ro.Validation)
	}

	var vo Verdict
	call(t, cs, "validate_payload", map[string]any{"text": `{"type": "create_user", "email": 3}`}, false, &vo)
	if vo.Valid || vo.Schema != "permit.create_user" || vo.Errors[0].Line != 1 {
		t.Errorf("validate_payload text: %+v", vo)
	}
	file := filepath.Join(t.TempDir(), "p.json")
	if err := os.WriteFile(file, []byte(ro.Body), 0o600); err != nil {
		t.Fatal(err)
	}
	call(t, cs, "validate_payload", map[string]any{"path": file, "schema": "permit.create_user"}, false, &vo)
	if vo.Valid {
		t.Errorf("validate_payload path: %+v", vo)
	}

	var so SendOut
	call(t, cs, "send_fixture", map[string]any{"url": lst.URL + "pa?tenant=acme", "fixture": "permission_assist.access_request_created"}, false, &so)
	if so.Status != 200 || !so.OK || so.DeliveryID == "" || so.Validation == nil || !so.Validation.Valid || !strings.Contains(so.Body, lst.URL+"webhooks/callback/"+so.DeliveryID) {
		t.Errorf("send_fixture: %+v", so)
	}
	call(t, cs, "send_fixture", map[string]any{"url": lst.URL, "fixture": "permit.role_assignment", "secrets": []string{other}}, false, &so)
	if so.Status != 401 || so.OK || !strings.Contains(so.Response, "no signature") {
		t.Errorf("send_fixture with another secret: %+v", so)
	}
	call(t, cs, "send_fixture", map[string]any{"url": lst.URL, "payload": `{"hello": "world"}`, "scheme": "bearer", "headers": []string{"X-Test: 1"}}, false, &so)
	if !slices.Contains(so.RequestHeaders, Header{"Authorization", "Bearer ****"}) || !slices.Contains(so.RequestHeaders, Header{"X-Test", "1"}) {
		t.Errorf("bearer send headers: %+v", so.RequestHeaders)
	}

	var po ProbeOut
	call(t, cs, "probe", map[string]any{"url": lst.URL, "fixtures": []string{"permit.create_user"}}, false, &po)
	if len(po.Checks) == 0 || len(po.Failed) != 0 || !strings.Contains(po.Summary, "0 fail") {
		t.Errorf("probe of a correct receiver: %+v", po)
	}

	postReformatted(t, lst.URL)
	lst.Stop()
	readRecord(t, cs, lst.Record)
}

// readRecord lists and reads the deliveries TestTools sent.
func readRecord(t *testing.T, cs *mcp.ClientSession, file string) {
	t.Helper()
	var all ListDeliveriesOut
	call(t, cs, "list_deliveries", map[string]any{"file": file}, false, &all)
	reformattedSeq := all.Deliveries[len(all.Deliveries)-1].Seq
	var lo ListDeliveriesOut
	call(t, cs, "list_deliveries", map[string]any{"file": file, "seq": []string{"1-3"}}, false, &lo)
	if lo.Matched != 3 || lo.Deliveries[0].Event != "AccessRequestCreated" || lo.Deliveries[0].Path != "/pa" || lo.Deliveries[1].Signature != "invalid" {
		t.Errorf("list_deliveries: %+v", lo)
	}
	call(t, cs, "list_deliveries", map[string]any{"file": file, "signature": "invalid", "kind": "delivery"}, false, &lo)
	if lo.Matched == 0 || slices.ContainsFunc(lo.Deliveries, func(d DeliverySummary) bool { return d.Signature != "invalid" }) {
		t.Errorf("list_deliveries signature=invalid: %+v", lo)
	}
	call(t, cs, "list_deliveries", map[string]any{"file": file, "limit": 2}, false, &lo)
	if !lo.Truncated || len(lo.Deliveries) != 2 || lo.Deliveries[1].Seq != int64(lo.Matched) || lo.Note == "" {
		t.Errorf("list_deliveries cut to 2: %+v", lo)
	}

	var do DeliveryOut
	call(t, cs, "get_delivery", map[string]any{"file": file, "seq": 1}, false, &do)
	if do.Seq != 1 || do.Query != "tenant=acme" || !strings.Contains(do.Body, "AccessRequestCreated") || do.RecordedSig == nil || !do.RecordedSig.Valid ||
		do.RecordedSch == nil || !do.RecordedSch.Valid || do.Recheck == nil || !do.Recheck.Valid || do.Headers["Webhook-Signature"] == "" {
		t.Errorf("get_delivery 1: %+v", do)
	}
	var wrong DeliveryOut
	call(t, cs, "get_delivery", map[string]any{"file": file, "seq": 2}, false, &wrong)
	if wrong.RecordedSig.Valid || wrong.Recheck == nil || wrong.Recheck.Valid || wrong.Recheck.Reason == "" {
		t.Errorf("get_delivery of a bad signature: sig %+v recheck %+v", wrong.RecordedSig, wrong.Recheck)
	}
	var right DeliveryOut
	call(t, cs, "get_delivery", map[string]any{"file": file, "seq": 2, "secrets": []string{other}}, false, &right)
	if right.Recheck == nil || !right.Recheck.Valid {
		t.Errorf("get_delivery checked with the secret it was signed with: %+v", right.Recheck)
	}
	var bearer DeliveryOut
	call(t, cs, "get_delivery", map[string]any{"file": file, "seq": 3}, false, &bearer)
	if bearer.Recheck != nil || bearer.RecheckNote == "" || bearer.Headers["Authorization"] != "Bearer ****" {
		t.Errorf("a bearer delivery's masked token cannot be checked again: %+v %q", bearer.Recheck, bearer.RecheckNote)
	}
	var reformatted DeliveryOut
	call(t, cs, "get_delivery", map[string]any{"file": file, "seq": reformattedSeq}, false, &reformatted)
	if d := reformatted.RecordedSig.Diagnosis; d == nil || d.Cause != "json-reformatted" {
		t.Errorf("listen's diagnosis: %+v", reformatted.RecordedSig)
	}
	if r := reformatted.Recheck; r == nil || r.Diagnosis == nil || r.Diagnosis.Cause != "json-reformatted" {
		t.Errorf("the doctor's diagnosis on a recheck: %+v", r)
	}
}

// postReformatted sends a body other than the one it signed, as a proxy
// that pretty-prints JSON does: listen's doctor names the cause.
func postReformatted(t *testing.T, url string) {
	t.Helper()
	signed := []byte(`{"type":"create_user","email":"ada@example.com"}`)
	sent := []byte("{\n  \"type\": \"create_user\",\n  \"email\": \"ada@example.com\"\n}\n")
	s, err := signature.NewSigner(signature.Standard, secret)
	if err != nil {
		t.Fatal(err)
	}
	hs, err := s.Sign("msg_reformatted", time.Now(), signed)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(sent))
	for _, h := range hs {
		req.Header.Set(h.Name, h.Value)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("a reformatted body: %d", resp.StatusCode)
	}
}

// checkSchema: every tool's input schema is an object schema whose
// properties each say what they are.
func checkSchema(t *testing.T, tl *mcp.Tool) {
	t.Helper()
	b, err := json.Marshal(tl.InputSchema)
	if err != nil {
		t.Fatal(err)
	}
	var s jsonschema.Schema
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("%s: input schema: %v", tl.Name, err)
	}
	if s.Type != "object" {
		t.Errorf("%s: input schema type %q", tl.Name, s.Type)
	}
	for name, p := range s.Properties {
		if p.Description == "" {
			t.Errorf("%s: input %s has no description", tl.Name, name)
		}
	}
	if tl.Description == "" {
		t.Errorf("%s: no description", tl.Name)
	}
}

// Errors are tool errors, with what to do; a panic in a tool is one too,
// and the server goes on answering.
func TestErrors(t *testing.T) {
	t.Parallel()
	var logged bytes.Buffer
	cs := connect(t, Options{
		Profiles: func() ([]Profile, error) { panic("boom") },
		Secrets:  func() ([]string, error) { return []string{secret}, nil },
		Log:      &logged,
	})
	for _, c := range []struct {
		tool string
		args map[string]any
		want string
	}{
		{"render_fixture", map[string]any{"name": "created"}, `did you mean "permission_assist.access_request_created"? call list_fixtures`},
		{"render_fixture", map[string]any{"name": "permit.create_user", "set": []string{"nope"}}, "nope"},
		{"render_fixture", map[string]any{}, "name"},
		{"render_fixture", map[string]any{"name": 3}, "name"},
		{"list_fixtures", map[string]any{"family": "stripe"}, `unknown family "stripe"`},
		{"validate_payload", map[string]any{}, "one of the two"},
		{"validate_payload", map[string]any{"path": "/nonexistent/x.json"}, "cannot read /nonexistent/x.json"},
		{"validate_payload", map[string]any{"text": `{"a":1}`}, "no schema matches"},
		{"validate_payload", map[string]any{"text": "{}", "schema": "permit.createuser"}, `did you mean "permit.create_user"`},
		{"send_fixture", map[string]any{"url": "ftp://x/", "fixture": "permit.create_user"}, "invalid url"},
		{"send_fixture", map[string]any{"url": "http://127.0.0.1:9/", "fixture": "permit.create_user", "set": []string{"email=x"}}, "nothing was sent"},
		{"send_fixture", map[string]any{"url": "http://127.0.0.1:9/", "fixture": "permit.create_user", "scheme": "auto"}, "unknown scheme"},
		{"send_fixture", map[string]any{"url": "http://127.0.0.1:9/", "fixture": "permit.create_user", "timeout_seconds": 600}, "timeout_seconds 600"},
		{"probe", map[string]any{"url": "http://127.0.0.1:9/"}, "nothing to send"},
		{"list_deliveries", map[string]any{"file": "/nonexistent.ndjson"}, "cannot read"},
		{"list_deliveries", map[string]any{"file": "x", "payload": "maybe"}, `payload "maybe"`},
		{"get_delivery", map[string]any{"file": "x", "seq": 0}, "numbered from 1"},
		{"list_profiles", nil, "internal error in list_profiles: boom"},
	} {
		if got := call(t, cs, c.tool, c.args, true, nil); !strings.Contains(got, c.want) {
			t.Errorf("%s %v: %q, want it to say %q", c.tool, c.args, got, c.want)
		}
	}
	if !strings.Contains(logged.String(), "panicked: boom") {
		t.Errorf("the panic is not logged: %q", logged.String())
	}
	call(t, cs, "list_fixtures", nil, false, nil) // still serving
}

// A receiver that echoes the bearer token and a URL that holds the
// secret: the output masks both.
func TestSecretsMasked(t *testing.T) {
	t.Parallel()
	cs := connect(t, Options{Secrets: func() ([]string, error) { return []string{secret}, nil }})
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("you sent " + r.Header.Get("Authorization") + " to " + r.URL.RawQuery))
	}))
	defer echo.Close()
	var so SendOut
	call(t, cs, "send_fixture", map[string]any{"url": echo.URL + "/?key=" + secret, "fixture": "permit.create_user", "scheme": "bearer"}, false, &so)
	if so.Status != 200 || so.Response != "you sent Bearer **** to key=****" || so.URL != echo.URL+"/?key=****" {
		t.Errorf("send_fixture: %+v", so)
	}
}
