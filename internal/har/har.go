// Package har owns the HTTP Archive (HAR 1.2) form of recorded deliveries:
// the document model, an entry built from a record, a Writer that streams a
// log entry by entry, and a Reader that turns the entries of a HAR file
// (this tool's own or a browser's) back into records replay can send.
//
// The format is the one Jan Odvarko's HAR 1.2 specification defines; fields
// the specification does not have are custom fields, which it requires to
// start with an underscore and which a reader ignores unless the file was
// written by the tool reading it. This tool's own are:
//
//	entry._webhook_tool     the record's verdicts and ids, in the record's own
//	                        field names (seq, kind, delivery_id, signature, ...)
//	postData._encoding      "base64" when the body is not UTF-8: text then holds
//	                        the body base64-encoded (a JSON string cannot hold
//	                        arbitrary bytes), as content.encoding does for a
//	                        response
package har

import "github.com/webhook-tool/webhook-tool/internal/record"

// Version is the HAR version written.
const Version = "1.2"

// CreatorName is log.creator.name in the files this tool writes; a Reader
// reads the custom fields only of files that carry it.
const CreatorName = "webhook-tool"

// Base64 is the encoding of a body that is not UTF-8.
const Base64 = "base64"

// Document is a whole HAR file.
type Document struct {
	Log Log `json:"log"`
}

// Log is a HAR file's root object.
type Log struct {
	Version string  `json:"version"`
	Creator Creator `json:"creator"`
	Entries []Entry `json:"entries"`
	Comment string  `json:"comment,omitempty"`
}

// Creator names the application that wrote the log.
type Creator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Comment string `json:"comment,omitempty"`
}

// Entry is one request and its answer.
type Entry struct {
	StartedDateTime string   `json:"startedDateTime"`
	Time            float64  `json:"time"`
	Request         Request  `json:"request"`
	Response        Response `json:"response"`
	Cache           Cache    `json:"cache"`
	Timings         Timings  `json:"timings"`
	Comment         string   `json:"comment,omitempty"`
	// WebhookTool is what the record says beyond the request and answer:
	// written by this tool, and read back only from its own files.
	WebhookTool *Extension `json:"_webhook_tool,omitempty"`
}

// Request is the request as it arrived.
type Request struct {
	Method      string      `json:"method"`
	URL         string      `json:"url"`
	HTTPVersion string      `json:"httpVersion"`
	Cookies     []Cookie    `json:"cookies"`
	Headers     []NameValue `json:"headers"`
	QueryString []NameValue `json:"queryString"`
	PostData    *PostData   `json:"postData,omitempty"`
	HeadersSize int64       `json:"headersSize"`
	BodySize    int64       `json:"bodySize"`
	Comment     string      `json:"comment,omitempty"`
}

// NameValue is a header or a query parameter.
type NameValue struct {
	Name    string `json:"name"`
	Value   string `json:"value"`
	Comment string `json:"comment,omitempty"`
}

// Cookie is a cookie. The records hold cookies only as the Cookie header,
// so this tool writes none; a browser's file may hold some.
type Cookie struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// PostData is a request body. This tool writes Text (never Params: the
// two are exclusive); a browser may write Params for a form.
type PostData struct {
	MimeType string  `json:"mimeType"`
	Text     string  `json:"text"`
	Params   []Param `json:"params,omitempty"`
	Comment  string  `json:"comment,omitempty"`
	// Encoding is "base64" when Text holds a body that is not UTF-8.
	Encoding string `json:"_encoding,omitempty"`
}

// Param is a posted form parameter.
type Param struct {
	Name  string `json:"name"`
	Value string `json:"value,omitempty"`
}

// Response is the receiver's answer.
type Response struct {
	Status      int         `json:"status"`
	StatusText  string      `json:"statusText"`
	HTTPVersion string      `json:"httpVersion"`
	Cookies     []Cookie    `json:"cookies"`
	Headers     []NameValue `json:"headers"`
	Content     Content     `json:"content"`
	RedirectURL string      `json:"redirectURL"`
	HeadersSize int64       `json:"headersSize"`
	BodySize    int64       `json:"bodySize"`
	Comment     string      `json:"comment,omitempty"`
}

// Content is a response body.
type Content struct {
	Size     int64  `json:"size"`
	MimeType string `json:"mimeType"`
	Text     string `json:"text,omitempty"`
	Encoding string `json:"encoding,omitempty"`
	Comment  string `json:"comment,omitempty"`
}

// Cache says nothing: a webhook delivery does not come from a cache.
type Cache struct {
	Comment string `json:"comment,omitempty"`
}

// Timings are the phases of the exchange, in milliseconds. A record holds
// when a request arrived, not how long its phases took: all are 0.
type Timings struct {
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
	Comment string  `json:"comment,omitempty"`
}

// Extension is entry._webhook_tool: the record fields a HAR entry has no
// place for, under the record's names.
type Extension struct {
	Seq          int64             `json:"seq"`
	Kind         string            `json:"kind,omitempty"`
	DeliveryID   string            `json:"delivery_id,omitempty"`
	Duplicate    bool              `json:"duplicate,omitempty"`
	CallbackFor  string            `json:"callback_for,omitempty"`
	UserInviteID string            `json:"user_invite_id,omitempty"`
	Signature    *record.Signature `json:"signature,omitempty"`
	Schema       *record.Schema    `json:"schema,omitempty"`
	Forward      *record.Forward   `json:"forward,omitempty"`
	Error        string            `json:"error,omitempty"`
}
