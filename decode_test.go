package dynasql

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql/driver"
	"encoding/base64"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/schemas"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	smithy "github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/aws/smithy-go/transport/http/protocol/awsjson"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynasql/dynasql/internal/dynamotest"
)

// ---- the reference: the SDK's own decoding ----

// cannedHTTP is an aws.HTTPClient answering every request with one response, in memory.
type cannedHTTP struct {
	status int
	header http.Header
	body   []byte
}

func (c *cannedHTTP) Do(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	return &http.Response{
		StatusCode: c.status, Status: http.StatusText(c.status), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: c.header.Clone(), Body: io.NopCloser(bytes.NewReader(c.body)), ContentLength: int64(len(c.body)), Request: req,
	}, nil
}

func crcOf(b []byte) string { return strconv.FormatUint(uint64(crc32.ChecksumIEEE(b)), 10) }

// dynamoHeader is the header DynamoDB sends with body.
func dynamoHeader(body []byte) http.Header {
	return http.Header{
		"Content-Type":     {"application/x-amz-json-1.0"},
		"X-Amzn-Requestid": {"REQUESTID0123456789"},
		"X-Amz-Crc32":      {crcOf(body)},
		"Content-Length":   {strconv.Itoa(len(body))},
	}
}

// testClient returns an SDK client on hc.
func testClient(hc aws.HTTPClient, endpoint string, optFns ...func(*dynamodb.Options)) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("k", "s", ""),
		HTTPClient:   hc,
		Retryer:      aws.NopRetryer{},
	}, optFns...)
}

// cannedClient is a client whose every call gets body (status 200, DynamoDB's headers).
func cannedClient(body []byte, optFns ...func(*dynamodb.Options)) *dynamodb.Client {
	return testClient(&cannedHTTP{status: 200, header: dynamoHeader(body), body: body}, "http://canned.invalid", optFns...)
}

var testStatement = &dynamodb.ExecuteStatementInput{Statement: aws.String(`SELECT * FROM "t"`)}

// tv is an attribute as the driver sees it.
type tv struct {
	typ   string
	value driver.Value
}

// refRows converts the SDK's items the way rows.go does.
func refRows(items []map[string]types.AttributeValue) []map[string]tv {
	rows := make([]map[string]tv, len(items))
	for i, item := range items {
		rows[i] = make(map[string]tv, len(item))
		for k, av := range item {
			rows[i][k] = tv{attributeTypeName(av), fromAttributeValue(av)}
		}
	}
	return rows
}

// pageRows converts a page to the same form, checking that no item repeats a name.
func pageRows(t testing.TB, p *page) []map[string]tv {
	t.Helper()
	rows := make([]map[string]tv, p.len())
	for i := range rows {
		attrs := p.item(i)
		rows[i] = make(map[string]tv, len(attrs))
		for _, a := range attrs {
			name := p.names[a.name]
			if _, dup := rows[i][name]; dup {
				t.Fatalf("item %d repeats attribute %q", i, name)
			}
			v := p.value(a)
			rows[i][name] = tv{valueTypeName(v), v}
		}
	}
	return rows
}

// checkAgainstSDK decodes body with decodePage, with the SDK alone and through the middleware, and checks
// that all three agree. It returns decodePage's error (nil when all went well).
func checkAgainstSDK(t testing.TB, body []byte) error { return compareWithSDK(t, body, true) }

// compareWithSDK is checkAgainstSDK; unless strict, a body the SDK rejects is not checked further.
func compareWithSDK(t testing.TB, body []byte, strict bool) error {
	t.Helper()
	p, err := decodePage(body)
	client := cannedClient(body)
	ref, refErr, sdkPanicked := sdkExecuteStatement(client)
	// The driver's path must never panic, even where the SDK's own does.
	fast, fastErr := client.ExecuteStatement(context.Background(), testStatement, fastDecodeOption)
	if len(body) > 0 && !startsWithJSONValue(body) {
		// Not JSON: an error on the driver's path, whatever the SDK makes of it (it reads some such bodies as
		// items and panics on others).
		require.Error(t, err, "decodePage accepted a body that is not JSON:\n%q", body)
		require.Error(t, fastErr, "the middleware accepted a body that is not JSON:\n%q", body)
		return err
	}
	require.False(t, sdkPanicked, "the SDK panics on a JSON body: %v\n%q", refErr, body)
	if refErr != nil && !strict {
		return err
	}
	if err != nil {
		// The middleware hands a JSON body it does not decode to the SDK: same outcome as without it.
		if fastErr != nil || refErr != nil {
			require.Equal(t, refErr != nil, fastErr != nil, "SDK error %v, with middleware %v", refErr, fastErr)
		} else {
			require.Nil(t, pageFromOutput(fast))
			require.Equal(t, refRows(ref.Items), refRows(fast.Items))
		}
		return err
	}
	if refErr != nil {
		t.Fatalf("decodePage accepted a body the SDK rejects (%v):\n%q", refErr, body)
	}
	want := refRows(ref.Items)
	require.Equal(t, want, pageRows(t, p), "body:\n%s", body)
	require.Equal(t, ref.NextToken, p.nextToken)

	require.NoError(t, fastErr)
	fp := pageFromOutput(fast)
	require.NotNil(t, fp, "middleware did not run")
	require.Equal(t, want, pageRows(t, fp))
	require.Empty(t, fast.Items, "the SDK decoded the items again")
	require.Equal(t, ref.NextToken, fp.nextToken)
	require.Equal(t, ref.NextToken, fast.NextToken)
	require.Equal(t, ref.LastEvaluatedKey, fast.LastEvaluatedKey)
	require.Equal(t, ref.ConsumedCapacity, fast.ConsumedCapacity)
	return nil
}

