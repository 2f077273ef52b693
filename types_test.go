package dynasql

import (
	"database/sql"
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNumberValidation(t *testing.T) {
	valid := []string{
		"0", "-0", "0.000", "0e999999999999", "1", "-1", "+1", "1.5", ".5", "5.", "007", "1e3", "1E+3", "1e-3",
		"12.50", digits38, "-" + digits38, "0.000" + digits38, digits38 + "000000", "1" + strings.Repeat("0", 125),
		"9.9999999999999999999999999999999999999E+125", "1E-130", "-1e-130", "10E-131", "0.1e-129",
		"123456789012345678901234567890123456780000e-3",
	}
	for _, s := range valid {
		_, err := ParseNumber(s)
		assert.NoError(t, err, s)
	}
	invalid := map[string]error{
		"":                             errNumberSyntax,
		"-":                            errNumberSyntax,
		".":                            errNumberSyntax,
		"1..2":                         errNumberSyntax,
		"1.2.3":                        errNumberSyntax,
		"e5":                           errNumberSyntax,
		"1e":                           errNumberSyntax,
		"1e+":                          errNumberSyntax,
		"1e5.5":                        errNumberSyntax,
		" 1":                           errNumberSyntax,
		"1 ":                           errNumberSyntax,
		"0x10":                         errNumberSyntax,
		"1_000":                        errNumberSyntax,
		"NaN":                          errNumberSyntax,
		"Infinity":                     errNumberSyntax,
		"--1":                          errNumberSyntax,
		"١":                            errNumberSyntax, // Arabic-Indic digit one
		digits38 + "1":                 errNumberPrecision,
		"1." + digits38:                errNumberPrecision,
		"1E+126":                       errNumberRange,
		"1" + strings.Repeat("0", 126): errNumberRange,
		"9.99E-131":                    errNumberRange,
		"1e-99999999999":               errNumberRange,
		"1e99999999999":                errNumberRange,
	}
	for s, want := range invalid {
		_, err := ParseNumber(s)
		require.Error(t, err, s)
		assert.ErrorIs(t, err, want, s)
		if len(s) > 2 {
			assert.NotContains(t, err.Error(), s)
		}
	}
}

func TestNumberInt64Uint64(t *testing.T) {
	ints := map[string]int64{
		"0": 0, "-0": 0, "1e3": 1000, "1.0": 1, "-12.000": -12, "1.5e1": 15, "+7": 7,
		"9223372036854775807": math.MaxInt64, "-9223372036854775808": math.MinInt64, "0.0e10": 0,
		"92233720368547758.07e2": math.MaxInt64,
	}
	for s, want := range ints {
		got, err := Number(s).Int64()
		require.NoError(t, err, s)
		assert.Equal(t, want, got, s)
	}
	for s, want := range map[string]error{
		"1.5": errNotInteger, "1e-1": errNotInteger, "9223372036854775808": strconv.ErrRange,
		"-9223372036854775809": strconv.ErrRange, "1e19": strconv.ErrRange, "1e125": strconv.ErrRange,
		"abc": errNumberSyntax, "": errNumberSyntax, "1e999999": strconv.ErrRange,
	} {
		_, err := Number(s).Int64()
		assert.ErrorIs(t, err, want, s)
	}

	u, err := Number("18446744073709551615").Uint64()
	require.NoError(t, err)
	assert.Equal(t, uint64(math.MaxUint64), u)
	u, err = Number("1.8446744073709551615E19").Uint64()
	require.NoError(t, err)
	assert.Equal(t, uint64(math.MaxUint64), u)
	u, err = Number("-0").Uint64()
	require.NoError(t, err)
	assert.Zero(t, u)
	for s, want := range map[string]error{
		"18446744073709551616": strconv.ErrRange, "-1": strconv.ErrRange, "0.5": errNotInteger,
	} {
		_, err := Number(s).Uint64()
		assert.ErrorIs(t, err, want, s)
	}
}

func TestNumberFloatBigRat(t *testing.T) {
	f, err := Number("0.1").Float64()
	require.NoError(t, err)
	assert.Equal(t, 0.1, f)
	f, err = Number("-9.9999999999999999999999999999999999999E+125").Float64()
	require.NoError(t, err)
	assert.Equal(t, -1e126, f)
	_, err = Number("1e400").Float64()
	assert.ErrorIs(t, err, strconv.ErrRange)
	_, err = Number("1e-400").Float64()
	assert.ErrorIs(t, err, strconv.ErrRange)
	f, err = Number("0e-400").Float64()
	require.NoError(t, err)
	assert.Zero(t, f)
	_, err = Number("Inf").Float64()
	assert.ErrorIs(t, err, errNumberSyntax)

	b, err := Number(digits38 + "e2").BigInt()
	require.NoError(t, err)
	assert.Equal(t, digits38+"00", b.String())
	b, err = Number("-1.5e1").BigInt()
	require.NoError(t, err)
	assert.Equal(t, "-15", b.String())
	_, err = Number("1.5").BigInt()
	assert.ErrorIs(t, err, errNotInteger)

	r, err := Number("1.5e-130").Rat()
	require.NoError(t, err)
	want, _ := new(big.Rat).SetString("15e-131")
	assert.Equal(t, 0, r.Cmp(want))
	_, err = Number("x").Rat()
	assert.Error(t, err)

	bf, err := Number(digits38).BigFloat()
	require.NoError(t, err)
	assert.Equal(t, digits38, bf.Text('f', 0))
	_, err = Number("").BigFloat()
	assert.Error(t, err)
}

func TestNumberConstructors(t *testing.T) {
	cases := []struct {
		in   any
		want Number
	}{
		{int8(-1), "-1"}, {uint64(math.MaxUint64), "18446744073709551615"}, {0.5, "0.5"}, {float32(1.1), "1.1"},
		{1e21, "1e+21"}, {1e20, "100000000000000000000"}, {1e-7, "0.0000001"}, {1e-8, "1e-08"},
		{json.Number("3"), "3"}, {Number("4"), "4"}, {big.NewInt(-5), "-5"}, {big.NewFloat(0.25), "0.25"},
		{uintptr(9), "9"},
	}
	for _, c := range cases {
		got, err := NewNumber(c.in)
		require.NoError(t, err, "%T", c.in)
		assert.Equal(t, c.want, got, "%T", c.in)
		av, err := toAttributeValue(c.in)
		require.NoError(t, err)
		assert.Equal(t, avN(string(c.want)), av)
	}
	for _, in := range []any{"1", math.NaN(), (*big.Int)(nil), json.Number("x"), true} {
		_, err := NewNumber(in)
		assert.Error(t, err, "%v", in)
	}
	n, err := ParseNumber("1.25")
	require.NoError(t, err)
	assert.Equal(t, "1.25", n.String())
}

// Every float64 is written exactly: reading the text back gives the same bits.
func TestNumberFloatFormatsRoundTrip(t *testing.T) {
	for _, f := range []float64{
		0.1, 1.0 / 3, math.Pi, 1e-7, 9.999999999999999e-8, 1e21, 999999999999999900000, math.MaxInt64,
		1e125, 9.99e125, 1.0000000000000001e-130, 123456.789, math.SmallestNonzeroFloat32, math.MaxFloat32,
	} {
		for _, v := range []float64{f, -f} {
			av, err := toAttributeValue(v)
			require.NoError(t, err, v)
			back, err := Number(av.(*types.AttributeValueMemberN).Value).Float64()
			require.NoError(t, err)
			assert.Equal(t, v, back)
		}
	}
	for _, f := range []float32{0.1, math.MaxFloat32, math.SmallestNonzeroFloat32, 16777217} {
		av, err := toAttributeValue(f)
		require.NoError(t, err)
		back, err := strconv.ParseFloat(av.(*types.AttributeValueMemberN).Value, 32)
		require.NoError(t, err)
		assert.Equal(t, f, float32(back))
	}
	for _, f := range []float64{1e126, math.MaxFloat64, 9.9e-131, math.SmallestNonzeroFloat64} {
		_, err := toAttributeValue(f)
		assert.ErrorIs(t, err, errNumberRange, "%g", f)
	}
}

func TestNumberJSON(t *testing.T) {
	for in, want := range map[Number]string{
		"1": "1", "-1.50": "-1.50", "1E+3": "1E+3", "+1": "1", ".5": "0.5", "5.": "5", "007": "7", "-0.0": "-0.0",
		"+0": "0", "1.5e1": "1.5e1", "+1.5e1": "15", "-.000001": "-0.000001", ".00000001": "1e-8", "+1234.5e-2": "12.345",
		"+1e39": "1" + strings.Repeat("0", 39), "+1e50": "1e50", "+12e-130": "1.2e-129", "+" + digits38 + "e10": "1.2345678901234567890123456789012345678e47",
	} {
		b, err := json.Marshal(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, string(b), in)
		assert.True(t, json.Valid(b))
	}
	_, err := json.Marshal(Number("x"))
	assert.Error(t, err)

	var doc struct {
		A Number  `json:"a"`
		B Number  `json:"b"`
		C *Number `json:"c"`
	}
	require.NoError(t, json.Unmarshal([]byte(`{"a": 123456789012345678901234567890, "b": "-1.5", "c": null}`), &doc))
	assert.Equal(t, Number("123456789012345678901234567890"), doc.A)
	assert.Equal(t, Number("-1.5"), doc.B)
	assert.Nil(t, doc.C)
	assert.Error(t, json.Unmarshal([]byte(`{"a": "abc"}`), &doc))
	assert.Error(t, json.Unmarshal([]byte(`{"a": true}`), &doc))
}

func TestNumberScan(t *testing.T) {
	for _, src := range []any{Number("1.5"), "1.5", []byte("1.5"), json.Number("1.5"), 1.5, float32(1.5)} {
		var n Number
		require.NoError(t, n.Scan(src), "%T", src)
		assert.Equal(t, Number("1.5"), n)
	}
	var n Number
	require.NoError(t, n.Scan(int64(-3)))
	assert.Equal(t, Number("-3"), n)
	assert.Error(t, n.Scan(nil))
	assert.Error(t, n.Scan("x"))
	assert.Error(t, n.Scan(true))
	assert.Error(t, n.Scan(math.Inf(1)))

	var nn sql.Null[Number]
	require.NoError(t, nn.Scan(nil))
	assert.False(t, nn.Valid)
}

func TestNumberAndSetsInStructs(t *testing.T) {
	type item struct {
		N    Number    `dynamodbav:"n"`
		Zero Number    `dynamodbav:"zero"`
		SS   StringSet `dynamodbav:"ss"`
		NS   NumberSet `dynamodbav:"ns"`
		BS   BinarySet `dynamodbav:"bs"`
		Nil  StringSet `dynamodbav:"nil"`
	}
	in := item{N: Number(digits38), SS: StringSet{"a"}, NS: NumberSet{"1", "2"}, BS: BinarySet{{1}}}
	m, err := attributevalue.MarshalMap(in)
	require.NoError(t, err)
	assert.Equal(t, map[string]types.AttributeValue{
		"n":    avN(digits38),
		"zero": avNull(),
		"ss":   &types.AttributeValueMemberSS{Value: []string{"a"}},
		"ns":   &types.AttributeValueMemberNS{Value: []string{"1", "2"}},
		"bs":   &types.AttributeValueMemberBS{Value: [][]byte{{1}}},
		"nil":  avNull(),
	}, m)
	var out item
	require.NoError(t, attributevalue.UnmarshalMap(m, &out))
	assert.Equal(t, in, out)

	// The driver's own conversion gives the same.
	av, err := toAttributeValue(in)
	require.NoError(t, err)
	assert.Equal(t, &types.AttributeValueMemberM{Value: m}, av)

	// Wrong types are refused.
	var n Number
	assert.Error(t, n.UnmarshalDynamoDBAttributeValue(avS("1")))
	var ss StringSet
	assert.Error(t, ss.UnmarshalDynamoDBAttributeValue(avS("1")))
	var ns NumberSet
	assert.Error(t, ns.UnmarshalDynamoDBAttributeValue(avS("1")))
	var bs BinarySet
	assert.Error(t, bs.UnmarshalDynamoDBAttributeValue(avS("1")))
	require.NoError(t, bs.UnmarshalDynamoDBAttributeValue(avNull()))
	assert.Nil(t, bs)

	// Invalid sets and numbers fail to marshal.
	_, err = attributevalue.Marshal(StringSet{})
	assert.ErrorIs(t, err, errEmptySet)
	_, err = attributevalue.Marshal(NumberSet{"x"})
	assert.ErrorIs(t, err, errNumberSyntax)
	_, err = attributevalue.Marshal(BinarySet{{1}, {1}})
	assert.ErrorIs(t, err, errDuplicateInSet)
	_, err = attributevalue.Marshal(Number("1e200"))
	assert.ErrorIs(t, err, errNumberRange)
}

func TestSetDuplicates(t *testing.T) {
	big := make(StringSet, 100)
	for i := range big {
		big[i] = strconv.Itoa(i)
	}
	_, err := toAttributeValue(big)
	require.NoError(t, err)
	big[99] = "3"
	_, err = toAttributeValue(big)
	assert.ErrorIs(t, err, errDuplicateInSet)

	_, err = toAttributeValue(NumberSet{"1", "2", "1"})
	assert.ErrorIs(t, err, errDuplicateInSet)
	_, err = toAttributeValue(NumberSet{"1", "2", "1.0e0"})
	assert.ErrorIs(t, err, errDuplicateInSet)
	_, err = toAttributeValue(NumberSet{"0", "-0.0"})
	assert.ErrorIs(t, err, errDuplicateInSet)
	_, err = toAttributeValue(NumberSet{"1.5", "15e-1", "0.15e1"})
	assert.ErrorIs(t, err, errDuplicateInSet)
	_, err = toAttributeValue(NumberSet{"1.5", "1.6", "-1.5", "15", "0.15"})
	assert.NoError(t, err)
	ns := make(NumberSet, 40)
	for i := range ns {
		ns[i] = Number(strconv.Itoa(i))
	}
	_, err = toAttributeValue(ns)
	require.NoError(t, err)
	ns[39] = "3.000"
	_, err = toAttributeValue(ns)
	assert.ErrorIs(t, err, errDuplicateInSet)
	_, err = toAttributeValue(BinarySet{{}, {1}, {}})
	assert.ErrorIs(t, err, errDuplicateInSet)
	_, err = toAttributeValue(BinarySet{{1}, {1, 0}})
	assert.NoError(t, err)
}

func TestSetScan(t *testing.T) {
	var ss StringSet
	require.NoError(t, ss.Scan(StringSet{"a"}))
	assert.Equal(t, StringSet{"a"}, ss)
	require.NoError(t, ss.Scan(nil))
	assert.Nil(t, ss)
	assert.Error(t, ss.Scan("a"))

	var ns NumberSet
	require.NoError(t, ns.Scan(NumberSet{"1"}))
	assert.Equal(t, NumberSet{"1"}, ns)
	assert.Error(t, ns.Scan([]any{}))

	var bs BinarySet
	require.NoError(t, bs.Scan(BinarySet{{1}}))
	assert.Equal(t, BinarySet{{1}}, bs)
	assert.Error(t, bs.Scan([]byte{1}))
}

func TestNumberErrorsDoNotLeak(t *testing.T) {
	const secret = "31415secret"
	for _, f := range []func() error{
		func() error { _, err := Number(secret).Int64(); return err },
		func() error { _, err := Number(secret).Uint64(); return err },
		func() error { _, err := Number(secret).Float64(); return err },
		func() error { _, err := Number(secret).Rat(); return err },
		func() error { _, err := Number(secret).MarshalJSON(); return err },
		func() error { _, err := ParseNumber(secret); return err },
		func() error { var n Number; return n.Scan(secret) },
	} {
		err := f()
		require.Error(t, err)
		assert.NotContains(t, err.Error(), secret)
		assert.True(t, strings.HasPrefix(err.Error(), "dynasql: "), err.Error())
		var ne *numberError
		assert.True(t, errors.As(err, &ne))
	}
}
