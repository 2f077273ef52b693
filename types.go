package dynasql

import (
	"bytes"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Number is a DynamoDB number (N), kept exactly as its decimal text: no digit is
// lost on the way from DynamoDB to the application and back.
//
// Rows hand every N attribute to database/sql as a Number. database/sql scans it
// into any int, uint or float kind (refusing "1.5" for an int and "300" for an
// int8), into *string, *[]byte, *json.Number and the sql.Null* types. Scanning
// into *Number keeps it exact; Int64, Uint64, Float64, BigInt, BigFloat and Rat
// then give the value as a Go number, with an error rather than a silently
// changed value when it does not fit.
//
// As a parameter a Number is validated (syntax, at most 38 significant digits,
// magnitude between 1E-130 and 9.9999999999999999999999999999999999999E+125, or
// zero) and sent as it is written. The zero Number ("") stands for NULL, so an
// unset Number field in a struct is stored as NULL instead of failing.
//
// Number implements attributevalue.Marshaler and Unmarshaler, so a Number
// field in a struct is stored as N through the attributevalue package too.
type Number string

// ParseNumber validates s as a DynamoDB number and returns it as a Number.
// Its errors never contain s.
func ParseNumber(s string) (Number, error) {
	if err := validateNumber(s); err != nil {
		return "", &numberError{op: "ParseNumber", err: err}
	}
	return Number(s), nil
}

// NewNumber converts any Go number (every int and uint kind, float32, float64,
// json.Number, Number, *big.Int, *big.Float) to a Number, with the same
// validation as a query parameter.
func NewNumber(v any) (Number, error) {
	s, err := numberText(v)
	if err != nil {
		return "", &numberError{op: "NewNumber", err: err}
	}
	return Number(s), nil
}

// String returns the number's decimal text as stored.
func (n Number) String() string { return string(n) }

// Int64 returns n as an int64. It fails when n has a fractional part or does
// not fit; range errors wrap strconv.ErrRange.
func (n Number) Int64() (int64, error) {
	if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		return i, nil
	}
	b, err := n.bigInt("Int64")
	if err != nil {
		return 0, err
	}
	if !b.IsInt64() {
		return 0, &numberError{op: "Int64", err: strconv.ErrRange}
	}
	return b.Int64(), nil
}

// Uint64 returns n as a uint64. It fails when n is negative, has a fractional
// part or does not fit; range errors wrap strconv.ErrRange.
func (n Number) Uint64() (uint64, error) {
	if u, err := strconv.ParseUint(string(n), 10, 64); err == nil {
		return u, nil
	}
	b, err := n.bigInt("Uint64")
	if err != nil {
		return 0, err
	}
	if !b.IsUint64() {
		return 0, &numberError{op: "Uint64", err: strconv.ErrRange}
	}
	return b.Uint64(), nil
}

// Float64 returns the float64 nearest to n. It fails when n is not a number, or
// when it is too large for a float64 or so small that it would become zero
// (wrapping strconv.ErrRange); a value within range is rounded as usual.
func (n Number) Float64() (float64, error) {
	info, err := scanNumber(string(n))
	if err != nil {
		return 0, &numberError{op: "Float64", err: err}
	}
	f, perr := strconv.ParseFloat(string(n), 64)
	if perr != nil || (f == 0 && !info.zero) {
		return 0, &numberError{op: "Float64", err: strconv.ErrRange}
	}
	return f, nil
}

// BigInt returns n as a *big.Int. It fails when n has a fractional part.
func (n Number) BigInt() (*big.Int, error) { return n.bigInt("BigInt") }

// Rat returns n exactly as a *big.Rat. Numbers whose exponent is far outside
// DynamoDB's range (beyond ±1000) are refused with strconv.ErrRange rather
// than computed.
func (n Number) Rat() (*big.Rat, error) {
	if err := scanBounded(string(n)); err == errZero {
		return new(big.Rat), nil
	} else if err != nil {
		return nil, &numberError{op: "Rat", err: err}
	}
	r, ok := new(big.Rat).SetString(string(n))
	if !ok {
		return nil, &numberError{op: "Rat", err: errNumberSyntax}
	}
	return r, nil
}