// sdkExecuteStatement runs the SDK's own decoding of the canned body. Its JSON reader (smithy-go v1.28.8)
// panics on some bodies that are not JSON; that is reported, not propagated, so the caller can check that
// the driver's path refuses them with an error instead.
func sdkExecuteStatement(client *dynamodb.Client) (out *dynamodb.ExecuteStatementOutput, err error, panicked bool) {
	defer func() {
		if r := recover(); r != nil {
			out, err, panicked = nil, fmt.Errorf("SDK panic: %v", r), true
		}
	}()
	out, err = client.ExecuteStatement(context.Background(), testStatement)
	return out, err, false
}

// ---- DynamoDB's wire form ----

// wire writes DynamoDB JSON. With a rand it varies the form as a JSON encoder may: white space between
// tokens, escapes for characters that need none, member order.
type wire struct {
	bytes.Buffer
	r *rand.Rand
}

func (w *wire) ws() {
	if w.r != nil && w.r.IntN(5) == 0 {
		w.WriteString([...]string{" ", "\n", "\t", "\r\n  ", "  "}[w.r.IntN(5)])
	}
}

func (w *wire) tok(s string) {
	w.ws()
	w.WriteString(s)
	w.ws()
}

func (w *wire) u(r rune) { fmt.Fprintf(&w.Buffer, `\u%04x`, r) }

func (w *wire) str(s string) {
	w.ws()
	w.WriteByte('"')
	for _, r := range s {
		escape := w.r != nil && w.r.IntN(8) == 0
		switch {
		case r == '"' || r == '\\':
			w.WriteByte('\\')
			w.WriteRune(r)
		case r == '/' && escape:
			w.WriteString(`\/`)
		case r < 0x20:
			switch r {
			case '\b':
				w.WriteString(`\b`)
			case '\f':
				w.WriteString(`\f`)
			case '\n':
				w.WriteString(`\n`)
			case '\r':
				w.WriteString(`\r`)
			case '\t':
				w.WriteString(`\t`)
			default:
				w.u(r)
			}
		case escape && r > 0xffff:
			r1, r2 := utf16.EncodeRune(r)
			w.u(r1)
			w.u(r2)
		case escape:
			w.u(r)
		default:
			w.WriteRune(r)
		}
	}
	w.WriteByte('"')
	w.ws()
}

func (w *wire) strs(ss []string) {
	w.tok("[")
	for i, s := range ss {
		if i > 0 {
			w.tok(",")
		}
		w.str(s)
	}
	w.tok("]")
}

func (w *wire) av(av types.AttributeValue) {
	w.tok("{")
	switch v := av.(type) {
	case *types.AttributeValueMemberS:
		w.str("S")
		w.tok(":")
		w.str(v.Value)
	case *types.AttributeValueMemberN:
		w.str("N")
		w.tok(":")
		w.str(v.Value)
	case *types.AttributeValueMemberB:
		w.str("B")
		w.tok(":")
		w.str(base64.StdEncoding.EncodeToString(v.Value))
	case *types.AttributeValueMemberBOOL:
		w.str("BOOL")
		w.tok(":")
		w.tok(strconv.FormatBool(v.Value))
	case *types.AttributeValueMemberNULL:
		w.str("NULL")
		w.tok(":")
		w.tok(strconv.FormatBool(v.Value))
	case *types.AttributeValueMemberM:
		w.str("M")
		w.tok(":")
		w.item(v.Value)
	case *types.AttributeValueMemberL:
		w.str("L")
		w.tok(":")
		w.tok("[")
		for i, e := range v.Value {
			if i > 0 {
				w.tok(",")
			}
			w.av(e)
		}
		w.tok("]")
	case *types.AttributeValueMemberSS:
		w.str("SS")
		w.tok(":")
		w.strs(v.Value)
	case *types.AttributeValueMemberNS:
		w.str("NS")
		w.tok(":")
		w.strs(v.Value)
	case *types.AttributeValueMemberBS:
		w.str("BS")
		w.tok(":")
		ss := make([]string, len(v.Value))
		for i, b := range v.Value {
			ss[i] = base64.StdEncoding.EncodeToString(b)
		}
		w.strs(ss)
	default:
		panic(fmt.Sprintf("wire: %T", av))
	}
	w.tok("}")
}

