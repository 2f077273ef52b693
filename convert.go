package dynasql

import (
	"database/sql/driver"
	"encoding/json"
	"errors"
	"math/big"
	"reflect"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// maxValueDepth bounds the nesting of containers and driver.Valuer chains in a
// parameter. DynamoDB itself allows 32 levels; the bound only stops cycles.
const maxValueDepth = 64

// toAttributeValue converts one Go parameter to a DynamoDB value (see Type
// mapping). Its errors say what is wrong with the value and its type; they
// never include the value itself.
func toAttributeValue(v any) (types.AttributeValue, error) {
	av, err := convertValue(v, 0)
	if err != nil {
		err.top = typeString(v)
		return nil, err
	}
	return av, nil
}

// checkNamedValue is the driver's NamedValueChecker logic: it converts nv.Value
// in place to a types.AttributeValue. On failure the error names the argument's
// position or name and its Go type.
func checkNamedValue(nv *driver.NamedValue) error {
	av, err := convertValue(nv.Value, 0)
	if err != nil {
		err.top = typeString(nv.Value)
		err.arg = argumentName(nv)
		return err
	}
	nv.Value = av
	return nil
}

func argumentName(nv *driver.NamedValue) string {
	if nv.Name != "" {
		return "argument " + strconv.Quote(nv.Name)
	}
	return "argument " + strconv.Itoa(nv.Ordinal)
}

// ValueConverter is the driver's argument conversion as a driver.ValueConverter,
// for go-sqlmock's sqlmock.ValueConverterOption. It accepts exactly the values
// the driver accepts and returns them unchanged (a driver.Valuer is resolved to
// its result, as database/sql does), so that expectations can compare them;
// it rejects the rest with the driver's errors.
var ValueConverter driver.ValueConverter = valueConverter{}

type valueConverter struct{}

func (valueConverter) ConvertValue(v any) (driver.Value, error) {
	if vr, ok := v.(driver.Valuer); ok && !convertsBeforeValuer(v) {
		res, _, err := convertValuer(vr, 0)
		if err != nil {
			err.top = typeString(v)
			return nil, err
		}
		return res, nil
	}
	if _, err := toAttributeValue(v); err != nil {
		return nil, err
	}
	return v, nil
}

// convertsBeforeValuer reports whether convertValue handles v without calling
// its Value method.
func convertsBeforeValuer(v any) bool {
	switch v.(type) {
	case types.AttributeValue, attributevalue.Marshaler:
		return true
	}
	return false
}

// valueError is a conversion error. It holds types and a path, never values.
type valueError struct {
	arg  string // "argument 3" or `argument "name"`; empty outside checkNamedValue
	top  string // Go type of the whole argument
	path string // where inside it, e.g. `["a"][2]`; empty for the argument itself
	typ  string // Go type of the offending value
	msg  string
	err  error
}

func (e *valueError) Error() string {
	s := "dynasql: "
	if e.arg != "" {
		s += e.arg + " (" + e.top + ")"
	} else {
		s += "value (" + e.top + ")"
	}
	if e.path != "" {
		s += " at " + e.path + " (" + e.typ + ")"
	}
	s += ": " + e.msg
	if e.err != nil {
		s += ": " + e.err.Error()
	}
	return s
}

func (e *valueError) Unwrap() error { return e.err }

func newValueError(v any, msg string, err error) *valueError {
	return &valueError{typ: typeString(v), msg: msg, err: err}
}

func typeString(v any) string {
	if v == nil {
		return "nil"
	}
	return reflect.TypeOf(v).String()
}

// in prefixes the error's path with one step (an index or a key).
func (e *valueError) in(step string) *valueError {
	e.path = step + e.path
	return e
}

func indexStep(i int) string  { return "[" + strconv.Itoa(i) + "]" }
func keyStep(k string) string { return "[" + strconv.Quote(k) + "]" }

func nullValue() types.AttributeValue { return &types.AttributeValueMemberNULL{Value: true} }

func numberValue(s string) types.AttributeValue { return &types.AttributeValueMemberN{Value: s} }

// convertValue is toAttributeValue at a nesting depth. Scalars are converted by
// a type switch; reflection is used only for slices, arrays, maps, structs,
// pointers and named scalar types.
func convertValue(v any, depth int) (types.AttributeValue, *valueError) {
	switch x := v.(type) {
	case nil:
		return nullValue(), nil
	case string:
		return &types.AttributeValueMemberS{Value: x}, nil
	case []byte:
		if x == nil {
			return nullValue(), nil
		}
		return &types.AttributeValueMemberB{Value: x}, nil
	case bool:
		return &types.AttributeValueMemberBOOL{Value: x}, nil
	case int:
		return numberValue(strconv.FormatInt(int64(x), 10)), nil
	case int64:
		return numberValue(strconv.FormatInt(x, 10)), nil
	case int32:
		return numberValue(strconv.FormatInt(int64(x), 10)), nil
	case int16:
		return numberValue(strconv.FormatInt(int64(x), 10)), nil
	case int8:
		return numberValue(strconv.FormatInt(int64(x), 10)), nil
	case uint:
		return numberValue(strconv.FormatUint(uint64(x), 10)), nil
	case uint64:
		return numberValue(strconv.FormatUint(x, 10)), nil
	case uint32:
		return numberValue(strconv.FormatUint(uint64(x), 10)), nil
	case uint16:
		return numberValue(strconv.FormatUint(uint64(x), 10)), nil
	case uint8:
		return numberValue(strconv.FormatUint(uint64(x), 10)), nil
	case float64:
		s, err := formatFloat(x, 64)
		if err != nil {
			return nil, newValueError(v, "invalid number", err)
		}
		return numberValue(s), nil
	case float32:
		s, err := formatFloat(float64(x), 32)
		if err != nil {
			return nil, newValueError(v, "invalid number", err)
		}
		return numberValue(s), nil
	case Number:
		if x == "" {
			return nullValue(), nil
		}
		if err := validateNumber(string(x)); err != nil {
			return nil, newValueError(v, "invalid number", err)
		}
		return numberValue(string(x)), nil
	case json.Number:
		if err := validateNumber(string(x)); err != nil {
			return nil, newValueError(v, "invalid number", err)
		}
		return numberValue(string(x)), nil
	case *big.Int:
		if x == nil {
			return nullValue(), nil
		}
		s, err := numberText(x)
		if err != nil {
			return nil, newValueError(v, "invalid number", err)
		}
		return numberValue(s), nil
	case *big.Float:
		if x == nil {
			return nullValue(), nil
		}
		s, err := numberText(x)
		if err != nil {
			return nil, newValueError(v, "invalid number", err)
		}
		return numberValue(s), nil
	case time.Time:
		s, err := formatTime(x)
		if err != nil {
			return nil, newValueError(v, "invalid time", err)
		}
		return &types.AttributeValueMemberS{Value: s}, nil
	case types.AttributeValue:
		if isNilPointer(v) {
			return nullValue(), nil
		}
		return x, nil
	case StringSet:
		av, err := stringSetValue(x)
		if err != nil {
			return nil, newValueError(v, "invalid set", err)
		}
		return av, nil
	case NumberSet:
		av, err := numberSetValue(x)
		if err != nil {
			return nil, newValueError(v, "invalid set", err)
		}
		return av, nil
	case BinarySet:
		av, err := binarySetValue(x)
		if err != nil {
			return nil, newValueError(v, "invalid set", err)
		}
		return av, nil
	case map[string]any:
		if x == nil {
			return nullValue(), nil
		}
		if depth >= maxValueDepth {
			return nil, newValueError(v, "nested too deeply (a cycle?)", nil)
		}
		m := make(map[string]types.AttributeValue, len(x))
		for k, e := range x {
			av, err := convertValue(e, depth+1)
			if err != nil {
				return nil, err.in(keyStep(k))
			}
			m[k] = av
		}
		return &types.AttributeValueMemberM{Value: m}, nil
	case []any:
		if x == nil {
			return nullValue(), nil
		}
		if depth >= maxValueDepth {
			return nil, newValueError(v, "nested too deeply (a cycle?)", nil)
		}
		l := make([]types.AttributeValue, len(x))
		for i, e := range x {
			av, err := convertValue(e, depth+1)
			if err != nil {
				return nil, err.in(indexStep(i))
			}
			l[i] = av
		}
		return &types.AttributeValueMemberL{Value: l}, nil
	case []string:
		if x == nil {
			return nullValue(), nil
		}
		l := make([]types.AttributeValue, len(x))
		for i, e := range x {
			l[i] = &types.AttributeValueMemberS{Value: e}
		}
		return &types.AttributeValueMemberL{Value: l}, nil
	case attributevalue.Marshaler:
		if isNilPointer(v) {
			return nullValue(), nil
		}
		av, err := x.MarshalDynamoDBAttributeValue()
		if err != nil {
			return nil, newValueError(v, "MarshalDynamoDBAttributeValue failed", err)
		}
		if av == nil || isNilPointer(av) {
			return nullValue(), nil
		}
		return av, nil
	case driver.Valuer:
		_, av, err := convertValuer(x, depth)
		return av, err
	}
	return convertReflect(v, depth)
}

var (
	valuerType      = reflect.TypeFor[driver.Valuer]()
	byteType        = reflect.TypeFor[byte]()
	structEncoder   = attributevalue.NewEncoder(func(o *attributevalue.EncoderOptions) { o.EncodeTime = encodeTimeAV })
	structDecoderFn = func(o *attributevalue.DecoderOptions) { o.UseNumber = true }
)

// convertValuer calls v.Value and converts its result.
func convertValuer(v driver.Valuer, depth int) (driver.Value, types.AttributeValue, *valueError) {
	if depth >= maxValueDepth {
		return nil, nil, newValueError(v, "driver.Valuer chain too long (a cycle?)", nil)
	}
	res, err := callValuer(v)
	if err != nil {
		return nil, nil, newValueError(v, "driver.Valuer failed", err)
	}
	av, verr := convertValue(res, depth+1)
	if verr != nil {
		verr.path = "Value()" + verr.path
		return nil, nil, verr
	}
	return res, av, nil
}

// callValuer calls v.Value, treating a nil pointer whose Value method has a
// value receiver as NULL, as database/sql does.
func callValuer(v driver.Valuer) (driver.Value, error) {
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.IsNil() && rv.Type().Elem().Implements(valuerType) {
		return nil, nil
	}
	return v.Value()
}

func isNilPointer(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// convertReflect handles what the type switch does not: pointers, named scalar
// types, slices, arrays, maps and structs.
func convertReflect(v any, depth int) (types.AttributeValue, *valueError) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer {
		// A value whose pointer is an attribute value (types.AttributeValueMemberS{})
		// or has a pointer-receiver MarshalDynamoDBAttributeValue: use an
		// addressable copy.
		if info := addressInfoOf(rv.Type()); info != 0 {
			p := reflect.New(rv.Type())
			p.Elem().Set(rv)
			return convertValue(p.Interface(), depth)
		}
	}
	switch rv.Kind() {
	case reflect.Pointer:
		if rv.IsNil() {
			return nullValue(), nil
		}
		if depth >= maxValueDepth {
			return nil, newValueError(v, "nested too deeply (a cycle?)", nil)
		}
		return convertValue(rv.Elem().Interface(), depth+1)
	case reflect.String:
		return &types.AttributeValueMemberS{Value: rv.String()}, nil
	case reflect.Bool:
		return &types.AttributeValueMemberBOOL{Value: rv.Bool()}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return numberValue(strconv.FormatInt(rv.Int(), 10)), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return numberValue(strconv.FormatUint(rv.Uint(), 10)), nil
	case reflect.Float32, reflect.Float64:
		s, err := formatFloat(rv.Float(), rv.Type().Bits())
		if err != nil {
			return nil, newValueError(v, "invalid number", err)
		}
		return numberValue(s), nil
	case reflect.Slice:
		if rv.IsNil() {
			return nullValue(), nil
		}
		if rv.Type().Elem() == byteType {
			return &types.AttributeValueMemberB{Value: rv.Bytes()}, nil
		}
		return convertList(rv, depth)
	case reflect.Array:
		if rv.Type().Elem() == byteType {
			b := make([]byte, rv.Len())
			reflect.Copy(reflect.ValueOf(b), rv)
			return &types.AttributeValueMemberB{Value: b}, nil
		}
		return convertList(rv, depth)
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			return nil, newValueError(v, "unsupported type: map keys must be strings", nil)
		}
		if rv.IsNil() {
			return nullValue(), nil
		}
		if depth >= maxValueDepth {
			return nil, newValueError(v, "nested too deeply (a cycle?)", nil)
		}
		m := make(map[string]types.AttributeValue, rv.Len())
		iter := rv.MapRange()
		for iter.Next() {
			k := iter.Key().String()
			av, err := convertValue(iter.Value().Interface(), depth+1)
			if err != nil {
				return nil, err.in(keyStep(k))
			}
			m[k] = av
		}
		return &types.AttributeValueMemberM{Value: m}, nil
	case reflect.Struct:
		av, err := structEncoder.Encode(v)
		if err != nil {
			return nil, newValueError(v, "cannot encode struct", err)
		}
		if verr := checkNumbers(av); verr != nil {
			verr.typ = typeString(v)
			if verr.path != "" {
				verr.typ = "N"
			}
			return nil, verr
		}
		return av, nil
	}
	return nil, newValueError(v, "unsupported type", nil)
}

