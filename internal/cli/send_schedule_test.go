package cli

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// flaky answers 503 twice, then 200, keeping every request.
func flaky(t *testing.T) (*httptest.Server, func() []delivered) {
	var mu sync.Mutex
	var got []delivered
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, delivered{r.Header.Clone(), b})
		n := len(got)
		mu.Unlock()
		if n <= 2 {
			w.Header().Set("Retry-After", "3600") // a schedule does not wait for it
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, func() []delivered {
		mu.Lock()
		defer mu.Unlock()
		return append([]delivered(nil), got...)
	}
}

func tickingClock() func() time.Time {
	var mu sync.Mutex
	clock := time.Now().Truncate(time.Second)
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		clock = clock.Add(time.Second)
		return clock
	}
}

// TestSendRetrySchedule: Svix's schedule, compressed a millionfold, against
// a receiver that answers 503 twice: the third attempt succeeds; every
// attempt has the same id and its own timestamp and signature; the summary
// lists each with its scheduled and real time.
func TestSendRetrySchedule(t *testing.T) {
	t.Parallel()
	srv, got := flaky(t)
	out, errOut, code := runCLI(t, &App{Now: tickingClock()}, "send", "permission_assist.access_request_created",
		"--to", srv.URL+"/", "--secret", testSecret, "--retry-schedule", "svix", "--time-scale", "1000000x")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	ds := got()
	if len(ds) != 3 {
		t.Fatalf("%d attempts", len(ds))
	}
	stamps := map[string]bool{}
	for i, d := range ds {
		if d.header.Get("webhook-id") != ds[0].header.Get("webhook-id") || string(d.body) != string(ds[0].body) {
			t.Errorf("attempt %d is another delivery", i+1)
		}
		stamps[d.header.Get("webhook-timestamp")] = true
		v := signature.Verify(signature.VerifyOptions{Scheme: signature.Standard, Secrets: []string{testSecret}, Tolerance: time.Hour, Now: time.Now()}, d.header, d.body)
		if !v.Valid {
			t.Errorf("attempt %d: %s", i+1, v.Reason)
		}
	}
	if len(stamps) != 3 {
		t.Errorf("timestamps %v, want one per attempt", stamps)
	}
	for _, want := range []string{
		"attempt  scheduled  at 1000000x  real",
		"\n1        0s         0s ",
		"\n2        5s         5µs ",
		"\n3        5m5s       305µs ",
		"503 Service Unavailable",
		"200 OK",
		"HTTP 200 OK  (",
		", 3 attempts)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, "attempt 1 of 8: 503 Service Unavailable; retrying in 5µs (svix schedule: 5s, at 1000000x)") {
		t.Errorf("stderr:\n%s", errOut)
	}
}

// TestSendRetryScheduleJSON: --output json carries every attempt.
func TestSendRetryScheduleJSON(t *testing.T) {
	t.Parallel()
	srv, _ := flaky(t)
	out, errOut, code := runCLI(t, &App{}, "send", "permit.create_user", "--to", srv.URL+"/", "--secret", testSecret,
		"--retry-schedule", "0,1s,1m,1h", "--time-scale", "1e6", "--output", "json")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	var r struct {
		Attempts int  `json:"attempts"`
		OK       bool `json:"ok"`
		Schedule struct {
			Waits     string  `json:"waits"`
			TimeScale float64 `json:"time_scale"`
			Attempts  []struct {
				Attempt     int     `json:"attempt"`
				ScheduledMS float64 `json:"scheduled_ms"`
				ScaledMS    float64 `json:"scaled_ms"`
				RealMS      float64 `json:"real_ms"`
				Status      int     `json:"status"`
			} `json:"attempts"`
		} `json:"schedule"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	s := r.Schedule
	if !r.OK || r.Attempts != 3 || s.Waits != "0s,1s,1m0s,1h0m0s" || s.TimeScale != 1e6 || len(s.Attempts) != 3 {
		t.Fatalf("report %+v", r)
	}
	if a := s.Attempts[2]; a.Attempt != 3 || a.ScheduledMS != 61000 || a.ScaledMS != 0.061 || a.Status != 200 || a.RealMS < s.Attempts[1].RealMS {
		t.Errorf("attempt 3: %+v", a)
	}
	if s.Attempts[0].Status != 503 || s.Attempts[1].ScheduledMS != 1000 {
		t.Errorf("attempts %+v", s.Attempts)
	}
}

func TestSendRetryScheduleFile(t *testing.T) {
	t.Parallel()
	srv, got := flaky(t)
	file := filepath.Join(t.TempDir(), "vendor.txt")
	os.WriteFile(file, []byte("# our vendor's schedule\n0\n10s\n1m   # then\n"), 0o644)
	_, errOut, code := runCLI(t, &App{}, "send", "permit.create_user", "--to", srv.URL+"/", "--secret", testSecret,
		"--retry-schedule", file, "--time-scale", "1000000x")
	if code != 0 || len(got()) != 3 {
		t.Fatalf("exit %d after %d attempts: %s", code, len(got()), errOut)
	}
}

func TestSendRetryScheduleRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.txt")
	os.WriteFile(bad, []byte("0\nsoon\n"), 0o644)
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--time-scale", "10x"}, "--time-scale compresses the waits of a --retry-schedule, and there is none"},
		{[]string{"--retry-schedule", "svix", "--retries", "2"}, "--retries and --retry-schedule both say how often to try"},
		{[]string{"--retry-schedule", "svix", "--count", "2"}, "cannot be combined with --count"},
		{[]string{"--retry-schedule", "svix", "--time-scale", "0.5x"}, `invalid --time-scale "0.5x": give a factor from 1`},
		{[]string{"--retry-schedule", "5s,5m"}, `invalid --retry-schedule "5s,5m": it starts with 5s`},
		{[]string{"--retry-schedule", "0,5 min"}, `invalid --retry-schedule "0,5 min": wait 2, "5"`},
		{[]string{"--retry-schedule", "svx"}, `invalid --retry-schedule "svx": not svix, not a list of waits, and no such file`},
		{[]string{"--retry-schedule", dir}, "and a directory"},
		{[]string{"--retry-schedule", bad}, bad + `: not a retry schedule: wait 2, "soon"`},
	} {
		args := append([]string{"send", "permit.create_user", "--to", "http://127.0.0.1:1/"}, tc.args...)
		_, errOut, code := runCLI(t, &App{}, args...)
		if code != ExitUsage || !strings.HasPrefix(errOut, "webhook-tool: ") || !strings.Contains(errOut, tc.msg) {
			t.Errorf("%v: exit %d\n%s", tc.args, code, errOut)
		}
	}
}

func TestScheduleTime(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		0: "0s", 5 * time.Second: "5s", 5 * time.Minute: "5m", 5*time.Minute + 50*time.Second: "5m50s",
		2 * time.Hour: "2h", 2*time.Hour + 35*time.Minute + 5*time.Second: "2h35m5s", 27*time.Hour + 35*time.Minute: "27h35m",
	} {
		if got := scheduleTime(d); got != want {
			t.Errorf("scheduleTime(%s) = %s, want %s", d, got, want)
		}
	}
}