func (w *wire) item(m map[string]types.AttributeValue) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if w.r != nil {
		w.r.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	}
	w.tok("{")
	for i, k := range keys {
		if i > 0 {
			w.tok(",")
		}
		w.str(k)
		w.tok(":")
		w.av(m[k])
	}
	w.tok("}")
}

// response writes an ExecuteStatement response body; extra members (raw JSON) come before and after Items.
func (w *wire) response(items []map[string]types.AttributeValue, nextToken *string, before, after string) []byte {
	w.tok("{")
	if before != "" {
		w.WriteString(before)
		w.tok(",")
	}
	w.str("Items")
	w.tok(":")
	w.tok("[")
	for i, item := range items {
		if i > 0 {
			w.tok(",")
		}
		w.item(item)
	}
	w.tok("]")
	if nextToken != nil {
		w.tok(",")
		w.str("NextToken")
		w.tok(":")
		w.str(*nextToken)
	}
	if after != "" {
		w.tok(",")
		w.WriteString(after)
	}
	w.tok("}")
	return bytes.Clone(w.Bytes())
}

// ---- random documents ----

var (
	runePalette = []rune("aZ09 _-.:/\\\"'\x00\x01\x1f\x7f\b\f\n\r\téß€\u2028\u00a0\ufffd\U0001F600\U00010348\u4e16")
	namePalette = []string{"id", "name", "email", "status", "age", "visits", "score", "active", "a.b", "", "ü", `q"uote`, "sp ace", "\U0001F600"}
	numPalette  = []string{"0", "-1", "3.14", "1e10", "-0.000001", "1E-130", "9.9999999999999999999999999999999999999E+125", "12345678901234567890123456789012345678", "007", "+1", " 1 ", ""}
)

func randString(r *rand.Rand) string {
	n := r.IntN(12)
	var b strings.Builder
	for range n {
		b.WriteRune(runePalette[r.IntN(len(runePalette))])
	}
	return b.String()
}

func randName(r *rand.Rand) string {
	if r.IntN(8) == 0 {
		return randString(r)
	}
	return namePalette[r.IntN(len(namePalette))]
}

func randNumber(r *rand.Rand) string {
	if r.IntN(2) == 0 {
		return numPalette[r.IntN(len(numPalette))]
	}
	return strconv.FormatInt(r.Int64N(1<<40)-1<<39, 10) + "." + strconv.Itoa(r.IntN(1000))
}

func randBytes(r *rand.Rand) []byte {
	b := make([]byte, r.IntN(20))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func randAV(r *rand.Rand, depth int) types.AttributeValue {
	kinds := 10
	if depth >= 4 {
		kinds = 5
	}
	switch r.IntN(kinds) {
	case 0:
		return &types.AttributeValueMemberS{Value: randString(r)}
	case 1:
		return &types.AttributeValueMemberN{Value: randNumber(r)}
	case 2:
		return &types.AttributeValueMemberB{Value: randBytes(r)}
	case 3:
		return &types.AttributeValueMemberBOOL{Value: r.IntN(2) == 0}
	case 4:
		return &types.AttributeValueMemberNULL{Value: r.IntN(8) != 0}
	case 5:
		m := make(map[string]types.AttributeValue)
		for range r.IntN(5) {
			m[randName(r)] = randAV(r, depth+1)
		}
		return &types.AttributeValueMemberM{Value: m}
	case 6:
		l := make([]types.AttributeValue, r.IntN(5))
		for i := range l {
			l[i] = randAV(r, depth+1)
		}
		return &types.AttributeValueMemberL{Value: l}
	case 7:
		ss := make([]string, r.IntN(4))
		for i := range ss {
			ss[i] = randString(r)
		}
		return &types.AttributeValueMemberSS{Value: ss}
	case 8:
		ns := make([]string, r.IntN(4))
		for i := range ns {
			ns[i] = randNumber(r)
		}
		return &types.AttributeValueMemberNS{Value: ns}
	default:
		bs := make([][]byte, r.IntN(4))
		for i := range bs {
			bs[i] = randBytes(r)
		}
		return &types.AttributeValueMemberBS{Value: bs}
	}
}

func randItems(r *rand.Rand) []map[string]types.AttributeValue {
	items := make([]map[string]types.AttributeValue, r.IntN(6))
	if r.IntN(10) == 0 {
		items = make([]map[string]types.AttributeValue, 30+r.IntN(30))
	}
	for i := range items {
		items[i] = make(map[string]types.AttributeValue)
		for range r.IntN(7) {
			items[i][randName(r)] = randAV(r, 0)
		}
	}
	return items
}

var extraMembers = []string{
	`"ConsumedCapacity":{"TableName":"t","CapacityUnits":0.5,"Table":{"CapacityUnits":0.5}}`,
	`"LastEvaluatedKey":{"id":{"S":"user-000007"},"n":{"N":"7"}}`,
	`"Unknown":[1,-2.5e+3,true,false,null,"x\"\u00e9",{"a":[]},{}]`,
	`"NextTokenX":"not the token"`,
}

// TestDecodePageRandom compares decodePage with the SDK on ~1000 random pages of every type, nested.
func TestDecodePageRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	for i := range 1000 {
		w := &wire{r: r}
		if i%3 == 0 {
			w.r = nil // also the compact form
		}
		var token *string
		if r.IntN(2) == 0 {
			token = aws.String(randString(r) + "==")
		}
		var before, after string
		if r.IntN(3) == 0 {
			before = extraMembers[r.IntN(len(extraMembers))]
		}
		if r.IntN(3) == 0 {
			after = extraMembers[r.IntN(len(extraMembers))]
		}
		body := w.response(randItems(r), token, before, after)
		if err := checkAgainstSDK(t, body); err != nil {
			t.Fatalf("page %d: %v\n%s", i, err, body)
		}
	}
}

