package dynasql

import (
	"database/sql"
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type scanDoc struct {
	ID     string            `dynamodbav:"id"`
	Big    int64             `dynamodbav:"big"`
	Huge   uint64            `dynamodbav:"huge"`
	Exact  Number            `dynamodbav:"exact"`
	Ratio  float64           `dynamodbav:"ratio"`
	Any    any               `dynamodbav:"any"`
	Tags   []string          `dynamodbav:"tags"`
	Nested map[string]Number `dynamodbav:"nested"`
	Bin    []byte            `dynamodbav:"bin"`
}

func scanDocAV() types.AttributeValue {
	return avM(
		"id", avS("d1"),
		"big", avN("9223372036854775807"),
		"huge", avN("18446744073709551615"),
		"exact", avN(digits38),
		"ratio", avN("0.25"),
		"any", avN("12345678901234567890"),
		"tags", &types.AttributeValueMemberSS{Value: []string{"x", "y"}},
		"nested", avM("a", avN("1.10")),
		"bin", avB([]byte{1, 2}),
	)
}

func TestScanDocumentStruct(t *testing.T) {
	var d scanDoc
	require.NoError(t, scanThrough(t, scanDocAV(), Document(&d)))
	assert.Equal(t, scanDoc{
		ID: "d1", Big: math.MaxInt64, Huge: math.MaxUint64, Exact: Number(digits38), Ratio: 0.25,
		Any: attributevalue.Number("12345678901234567890"), Tags: []string{"x", "y"},
		Nested: map[string]Number{"a": "1.10"}, Bin: []byte{1, 2},
	}, d)
}

func TestScanDocumentRangeErrors(t *testing.T) {
	for _, c := range []struct {
		av   types.AttributeValue
		dest any
	}{
		{avM("big", avN("9223372036854775808")), &scanDoc{}},
		{avM("huge", avN("-1")), &scanDoc{}},
		{avM("big", avN("1.5")), &scanDoc{}},
		{avL(avN("300")), &[]int8{}},
		{avM("big", avS("1")), &scanDoc{}},
	} {
		err := scanThrough(t, c.av, Document(c.dest))
		assert.ErrorContains(t, err, "dynasql: Document: cannot decode", "%v", c.av)
	}
}

func TestScanDocumentJSON(t *testing.T) {
	// JSON text in, exact numbers and dynamodbav tags honoured.
	src := `{"id":"j1","big":9223372036854775807,"exact":` + digits38 + `,"tags":["a"],"nested":{"n":1e2},"any":0.1}`
	for _, col := range []any{src, []byte(src)} {
		var d scanDoc
		require.NoError(t, Document(&d).Scan(col))
		assert.Equal(t, scanDoc{ID: "j1", Big: math.MaxInt64, Exact: Number(digits38), Tags: []string{"a"},
			Nested: map[string]Number{"n": "1e2"}, Any: attributevalue.Number("0.1")}, d)

		var v any
		require.NoError(t, Document(&v).Scan(col))
		assert.Equal(t, Number(digits38), v.(map[string]any)["exact"])
		assert.Equal(t, map[string]any{"n": Number("1e2")}, v.(map[string]any)["nested"])

		var raw json.RawMessage
		require.NoError(t, Document(&raw).Scan(col))
		assert.JSONEq(t, src, string(raw))
	}

	// A stored document out as JSON, numbers exact, binaries in base64.
	var b []byte
	require.NoError(t, scanThrough(t, scanDocAV(), Document(&b)))
	assert.JSONEq(t, `{"id":"d1","big":9223372036854775807,"huge":18446744073709551615,"exact":`+digits38+
		`,"ratio":0.25,"any":12345678901234567890,"tags":["x","y"],"nested":{"a":1.10},"bin":"AQI="}`, string(b))
	assert.Contains(t, string(b), `"huge":18446744073709551615`)
	assert.Contains(t, string(b), `"a":1.10`)

	// Sets.
	require.NoError(t, Document(&b).Scan(NumberSet{"1", "2.50"}))
	assert.Equal(t, `[1,2.50]`, string(b))
	require.NoError(t, Document(&b).Scan(BinarySet{{255}}))
	assert.Equal(t, `["/w=="]`, string(b))

	// Invalid JSON is refused without echoing it.
	for _, bad := range []any{"not json secret", []byte(`{"a":1} {"b":2}`), []byte(`{`)} {
		var v any
		err := Document(&v).Scan(bad)
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "secret")
		err = Document(&b).Scan(bad)
		require.Error(t, err)
	}
}

