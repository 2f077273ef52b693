package dynasql

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"math/rand/v2"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ---------------------------------------------------------------------------
// The contract as data.

// conversionCase is one row of the type-mapping contract (see "Type mapping"
// in convert.go): a Go query argument, the attribute value the driver must send
// for it, and what database/sql gives when that stored value is scanned into a
// destination of a given type. It holds data only, so that other tests (the
// integration test against DynamoDB Local) can replay it: store in, read it
// back, scan it into a fresh destination and compare with dbWant (or want).
//
// Two things differ after a real round trip through DynamoDB: it rewrites
// numbers in plain decimal form ("12.50" comes back as "12.5", "1E+3" as
// "1000"), which dbWant accounts for, and sets are unordered, so compare
// StringSet, NumberSet and BinarySet results (and slices decoded from them)
// as sets.
type conversionCase struct {
	name string
	// in is the query argument.
	in any
	// av is what toAttributeValue(in) must produce (and what DynamoDB stores).
	av types.AttributeValue
	// dest is a pointer whose type is the Scan destination; use a fresh one
	// per scan: reflect.New(reflect.TypeOf(dest).Elem()).
	dest any
	// scan says how the destination is scanned: "" passes it to Scan as it is,
	// "document" wraps it in Document, "time" in ScanTime.
	scan string
	// want is the destination's value after the scan (*dest).
	want any
	// dbWant, when not nil, replaces want for a value read back from DynamoDB
	// (numbers in plain decimal form).
	dbWant any
}

// Types used by conversionCases.
type (
	convertColour string
	convertAttrs  map[string]string
	convertUpper  string
	convertTemp   float64 // a driver.Valuer storing a number
	convertItem   struct {
		ID    string    `dynamodbav:"id"`
		Count int       `dynamodbav:"count"`
		Price Number    `dynamodbav:"price"`
		Tags  StringSet `dynamodbav:"tags,omitempty"`
		When  time.Time `dynamodbav:"when"`
		Skip  string    `dynamodbav:"-"`
		Note  *string   `dynamodbav:"note"`
	}
)

func (u convertUpper) MarshalDynamoDBAttributeValue() (types.AttributeValue, error) {
	return &types.AttributeValueMemberS{Value: strings.ToUpper(string(u))}, nil
}

type convertPtrMarshaler struct{ V string }

func (p *convertPtrMarshaler) MarshalDynamoDBAttributeValue() (types.AttributeValue, error) {
	return &types.AttributeValueMemberS{Value: p.V}, nil
}

func (t convertTemp) Value() (driver.Value, error) { return float64(t), nil }

const digits38 = "12345678901234567890123456789012345678"

var (
	convertTime     = time.Date(2024, 5, 1, 12, 30, 0, 123000000, time.FixedZone("CEST", 2*3600))
	convertTimeUTC  = time.Date(2024, 5, 1, 10, 30, 0, 123000000, time.UTC)
	convertTimeText = "2024-05-01T10:30:00.123000000Z"
)

func avS(s string) types.AttributeValue  { return &types.AttributeValueMemberS{Value: s} }
func avN(s string) types.AttributeValue  { return &types.AttributeValueMemberN{Value: s} }
func avB(b []byte) types.AttributeValue  { return &types.AttributeValueMemberB{Value: b} }
func avBool(b bool) types.AttributeValue { return &types.AttributeValueMemberBOOL{Value: b} }
func avNull() types.AttributeValue       { return &types.AttributeValueMemberNULL{Value: true} }
func avL(v ...types.AttributeValue) types.AttributeValue {
	if v == nil {
		v = []types.AttributeValue{}
	}
	return &types.AttributeValueMemberL{Value: v}
}
func avM(kv ...any) types.AttributeValue {
	m := make(map[string]types.AttributeValue, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1].(types.AttributeValue)
	}
	return &types.AttributeValueMemberM{Value: m}
}

func ptr[T any](v T) *T { return &v }

func bigTen(exp int64) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(exp), nil) }