// TestDecodePageEdgeCases compares decodePage with the SDK on hand-written bodies.
func TestDecodePageEdgeCases(t *testing.T) {
	for _, body := range decodeEdgeCases {
		if err := checkAgainstSDK(t, []byte(body)); err != nil {
			t.Errorf("%v\n%s", err, body)
		}
	}
	for _, body := range decodeRefused {
		if err := checkAgainstSDK(t, []byte(body)); err == nil {
			t.Errorf("accepted:\n%s", body)
		}
	}
}

var decodeEdgeCases = []string{
	``,
	`{}`,
	` { } `,
	`{"Items":[]}`,
	`{"Items":null}`,
	`{"Items":[{}]}`,
	`{"Items":[{}, {}],"NextToken":null}`,
	`{"Items":[{"a":{"S":""},"b":{"N":"0"},"c":{"B":""},"d":{"BOOL":false},"e":{"NULL":true},"f":{"NULL":false}}]}`,
	`{"Items":[{"m":{"M":{}},"l":{"L":[]},"ss":{"SS":[]},"ns":{"NS":[]},"bs":{"BS":[]}}]}`,
	`{"Items":[{"m":{"M":{"x":{"M":{"y":{"L":[{"L":[{"S":"deep"}]},{"NULL":true},{"SS":["a","b"]}]}}}}}}]}`,
	"\t{\n\"Items\" :\r[ { \"a\" : { \"S\" : \"x\" } , \"b\":{\"BOOL\"  :  true}} ] , \"NextToken\" : \"t\" }\n",
	`{"NextToken":"abc\u002f\/==","Items":[{"s":{"S":"\"\\\/\b\f\n\r\t\u0000\u001f\u00e9\u20AC"}}]}`,
	`{"Items":[{"pair":{"S":"\ud83d\ude00"},"lone-high":{"S":"\ud83d"},"lone-high-x":{"S":"\ud83dx"},"lone-low":{"S":"\ude00"},"reversed":{"S":"\ude00\ud83d"},"high-then-bmp":{"S":"\ud83d\u0041"},"high-high":{"S":"\ud83d\ud83d\ude00"}}]}`,
	"{\"Items\":[{\"raw-invalid\":{\"S\":\"a\xffb\xc3\"},\"esc-invalid\":{\"S\":\"\\n\xff\xed\xa0\x80\"},\"raw-surrogate\":{\"S\":\"\xed\xa0\x80\"}}]}",
	`{"Items":[{"n":{"N":"  1 "},"n2":{"N":"-0.000e+10"},"n3":{"N":"not a number"},"ns":{"NS":["1","1.0","1e0"]}}]}`,
	`{"Items":[{"b":{"B":"AAEC/w=="},"bs":{"BS":["","AA==","/+8="]},"bnl":{"B":"AA\r\nEC"}}]}`,
	`{"Items":[{"a":{"S":"1"},"a":{"N":"2"}}]}`,
	`{"Items":[{"m":{"M":{"k":{"S":"1"},"k":{"S":"2"}}}}]}`,
	`{"\u0049tems":[{"\u0061":{"\u0053":"escaped keys"}}],"Next\u0054oken":"tok"}`,
	`{"ConsumedCapacity":{"TableName":"t","CapacityUnits":1},"Items":[{"id":{"S":"x"}}],"LastEvaluatedKey":{"id":{"S":"x"}},"NextToken":"n"}`,
	`{"Unknown":{"deep":[[[[{"a":[1,2,{"b":null}]}]]]],"s":"\u00e9\ud800"},"Items":[{"id":{"S":"x"}}],"Other":-0.5E-3}`,
	`{"NextToken":"first","Items":[],"NextToken":"second"}`,
	// The shortcuts for DynamoDB's own form (decoder.name and decoder.scalar), next to forms they leave to
	// the general path: names written with an escape or holding a byte that needs one, names that extend
	// the expected one, white space, escaped values.
	`{"Items":[{"a":{"S":"1"},"ab":{"N":"2"},"q\"":{"BOOL":true}},{"\u0061":{"S":"x" },"ab":{"N":"3"} ,"q\"":{"BOOL":false }},` +
		`{"abc":{"BOOL":true},"a":{"S":"a\"b"},"a":{"S":"\u0041"},"ab":{ "N":"4"},"q\"":{"N":"5"}}]}`,
}