// BigFloat returns n as a *big.Float with 128 bits of mantissa (enough for the
// 38 significant digits DynamoDB keeps; decimal fractions such as 0.1 are
// rounded as in any binary float).
func (n Number) BigFloat() (*big.Float, error) {
	if err := scanBounded(string(n)); err == errZero {
		return new(big.Float).SetPrec(128), nil
	} else if err != nil {
		return nil, &numberError{op: "BigFloat", err: err}
	}
	f, _, err := big.ParseFloat(string(n), 10, 128, big.ToNearestEven)
	if err != nil {
		return nil, &numberError{op: "BigFloat", err: errNumberSyntax}
	}
	return f, nil
}

// errZero tells scanBounded's callers that the number is zero.
var errZero = errors.New("zero")

// scanBounded checks the syntax of s and that its exponent is within ±1000, so
// that math/big never has to build a huge power of ten.
func scanBounded(s string) error {
	info, err := scanNumber(s)
	if err != nil {
		return err
	}
	if info.zero {
		return errZero
	}
	if !info.zero && (info.adj > 1000 || info.last < -1000) {
		return strconv.ErrRange
	}
	return nil
}

func (n Number) bigInt(op string) (*big.Int, error) {
	info, err := scanNumber(string(n))
	if err != nil {
		return nil, &numberError{op: op, err: err}
	}
	if info.zero {
		return new(big.Int), nil
	}
	if info.last < 0 {
		return nil, &numberError{op: op, err: errNotInteger}
	}
	if info.adj > 400 { // far beyond any Go integer and DynamoDB's range
		return nil, &numberError{op: op, err: strconv.ErrRange}
	}
	digits := info.digits(string(n))
	b, ok := new(big.Int).SetString(digits, 10)
	if !ok {
		return nil, &numberError{op: op, err: errNumberSyntax}
	}
	if info.last > 0 {
		b.Mul(b, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(info.last)), nil))
	}
	if info.neg {
		b.Neg(b)
	}
	return b, nil
}

// MarshalJSON writes n as a JSON number, exactly. Forms JSON does not allow
// ("+1", ".5", "007") are rewritten to an equal JSON number.
func (n Number) MarshalJSON() ([]byte, error) {
	if isJSONNumber(string(n)) {
		return []byte(n), nil
	}
	info, err := scanNumber(string(n))
	if err != nil {
		return nil, &numberError{op: "MarshalJSON", err: err}
	}
	return []byte(info.canonical(string(n))), nil
}

// UnmarshalJSON reads a JSON number (or a JSON string holding one) exactly.
// JSON null leaves n unchanged.
func (n *Number) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		return nil
	}
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return &numberError{op: "UnmarshalJSON", err: errNumberSyntax}
		}
	}
	if _, err := scanNumber(s); err != nil {
		return &numberError{op: "UnmarshalJSON", err: err}
	}
	*n = Number(s)
	return nil
}

// Scan implements sql.Scanner: it accepts a Number, a numeric string or []byte,
// and Go integers and floats. NULL is an error: scan into sql.Null[Number] to
// allow it.
func (n *Number) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case nil:
		return &numberError{op: "Scan", err: errors.New("NULL cannot be stored in a Number; use sql.Null[dynasql.Number]")}
	case Number:
		*n = v
		return nil
	case string:
		s = v
	case []byte:
		s = string(v)
	case json.Number:
		s = string(v)
	default:
		t, err := numberText(src)
		if err != nil {
			return &numberError{op: "Scan", err: err}
		}
		*n = Number(t)
		return nil
	}
	if _, err := scanNumber(s); err != nil {
		return &numberError{op: "Scan", err: err}
	}
	*n = Number(s)
	return nil
}