func TestScanDocumentNullAndDestinations(t *testing.T) {
	d := scanDoc{ID: "x"}
	require.NoError(t, Document(&d).Scan(nil))
	assert.Equal(t, scanDoc{}, d)
	b := []byte("x")
	require.NoError(t, Document(&b).Scan(nil))
	assert.Nil(t, b)
	raw := json.RawMessage("x")
	require.NoError(t, Document(&raw).Scan(nil))
	assert.Nil(t, raw)
	var v any = 1
	require.NoError(t, Document(&v).Scan(nil))
	assert.Nil(t, v)
	m := map[string]any{"a": 1}
	require.NoError(t, scanThrough(t, convertTestMissing{}, Document(&m)))
	assert.Nil(t, m)

	for _, dst := range []any{nil, scanDoc{}, (*scanDoc)(nil), (*any)(nil), (*[]byte)(nil), (*json.RawMessage)(nil)} {
		assert.ErrorIs(t, Document(dst).Scan(map[string]any{}), errDocumentDst, "%T", dst)
	}

	// Scalars decode too.
	var n int
	require.NoError(t, Document(&n).Scan(Number("42")))
	assert.Equal(t, 42, n)
	var l []any
	require.NoError(t, Document(&l).Scan([]any{Number("1")}))
	assert.Equal(t, []any{Number("1")}, l)
}

func TestScanTime(t *testing.T) {
	want := time.Date(2024, 5, 1, 10, 30, 0, 123456789, time.UTC)
	for _, src := range []any{
		"2024-05-01T10:30:00.123456789Z", []byte("2024-05-01T10:30:00.123456789Z"),
		"2024-05-01T12:30:00.123456789+02:00", want,
	} {
		var got time.Time
		require.NoError(t, ScanTime(&got).Scan(src), "%v", src)
		assert.True(t, want.Equal(got), "%v", src)
		assert.Equal(t, time.UTC, got.Location())
	}
	var got time.Time
	require.NoError(t, ScanTime(&got).Scan("2024-05-01T10:30:00Z"))
	assert.Equal(t, time.Date(2024, 5, 1, 10, 30, 0, 0, time.UTC), got)

	got = want
	require.NoError(t, ScanTime(&got).Scan(nil))
	assert.True(t, got.IsZero())

	assert.ErrorContains(t, ScanTime(nil).Scan("x"), "nil destination")
	assert.ErrorContains(t, ScanTime(&got).Scan(true), "cannot scan bool")
	err := ScanTime(&got).Scan("secret-2024")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "secret")

	// Stored times sort as strings in time order, fractions or not.
	times := []time.Time{
		time.Date(2024, 5, 1, 10, 30, 0, 0, time.UTC),
		time.Date(2024, 5, 1, 10, 30, 0, 500000000, time.UTC),
		time.Date(2024, 5, 1, 10, 30, 1, 0, time.UTC),
		time.Date(2024, 5, 1, 10, 30, 1, 1, time.UTC),
	}
	var prev string
	for _, tm := range times {
		av, err := toAttributeValue(tm)
		require.NoError(t, err)
		s := av.(*types.AttributeValueMemberS).Value
		assert.Greater(t, s, prev)
		prev = s
	}

	// Through database/sql into a sql.Null-like pattern: NULL gives the zero time.
	var nt time.Time
	require.NoError(t, scanThrough(t, nil, ScanTime(&nt)))
	assert.True(t, nt.IsZero())
	var ns sql.NullString
	require.NoError(t, scanThrough(t, want, &ns))
	assert.Equal(t, "2024-05-01T10:30:00.123456789Z", ns.String)
}