// decodeRefused are malformed or unusual bodies decodePage refuses; the middleware then lets the SDK decide.
var decodeRefused = []string{
	`{"Items":[{"a":{"S":"x","N":"1"}}]}`,
	`{"Items":[{"a":{}}]}`,
	`{"Items":[{"a":{"X":"unknown type"}}]}`,
	`{"Items":[{"a":{"S":null}}]}`,
	`{"Items":[{"a":null}]}`,
	`{"Items":[null]}`,
	`{"Items":[{"a":{"B":"not base64!"}}]}`,
	`{"Items":[{"a":{"S":"\x"}}]}`,
	`{"Items":[{"a":{"S":"\u12"}}]}`,
	`{"Items":[{"a":{"S":1}}]}`,
	`{"Items":[{"a":{"BOOL":"true"}}]}`,
	`{"Items":[{"a":{"S":"x"}},]}`,
	`{"Items":[{"a":{"S":"x"}}]`,
	`{"Items":[{"a":{"S":"x"}}]}}`,
	`{"Items":[{"a":{"S":"x"}}]} x`,
	`{"Items":{}}`,
	`[]`,
	`null`,
	` `,
	"{\"Items\":[{\"a\":{\"S\":\"tab\there\"}}]}",
}

// TestDecodePageErrors checks decodePage's errors: where and what, never a panic.
func TestDecodePageErrors(t *testing.T) {
	for body, want := range map[string]string{
		`{"Items":[{"a":{"S":"x","N":"1"}}]}`:    `offset 23: unexpected ',', expected '}' after the attribute value`,
		`{"Items":[{"a":{"X":1}}]}`:              `unknown attribute value type "X"`,
		`{"Items":[{"a":{"B":"??"}}]}`:           `invalid base64`,
		`{"Items":[{"a":{"S":"x`:                 `unterminated string`,
		`{"Items":[{"a":{"S":"\q"}}]}`:           `invalid escape`,
		`{"Items":[{"a":{"BOOL":1}}]}`:           `expected true or false`,
		`{"Items":[]} {}`:                        `data after the response object`,
		`{"Items":[],"Items":[]}`:                `duplicate Items`,
		`{"Items":[{"a":{"L":[`:                  `unexpected end of input`,
		"{\"Items\":[{\"a\":{\"S\":\"\x01\"}}]}": `control character`,
	} {
		_, err := decodePage([]byte(body))
		require.Error(t, err, body)
		assert.ErrorContains(t, err, want, body)
		assert.True(t, strings.HasPrefix(err.Error(), "dynasql: malformed ExecuteStatement response at offset "), err.Error())
	}
	deep := strings.Repeat(`{"L":[`, maxDecodeDepth+1) + strings.Repeat(`]}`, maxDecodeDepth+1)
	_, err := decodePage([]byte(`{"Items":[{"a":` + deep + `}]}`))
	assert.ErrorContains(t, err, "nested too deeply")
	_, err = decodePage([]byte(`{"X":` + strings.Repeat("[", 10000) + `}`))
	assert.ErrorContains(t, err, "nested too deeply")
	// Every prefix of a valid body is an error, not a panic.
	body := decodeBenchBody(3)
	for i := 1; i < len(body)-1; i++ {
		if _, err := decodePage(body[:i]); err == nil {
			t.Fatalf("prefix %q accepted", body[:i])
		}
	}
}

// TestDecodePageNames checks name interning with more names than the linear table holds, in varying order.
func TestDecodePageNames(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	items := make([]map[string]types.AttributeValue, 50)
	for i := range items {
		items[i] = make(map[string]types.AttributeValue)
		for range 40 {
			items[i]["attr"+strconv.Itoa(r.IntN(60))] = &types.AttributeValueMemberN{Value: strconv.Itoa(i)}
		}
	}
	w := &wire{r: r}
	require.NoError(t, checkAgainstSDK(t, w.response(items, nil, "", "")))
	// Reuse of the pooled decoder after a large name table.
	require.NoError(t, checkAgainstSDK(t, decodeBenchBody(5)))
}

// ---- the middleware ----

// TestFastDecodeOrder checks where fastDecode sits in the Deserialize step: right inside the operation
// deserializer, outside gzip decompression and the CRC32 check (the deserialize step runs its
// middlewares' response handling from the last to the first, so "inside" means later in the list).
func TestFastDecodeOrder(t *testing.T) {
	var ids []string
	body := []byte(`{"Items":[]}`)
	client := cannedClient(body, func(o *dynamodb.Options) { o.EnableAcceptEncodingGzip = true })
	_, err := client.ExecuteStatement(context.Background(), testStatement, fastDecodeOption, func(o *dynamodb.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			ids = s.Deserialize.List()
			return nil
		})
	})
	require.NoError(t, err)
	pos := func(id string) int {
		i := slices.Index(ids, id)
		require.GreaterOrEqual(t, i, 0, "%s not in %v", id, ids)
		return i
	}
	t.Logf("Deserialize step: %v", ids)
	assert.Equal(t, pos("OperationDeserializer")+1, pos("dynasql:FastDecode"))
	assert.Less(t, pos("dynasql:FastDecode"), pos("DecompressGzip"))
	assert.Less(t, pos("dynasql:FastDecode"), pos("DynamoDB:ResponseChecksumValidation"))
	assert.Less(t, pos("DecompressGzip"), pos("DynamoDB:ResponseChecksumValidation"))

	// Other operations are left alone.
	ids = nil
	_, err = client.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String("t"), Key: map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: "x"}}},
		fastDecodeOption, func(o *dynamodb.Options) {
			o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error { ids = s.Deserialize.List(); return nil })
		})
	require.NoError(t, err)
	assert.NotContains(t, ids, "dynasql:FastDecode")
}

