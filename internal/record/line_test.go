package record

import (
	"bytes"
	"reflect"
	"testing"
	"time"
	"unicode/utf8"
)

func TestSetBodyRef(t *testing.T) {
	t.Parallel()
	for _, body := range [][]byte{[]byte("plain ✓"), {0xff, 0x00, 0xfe}, {}, nil} {
		ref, val := &Record{}, &Record{}
		ref.SetBodyRef(body)
		val.SetBody(body)
		a, err1 := Marshal(nil, ref)
		b, err2 := Marshal(nil, val)
		if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
			t.Errorf("body %q: SetBodyRef gives %s, SetBody %s", body, a, b)
		}
		if !utf8.Valid(body) && ref.BodyEncoding != BodyBase64 {
			t.Errorf("body %q: encoding %q", body, ref.BodyEncoding)
		}
	}
}

// TestLineCopiesEveryField: Line carries every field of a Record but its
// seq (which the writer fills in) to the encoder, so a field added to
// Record and not to Line is caught here, not by a line missing it.
func TestLineCopiesEveryField(t *testing.T) {
	t.Parallel()
	var rec Record
	rv := reflect.ValueOf(&rec).Elem()
	for i := 0; i < rv.NumField(); i++ {
		f := rv.Field(i)
		name := rv.Type().Field(i).Name
		if !f.CanSet() {
			if name != "bodyRef" {
				t.Fatalf("unexported field %s: does Line need it?", name)
			}
			continue
		}
		switch f.Kind() {
		case reflect.String:
			f.SetString("x")
		case reflect.Int, reflect.Int64:
			f.SetInt(1)
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Map:
			f.Set(reflect.MakeMap(f.Type()))
		case reflect.Pointer:
			f.Set(reflect.New(f.Type().Elem()))
		case reflect.Slice:
			f.Set(reflect.MakeSlice(f.Type(), 1, 1))
		case reflect.Struct: // time.Time
			f.Set(reflect.ValueOf(time.Unix(1, 0)))
		default:
			t.Fatalf("field %s of kind %s: teach this test to set it", name, f.Kind())
		}
	}
	rec.bodyRef = []byte("x")
	lv := reflect.ValueOf(rec.Line())
	if lv.NumField() != rv.NumField()-1 { // all but Seq; BodyRef is bodyRef
		t.Fatalf("Line has %d fields, Record %d", lv.NumField(), rv.NumField())
	}
	for i := 0; i < lv.NumField(); i++ {
		if lv.Field(i).IsZero() {
			t.Errorf("Line.%s is not copied from the Record", lv.Type().Field(i).Name)
		}
	}
}