// conversionCases is the type mapping as round trips, one row of the contract
// (or one destination of a row) per case.
var conversionCases = []conversionCase{
	// NULL
	{name: "nil", in: nil, av: avNull(), dest: new(any), want: nil},
	{name: "nil pointer", in: (*string)(nil), av: avNull(), dest: new(*string), want: (*string)(nil)},
	{name: "NullString invalid", in: sql.NullString{}, av: avNull(), dest: new(sql.NullString), want: sql.NullString{}},
	{name: "NULL into NullInt64", in: nil, av: avNull(), dest: new(sql.NullInt64), want: sql.NullInt64{}},
	{name: "NULL into Null[Number]", in: Number(""), av: avNull(), dest: new(sql.Null[Number]), want: sql.Null[Number]{}},
	{name: "NULL into []byte", in: []byte(nil), av: avNull(), dest: new([]byte), want: []byte(nil)},
	{name: "NULL into NullBool", in: (*bool)(nil), av: avNull(), dest: new(sql.NullBool), want: sql.NullBool{}},
	{name: "NULL into NullTime via ScanTime", in: nil, av: avNull(), dest: new(time.Time), scan: "time", want: time.Time{}},

	// S
	{name: "string", in: "hello", av: avS("hello"), dest: new(string), want: "hello"},
	{name: "empty string", in: "", av: avS(""), dest: new(string), want: ""},
	{name: "string into []byte", in: "héllo", av: avS("héllo"), dest: new([]byte), want: []byte("héllo")},
	{name: "string into RawBytes", in: "raw", av: avS("raw"), dest: new(sql.RawBytes), want: sql.RawBytes("raw")},
	{name: "string into NullString", in: "hello", av: avS("hello"), dest: new(sql.NullString), want: sql.NullString{String: "hello", Valid: true}},
	{name: "string into any", in: "hello", av: avS("hello"), dest: new(any), want: "hello"},
	{name: "named string", in: convertColour("red"), av: avS("red"), dest: new(convertColour), want: convertColour("red")},
	{name: "string pointer", in: ptr("p"), av: avS("p"), dest: new(*string), want: ptr("p")},
	{name: "NullString valid", in: sql.NullString{String: "v", Valid: true}, av: avS("v"), dest: new(string), want: "v"},

	// B
	{name: "bytes", in: []byte{0, 1, 2, 255}, av: avB([]byte{0, 1, 2, 255}), dest: new([]byte), want: []byte{0, 1, 2, 255}},
	{name: "empty bytes", in: []byte{}, av: avB([]byte{}), dest: new([]byte), want: []byte{}},
	{name: "bytes into RawBytes", in: []byte{7}, av: avB([]byte{7}), dest: new(sql.RawBytes), want: sql.RawBytes{7}},
	{name: "bytes into any", in: []byte{7}, av: avB([]byte{7}), dest: new(any), want: []byte{7}},
	{name: "byte array", in: [4]byte{1, 2, 3, 4}, av: avB([]byte{1, 2, 3, 4}), dest: new([]byte), want: []byte{1, 2, 3, 4}},
	{name: "json.RawMessage is bytes", in: json.RawMessage(`{}`), av: avB([]byte(`{}`)), dest: new([]byte), want: []byte(`{}`)},

	// BOOL
	{name: "true", in: true, av: avBool(true), dest: new(bool), want: true},
	{name: "false into NullBool", in: false, av: avBool(false), dest: new(sql.NullBool), want: sql.NullBool{Bool: false, Valid: true}},
	{name: "bool into any", in: true, av: avBool(true), dest: new(any), want: true},

	// N from Go integers
	{name: "int", in: -42, av: avN("-42"), dest: new(int), want: -42},
	{name: "int8 min", in: int8(math.MinInt8), av: avN("-128"), dest: new(int8), want: int8(math.MinInt8)},
	{name: "int16 max", in: int16(math.MaxInt16), av: avN("32767"), dest: new(int16), want: int16(math.MaxInt16)},
	{name: "int32 min", in: int32(math.MinInt32), av: avN("-2147483648"), dest: new(int32), want: int32(math.MinInt32)},
	{name: "int64 min", in: int64(math.MinInt64), av: avN("-9223372036854775808"), dest: new(int64), want: int64(math.MinInt64)},
	{name: "uint8 max", in: uint8(255), av: avN("255"), dest: new(uint8), want: uint8(255)},
	{name: "uint16 max", in: uint16(65535), av: avN("65535"), dest: new(uint16), want: uint16(65535)},
	{name: "uint32 max", in: uint32(math.MaxUint32), av: avN("4294967295"), dest: new(uint32), want: uint32(math.MaxUint32)},
	{name: "uint", in: uint(7), av: avN("7"), dest: new(uint), want: uint(7)},
	{name: "uint64 max", in: uint64(math.MaxUint64), av: avN("18446744073709551615"), dest: new(uint64), want: uint64(math.MaxUint64)},
	{name: "uint64 max into string", in: uint64(math.MaxUint64), av: avN("18446744073709551615"), dest: new(string), want: "18446744073709551615"},
	{name: "uint64 max into Number", in: uint64(math.MaxUint64), av: avN("18446744073709551615"), dest: new(Number), want: Number("18446744073709551615")},
	{name: "uint64 max into any", in: uint64(math.MaxUint64), av: avN("18446744073709551615"), dest: new(any), want: Number("18446744073709551615")},
	{name: "uint64 max into json.Number", in: uint64(math.MaxUint64), av: avN("18446744073709551615"), dest: new(json.Number), want: json.Number("18446744073709551615")},
	{name: "uint64 max into float64", in: uint64(math.MaxUint64), av: avN("18446744073709551615"), dest: new(float64), want: float64(math.MaxUint64)},
	{name: "int into NullInt64", in: int64(5), av: avN("5"), dest: new(sql.NullInt64), want: sql.NullInt64{Int64: 5, Valid: true}},
	{name: "int into Null[int]", in: 5, av: avN("5"), dest: new(sql.Null[int]), want: sql.Null[int]{V: 5, Valid: true}},
	{name: "int into NullInt32", in: 5, av: avN("5"), dest: new(sql.NullInt32), want: sql.NullInt32{Int32: 5, Valid: true}},
	{name: "int into int pointer", in: 5, av: avN("5"), dest: new(*int), want: ptr(5)},
	{name: "int into []byte", in: 5, av: avN("5"), dest: new([]byte), want: []byte("5")},
	{name: "named int", in: time.Duration(1500), av: avN("1500"), dest: new(time.Duration), want: time.Duration(1500)},
	{name: "NullInt64 valid", in: sql.NullInt64{Int64: -1, Valid: true}, av: avN("-1"), dest: new(int64), want: int64(-1)},

	// N from floats and exact numbers
	{name: "float64", in: 0.1, av: avN("0.1"), dest: new(float64), want: 0.1},
	{name: "float64 integral into int64", in: float64(1234567), av: avN("1234567"), dest: new(int64), want: int64(1234567)},
	{name: "float64 large", in: 1e100, av: avN("1e+100"), dest: new(float64), want: 1e100},
	{name: "float64 small", in: -2.5e-100, av: avN("-2.5e-100"), dest: new(float64), want: -2.5e-100},
	{name: "float64 negative zero", in: math.Copysign(0, -1), av: avN("0"), dest: new(float64), want: 0.0},
	{name: "float32", in: float32(0.1), av: avN("0.1"), dest: new(float32), want: float32(0.1)},
	{name: "float into NullFloat64", in: 2.5, av: avN("2.5"), dest: new(sql.NullFloat64), want: sql.NullFloat64{Float64: 2.5, Valid: true}},
	{name: "json.Number", in: json.Number("12.50"), av: avN("12.50"), dest: new(json.Number), want: json.Number("12.50"), dbWant: json.Number("12.5")},
	{name: "json.Number into float64", in: json.Number("12.50"), av: avN("12.50"), dest: new(float64), want: 12.5},
	{name: "Number", in: Number("-0.000123"), av: avN("-0.000123"), dest: new(Number), want: Number("-0.000123")},
	{name: "Number 38 digits", in: Number(digits38), av: avN(digits38), dest: new(Number), want: Number(digits38)},
	{name: "Number 38 digits into string", in: Number(digits38), av: avN(digits38), dest: new(string), want: digits38},
	{name: "Number exponent", in: Number("9.9999999999999999999999999999999999999E+125"), av: avN("9.9999999999999999999999999999999999999E+125"), dest: new(Number),
		want: Number("9.9999999999999999999999999999999999999E+125"), dbWant: Number(strings.Repeat("9", 38) + strings.Repeat("0", 88))},
	{name: "Number smallest", in: Number("-1E-130"), av: avN("-1E-130"), dest: new(Number), want: Number("-1E-130"), dbWant: Number("-0." + strings.Repeat("0", 129) + "1")},
	{name: "Number exponent form", in: Number("1E+3"), av: avN("1E+3"), dest: new(Number), want: Number("1E+3"), dbWant: Number("1000")},
	{name: "big.Int", in: bigTen(37), av: avN("1" + strings.Repeat("0", 37)), dest: new(Number), want: Number("1" + strings.Repeat("0", 37))},
	{name: "big.Int 1e100", in: bigTen(100), av: avN("1" + strings.Repeat("0", 100)), dest: new(float64), want: 1e100},
	{name: "nil big.Int", in: (*big.Int)(nil), av: avNull(), dest: new(*int), want: (*int)(nil)},
	{name: "big.Float", in: big.NewFloat(1.5), av: avN("1.5"), dest: new(float64), want: 1.5},
	{name: "Valuer to float", in: convertTemp(21.5), av: avN("21.5"), dest: new(float64), want: 21.5},

	// time.Time
	{name: "time", in: convertTime, av: avS(convertTimeText), dest: new(time.Time), scan: "time", want: convertTimeUTC},
	{name: "time into string", in: convertTime, av: avS(convertTimeText), dest: new(string), want: convertTimeText},
	{name: "time pointer", in: &convertTime, av: avS(convertTimeText), dest: new(time.Time), scan: "time", want: convertTimeUTC},
	{name: "time whole second", in: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), av: avS("2024-01-02T03:04:05.000000000Z"), dest: new(time.Time), scan: "time", want: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)},
	{name: "epoch seconds", in: convertTime.Unix(), av: avN("1714559400"), dest: new(int64), want: int64(1714559400)},

	// L
	{name: "[]string", in: []string{"a", "b"}, av: avL(avS("a"), avS("b")), dest: new([]string), scan: "document", want: []string{"a", "b"}},
	{name: "[]string into any", in: []string{"a", "b"}, av: avL(avS("a"), avS("b")), dest: new(any), want: []any{"a", "b"}},
	{name: "[]int", in: []int{1, 2, 3}, av: avL(avN("1"), avN("2"), avN("3")), dest: new([]int), scan: "document", want: []int{1, 2, 3}},
	{name: "empty list", in: []int{}, av: avL(), dest: new(any), want: []any{}},
	{name: "nil slice", in: []int(nil), av: avNull(), dest: new(any), want: nil},
	{name: "array", in: [2]bool{true, false}, av: avL(avBool(true), avBool(false)), dest: new([]bool), scan: "document", want: []bool{true, false}},
	{name: "[]any", in: []any{"a", 1, nil, true, []byte{9}},
		av: avL(avS("a"), avN("1"), avNull(), avBool(true), avB([]byte{9})), dest: new(any),
		want: []any{"a", Number("1"), nil, true, []byte{9}}},
	{name: "list as JSON", in: []any{1, "a", 2.5}, av: avL(avN("1"), avS("a"), avN("2.5")), dest: new([]byte), scan: "document", want: []byte(`[1,"a",2.5]`)},

	// M
	{name: "map[string]any", in: map[string]any{"a": 1, "b": "x", "c": map[string]any{"d": []any{}}},
		av: avM("a", avN("1"), "b", avS("x"), "c", avM("d", avL())), dest: new(any),
		want: map[string]any{"a": Number("1"), "b": "x", "c": map[string]any{"d": []any{}}}},
	{name: "map[string]int", in: map[string]int{"x": 1}, av: avM("x", avN("1")), dest: new(map[string]int), scan: "document", want: map[string]int{"x": 1}},
	{name: "named map", in: convertAttrs{"k": "v"}, av: avM("k", avS("v")), dest: new(convertAttrs), scan: "document", want: convertAttrs{"k": "v"}},
	{name: "map into map[string]any", in: map[string]any{"n": 2}, av: avM("n", avN("2")), dest: new(map[string]any), scan: "document", want: map[string]any{"n": Number("2")}},
	{name: "map as JSON", in: map[string]any{"n": Number(digits38), "s": "x<y", "b": []byte{1}, "z": nil},
		av: avM("n", avN(digits38), "s", avS("x<y"), "b", avB([]byte{1}), "z", avNull()), dest: new(json.RawMessage), scan: "document",
		want: json.RawMessage(`{"b":"AQ==","n":` + digits38 + `,"s":"x<y","z":null}`)},
	{name: "struct", in: convertItem{ID: "i1", Count: 3, Price: "9.99", Tags: StringSet{"a"}, When: convertTime, Skip: "x"},
		av:   avM("id", avS("i1"), "count", avN("3"), "price", avN("9.99"), "tags", &types.AttributeValueMemberSS{Value: []string{"a"}}, "when", avS(convertTimeText), "note", avNull()),
		dest: new(convertItem), scan: "document",
		want: convertItem{ID: "i1", Count: 3, Price: "9.99", Tags: StringSet{"a"}, When: convertTimeUTC}},
	{name: "struct pointer", in: &convertItem{ID: "i2", Note: ptr("n")},
		av:   avM("id", avS("i2"), "count", avN("0"), "price", avNull(), "when", avS("0001-01-01T00:00:00.000000000Z"), "note", avS("n")),
		dest: new(convertItem), scan: "document",
		want: convertItem{ID: "i2", Note: ptr("n")}},
	{name: "nil map", in: map[string]int(nil), av: avNull(), dest: new(map[string]int), scan: "document", want: map[string]int(nil)},

	// Sets
	{name: "StringSet", in: StringSet{"a", "b"}, av: &types.AttributeValueMemberSS{Value: []string{"a", "b"}}, dest: new(StringSet), want: StringSet{"a", "b"}},
	{name: "StringSet into []string", in: StringSet{"a", "b"}, av: &types.AttributeValueMemberSS{Value: []string{"a", "b"}}, dest: new([]string), scan: "document", want: []string{"a", "b"}},
	{name: "StringSet as JSON", in: StringSet{"a", "b"}, av: &types.AttributeValueMemberSS{Value: []string{"a", "b"}}, dest: new([]byte), scan: "document", want: []byte(`["a","b"]`)},
	{name: "NumberSet", in: NumberSet{"1", "2.5"}, av: &types.AttributeValueMemberNS{Value: []string{"1", "2.5"}}, dest: new(NumberSet), want: NumberSet{"1", "2.5"}},
	{name: "NumberSet into []float64", in: NumberSet{"1", "2.5"}, av: &types.AttributeValueMemberNS{Value: []string{"1", "2.5"}}, dest: new([]float64), scan: "document", want: []float64{1, 2.5}},
	{name: "NumberSet into any", in: NumberSet{"1"}, av: &types.AttributeValueMemberNS{Value: []string{"1"}}, dest: new(any), want: NumberSet{"1"}},
	{name: "BinarySet", in: BinarySet{{1}, {2}}, av: &types.AttributeValueMemberBS{Value: [][]byte{{1}, {2}}}, dest: new(BinarySet), want: BinarySet{{1}, {2}}},
	{name: "nil set", in: StringSet(nil), av: avNull(), dest: new(StringSet), want: StringSet(nil)},

	// Attribute values, Marshalers, Valuers
	{name: "AttributeValue S", in: &types.AttributeValueMemberS{Value: "raw"}, av: avS("raw"), dest: new(string), want: "raw"},
	{name: "AttributeValue NS", in: &types.AttributeValueMemberNS{Value: []string{"7"}}, av: &types.AttributeValueMemberNS{Value: []string{"7"}}, dest: new(NumberSet), want: NumberSet{"7"}},
	{name: "AttributeValue nested", in: map[string]any{"a": &types.AttributeValueMemberN{Value: "1"}}, av: avM("a", avN("1")), dest: new(map[string]int), scan: "document", want: map[string]int{"a": 1}},
	{name: "AttributeValue value form", in: types.AttributeValueMemberS{Value: "v"}, av: avS("v"), dest: new(string), want: "v"},
	{name: "Marshaler", in: convertUpper("abc"), av: avS("ABC"), dest: new(string), want: "ABC"},
	{name: "pointer-receiver Marshaler by value", in: convertPtrMarshaler{V: "pm"}, av: avS("pm"), dest: new(string), want: "pm"},
	{name: "pointer-receiver Marshaler in a list", in: []convertPtrMarshaler{{V: "a"}}, av: avL(avS("a")), dest: new(any), want: []any{"a"}},
	{name: "Valuer NULL", in: sql.NullFloat64{}, av: avNull(), dest: new(sql.NullFloat64), want: sql.NullFloat64{}},
}