// addressInfo caches, per type, whether a pointer to it converts differently
// from the value (it is an attribute value or an attributevalue.Marshaler).
var addressInfo sync.Map // reflect.Type -> uint8

var (
	attributeValueType = reflect.TypeFor[types.AttributeValue]()
	marshalerType      = reflect.TypeFor[attributevalue.Marshaler]()
)

func addressInfoOf(t reflect.Type) uint8 {
	if info, ok := addressInfo.Load(t); ok {
		return info.(uint8)
	}
	var info uint8
	if pt := reflect.PointerTo(t); pt.Implements(attributeValueType) || pt.Implements(marshalerType) {
		info = 1
	}
	addressInfo.Store(t, info)
	return info
}

func convertList(rv reflect.Value, depth int) (types.AttributeValue, *valueError) {
	if depth >= maxValueDepth {
		return nil, newValueError(rv.Interface(), "nested too deeply (a cycle?)", nil)
	}
	l := make([]types.AttributeValue, rv.Len())
	for i := range l {
		av, err := convertValue(rv.Index(i).Interface(), depth+1)
		if err != nil {
			return nil, err.in(indexStep(i))
		}
		l[i] = av
	}
	return &types.AttributeValueMemberL{Value: l}, nil
}

// checkNumbers validates the numbers attributevalue produced for a struct (it
// writes NaN and ±Inf as they are and does not know DynamoDB's limits).
func checkNumbers(av types.AttributeValue) *valueError {
	switch v := av.(type) {
	case *types.AttributeValueMemberN:
		if err := validateNumber(v.Value); err != nil {
			return &valueError{msg: "invalid number", err: err}
		}
	case *types.AttributeValueMemberNS:
		for i, n := range v.Value {
			if err := validateNumber(n); err != nil {
				return (&valueError{msg: "invalid number", err: err}).in(indexStep(i))
			}
		}
	case *types.AttributeValueMemberM:
		for k, e := range v.Value {
			if err := checkNumbers(e); err != nil {
				return err.in(keyStep(k))
			}
		}
	case *types.AttributeValueMemberL:
		for i, e := range v.Value {
			if err := checkNumbers(e); err != nil {
				return err.in(indexStep(i))
			}
		}
	}
	return nil
}

