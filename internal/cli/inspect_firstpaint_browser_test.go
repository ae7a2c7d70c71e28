package cli

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/webhook-tool/webhook-tool/internal/inspect"
	"github.com/webhook-tool/webhook-tool/internal/record"
	"github.com/webhook-tool/webhook-tool/internal/signature"
)

// The inspector's first paint over `inspect FILE`: until its first answer
// the page says it is loading, never that there are no deliveries nor to
// send one, and it never offers to send one for a file.

// watchWords notes, from each page's first paint on, every word of words
// the page ever shows (window.__seen): a MutationObserver looks at the
// visible text after every change, so a state that lasts one frame is
// seen too.
func watchWords(t *testing.T, ctx context.Context, words ...string) {
	t.Helper()
	list, _ := json.Marshal(words)
	script := `(() => {
  const words = ` + string(list) + `;
  window.__seen = [];
  const note = () => {
    if (!document.body) return;
    const text = document.body.innerText;
    for (const w of words) {
      if (new RegExp('\\b' + w + '\\b').test(text) && !window.__seen.includes(w)) window.__seen.push(w);
    }
  };
  new MutationObserver(note).observe(document, {subtree: true, childList: true, characterData: true, attributes: true});
  document.addEventListener('DOMContentLoaded', note);
})();`
	sctx, cancel := context.WithTimeout(ctx, 30e9)
	defer cancel()
	if _, err := chromedp.Call(sctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: script}); err != nil {
		t.Fatal(err)
	}
}

// startGatedInspect serves the record file path as inspect does, its API
// held back until release is called: the page stays at its first paint
// for as long as the test looks.
func startGatedInspect(t *testing.T, path string) (pageURL string, release func()) {
	t.Helper()
	store, err := inspect.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	srv := inspect.NewServer(inspect.Config{Store: store, Replayer: newReplayer(&App{}, nil, signature.None)})
	gate := make(chan struct{})
	gated := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			select {
			case <-gate:
			case <-r.Context().Done():
				return
			}
		}
		srv.ServeHTTP(w, r)
	})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	pageURL, _, err = inspect.Start(ctx, "127.0.0.1:0", 1, gated, nil)
	if err != nil {
		t.Fatal(err)
	}
	var once bool
	return pageURL, func() {
		if !once {
			once = true
			close(gate)
		}
	}
}

func writeRecords(t *testing.T, recs []*record.Record) string {
	t.Helper()
	var file []byte
	for _, r := range recs {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		file = append(append(file, b...), '\n')
	}
	path := filepath.Join(t.TempDir(), "rec.ndjson")
	if err := os.WriteFile(path, file, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestInspectorFirstPaintOverAFile(t *testing.T) {
	ctx := newBrowser(t)
	watchWords(t, ctx, "No deliveries yet", "Send one", "connecting")
	seen := func(t *testing.T) []string {
		t.Helper()
		return eval[[]string](t, ctx, `window.__seen`)
	}

	t.Run("a file with records", func(t *testing.T) {
		pageURL, release := startGatedInspect(t, writeRecords(t, hostileRecords()[2:]))
		defer release()
		step(t, ctx, "open the page", chromedp.Navigate(pageURL),
			poll(`document.readyState === 'complete' && window.__seen !== undefined`))
		// The first paint, before any answer.
		if got := eval[string](t, ctx, `document.querySelector('#live').textContent`); got != "loading" {
			t.Errorf("the badge says %q before the first answer, want loading", got)
		}
		if got := eval[string](t, ctx, `document.querySelector('#listpane').innerText`); !strings.Contains(got, "Loading") {
			t.Errorf("the list says %q before the first answer, want that it is loading", got)
		}
		if s := seen(t); len(s) > 0 {
			t.Errorf("the first paint shows %q", s)
		}
		release()
		step(t, ctx, "the rows", poll(`document.querySelectorAll('#rows tr').length === 4`),
			poll(`document.querySelector('#live').textContent === 'live'`))
		if s := seen(t); len(s) > 0 {
			t.Errorf("while loading, the page showed %q", s)
		}
		if got := eval[string](t, ctx, `document.querySelector('#listpane').innerText`); strings.Contains(got, "Loading") {
			t.Errorf("still loading once the rows are there: %q", got)
		}
	})

	t.Run("an empty file", func(t *testing.T) {
		pageURL, release := startGatedInspect(t, writeRecords(t, nil))
		release()
		step(t, ctx, "open the page", chromedp.Navigate(pageURL),
			poll(`document.querySelector('#empty') !== null && !document.querySelector('#empty').hidden`))
		if got := eval[string](t, ctx, `document.querySelector('#empty').innerText`); !strings.Contains(got, "no deliveries") || !strings.Contains(got, "rec.ndjson") {
			t.Errorf("the empty file's page says %q", got)
		}
		if s := seen(t); len(s) > 0 {
			t.Errorf("over an empty file, the page showed %q", s)
		}
	})
}