// MarshalDynamoDBAttributeValue implements attributevalue.Marshaler: a Number
// is stored as N, the zero Number as NULL.
func (n Number) MarshalDynamoDBAttributeValue() (types.AttributeValue, error) {
	if n == "" {
		return &types.AttributeValueMemberNULL{Value: true}, nil
	}
	if err := validateNumber(string(n)); err != nil {
		return nil, &numberError{op: "MarshalDynamoDBAttributeValue", err: err}
	}
	return &types.AttributeValueMemberN{Value: string(n)}, nil
}

// UnmarshalDynamoDBAttributeValue implements attributevalue.Unmarshaler for N
// and NULL (which gives the zero Number).
func (n *Number) UnmarshalDynamoDBAttributeValue(av types.AttributeValue) error {
	switch v := av.(type) {
	case *types.AttributeValueMemberN:
		*n = Number(v.Value)
		return nil
	case *types.AttributeValueMemberNULL, nil:
		*n = ""
		return nil
	}
	return &numberError{op: "UnmarshalDynamoDBAttributeValue", err: fmt.Errorf("cannot store %s in a Number", attributeTypeName(av))}
}

// StringSet is a DynamoDB string set (SS). As a parameter it must not be empty
// (a nil StringSet is NULL); duplicates are rejected.
type StringSet []string

// NumberSet is a DynamoDB number set (NS), each element validated like Number.
// As a parameter it must not be empty (a nil NumberSet is NULL); duplicates
// ("1" and "1.0" included) are rejected.
type NumberSet []Number

// BinarySet is a DynamoDB binary set (BS). As a parameter it must not be empty
// (a nil BinarySet is NULL); duplicates are rejected.
type BinarySet [][]byte

// MarshalDynamoDBAttributeValue implements attributevalue.Marshaler (SS).
func (s StringSet) MarshalDynamoDBAttributeValue() (types.AttributeValue, error) {
	av, err := stringSetValue(s)
	if err != nil {
		return nil, &numberError{op: "StringSet", err: err}
	}
	return av, nil
}

// MarshalDynamoDBAttributeValue implements attributevalue.Marshaler (NS).
func (s NumberSet) MarshalDynamoDBAttributeValue() (types.AttributeValue, error) {
	av, err := numberSetValue(s)
	if err != nil {
		return nil, &numberError{op: "NumberSet", err: err}
	}
	return av, nil
}

// MarshalDynamoDBAttributeValue implements attributevalue.Marshaler (BS).
func (s BinarySet) MarshalDynamoDBAttributeValue() (types.AttributeValue, error) {
	av, err := binarySetValue(s)
	if err != nil {
		return nil, &numberError{op: "BinarySet", err: err}
	}
	return av, nil
}

// Value implements driver.Valuer with the set's attribute value, so that tools which expand slice arguments
// (sqlx.In) pass a set through whole instead of spreading its members over several placeholders.
func (s StringSet) Value() (driver.Value, error) { return s.MarshalDynamoDBAttributeValue() }

// Value implements driver.Valuer; see StringSet.Value.
func (s NumberSet) Value() (driver.Value, error) { return s.MarshalDynamoDBAttributeValue() }

// Value implements driver.Valuer; see StringSet.Value.
func (s BinarySet) Value() (driver.Value, error) { return s.MarshalDynamoDBAttributeValue() }

// UnmarshalDynamoDBAttributeValue implements attributevalue.Unmarshaler for SS
// and NULL.
func (s *StringSet) UnmarshalDynamoDBAttributeValue(av types.AttributeValue) error {
	return s.Scan(fromAttributeValue(av))
}

// UnmarshalDynamoDBAttributeValue implements attributevalue.Unmarshaler for NS
// and NULL.
func (s *NumberSet) UnmarshalDynamoDBAttributeValue(av types.AttributeValue) error {
	return s.Scan(fromAttributeValue(av))
}

// UnmarshalDynamoDBAttributeValue implements attributevalue.Unmarshaler for BS
// and NULL.
func (s *BinarySet) UnmarshalDynamoDBAttributeValue(av types.AttributeValue) error {
	return s.Scan(fromAttributeValue(av))
}

// Scan implements sql.Scanner for an SS column; NULL gives a nil set.
func (s *StringSet) Scan(src any) error { return scanSet(s, src) }

