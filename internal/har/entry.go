package har

import (
	"encoding/base64"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/webhook-tool/webhook-tool/internal/record"
)

// httpVersion is the version entries give: the record does not say, and
// listen serves HTTP/1.1 unless a client asks for HTTP/2 over TLS.
const httpVersion = "HTTP/1.1"

// textPlain is the type of the answers listen writes itself.
const textPlain = "text/plain; charset=utf-8"

// EntryOf is the HAR entry of a recorded request sent to rawURL (the
// caller maps the recorded path and query onto a host). The request's
// headers, query and body are the record's, secrets masked as the record
// has them; the response is listen's answer as far as the record tells it:
// the status, and the body listen wrote itself (a refusal's reason, a
// callback's "ok").
func EntryOf(rec *record.Record, rawURL string) (Entry, error) {
	body, err := rec.RawBody()
	if err != nil {
		return Entry{}, err
	}
	e := Entry{
		StartedDateTime: rec.ReceivedAt.Format(time.RFC3339Nano),
		Request: Request{
			Method: rec.Method, URL: rawURL, HTTPVersion: httpVersion,
			Cookies: []Cookie{}, Headers: headerList(rec.Headers), QueryString: queryList(rec.Query),
			HeadersSize: -1, BodySize: int64(len(body)),
		},
		Response: response(rec),
		Timings:  Timings{Comment: "the record holds when the request arrived, not how long it took"},
		WebhookTool: &Extension{
			Seq: rec.Seq, Kind: rec.Kind, DeliveryID: rec.DeliveryID, Duplicate: rec.Duplicate,
			CallbackFor: rec.CallbackFor, UserInviteID: rec.UserInviteID,
			Signature: rec.Signature, Schema: rec.Schema, Forward: rec.Forward, Error: rec.Error,
		},
	}
	if len(body) > 0 {
		e.Request.PostData = postData(headerValue(rec.Headers, "Content-Type"), body)
	}
	return e, nil
}

// postData holds body as text when it is UTF-8, and base64 otherwise.
func postData(mime string, body []byte) *PostData {
	if utf8.Valid(body) {
		return &PostData{MimeType: mime, Text: string(body)}
	}
	return &PostData{
		MimeType: mime, Text: base64.StdEncoding.EncodeToString(body), Encoding: Base64,
		Comment: "the body is not UTF-8: text holds it base64-encoded (_encoding)",
	}
}

// headerList is the record's headers sorted by name, for a stable file.
func headerList(h record.Headers) []NameValue {
	list := make([]NameValue, 0, len(h))
	for _, name := range slices.Sorted(maps.Keys(h)) {
		list = append(list, NameValue{Name: name, Value: h[name]})
	}
	return list
}

// headerValue finds a header whatever the case of its recorded name.
func headerValue(h record.Headers, name string) string {
	if v, ok := h[name]; ok {
		return v
	}
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// queryList splits a raw query into its parameters, in order, each
// unescaped where it can be (as it stands where it cannot).
func queryList(raw string) []NameValue {
	list := []NameValue{}
	if raw == "" {
		return list
	}
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		list = append(list, NameValue{Name: unescape(k), Value: unescape(v)})
	}
	return list
}

func unescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// response is listen's answer to rec as the record tells it.
func response(rec *record.Record) Response {
	r := Response{
		Status: rec.Status, StatusText: http.StatusText(rec.Status), HTTPVersion: httpVersion,
		Cookies: []Cookie{}, Headers: []NameValue{}, HeadersSize: -1, BodySize: -1,
	}
	text, mime, note := answerBody(rec)
	if text != "" {
		r.Headers = append(r.Headers, NameValue{Name: "Content-Type", Value: mime})
		r.BodySize = int64(len(text))
	}
	r.Content = Content{Size: int64(len(text)), MimeType: mime, Text: text}
	r.Comment = note
	return r
}

// answerBody is the body of listen's answer to rec, when the record tells
// it: a refusal's reason, a failed signature's reason (and likely cause),
// a callback's "ok", the forwarded app's answer (an excerpt).
func answerBody(rec *record.Record) (text, mime, note string) {
	const rebuilt = "the body listen writes for this answer, rebuilt from the record"
	sig := rec.Signature
	switch {
	case rec.Forward != nil && rec.Forward.Status != 0:
		return rec.Forward.Body, "", "the answer of the app behind --forward-to; the body is the excerpt listen recorded"
	case rec.Error != "":
		return rec.Error + "\n", textPlain, rebuilt
	case rec.Kind == record.KindCallback && rec.Status == http.StatusOK:
		return "ok\n", textPlain, rebuilt
	case rec.Status == http.StatusUnauthorized && sig != nil && !sig.Valid && sig.Kind != record.Unchecked:
		text := sig.Reason + "\n"
		if d := sig.Diagnosis; d != nil {
			text += "likely cause (" + string(d.Cause) + "): " + d.Detail + "\n"
		}
		return text, textPlain, rebuilt
	}
	return "", "", "listen's answer as the record tells it: the status; the body is not recorded"
}