// TestFastDecodeHTTP runs the middleware over a real HTTP connection.
func TestFastDecodeHTTP(t *testing.T) {
	body := decodeBenchBody(100)
	client := httpClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		for k, v := range dynamoHeader(body) {
			w.Header()[k] = v
		}
		_, _ = w.Write(body)
	}))
	ref, err := client.ExecuteStatement(context.Background(), testStatement)
	require.NoError(t, err)
	fast, err := client.ExecuteStatement(context.Background(), testStatement, fastDecodeOption)
	require.NoError(t, err)
	p := pageFromOutput(fast)
	require.NotNil(t, p)
	assert.Equal(t, 100, p.len())
	assert.Equal(t, refRows(ref.Items), pageRows(t, p))
	assert.Nil(t, pageFromOutput(ref))
	assert.Nil(t, pageFromOutput(nil))
}

// httpClient returns an SDK client on an httptest server running h; both are closed when the test ends.
func httpClient(t *testing.T, h http.Handler, optFns ...func(*dynamodb.Options)) *dynamodb.Client {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	transport := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(transport.CloseIdleConnections)
	return testClient(&http.Client{Transport: transport}, srv.URL, optFns...)
}

// TestFastDecodeChecksum: a body that does not match its x-amz-crc32 fails, and one that does passes, with
// and without gzip; with the check disabled the middleware does not check either.
func TestFastDecodeChecksum(t *testing.T) {
	body := decodeBenchBody(3)
	corrupt := bytes.Replace(body, []byte("user-000001"), []byte("user-000009"), 1)
	header := dynamoHeader(body)

	client := testClient(&cannedHTTP{status: 200, header: header, body: corrupt}, "http://canned.invalid")
	_, err := client.ExecuteStatement(context.Background(), testStatement, fastDecodeOption)
	require.Error(t, err)
	assert.ErrorContains(t, err, "checksum")
	var de *smithy.DeserializationError
	assert.ErrorAs(t, err, &de)
	t.Logf("with fastDecode: %v", err)
	// The SDK alone (this version) only logs the mismatch when it closes the body, and returns the items.
	out, sdkErr := client.ExecuteStatement(context.Background(), testStatement)
	t.Logf("SDK alone: err=%v, %d items", sdkErr, len(out.Items))

	// Checksum disabled (as the driver does for DynamoDB Local): no check.
	client = testClient(&cannedHTTP{status: 200, header: header, body: corrupt}, "http://canned.invalid",
		func(o *dynamodb.Options) { o.DisableValidateResponseChecksum = true })
	out, err = client.ExecuteStatement(context.Background(), testStatement, fastDecodeOption)
	require.NoError(t, err)
	p := pageFromOutput(out)
	require.Equal(t, "user-000009", p.value(p.item(1)[0]))

	// gzip: DynamoDB checksums the compressed bytes.
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	_, _ = zw.Write(body)
	require.NoError(t, zw.Close())
	zipped := z.Bytes()
	zheader := dynamoHeader(zipped)
	zheader.Set("Content-Encoding", "gzip")
	gz := func(o *dynamodb.Options) { o.EnableAcceptEncodingGzip = true }
	client = testClient(&cannedHTTP{status: 200, header: zheader, body: zipped}, "http://canned.invalid", gz)
	ref, err := client.ExecuteStatement(context.Background(), testStatement)
	require.NoError(t, err)
	out, err = client.ExecuteStatement(context.Background(), testStatement, fastDecodeOption)
	require.NoError(t, err)
	require.NotNil(t, pageFromOutput(out))
	assert.Equal(t, refRows(ref.Items), pageRows(t, pageFromOutput(out)))

	badZip := bytes.Clone(zipped)
	badZip[len(badZip)/2] ^= 1
	client = testClient(&cannedHTTP{status: 200, header: zheader, body: badZip}, "http://canned.invalid", gz)
	_, err = client.ExecuteStatement(context.Background(), testStatement, fastDecodeOption)
	require.Error(t, err)
}

