package dynasql

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// FuzzConvert feeds the converter values built from arbitrary bytes: the bytes
// as a number's text, as JSON decoded with exact numbers, and as float bits.
// toAttributeValue must never panic, whatever it accepts must round-trip, and
// numbers must stay exact.
func FuzzConvert(f *testing.F) {
	for _, s := range []string{
		"0", "-1.5e-3", digits38, "1E+126", `{"a":[1,2.50,"x",null,true,{"b":{}}]}`, "\x00\x00\x00\x00\x00\x00\xf8\x7f",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzNumber(t, string(data))
		fuzzJSON(t, data)
		if len(data) >= 8 {
			fuzzFloat(t, math.Float64frombits(binary.LittleEndian.Uint64(data)))
			fuzzFloat32(t, math.Float32frombits(binary.LittleEndian.Uint32(data)))
		}
	})
}

func fuzzNumber(t *testing.T, s string) {
	for _, in := range []any{Number(s), json.Number(s)} {
		av, err := toAttributeValue(in)
		if err != nil {
			if s != "" && len(s) > 3 && bytes.Contains([]byte(err.Error()), []byte(s)) {
				t.Fatalf("error %q contains the value", err)
			}
			continue
		}
		if s == "" {
			if _, ok := av.(*types.AttributeValueMemberNULL); !ok {
				t.Fatalf("empty Number gave %T", av)
			}
			continue
		}
		n, ok := av.(*types.AttributeValueMemberN)
		if !ok || n.Value != s {
			t.Fatalf("%q stored as %#v", s, av)
		}
		back, err := toAttributeValue(fromAttributeValue(av))
		if err != nil || back.(*types.AttributeValueMemberN).Value != s {
			t.Fatalf("%q does not round-trip: %v", s, err)
		}
	}

	info, err := scanNumber(s)
	if err != nil {
		if isJSONNumber(s) {
			t.Fatalf("%q: JSON number refused: %v", s, err)
		}
		return
	}
	r, err := Number(s).Rat()
	if err != nil {
		if !errors.Is(err, strconv.ErrRange) {
			t.Fatalf("%q accepted but Rat refuses it: %v", s, err)
		}
		return // exponent far outside DynamoDB's range
	}
	if info.zero != (r.Sign() == 0) || (!info.zero && info.neg != (r.Sign() < 0)) {
		t.Fatalf("%q: zero/sign mismatch", s)
	}
	n := Number(s)
	// JSON output is valid JSON and exactly the same number.
	if b, err := n.MarshalJSON(); err != nil || !json.Valid(b) {
		t.Fatalf("%q: MarshalJSON %q, %v", s, b, err)
	} else if r2, err := Number(b).Rat(); err != nil || r2.Cmp(r) != 0 {
		t.Fatalf("%q: MarshalJSON changed the value to %s", s, b)
	} else if !sameNumber(s, string(b)) || !sameNumber(string(b), s) {
		t.Fatalf("%q: sameNumber disagrees with its JSON form %s", s, b)
	} else if canonicalNumber(s) != canonicalNumber(string(b)) {
		t.Fatalf("%q: canonical form differs from that of %s", s, b)
	}
	// Exact accessors agree with big.Rat.
	if i, err := n.Int64(); err == nil {
		if !r.IsInt() || r.Num().Int64() != i || !r.Num().IsInt64() {
			t.Fatalf("%q: Int64 gave %d", s, i)
		}
	} else if r.IsInt() && r.Num().IsInt64() {
		t.Fatalf("%q: Int64 failed: %v", s, err)
	}
	if u, err := n.Uint64(); err == nil {
		if !r.IsInt() || !r.Num().IsUint64() || r.Num().Uint64() != u {
			t.Fatalf("%q: Uint64 gave %d", s, u)
		}
	} else if r.IsInt() && r.Num().IsUint64() {
		t.Fatalf("%q: Uint64 failed: %v", s, err)
	}
	if fl, err := n.Float64(); err == nil {
		if want, _ := r.Float64(); want != fl {
			t.Fatalf("%q: Float64 gave %g, want %g", s, fl, want)
		}
	}
}