// Scan implements sql.Scanner for an NS column; NULL gives a nil set.
func (s *NumberSet) Scan(src any) error { return scanSet(s, src) }

// Scan implements sql.Scanner for a BS column; NULL gives a nil set.
func (s *BinarySet) Scan(src any) error { return scanSet(s, src) }

func scanSet[S StringSet | NumberSet | BinarySet](dst *S, src any) error {
	switch v := src.(type) {
	case nil:
		*dst = nil
	case S:
		*dst = v
	default:
		return fmt.Errorf("dynasql: cannot scan %T into %T", src, dst)
	}
	return nil
}

func stringSetValue(s StringSet) (types.AttributeValue, error) {
	if s == nil {
		return &types.AttributeValueMemberNULL{Value: true}, nil
	}
	if len(s) == 0 {
		return nil, errEmptySet
	}
	if hasDuplicates(len(s), func(i, j int) bool { return s[i] == s[j] }, func(i int) string { return s[i] }) {
		return nil, errDuplicateInSet
	}
	return &types.AttributeValueMemberSS{Value: []string(s)}, nil
}

func numberSetValue(s NumberSet) (types.AttributeValue, error) {
	if s == nil {
		return &types.AttributeValueMemberNULL{Value: true}, nil
	}
	if len(s) == 0 {
		return nil, errEmptySet
	}
	out := make([]string, len(s))
	for i, n := range s {
		if err := validateNumber(string(n)); err != nil {
			return nil, fmt.Errorf("element %d: %w", i, err)
		}
		out[i] = string(n)
	}
	if hasDuplicates(len(s), func(i, j int) bool { return sameNumber(out[i], out[j]) }, func(i int) string { return canonicalNumber(out[i]) }) {
		return nil, errDuplicateInSet
	}
	return &types.AttributeValueMemberNS{Value: out}, nil
}

func binarySetValue(s BinarySet) (types.AttributeValue, error) {
	if s == nil {
		return &types.AttributeValueMemberNULL{Value: true}, nil
	}
	if len(s) == 0 {
		return nil, errEmptySet
	}
	if hasDuplicates(len(s), func(i, j int) bool { return bytes.Equal(s[i], s[j]) }, func(i int) string { return string(s[i]) }) {
		return nil, errDuplicateInSet
	}
	return &types.AttributeValueMemberBS{Value: [][]byte(s)}, nil
}

// hasDuplicates compares pairwise for small sets and through a map for larger ones.
func hasDuplicates(n int, eq func(i, j int) bool, key func(i int) string) bool {
	if n <= 16 {
		for i := 1; i < n; i++ {
			for j := 0; j < i; j++ {
				if eq(i, j) {
					return true
				}
			}
		}
		return false
	}
	seen := make(map[string]struct{}, n)
	for i := range n {
		k := key(i)
		if _, dup := seen[k]; dup {
			return true
		}
		seen[k] = struct{}{}
	}
	return false
}

var (
	errNumberSyntax    = errors.New("not a valid decimal number")
	errNumberPrecision = errors.New("more than 38 significant digits")
	errNumberRange     = errors.New("magnitude outside DynamoDB's range (1E-130 to 9.99E+125)")
	errNotFinite       = errors.New("NaN and infinities cannot be stored in DynamoDB")
	errNotInteger      = errors.New("not an integer")
	errEmptySet        = errors.New("a DynamoDB set cannot be empty (use a nil set for NULL)")
	errDuplicateInSet  = errors.New("a DynamoDB set cannot hold duplicates")
)

// numberError is the error of a Number method. It never holds the number.
type numberError struct {
	op  string
	err error
}

func (e *numberError) Error() string { return "dynasql: " + e.op + ": " + e.err.Error() }
func (e *numberError) Unwrap() error { return e.err }

const (
	maxNumberDigits   = 38
	maxNumberExponent = 125
	minNumberExponent = -130
)