// TestFastDecodeErrorResponse: DynamoDB's error responses reach the SDK's error decoding untouched.
func TestFastDecodeErrorResponse(t *testing.T) {
	body := []byte(`{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"The conditional request failed","Item":{"id":{"S":"x"}}}`)
	client := testClient(&cannedHTTP{status: 400, header: dynamoHeader(body), body: body}, "http://canned.invalid")
	out, err := client.ExecuteStatement(context.Background(), testStatement, fastDecodeOption)
	require.Error(t, err)
	assert.Nil(t, out)
	var ccf *types.ConditionalCheckFailedException
	require.ErrorAs(t, err, &ccf)
	assert.Equal(t, "The conditional request failed", ccf.ErrorMessage())
	assert.Equal(t, map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: "x"}}, ccf.Item)
	var re interface{ ServiceRequestID() string }
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "REQUESTID0123456789", re.ServiceRequestID())

	body = []byte(`{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"boom"}`)
	client = testClient(&cannedHTTP{status: 500, header: dynamoHeader(body), body: body}, "http://canned.invalid")
	_, err = client.ExecuteStatement(context.Background(), testStatement, fastDecodeOption)
	var ise *types.InternalServerError
	require.ErrorAs(t, err, &ise)
}

// TestFastDecodeFallback: a body decodePage refuses goes to the SDK as it was.
func TestFastDecodeFallback(t *testing.T) {
	body := []byte(`{"Items":[{"a":{"S":"x","X":1}}],"NextToken":"t"}`) // the SDK skips unknown members
	client := cannedClient(body)
	out, err := client.ExecuteStatement(context.Background(), testStatement, fastDecodeOption)
	require.NoError(t, err)
	assert.Nil(t, pageFromOutput(out))
	assert.Equal(t, []map[string]tv{{"a": {"S", "x"}}}, refRows(out.Items))
	assert.Equal(t, "t", *out.NextToken)
}

// ---- DynamoDB Local ----

// TestDecodePageDynamoDBLocal writes items of every type with the SDK and reads them back with
// ExecuteStatement, with and without fastDecode, in several pages.
func TestDecodePageDynamoDBLocal(t *testing.T) {
	client := dynamotest.Client(t)
	table := dynamotest.CreateTable(t, "decode", dynamotest.Key{Name: "id", Type: types.ScalarAttributeTypeS})
	ctx := context.Background()
	const n = 25
	for i := range n {
		item := map[string]types.AttributeValue{
			"id":   &types.AttributeValueMemberS{Value: fmt.Sprintf("item-%02d \"é\U0001F600\\\n", i)},
			"s":    &types.AttributeValueMemberS{Value: "text / \u2028 \x01 " + strconv.Itoa(i)},
			"n":    &types.AttributeValueMemberN{Value: "12345678901234567890123456789012345678"},
			"f":    &types.AttributeValueMemberN{Value: "-0.000001"},
			"b":    &types.AttributeValueMemberB{Value: []byte{0, 1, 2, 255, byte(i)}},
			"t":    &types.AttributeValueMemberBOOL{Value: i%2 == 0},
			"null": &types.AttributeValueMemberNULL{Value: true},
			"ss":   &types.AttributeValueMemberSS{Value: []string{"a", "b\"", "ü"}},
			"ns":   &types.AttributeValueMemberNS{Value: []string{"1", "2.5", "-3e5"}},
			"bs":   &types.AttributeValueMemberBS{Value: [][]byte{{1}, {2, 3}}},
			"l": &types.AttributeValueMemberL{Value: []types.AttributeValue{
				&types.AttributeValueMemberS{Value: "x"}, &types.AttributeValueMemberN{Value: "1"},
				&types.AttributeValueMemberL{Value: []types.AttributeValue{}}, &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{}},
			}},
			"m": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
				"inner": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"deep": &types.AttributeValueMemberSS{Value: []string{"z"}}}},
				"b":     &types.AttributeValueMemberBOOL{Value: true},
			}},
		}
		if i%5 == 0 { // not every item has every attribute
			item["sometimes"] = &types.AttributeValueMemberL{Value: []types.AttributeValue{&types.AttributeValueMemberNULL{Value: true}, &types.AttributeValueMemberB{Value: []byte("bin")}}}
		}
		_, err := client.PutItem(ctx, &dynamodb.PutItemInput{TableName: &table, Item: item})
		require.NoError(t, err)
	}

	// DynamoDB Local's successful responses carry a valid x-amz-crc32: also read with the check on.
	checked := dynamodb.New(client.Options(), func(o *dynamodb.Options) { o.DisableValidateResponseChecksum = false })
	for _, c := range []*dynamodb.Client{client, checked} {
		in := &dynamodb.ExecuteStatementInput{Statement: aws.String(`SELECT * FROM "` + table + `"`), Limit: aws.Int32(7)}
		var fastRows []map[string]tv
		pages := 0
		for {
			ref, err := c.ExecuteStatement(ctx, in)
			require.NoError(t, err)
			fast, err := c.ExecuteStatement(ctx, in, fastDecodeOption)
			require.NoError(t, err)
			p := pageFromOutput(fast)
			require.NotNil(t, p)
			got := pageRows(t, p)
			require.Equal(t, refRows(ref.Items), got)
			require.Equal(t, fast.NextToken, p.nextToken)
			require.Equal(t, ref.NextToken == nil, p.nextToken == nil)
			fastRows = append(fastRows, got...)
			pages++
			if p.nextToken == nil {
				break
			}
			in.NextToken = p.nextToken
		}
		assert.Len(t, fastRows, n)
		assert.GreaterOrEqual(t, pages, 4)
	}
}