func fuzzJSON(t *testing.T, data []byte) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return
	}
	av, err := toAttributeValue(v) // json.Number inside
	if err != nil {
		return
	}
	back, err := toAttributeValue(fromAttributeValue(av))
	if err != nil {
		t.Fatalf("round trip of %s failed: %v", data, err)
	}
	if !avEqual(av, back) {
		t.Fatalf("round trip of %s changed it", data)
	}
	// Document gives the same JSON numbers back (for documents: a string
	// column given to Document is read as JSON text).
	switch v.(type) {
	case map[string]any, []any:
	default:
		return
	}
	var out []byte
	if err := Document(&out).Scan(fromAttributeValue(av)); err != nil {
		t.Fatalf("Document of %s: %v", data, err)
	}
	var again any
	if err := Document(&again).Scan(out); err != nil {
		t.Fatalf("Document of its own JSON %s: %v", out, err)
	}
	if av2, err := toAttributeValue(again); err != nil || !avEqual(av, av2) {
		t.Fatalf("JSON %s -> %s changed the value (%v)", data, out, err)
	}
}

func fuzzFloat(t *testing.T, f float64) {
	av, err := toAttributeValue(f)
	a := math.Abs(f)
	if math.IsNaN(f) || math.IsInf(f, 0) || (a != 0 && (a < 1e-130 || a >= 1e126)) {
		if err == nil {
			t.Fatalf("%g accepted", f)
		}
		return
	}
	if err != nil {
		if a > 1.0000001e-130 && a < 9.99e125 {
			t.Fatalf("%g refused: %v", f, err)
		}
		return
	}
	s := av.(*types.AttributeValueMemberN).Value
	back, err := Number(s).Float64()
	if err != nil || back != f {
		t.Fatalf("%g stored as %s, read back as %g (%v)", f, s, back, err)
	}
	if g, _ := strconv.ParseFloat(s, 64); g != f {
		t.Fatalf("%g stored as %s", f, s)
	}
}

func fuzzFloat32(t *testing.T, f float32) {
	av, err := toAttributeValue(f)
	if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
		if err == nil {
			t.Fatalf("%g accepted", f)
		}
		return
	}
	if err != nil {
		t.Fatalf("%g refused: %v", f, err)
	}
	s := av.(*types.AttributeValueMemberN).Value
	if g, err := strconv.ParseFloat(s, 32); err != nil || float32(g) != f {
		t.Fatalf("float32 %g stored as %s", f, s)
	}
}

// avEqual compares attribute values structurally.
func avEqual(a, b types.AttributeValue) bool {
	switch x := a.(type) {
	case *types.AttributeValueMemberM:
		y, ok := b.(*types.AttributeValueMemberM)
		if !ok || len(x.Value) != len(y.Value) {
			return false
		}
		for k, v := range x.Value {
			if w, ok := y.Value[k]; !ok || !avEqual(v, w) {
				return false
			}
		}
		return true
	case *types.AttributeValueMemberL:
		y, ok := b.(*types.AttributeValueMemberL)
		if !ok || len(x.Value) != len(y.Value) {
			return false
		}
		for i := range x.Value {
			if !avEqual(x.Value[i], y.Value[i]) {
				return false
			}
		}
		return true
	case *types.AttributeValueMemberS:
		y, ok := b.(*types.AttributeValueMemberS)
		return ok && x.Value == y.Value
	case *types.AttributeValueMemberN:
		y, ok := b.(*types.AttributeValueMemberN)
		return ok && x.Value == y.Value
	case *types.AttributeValueMemberBOOL:
		y, ok := b.(*types.AttributeValueMemberBOOL)
		return ok && x.Value == y.Value
	case *types.AttributeValueMemberNULL:
		_, ok := b.(*types.AttributeValueMemberNULL)
		return ok
	}
	return false
}