// ---------------------------------------------------------------------------
// A fake driver, so that values go through database/sql's real argument and
// Scan conversions.

const convertTestDriverName = "dynasql-convert-test"

func init() { sql.Register(convertTestDriverName, convertTestDriver{}) }

type convertTestDriver struct{}

func (convertTestDriver) Open(string) (driver.Conn, error) { return convertTestConn{}, nil }

type convertTestConn struct{}

// convertTestMissing is an argument that stands for a missing attribute.
type convertTestMissing struct{}

// convertTestCapture is a context key holding a *[]types.AttributeValue that
// ExecContext fills with the converted arguments.
type convertTestCapture struct{}

func (convertTestConn) Prepare(string) (driver.Stmt, error) { return nil, errors.New("not supported") }
func (convertTestConn) Close() error                        { return nil }
func (convertTestConn) Begin() (driver.Tx, error)           { return nil, errors.New("not supported") }

func (convertTestConn) CheckNamedValue(nv *driver.NamedValue) error {
	if _, ok := nv.Value.(convertTestMissing); ok {
		return nil
	}
	return checkNamedValue(nv)
}

func (convertTestConn) ExecContext(ctx context.Context, _ string, args []driver.NamedValue) (driver.Result, error) {
	if out, ok := ctx.Value(convertTestCapture{}).(*[]types.AttributeValue); ok {
		for _, a := range args {
			*out = append(*out, a.Value.(types.AttributeValue))
		}
	}
	return driver.RowsAffected(0), nil
}