// numberInfo describes a decimal number written as text.
type numberInfo struct {
	neg  bool
	zero bool
	// sig is the count of significant digits (first to last non-zero digit).
	sig int
	// adj is the power of ten of the first significant digit, last the power
	// of ten of the last one (value = d.ddd × 10^adj, last = adj - sig + 1).
	adj, last int
	// first and end locate the significant digits in the text (end exclusive,
	// possibly with a '.' inside).
	first, end int
}

// scanNumber parses the decimal grammar DynamoDB accepts:
// [+-] digits [. digits] [(e|E) [+-] digits], with at least one mantissa digit
// on either side of an optional point. It does not allocate.
func scanNumber(s string) (numberInfo, error) {
	var info numberInfo
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		info.neg = s[i] == '-'
		i++
	}
	intDigits, digits := 0, 0
	firstK, lastK := -1, -1 // positions in the digit sequence
	seenPoint := false
	for ; i < len(s); i++ {
		c := s[i]
		if c == '.' {
			if seenPoint {
				return info, errNumberSyntax
			}
			seenPoint = true
			continue
		}
		if c < '0' || c > '9' {
			break
		}
		if c != '0' {
			if firstK < 0 {
				firstK = digits
				info.first = i
			}
			lastK = digits
			info.end = i + 1
		}
		digits++
		if !seenPoint {
			intDigits++
		}
	}
	if digits == 0 {
		return info, errNumberSyntax
	}
	exp := 0
	if i < len(s) {
		if s[i] != 'e' && s[i] != 'E' {
			return info, errNumberSyntax
		}
		i++
		eneg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			eneg = s[i] == '-'
			i++
		}
		if i == len(s) {
			return info, errNumberSyntax
		}
		for ; i < len(s); i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return info, errNumberSyntax
			}
			if exp < 1_000_000 { // saturate: far outside any range that matters
				exp = exp*10 + int(c-'0')
			}
		}
		if eneg {
			exp = -exp
		}
	}
	if firstK < 0 {
		info.zero = true
		info.neg = false
		return info, nil
	}
	info.sig = lastK - firstK + 1
	info.adj = intDigits - 1 - firstK + exp
	info.last = intDigits - 1 - lastK + exp
	return info, nil
}

// digits returns the significant digits of s without the point.
func (info numberInfo) digits(s string) string {
	d := s[info.first:info.end]
	if strings.IndexByte(d, '.') >= 0 {
		d = strings.Replace(d, ".", "", 1)
	}
	return d
}

// canonical writes the number in the shortest plain JSON-compatible form.
func (info numberInfo) canonical(s string) string {
	if info.zero {
		return "0"
	}
	d := info.digits(s)
	var b strings.Builder
	if info.neg {
		b.WriteByte('-')
	}
	switch {
	case info.last >= 0 && info.adj < 40:
		b.WriteString(d)
		b.WriteString(strings.Repeat("0", info.last))
	case info.last < 0 && info.adj >= 0:
		b.WriteString(d[:info.adj+1])
		b.WriteByte('.')
		b.WriteString(d[info.adj+1:])
	case info.last < 0 && info.adj >= -7:
		b.WriteString("0.")
		b.WriteString(strings.Repeat("0", -info.adj-1))
		b.WriteString(d)
	default:
		b.WriteString(d[:1])
		if len(d) > 1 {
			b.WriteByte('.')
			b.WriteString(d[1:])
		}
		b.WriteByte('e')
		b.WriteString(strconv.Itoa(info.adj))
	}
	return b.String()
}

// sameNumber reports whether two valid numbers are equal in value ("1" and
// "1.0E0" are), as DynamoDB compares set elements.
func sameNumber(a, b string) bool {
	ia, erra := scanNumber(a)
	ib, errb := scanNumber(b)
	if erra != nil || errb != nil {
		return a == b
	}
	if ia.zero || ib.zero {
		return ia.zero == ib.zero
	}
	if ia.neg != ib.neg || ia.adj != ib.adj || ia.sig != ib.sig {
		return false
	}
	for i, j := ia.first, ib.first; i < ia.end && j < ib.end; i, j = i+1, j+1 {
		if a[i] == '.' {
			i++
		}
		if b[j] == '.' {
			j++
		}
		if a[i] != b[j] {
			return false
		}
	}
	return true
}

