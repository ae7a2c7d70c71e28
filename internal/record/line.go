package record

import "github.com/webhook-tool/webhook-tool/internal/record/recline"

// Line is r's values as recline.Append takes them: Marshal's hot path
// writes this, and falls back to encoding/json of r itself.
func (r *Record) Line() recline.Line {
	return recline.Line{
		ReceivedAt:    r.ReceivedAt,
		Method:        r.Method,
		Path:          r.Path,
		Headers:       r.Headers,
		Body:          r.Body,
		BodyRef:       r.bodyRef,
		BodyEncoding:  r.BodyEncoding,
		Signature:     (*recline.Signature)(r.Signature),
		Schema:        (*recline.Schema)(r.Schema),
		Status:        r.Status,
		Kind:          r.Kind,
		Query:         r.Query,
		PathRaw:       r.PathRaw,
		HeadersBase64: r.HeadersBase64,
		DeliveryID:    r.DeliveryID,
		Duplicate:     r.Duplicate,
		CallbackFor:   r.CallbackFor,
		UserInviteID:  r.UserInviteID,
		Forward:       (*recline.Forward)(r.Forward),
		ClientCert:    (*recline.ClientCert)(r.ClientCert),
		Error:         r.Error,
	}
}