// QueryContext returns one row whose columns are the arguments, as stored
// values read back through fromAttributeValue.
func (convertTestConn) QueryContext(_ context.Context, _ string, args []driver.NamedValue) (driver.Rows, error) {
	row := make([]types.AttributeValue, len(args))
	for i, a := range args {
		if _, ok := a.Value.(convertTestMissing); ok {
			continue // nil: attribute missing
		}
		row[i] = a.Value.(types.AttributeValue)
	}
	return &convertTestRows{row: row}, nil
}

type convertTestRows struct {
	row  []types.AttributeValue
	done bool
}

func (r *convertTestRows) Columns() []string {
	cols := make([]string, len(r.row))
	for i := range cols {
		cols[i] = "c" + strconv.Itoa(i)
	}
	return cols
}

func (r *convertTestRows) Close() error { return nil }

func (r *convertTestRows) Next(dest []driver.Value) error {
	if r.done {
		return io.EOF
	}
	r.done = true
	for i, av := range r.row {
		dest[i] = fromAttributeValue(av)
	}
	return nil
}

func (r *convertTestRows) ColumnTypeScanType(i int) reflect.Type {
	return scanType(attributeTypeName(r.row[i]))
}

// convertTestDB opens a database on the fake driver, closed with the test.
func convertTestDB(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open(convertTestDriverName, "")
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// scanThrough stores arg through database/sql (checkNamedValue), reads it
// back as a row (fromAttributeValue) and scans it into dest.
func scanThrough(t testing.TB, arg, dest any) error {
	t.Helper()
	rows, err := convertTestDB(t).Query("echo", arg)
	require.NoError(t, err)
	defer rows.Close()
	require.True(t, rows.Next())
	err = rows.Scan(dest)
	if rb, ok := dest.(*sql.RawBytes); ok {
		*rb = bytes.Clone(*rb) // RawBytes is only valid until Close
	}
	return err
}

// captureArgs runs an Exec through database/sql and returns the converted
// arguments.
func captureArgs(t testing.TB, args ...any) ([]types.AttributeValue, error) {
	t.Helper()
	var out []types.AttributeValue
	ctx := context.WithValue(context.Background(), convertTestCapture{}, &out)
	_, err := convertTestDB(t).ExecContext(ctx, "capture", args...)
	return out, err
}

func scanner(c conversionCase, dst any) any {
	switch c.scan {
	case "document":
		return Document(dst)
	case "time":
		return ScanTime(dst.(*time.Time))
	}
	return dst
}

// ---------------------------------------------------------------------------
// Tests of the contract.

func TestConvertCasesToAttributeValue(t *testing.T) {
	for _, c := range conversionCases {
		t.Run(c.name, func(t *testing.T) {
			got, err := toAttributeValue(c.in)
			require.NoError(t, err)
			assert.Equal(t, c.av, got)

			nv := driver.NamedValue{Ordinal: 1, Value: c.in}
			require.NoError(t, checkNamedValue(&nv))
			assert.Equal(t, c.av, nv.Value)
			// Converting again is a no-op: the value is already an AttributeValue.
			require.NoError(t, checkNamedValue(&nv))
			assert.Equal(t, c.av, nv.Value)

			captured, err := captureArgs(t, c.in)
			require.NoError(t, err)
			assert.Equal(t, []types.AttributeValue{c.av}, captured)
		})
	}
}

func TestConvertCasesScan(t *testing.T) {
	for _, c := range conversionCases {
		t.Run(c.name, func(t *testing.T) {
			// From the Go value, through the driver and back.
			dst := reflect.New(reflect.TypeOf(c.dest).Elem()).Interface()
			require.NoError(t, scanThrough(t, c.in, scanner(c, dst)))
			assert.Equal(t, c.want, reflect.ValueOf(dst).Elem().Interface())

			// From the stored value, as DynamoDB would return it.
			dst = reflect.New(reflect.TypeOf(c.dest).Elem()).Interface()
			require.NoError(t, scanThrough(t, c.av, scanner(c, dst)))
			assert.Equal(t, c.want, reflect.ValueOf(dst).Elem().Interface())
		})
	}
}

// plainDecimal writes a number as DynamoDB returns it: plain decimal, no
// exponent, no superfluous zeros.
func plainDecimal(s string) string {
	info, err := scanNumber(s)
	if err != nil {
		panic(err)
	}
	r, _ := new(big.Rat).SetString(s)
	return r.FloatString(max(0, -info.last))
}

// asDynamoDBReturns rewrites the numbers of av as DynamoDB returns them.
func asDynamoDBReturns(av types.AttributeValue) types.AttributeValue {
	return mapLeaves(av, func(leaf types.AttributeValue) types.AttributeValue {
		switch v := leaf.(type) {
		case *types.AttributeValueMemberN:
			return avN(plainDecimal(v.Value))
		case *types.AttributeValueMemberNS:
			ns := make([]string, len(v.Value))
			for i, n := range v.Value {
				ns[i] = plainDecimal(n)
			}
			return &types.AttributeValueMemberNS{Value: ns}
		}
		return leaf
	})
}

// mapLeaves returns a copy of av with f applied to every value that is not a map or a list.
func mapLeaves(av types.AttributeValue, f func(types.AttributeValue) types.AttributeValue) types.AttributeValue {
	switch v := av.(type) {
	case *types.AttributeValueMemberM:
		m := make(map[string]types.AttributeValue, len(v.Value))
		for k, e := range v.Value {
			m[k] = mapLeaves(e, f)
		}
		return &types.AttributeValueMemberM{Value: m}
	case *types.AttributeValueMemberL:
		l := make([]types.AttributeValue, len(v.Value))
		for i, e := range v.Value {
			l[i] = mapLeaves(e, f)
		}
		return &types.AttributeValueMemberL{Value: l}
	}
	return f(av)
}

func TestConvertCasesAfterDynamoDBNormalisation(t *testing.T) {
	assert.Equal(t, "1000", plainDecimal("1E+3"))
	assert.Equal(t, "12.5", plainDecimal("12.50"))
	assert.Equal(t, "0", plainDecimal("-0.0"))
	for _, c := range conversionCases {
		t.Run(c.name, func(t *testing.T) {
			want := c.want
			if c.dbWant != nil {
				want = c.dbWant
			}
			dst := reflect.New(reflect.TypeOf(c.dest).Elem()).Interface()
			require.NoError(t, scanThrough(t, asDynamoDBReturns(c.av), scanner(c, dst)))
			assert.Equal(t, want, reflect.ValueOf(dst).Elem().Interface())
		})
	}
}

func TestConvertMissingAttributeScansAsNull(t *testing.T) {
	var ns sql.NullString
	require.NoError(t, scanThrough(t, convertTestMissing{}, &ns))
	assert.False(t, ns.Valid)
	var a any = "x"
	require.NoError(t, scanThrough(t, convertTestMissing{}, &a))
	assert.Nil(t, a)
	var p *int
	require.NoError(t, scanThrough(t, convertTestMissing{}, &p))
	assert.Nil(t, p)
	var n int
	assert.Error(t, scanThrough(t, convertTestMissing{}, &n))
}

// scanErrorCase is a stored value that must not scan into a destination.
type scanErrorCase struct {
	name    string
	av      types.AttributeValue
	dest    any    // pointer prototype, as in conversionCase
	scan    string // as in conversionCase
	wantErr string
}

var scanErrorCases = []scanErrorCase{
	{name: "fraction into int", av: avN("1.5"), dest: new(int), wantErr: "invalid syntax"},
	{name: "fraction into NullInt64", av: avN("1.5"), dest: new(sql.NullInt64), wantErr: "invalid syntax"},
	{name: "300 into int8", av: avN("300"), dest: new(int8), wantErr: "value out of range"},
	{name: "-129 into int8", av: avN("-129"), dest: new(int8), wantErr: "value out of range"},
	{name: "256 into uint8", av: avN("256"), dest: new(uint8), wantErr: "value out of range"},
	{name: "negative into uint64", av: avN("-1"), dest: new(uint64), wantErr: "invalid syntax"},
	{name: "2^64 into uint64", av: avN("18446744073709551616"), dest: new(uint64), wantErr: "value out of range"},
	{name: "2^63 into int64", av: avN("9223372036854775808"), dest: new(int64), wantErr: "value out of range"},
	{name: "38 digits into int64", av: avN(digits38), dest: new(int64), wantErr: "value out of range"},
	{name: "1e39 into float32", av: avN("1e39"), dest: new(float32), wantErr: "value out of range"},
	{name: "exponent form into int", av: avN("1E+3"), dest: new(int), wantErr: "invalid syntax"}, // DynamoDB itself returns "1000"
	{name: "NULL into int", av: avNull(), dest: new(int), wantErr: "converting NULL to int is unsupported"},
	{name: "NULL into string", av: avNull(), dest: new(string), wantErr: "converting NULL to string is unsupported"},
	{name: "NULL into float64", av: avNull(), dest: new(float64), wantErr: "converting NULL to float64 is unsupported"},
	{name: "NULL into Number", av: avNull(), dest: new(Number), wantErr: "sql.Null[dynasql.Number]"},
	{name: "S into int", av: avS("abc"), dest: new(int), wantErr: "invalid syntax"},
	{name: "S into Number", av: avS("abc"), dest: new(Number), wantErr: "not a valid decimal number"},
	{name: "S into bool", av: avS("abc"), dest: new(bool), wantErr: "couldn't convert"},
	{name: "BOOL into int", av: avBool(true), dest: new(int), wantErr: "invalid syntax"},
	{name: "N into bool", av: avN("1"), dest: new(bool), wantErr: "couldn't convert"},
	{name: "M into []byte", av: avM("a", avN("1")), dest: new([]byte), wantErr: "unsupported Scan"},
	{name: "L into string", av: avL(avN("1")), dest: new(string), wantErr: "unsupported Scan"},
	{name: "SS into NumberSet", av: &types.AttributeValueMemberSS{Value: []string{"a"}}, dest: new(NumberSet), wantErr: "cannot scan dynasql.StringSet"},
	{name: "fraction into struct int", av: avM("n", avN("1.5")), dest: new(struct {
		N int `dynamodbav:"n"`
	}), scan: "document", wantErr: "dynasql: Document"},
	{name: "S into struct", av: avS("plain text"), dest: new(convertItem), scan: "document", wantErr: "not valid JSON"},
	{name: "M into int", av: avM("a", avN("1")), dest: new(int), scan: "document", wantErr: "cannot decode M"},
	{name: "not a time", av: avS("yesterday"), dest: new(time.Time), scan: "time", wantErr: "not an RFC 3339 time"},
	{name: "N into time", av: avN("1714559400"), dest: new(time.Time), scan: "time", wantErr: "Number.Int64"},
}

func TestConvertScanErrors(t *testing.T) {
	for _, c := range scanErrorCases {
		t.Run(c.name, func(t *testing.T) {
			dst := reflect.New(reflect.TypeOf(c.dest).Elem()).Interface()
			err := scanThrough(t, c.av, scanner(conversionCase{scan: c.scan}, dst))
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.wantErr)
		})
	}
}