// canonicalNumber returns one text per numeric value (for set duplicates).
func canonicalNumber(s string) string {
	info, err := scanNumber(s)
	if err != nil {
		return s
	}
	return info.canonical(s)
}

// validateNumber checks s against DynamoDB's number syntax and limits.
func validateNumber(s string) error {
	info, err := scanNumber(s)
	if err != nil {
		return err
	}
	return info.check()
}

func (info numberInfo) check() error {
	if info.zero {
		return nil
	}
	if info.sig > maxNumberDigits {
		return errNumberPrecision
	}
	if info.adj > maxNumberExponent || info.adj < minNumberExponent {
		return errNumberRange
	}
	return nil
}

// isJSONNumber reports whether s matches JSON's number grammar.
func isJSONNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	if i == len(s) {
		return false
	}
	if s[i] == '0' {
		i++
	} else {
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == j {
			return false
		}
	}
	if i < len(s) && s[i] == '.' {
		i++
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == j {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == j {
			return false
		}
	}
	return i == len(s)
}

// formatFloat formats f for DynamoDB with the fewest digits that read back as
// the same float of bitSize bits (strconv's -1 precision), refusing NaN,
// infinities and magnitudes outside DynamoDB's range. Magnitudes from 1e-7 up
// to 1e21 are written without an exponent (as JSON and JavaScript do), so that
// float64(1234567) is "1234567" and scans back into an int; others use
// strconv's 'g' form ("1e+100").
func formatFloat(f float64, bitSize int) (string, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "", errNotFinite
	}
	if f == 0 {
		return "0", nil // also for -0, which DynamoDB has no use for
	}
	// Formatting into a stack buffer costs one allocation (the string) on every toolchain.
	var buf [40]byte
	a := math.Abs(f)
	if a >= 1e-7 && a < 1e21 {
		return string(strconv.AppendFloat(buf[:0], f, 'f', -1, bitSize)), nil
	}
	s := string(strconv.AppendFloat(buf[:0], f, 'g', -1, bitSize))
	if a > 1e-129 && a < 1e125 {
		return s, nil
	}
	if err := validateNumber(s); err != nil {
		return "", err
	}
	return s, nil
}

// numberText converts a Go number to validated DynamoDB number text.
// It reports errNotNumber for values that are not numbers.
func numberText(v any) (string, error) {
	switch x := v.(type) {
	case int:
		return strconv.FormatInt(int64(x), 10), nil
	case int8:
		return strconv.FormatInt(int64(x), 10), nil
	case int16:
		return strconv.FormatInt(int64(x), 10), nil
	case int32:
		return strconv.FormatInt(int64(x), 10), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case uint:
		return strconv.FormatUint(uint64(x), 10), nil
	case uint8:
		return strconv.FormatUint(uint64(x), 10), nil
	case uint16:
		return strconv.FormatUint(uint64(x), 10), nil
	case uint32:
		return strconv.FormatUint(uint64(x), 10), nil
	case uint64:
		return strconv.FormatUint(x, 10), nil
	case uintptr:
		return strconv.FormatUint(uint64(x), 10), nil
	case float32:
		return formatFloat(float64(x), 32)
	case float64:
		return formatFloat(x, 64)
	case Number:
		return string(x), validateNumber(string(x))
	case json.Number:
		return string(x), validateNumber(string(x))
	case *big.Int:
		if x == nil {
			return "", errNotNumber
		}
		s := x.String()
		return s, validateNumber(s)
	case *big.Float:
		if x == nil {
			return "", errNotNumber
		}
		if x.IsInf() {
			return "", errNotFinite
		}
		s := x.Text('g', -1)
		return s, validateNumber(s)
	}
	return "", errNotNumber
}

var errNotNumber = errors.New("not a number")

var _ attributevalue.Marshaler = Number("")
var _ attributevalue.Unmarshaler = (*Number)(nil)
