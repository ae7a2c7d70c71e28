package callback

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

const fromPayloadHint = "give a Permission Assist delivery (a JSON object with a callback field) or one line of a `listen --record` file"

// URLFromPayload finds the callback URL in a Permission Assist delivery, or in
// one `listen --record` NDJSON line whose body is such a delivery (the body is
// a JSON string holding the raw delivery, base64 when body_encoding says so).
// name is the file's name for errors.
func URLFromPayload(data []byte, name string) (string, error) {
	doc, err := decodeObject(data, name)
	if err != nil {
		return "", err
	}
	if _, ok := doc["callback"]; !ok && isRecord(doc) {
		body, err := recordBody(doc, name)
		if err != nil {
			return "", err
		}
		inner, err := decodeObject(body, name+": the record's body")
		if err != nil {
			return "", err
		}
		return callbackField(inner, name+": the recorded delivery")
	}
	return callbackField(doc, name)
}

// decodeObject parses exactly one JSON object, saying where parsing failed
// and telling a multi-record file apart from a broken one.
func decodeObject(data []byte, name string) (map[string]json.RawMessage, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, inputErr(fromPayloadHint, "%s is empty", name)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var doc map[string]json.RawMessage
	if err := dec.Decode(&doc); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, inputErr(fromPayloadHint, "%s is JSON but not an object (it is %s)", name, te.Value)
		}
		line, col := position(data, dec.InputOffset(), err)
		return nil, inputErr(fromPayloadHint, "%s is not JSON: %s (line %d, column %d)", name, jsonMsg(err), line, col)
	}
	if doc == nil {
		return nil, inputErr(fromPayloadHint, "%s is JSON but not an object (it is null)", name)
	}
	n := 1
	for {
		var skip json.RawMessage
		if err := dec.Decode(&skip); err == io.EOF {
			break
		} else if err != nil {
			return nil, inputErr(fromPayloadHint, "%s has more after the first JSON value", name)
		}
		n++
	}
	if n > 1 {
		return nil, inputErr("pick one record, e.g. `sed -n 1p "+name+" | webhook-tool callback --from-payload - MESSAGE`",
			"%s holds %d JSON values; --from-payload takes one delivery", name, n)
	}
	return doc, nil
}

func jsonMsg(err error) string {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return "unexpected end of input"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// position turns a byte offset into a 1-based line and column.
func position(data []byte, off int64, err error) (int, int) {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = se.Offset
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		off = int64(len(bytes.TrimRight(data, " \t\r\n")))
	}
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - (bytes.LastIndexByte(before, '\n') + 1)
	if se != nil && col > 0 {
		col-- // Offset is just past the bad byte
	}
	return line, col + 1
}

// isRecord recognises a `listen --record` line by its shape: a string body
// next to the fields only a record has.
func isRecord(doc map[string]json.RawMessage) bool {
	if _, ok := doc["body"]; !ok {
		return false
	}
	_, seq := doc["seq"]
	_, at := doc["received_at"]
	return seq || at
}

func recordBody(doc map[string]json.RawMessage, name string) ([]byte, error) {
	var body string
	if err := json.Unmarshal(doc["body"], &body); err != nil {
		return nil, inputErr(fromPayloadHint, "%s: the record's body is not a string", name)
	}
	var enc string
	if raw, ok := doc["body_encoding"]; ok {
		_ = json.Unmarshal(raw, &enc)
	}
	switch enc {
	case "", "utf-8", "utf8", "text":
		return []byte(body), nil
	case "base64":
		b, err := base64.StdEncoding.DecodeString(body)
		if err != nil {
			return nil, inputErr(fromPayloadHint, "%s: the record's base64 body does not decode: %v", name, err)
		}
		return b, nil
	default:
		return nil, inputErr(fromPayloadHint, "%s: unknown body_encoding %q", name, enc)
	}
}

func callbackField(doc map[string]json.RawMessage, name string) (string, error) {
	raw, ok := doc["callback"]
	if !ok {
		return "", inputErr("only Permission Assist deliveries carry a callback URL; otherwise pass the URL as the first argument",
			"%s has no callback field", name)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return "", inputErr("a Permission Assist delivery's callback is a URL string",
			"%s: callback is %s, not a string", name, jsonKind(raw))
	}
	if strings.TrimSpace(s) == "" {
		return "", inputErr("a Permission Assist delivery's callback is a URL string", "%s: callback is empty", name)
	}
	return s, nil
}

func jsonKind(raw json.RawMessage) string {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 {
		return "empty"
	}
	switch t[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	default:
		return fmt.Sprintf("a number (%s)", t)
	}
}