// paramErrorCase is a query argument the driver must refuse.
type paramErrorCase struct {
	name string
	in   any
	// want are substrings of the error of toAttributeValue; the error of
	// checkNamedValue has "argument 1" in place of "value".
	want []string
	// secret must not appear in the message.
	secret string
}

type convertFailingValuer struct{}

func (convertFailingValuer) Value() (driver.Value, error) { return nil, errors.New("boom") }

type convertChanValuer struct{}

func (convertChanValuer) Value() (driver.Value, error) { return make(chan int), nil }

type convertSelfValuer struct{}

func (v convertSelfValuer) Value() (driver.Value, error) { return v, nil }

type convertFailingMarshaler struct{}

func (convertFailingMarshaler) MarshalDynamoDBAttributeValue() (types.AttributeValue, error) {
	return nil, errors.New("no way")
}

func paramErrorCases() []paramErrorCase {
	cyclic := map[string]any{}
	cyclic["self"] = cyclic
	return []paramErrorCase{
		{name: "chan", in: make(chan int), want: []string{"dynasql: value (chan int): unsupported type"}},
		{name: "func", in: func() {}, want: []string{"(func()): unsupported type"}},
		{name: "complex", in: complex(1, 2), want: []string{"(complex128): unsupported type"}},
		{name: "int-keyed map", in: map[int]string{1: "secret"}, want: []string{"(map[int]string): unsupported type: map keys must be strings"}, secret: "secret"},
		{name: "NaN", in: math.NaN(), want: []string{"(float64): invalid number: NaN and infinities"}},
		{name: "+Inf", in: math.Inf(1), want: []string{"(float64): invalid number"}},
		{name: "-Inf float32", in: float32(math.Inf(-1)), want: []string{"(float32): invalid number"}},
		{name: "float too large", in: 1.7e300, want: []string{"(float64): invalid number: magnitude outside"}, secret: "1.7"},
		{name: "float too small", in: 3.3e-200, want: []string{"(float64): invalid number: magnitude outside"}, secret: "3.3"},
		{name: "json.Number syntax", in: json.Number("12secret"), want: []string{"(json.Number): invalid number: not a valid decimal number"}, secret: "12secret"},
		{name: "json.Number empty", in: json.Number(""), want: []string{"(json.Number): invalid number"}},
		{name: "Number syntax", in: Number("0x1F"), want: []string{"(dynasql.Number): invalid number: not a valid decimal number"}, secret: "0x1F"},
		{name: "Number NaN", in: Number("NaN"), want: []string{"not a valid decimal number"}},
		{name: "Number 39 digits", in: Number(digits38 + "9"), want: []string{"more than 38 significant digits"}, secret: digits38},
		{name: "Number too large", in: Number("1E+126"), want: []string{"magnitude outside"}, secret: "126"},
		{name: "Number too small", in: Number("0.99E-130"), want: []string{"magnitude outside"}, secret: "0.99"},
		{name: "big.Int too many digits", in: new(big.Int).Add(bigTen(40), big.NewInt(1)), want: []string{"(*big.Int): invalid number: more than 38"}},
		{name: "big.Float Inf", in: new(big.Float).SetInf(false), want: []string{"(*big.Float): invalid number"}},
		{name: "empty StringSet", in: StringSet{}, want: []string{"(dynasql.StringSet): invalid set: a DynamoDB set cannot be empty"}},
		{name: "duplicate StringSet", in: StringSet{"secret", "secret"}, want: []string{"cannot hold duplicates"}, secret: "secret"},
		{name: "empty NumberSet", in: NumberSet{}, want: []string{"cannot be empty"}},
		{name: "invalid NumberSet", in: NumberSet{"1", "secret"}, want: []string{"(dynasql.NumberSet): invalid set: element 1: not a valid decimal number"}, secret: "secret"},
		{name: "empty BinarySet", in: BinarySet{}, want: []string{"cannot be empty"}},
		{name: "time year 10000", in: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), want: []string{"(time.Time): invalid time: year outside"}},
		{name: "nested chan", in: []any{1, make(chan int)}, want: []string{"dynasql: value ([]interface {}) at [1] (chan int): unsupported type"}},
		{name: "nested NaN", in: map[string]any{"k": []any{math.NaN()}}, want: []string{`value (map[string]interface {}) at ["k"][0] (float64): invalid number`}},
		{name: "nested in typed slice", in: [][]float64{{1}, {2, math.Inf(1)}}, want: []string{"value ([][]float64) at [1][1] (float64): invalid number"}},
		{name: "nested in typed map", in: map[string][]complex64{"c": {1}}, want: []string{`at ["c"][0] (complex64): unsupported type`}},
		{name: "struct with NaN", in: struct{ F float64 }{math.NaN()}, want: []string{`value (struct { F float64 }) at ["F"] (N): invalid number`}},
		{name: "struct with bad Number", in: struct{ N Number }{"secret"}, want: []string{"cannot encode struct", "not a valid decimal number"}, secret: "secret"},
		{name: "cycle", in: cyclic, want: []string{"nested too deeply"}},
		{name: "failing Valuer", in: convertFailingValuer{}, want: []string{"(dynasql.convertFailingValuer): driver.Valuer failed: boom"}},
		{name: "Valuer of chan", in: convertChanValuer{}, want: []string{"(dynasql.convertChanValuer) at Value() (chan int): unsupported type"}},
		{name: "Valuer cycle", in: convertSelfValuer{}, want: []string{"driver.Valuer chain too long"}},
		{name: "failing Marshaler", in: convertFailingMarshaler{}, want: []string{"MarshalDynamoDBAttributeValue failed: no way"}},
		{name: "pointer to chan", in: ptr(make(chan int)), want: []string{"(*chan int): unsupported type"}},
	}
}