// ---- benchmarks ----

// decodeBenchBody is an ExecuteStatement body of n items of 8 attributes, shaped like the bench module's
// canned page (bench/model.go).
func decodeBenchBody(n int) []byte {
	statuses := [...]string{"active", "pending", "locked", "deleted"}
	var b strings.Builder
	b.WriteString(`{"Items":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":{"S":%q},"name":{"S":%q},"email":{"S":%q},"status":{"S":%q},"age":{"N":"%d"},"visits":{"N":"%d"},"score":{"N":"%s"},"active":{"BOOL":%t}}`,
			fmt.Sprintf("user-%06d", i), "User Number "+strconv.Itoa(i), fmt.Sprintf("user%d@example.com", i), statuses[i%len(statuses)],
			18+i%60, i*7%999983, strconv.FormatFloat(float64(i%1000)+0.25, 'f', -1, 64), i%3 != 0)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

var benchSink []driver.Value

// BenchmarkDecodePage decodes a canned 1000-item page into driver values.
func BenchmarkDecodePage(b *testing.B) {
	body := decodeBenchBody(1000)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		p, err := decodePage(body)
		if err != nil || p.len() != 1000 {
			b.Fatal(err)
		}
		benchSink = append(benchSink[:0], p.value(p.attrs[len(p.attrs)-1]))
	}
}

// sdkDeserialize runs the SDK's own ExecuteStatement response deserializer on body.
type sdkDeserializer struct {
	proto smithyhttp.ClientProtocol
	op    *smithy.OperationSchema
}

func newSDKDeserializer() *sdkDeserializer {
	return &sdkDeserializer{
		proto: awsjson.New10(schemas.DynamoDB_20120810),
		op:    smithy.NewOperationSchema(schemas.ExecuteStatement, schemas.ExecuteStatementInput, schemas.ExecuteStatementOutput),
	}
}

func (s *sdkDeserializer) decode(body []byte) (*dynamodb.ExecuteStatementOutput, error) {
	resp := &smithyhttp.Response{Response: &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(body))}}
	out := &dynamodb.ExecuteStatementOutput{}
	err := s.proto.DeserializeResponse(context.Background(), s.op, dynamodb.TypeRegistry, resp, out)
	return out, err
}

// BenchmarkSDKDecodePage is the same page through the SDK's deserializer and fromAttributeValue, as rows.go
// did before.
func BenchmarkSDKDecodePage(b *testing.B) {
	body := decodeBenchBody(1000)
	sdk := newSDKDeserializer()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		out, err := sdk.decode(body)
		if err != nil || len(out.Items) != 1000 {
			b.Fatal(err)
		}
		for _, item := range out.Items {
			benchSink = benchSink[:0]
			for _, av := range item {
				benchSink = append(benchSink, fromAttributeValue(av))
			}
		}
	}
}

type benchItem struct {
	ID     string  `dynamodbav:"id"`
	Name   string  `dynamodbav:"name"`
	Email  string  `dynamodbav:"email"`
	Status string  `dynamodbav:"status"`
	Age    int64   `dynamodbav:"age"`
	Visits int64   `dynamodbav:"visits"`
	Score  float64 `dynamodbav:"score"`
	Active bool    `dynamodbav:"active"`
}

// BenchmarkSDKUnmarshalPage is the raw SDK's page decode: the deserializer and
// attributevalue.UnmarshalListOfMaps into structs.
func BenchmarkSDKUnmarshalPage(b *testing.B) {
	body := decodeBenchBody(1000)
	sdk := newSDKDeserializer()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	var items []benchItem
	for b.Loop() {
		out, err := sdk.decode(body)
		if err != nil {
			b.Fatal(err)
		}
		items = items[:0]
		if err := attributevalue.UnmarshalListOfMaps(out.Items, &items); err != nil || len(items) != 1000 {
			b.Fatal(err)
		}
	}
}

// BenchmarkExecuteStatementPage is a whole ExecuteStatement call returning the page (in memory, no
// network), with the SDK's decoding and with fastDecode.
func BenchmarkExecuteStatementPage(b *testing.B) {
	body := decodeBenchBody(1000)
	client := cannedClient(body)
	for _, fast := range []bool{false, true} {
		name := "sdk"
		var opts []func(*dynamodb.Options)
		if fast {
			name = "fast"
			opts = append(opts, fastDecodeOption)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				out, err := client.ExecuteStatement(context.Background(), testStatement, opts...)
				if err != nil {
					b.Fatal(err)
				}
				if p := pageFromOutput(out); p != nil {
					benchSink = append(benchSink[:0], p.value(p.attrs[0]))
					continue
				}
				for _, item := range out.Items {
					benchSink = benchSink[:0]
					for _, av := range item {
						benchSink = append(benchSink, fromAttributeValue(av))
					}
				}
			}
		})
	}
}