// timeLayout is RFC 3339 with exactly nine fractional digits: unlike
// time.RFC3339Nano it keeps trailing zeros, so that stored times of one zone
// (UTC) sort as strings in the order of time. time.RFC3339Nano parses it.
const timeLayout = "2006-01-02T15:04:05.000000000Z07:00"

var errTimeYear = errors.New("year outside 0000-9999 cannot be written in RFC 3339")

func formatTime(t time.Time) (string, error) {
	t = t.UTC()
	if y := t.Year(); y < 0 || y > 9999 {
		return "", errTimeYear
	}
	return t.Format(timeLayout), nil
}

func encodeTimeAV(t time.Time) (types.AttributeValue, error) {
	s, err := formatTime(t)
	if err != nil {
		return nil, err
	}
	return &types.AttributeValueMemberS{Value: s}, nil
}

// fromAttributeValue converts a stored value to what Rows.Next hands to
// database/sql (see Type mapping). A nil AttributeValue (attribute missing)
// gives nil. An attribute type unknown to this SDK version is returned as the
// *types.UnknownUnionMember itself.
func fromAttributeValue(av types.AttributeValue) driver.Value {
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		return v.Value
	case *types.AttributeValueMemberN:
		return Number(v.Value)
	case *types.AttributeValueMemberBOOL:
		return v.Value
	case *types.AttributeValueMemberNULL, nil:
		return nil
	case *types.AttributeValueMemberB:
		return v.Value
	case *types.AttributeValueMemberM:
		m := make(map[string]any, len(v.Value))
		for k, e := range v.Value {
			m[k] = fromAttributeValue(e)
		}
		return m
	case *types.AttributeValueMemberL:
		l := make([]any, len(v.Value))
		for i, e := range v.Value {
			l[i] = fromAttributeValue(e)
		}
		return l
	case *types.AttributeValueMemberSS:
		return StringSet(v.Value)
	case *types.AttributeValueMemberNS:
		ns := make(NumberSet, len(v.Value))
		for i, n := range v.Value {
			ns[i] = Number(n)
		}
		return ns
	case *types.AttributeValueMemberBS:
		return BinarySet(v.Value)
	}
	return av
}