func TestConvertParamErrors(t *testing.T) {
	for _, c := range paramErrorCases() {
		t.Run(c.name, func(t *testing.T) {
			_, err := toAttributeValue(c.in)
			require.Error(t, err)
			for _, w := range c.want {
				assert.Contains(t, err.Error(), w)
			}
			if c.secret != "" {
				assert.NotContains(t, err.Error(), c.secret)
			}

			nv := driver.NamedValue{Ordinal: 3, Value: c.in}
			err = checkNamedValue(&nv)
			require.Error(t, err)
			assert.Equal(t, c.in == nil, nv.Value == nil) // not replaced
			for _, w := range c.want {
				assert.Contains(t, err.Error(), strings.Replace(w, "value (", "argument 3 (", 1))
			}
			assert.Contains(t, err.Error(), "dynasql: argument 3 (")

			// Through database/sql, by position and by name.
			_, err = captureArgs(t, "ok", c.in)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "dynasql: argument 2 (")
			_, err = captureArgs(t, sql.Named("p", c.in))
			require.Error(t, err)
			assert.Contains(t, err.Error(), `dynasql: argument "p" (`)
			if c.secret != "" {
				assert.NotContains(t, err.Error(), c.secret)
			}

			// The exported converter refuses the same values.
			_, err = ValueConverter.ConvertValue(c.in)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want[0])
		})
	}
}

