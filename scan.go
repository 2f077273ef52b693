package dynasql

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
)

// Document returns a sql.Scanner that decodes a document column (M, L, SS, NS
// or BS, or any other value) into dst, a non-nil pointer:
//
//   - into a struct, map, slice or scalar through attributevalue.Unmarshal, so
//     `dynamodbav` tags apply; numbers are decoded exactly (an int field refuses
//     1.5 and values out of its range; an `any` field gets an
//     attributevalue.Number);
//   - into a *any, a *map[string]any, a *[]any or a set pointer, the column's
//     value as the driver produced it (numbers as Number);
//   - into a *[]byte or *json.RawMessage, the value as JSON: numbers exact,
//     binaries in base64, sets as arrays.
//
// A []byte or string column is taken as JSON text (decoded with exact numbers)
// and then handled as above. NULL sets *dst to its zero value.
func Document(dst any) sql.Scanner { return &documentScanner{dst: dst} }

type documentScanner struct{ dst any }

func (d *documentScanner) Scan(src any) error {
	switch dst := d.dst.(type) {
	case *any:
		if dst == nil {
			return errDocumentDst
		}
		v, err := documentSource(src)
		if err != nil {
			return err
		}
		*dst = v
		return nil
	case *[]byte:
		return scanDocumentJSON(dst, src)
	case *json.RawMessage:
		return scanDocumentJSON((*[]byte)(dst), src)
	}
	rv := reflect.ValueOf(d.dst)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return errDocumentDst
	}
	v, err := documentSource(src)
	if err != nil {
		return err
	}
	target := rv.Elem()
	if v == nil {
		target.SetZero()
		return nil
	}
	if sv := reflect.ValueOf(v); sv.Type().AssignableTo(target.Type()) {
		target.Set(sv)
		return nil
	}
	av, err := toAttributeValue(v)
	if err != nil {
		return fmt.Errorf("dynasql: Document: %w", err)
	}
	if err := attributevalue.UnmarshalWithOptions(av, d.dst, structDecoderFn); err != nil {
		return fmt.Errorf("dynasql: Document: cannot decode %s into %T: %w", attributeTypeName(av), d.dst, err)
	}
	return nil
}

var errDocumentDst = errors.New("dynasql: Document: destination must be a non-nil pointer")

// documentSource returns the driver value of a column, decoding JSON text.
func documentSource(src any) (any, error) {
	switch s := src.(type) {
	case []byte:
		return decodeDocumentJSON(s)
	case string:
		return decodeDocumentJSON([]byte(s))
	}
	return src, nil
}

// decodeDocumentJSON decodes JSON text into driver values: objects become
// map[string]any, arrays []any, numbers Number.
func decodeDocumentJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, errors.New("dynasql: Document: column is not valid JSON")
	}
	if _, err := dec.Token(); err == nil {
		return nil, errors.New("dynasql: Document: column holds more than one JSON value")
	}
	return jsonNumbers(v), nil
}

// jsonNumbers replaces json.Number with Number throughout v, in place.
func jsonNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		return Number(x)
	case map[string]any:
		for k, e := range x {
			x[k] = jsonNumbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = jsonNumbers(e)
		}
	}
	return v
}

// documentJSON renders a column as JSON text; JSON text columns are checked and
// copied.
func documentJSON(src any) ([]byte, error) {
	switch s := src.(type) {
	case []byte:
		if !json.Valid(s) {
			return nil, errors.New("dynasql: Document: column is not valid JSON")
		}
		return bytes.Clone(s), nil
	case string:
		if !json.Valid([]byte(s)) {
			return nil, errors.New("dynasql: Document: column is not valid JSON")
		}
		return []byte(s), nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(src); err != nil {
		return nil, fmt.Errorf("dynasql: Document: cannot write %T as JSON: %w", src, err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// ScanTime returns a sql.Scanner that reads an S value written by the driver
// from a time.Time (RFC 3339, any number of fractional digits) back into dst,
// in UTC. NULL (or a missing attribute) sets the zero time; use dst.IsZero() to
// tell. A time.Time value is taken as it is. Times stored as epoch numbers are
// read with Number.Int64 and time.Unix or time.UnixMilli instead.
func ScanTime(dst *time.Time) sql.Scanner { return timeScanner{dst: dst} }

type timeScanner struct{ dst *time.Time }

func (t timeScanner) Scan(src any) error {
	if t.dst == nil {
		return errors.New("dynasql: ScanTime: nil destination")
	}
	var s string
	switch v := src.(type) {
	case nil:
		*t.dst = time.Time{}
		return nil
	case time.Time:
		*t.dst = v
		return nil
	case string:
		s = v
	case []byte:
		s = string(v)
	case Number:
		return errors.New("dynasql: ScanTime: the column is a number; read epoch times with Number.Int64 and time.Unix or time.UnixMilli")
	default:
		return fmt.Errorf("dynasql: ScanTime: cannot scan %T into time.Time", src)
	}
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return errors.New("dynasql: ScanTime: the string is not an RFC 3339 time")
	}
	*t.dst = tm.UTC()
	return nil
}

// scanDocumentJSON writes a document column as JSON (numbers exact, binaries in base64); NULL gives nil.
func scanDocumentJSON(dst *[]byte, src any) error {
	if dst == nil {
		return errDocumentDst
	}
	if src == nil {
		*dst = nil
		return nil
	}
	b, err := documentJSON(src)
	if err != nil {
		return err
	}
	*dst = b
	return nil
}