// attributeTypeName returns the DynamoDB type letters of av: "S", "N", "B",
// "BOOL", "NULL", "M", "L", "SS", "NS", "BS", and "" for nil or a type this
// SDK version does not know.
func attributeTypeName(av types.AttributeValue) string {
	switch av.(type) {
	case *types.AttributeValueMemberS:
		return "S"
	case *types.AttributeValueMemberN:
		return "N"
	case *types.AttributeValueMemberB:
		return "B"
	case *types.AttributeValueMemberBOOL:
		return "BOOL"
	case *types.AttributeValueMemberNULL:
		return "NULL"
	case *types.AttributeValueMemberM:
		return "M"
	case *types.AttributeValueMemberL:
		return "L"
	case *types.AttributeValueMemberSS:
		return "SS"
	case *types.AttributeValueMemberNS:
		return "NS"
	case *types.AttributeValueMemberBS:
		return "BS"
	}
	return ""
}

// valueTypeName is attributeTypeName for the value fromAttributeValue gives (nil is "NULL").
func valueTypeName(v driver.Value) string {
	switch v.(type) {
	case string:
		return "S"
	case Number:
		return "N"
	case []byte:
		return "B"
	case bool:
		return "BOOL"
	case nil:
		return "NULL"
	case map[string]any:
		return "M"
	case []any:
		return "L"
	case StringSet:
		return "SS"
	case NumberSet:
		return "NS"
	case BinarySet:
		return "BS"
	}
	return ""
}

var (
	anyType       = reflect.TypeFor[any]()
	scanTypeByAVT = map[string]reflect.Type{
		"S":    reflect.TypeFor[string](),
		"N":    reflect.TypeFor[Number](),
		"B":    reflect.TypeFor[[]byte](),
		"BOOL": reflect.TypeFor[bool](),
		"NULL": anyType,
		"M":    reflect.TypeFor[map[string]any](),
		"L":    reflect.TypeFor[[]any](),
		"SS":   reflect.TypeFor[StringSet](),
		"NS":   reflect.TypeFor[NumberSet](),
		"BS":   reflect.TypeFor[BinarySet](),
	}
)

// scanType returns the Go type fromAttributeValue produces for a DynamoDB type
// name (for ColumnTypeScanType): any for "", "NULL" and unknown names.
func scanType(typeName string) reflect.Type {
	if t, ok := scanTypeByAVT[typeName]; ok {
		return t
	}
	return anyType
}