func TestConvertErrorExample(t *testing.T) {
	nv := driver.NamedValue{Ordinal: 3, Value: make(chan int)}
	assert.EqualError(t, checkNamedValue(&nv), "dynasql: argument 3 (chan int): unsupported type")
	nv = driver.NamedValue{Name: "p", Ordinal: 1, Value: complex64(1)}
	assert.EqualError(t, checkNamedValue(&nv), `dynasql: argument "p" (complex64): unsupported type`)
}

func TestConvertErrorsUnwrap(t *testing.T) {
	_, err := toAttributeValue(math.NaN())
	assert.ErrorIs(t, err, errNotFinite)
	_, err = toAttributeValue(convertFailingValuer{})
	assert.EqualError(t, errors.Unwrap(err), "boom")
}

func TestConvertValueConverter(t *testing.T) {
	for _, c := range conversionCases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ValueConverter.ConvertValue(c.in)
			require.NoError(t, err)
			if vr, ok := c.in.(driver.Valuer); ok && !convertsBeforeValuer(c.in) {
				want, err := vr.Value()
				require.NoError(t, err)
				assert.Equal(t, want, got)
				return
			}
			assert.Equal(t, c.in, got)
		})
	}
	// A Valuer is resolved; a Valuer whose result is refused is refused.
	got, err := ValueConverter.ConvertValue(convertTemp(1.5))
	require.NoError(t, err)
	assert.Equal(t, 1.5, got)
	_, err = ValueConverter.ConvertValue(convertChanValuer{})
	assert.EqualError(t, err, "dynasql: value (dynasql.convertChanValuer) at Value() (chan int): unsupported type")
}

func TestConvertFromAttributeValueTypes(t *testing.T) {
	unknown := &types.UnknownUnionMember{Tag: "X", Value: []byte("?")}
	cases := []struct {
		av       types.AttributeValue
		name     string
		want     any
		scanType reflect.Type
	}{
		{nil, "", nil, reflect.TypeFor[any]()},
		{avS("s"), "S", "s", reflect.TypeFor[string]()},
		{avN("1"), "N", Number("1"), reflect.TypeFor[Number]()},
		{avB([]byte{1}), "B", []byte{1}, reflect.TypeFor[[]byte]()},
		{avBool(true), "BOOL", true, reflect.TypeFor[bool]()},
		{avNull(), "NULL", nil, reflect.TypeFor[any]()},
		{avM("a", avS("b")), "M", map[string]any{"a": "b"}, reflect.TypeFor[map[string]any]()},
		{avL(avS("b")), "L", []any{"b"}, reflect.TypeFor[[]any]()},
		{&types.AttributeValueMemberSS{Value: []string{"a"}}, "SS", StringSet{"a"}, reflect.TypeFor[StringSet]()},
		{&types.AttributeValueMemberNS{Value: []string{"1"}}, "NS", NumberSet{"1"}, reflect.TypeFor[NumberSet]()},
		{&types.AttributeValueMemberBS{Value: [][]byte{{1}}}, "BS", BinarySet{{1}}, reflect.TypeFor[BinarySet]()},
		{unknown, "", unknown, reflect.TypeFor[any]()},
	}
	for _, c := range cases {
		assert.Equal(t, c.name, attributeTypeName(c.av))
		got := fromAttributeValue(c.av)
		assert.Equal(t, c.want, got)
		if c.av != nil {
			assert.Equal(t, c.name, valueTypeName(got))
		}
		assert.Equal(t, c.scanType, scanType(c.name))
		if got != nil && c.name != "" {
			assert.Equal(t, c.scanType, reflect.TypeOf(got))
		}
	}
	assert.Equal(t, reflect.TypeFor[any](), scanType("XYZ"))

	// The unknown member round-trips as itself.
	back, err := toAttributeValue(fromAttributeValue(unknown))
	require.NoError(t, err)
	assert.Same(t, unknown, back)

	// Through database/sql, ColumnTypes report the scan types.
	rows, err := convertTestDB(t).Query("echo", "s", 1, true, []any{})
	require.NoError(t, err)
	defer rows.Close()
	cts, err := rows.ColumnTypes()
	require.NoError(t, err)
	assert.Equal(t, reflect.TypeFor[string](), cts[0].ScanType())
	assert.Equal(t, reflect.TypeFor[Number](), cts[1].ScanType())
	assert.Equal(t, reflect.TypeFor[bool](), cts[2].ScanType())
	assert.Equal(t, reflect.TypeFor[[]any](), cts[3].ScanType())
}

func TestConvertPassThroughAndNilPointers(t *testing.T) {
	av := &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"a": avS("b")}}
	got, err := toAttributeValue(av)
	require.NoError(t, err)
	assert.Same(t, av, got)

	for _, in := range []any{
		(*types.AttributeValueMemberS)(nil), (*sql.NullString)(nil), (*convertUpper)(nil),
		(*convertItem)(nil), (**int)(nil), ptr((*int)(nil)), (*big.Float)(nil), (*time.Time)(nil),
	} {
		got, err := toAttributeValue(in)
		require.NoError(t, err, "%T", in)
		assert.Equal(t, avNull(), got, "%T", in)
	}
}

// TestConvertNoReflectionForScalars checks that scalars take the fast path:
// one allocation for the attribute value (plus the number's text).
func TestConvertScalarAllocations(t *testing.T) {
	cases := map[string]struct {
		v    any
		max  float64
		kind string
	}{
		"string":      {"abc", 1, "S"},
		"bool":        {true, 1, "BOOL"},
		"small int":   {int64(42), 1, "N"},
		"large int":   {int64(123456789), 2, "N"},
		"float":       {1.25, 2, "N"},
		"Number":      {Number("1.5"), 1, "N"},
		"bytes":       {[]byte{1}, 1, "B"},
		"nil":         {nil, 1, "NULL"},
		"time":        {convertTimeUTC, 2, "S"},
		"uint64":      {uint64(math.MaxUint64), 2, "N"},
		"AttributeV.": {avS("x"), 0, "S"},
	}
	for name, c := range cases {
		allocs := testing.AllocsPerRun(100, func() {
			av, err := toAttributeValue(c.v)
			if err != nil || attributeTypeName(av) != c.kind {
				panic(name)
			}
		})
		assert.LessOrEqual(t, allocs, c.max, name)
	}
}

// ---------------------------------------------------------------------------
// Property test: random documents survive AV → driver value → AV.

func randomString(r *rand.Rand) string {
	const alphabet = "abcXYZ019 _-.'\"é€😀\x00\n"
	runes := []rune(alphabet)
	n := r.IntN(12)
	var b strings.Builder
	for range n {
		b.WriteRune(runes[r.IntN(len(runes))])
	}
	return b.String()
}

func randomBytes(r *rand.Rand) []byte {
	b := make([]byte, r.IntN(10))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// randomNumber returns a valid DynamoDB number in one of the textual forms
// DynamoDB or a client may use.
func randomNumber(r *rand.Rand) string {
	n := 1 + r.IntN(38)
	if r.IntN(3) == 0 {
		n = 1 + r.IntN(5)
	}
	d := make([]byte, n)
	d[0] = byte('1' + r.IntN(9))
	for i := 1; i < n; i++ {
		d[i] = byte('0' + r.IntN(10))
	}
	sign := ""
	if r.IntN(2) == 0 {
		sign = "-"
	}
	digits := string(d)
	switch r.IntN(5) {
	case 0:
		return "0"
	case 1: // integer
		return sign + digits
	case 2: // point inside or leading zeros
		if p := r.IntN(n + 1); p > 0 && p < n {
			return sign + digits[:p] + "." + digits[p:]
		}
		return sign + "0." + strings.Repeat("0", r.IntN(20)) + digits
	default: // scientific, any exponent in range
		exp := minNumberExponent + r.IntN(maxNumberExponent-minNumberExponent+1)
		mant := digits[:1]
		if n > 1 {
			mant += "." + digits[1:]
		}
		e := "E"
		if r.IntN(2) == 0 {
			e = "e"
		}
		es := strconv.Itoa(exp)
		if exp >= 0 && r.IntN(2) == 0 {
			es = "+" + es
		}
		return sign + mant + e + es
	}
}

func randomSetOf(r *rand.Rand, gen func() string) []string {
	n := 1 + r.IntN(5)
	seen := map[string]bool{}
	var out []string
	for len(out) < n {
		s := gen()
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func randomAV(r *rand.Rand, depth int) types.AttributeValue {
	kinds := 10
	if depth >= 5 {
		kinds = 8 // no more containers
	}
	switch r.IntN(kinds) {
	case 0:
		return avS(randomString(r))
	case 1:
		return avN(randomNumber(r))
	case 2:
		return avB(randomBytes(r))
	case 3:
		return avBool(r.IntN(2) == 0)
	case 4:
		return avNull()
	case 5:
		return &types.AttributeValueMemberSS{Value: randomSetOf(r, func() string { return randomString(r) })}
	case 6:
		return &types.AttributeValueMemberNS{Value: randomSetOf(r, func() string { return randomNumber(r) })}
	case 7:
		ss := randomSetOf(r, func() string { return string(randomBytes(r)) })
		bs := make([][]byte, len(ss))
		for i, s := range ss {
			bs[i] = []byte(s)
		}
		return &types.AttributeValueMemberBS{Value: bs}
	case 8:
		m := map[string]types.AttributeValue{}
		for range r.IntN(7) {
			m[randomString(r)] = randomAV(r, depth+1)
		}
		return &types.AttributeValueMemberM{Value: m}
	default:
		l := make([]types.AttributeValue, r.IntN(7))
		for i := range l {
			l[i] = randomAV(r, depth+1)
		}
		return &types.AttributeValueMemberL{Value: l}
	}
}

func TestConvertPropertyRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(2024, 5))
	for i := range 2000 {
		// A whole item: a map of random attributes.
		item := randomAV(r, 0)
		if i%2 == 0 {
			m := map[string]types.AttributeValue{}
			for range 1 + r.IntN(8) {
				m[randomString(r)] = randomAV(r, 1)
			}
			item = &types.AttributeValueMemberM{Value: m}
		}
		back, err := toAttributeValue(fromAttributeValue(item))
		require.NoError(t, err, "case %d", i)
		require.Equal(t, item, back, "case %d", i)

		// And through database/sql: scanned into *any, then sent again.
		if i%10 == 0 {
			var v any
			require.NoError(t, scanThrough(t, item, &v))
			captured, err := captureArgs(t, v)
			require.NoError(t, err)
			require.Equal(t, []types.AttributeValue{item}, captured, "case %d", i)
		}
	}
}

// ---------------------------------------------------------------------------
// Benchmarks.

func benchmarkPage() ([]map[string]types.AttributeValue, []string) {
	cols := []string{"id", "name", "email", "age", "score", "active", "verified", "visits"}
	page := make([]map[string]types.AttributeValue, 1000)
	for i := range page {
		page[i] = map[string]types.AttributeValue{
			"id":       avS(fmt.Sprintf("user#%06d", i)),
			"name":     avS("Name " + strconv.Itoa(i)),
			"email":    avS(fmt.Sprintf("user%d@example.com", i)),
			"age":      avN(strconv.Itoa(18 + i%60)),
			"score":    avN(strconv.FormatFloat(float64(i)*1.25, 'f', -1, 64)),
			"active":   avBool(i%2 == 0),
			"verified": avBool(i%3 == 0),
			"visits":   avN(strconv.Itoa(i * 1000)),
		}
	}
	return page, cols
}

func BenchmarkFromAttributeValuePage(b *testing.B) {
	page, cols := benchmarkPage()
	dest := make([]driver.Value, len(cols))
	var before, after runtime.MemStats
	b.ReportAllocs()
	b.ResetTimer()
	runtime.ReadMemStats(&before)
	for b.Loop() {
		for _, item := range page {
			for j, c := range cols {
				dest[j] = fromAttributeValue(item[c])
			}
		}
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(b.N)/float64(len(page)), "allocs/item")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(page)), "ns/item")
}

func BenchmarkToAttributeValueScalars(b *testing.B) {
	values := []any{"user#000001", int64(42), 3.25, true, Number("12.5"), []byte("x"), convertTimeUTC, uint64(math.MaxUint64)}
	b.ReportAllocs()
	for b.Loop() {
		for _, v := range values {
			if _, err := toAttributeValue(v); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(values)), "ns/value")
}

func BenchmarkToAttributeValueDocument(b *testing.B) {
	doc := map[string]any{
		"id": "user#1", "age": 42, "tags": []string{"a", "b", "c"},
		"address": map[string]any{"city": "Paris", "zip": "75001", "geo": []any{48.85, 2.35}},
		"scores":  []int{1, 2, 3, 4},
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := toAttributeValue(doc); err != nil {
			b.Fatal(err)
		}
	}
}

var _ = attributevalue.Marshal // the struct cases rely on attributevalue's encoding
