package dynasql

import (
	"bytes"
	"context"
	"database/sql/driver"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	smithy "github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// This file decodes ExecuteStatement response bodies straight into driver values (issue 7), skipping the
// SDK's JSON → types.AttributeValue step that dominated the CPU and allocation profile of a page read.
//
// decodePage parses one response body in two passes over pooled scratch space. The first pass checks the
// JSON, unescapes every string of the page into one byte arena (attribute and map key names only once per
// page: they are interned), decodes binaries, and writes a flat tape of nodes. The second pass converts the
// arena to a single string and builds the values from the tape, with containers sized exactly. A page thus
// costs a handful of allocations plus one per binary and one per container; a string or number is boxed
// into a driver.Value when rows hand it out. The first pass takes a shortcut for the shapes DynamoDB writes
// (see name and scalar).
//
// The fastDecode middleware runs the decoder inside the SDK's call: see addFastDecode.

// page is one decoded ExecuteStatement response.
type page struct {
	names     []string       // attribute names, each once (it may hold map keys too)
	attrs     []pageAttr     // all attributes of all items, item by item, in the order of the response
	items     []int32        // items[i] is the index in attrs where item i starts; it ends where item i+1 starts
	texts     []string       // the S and N values of attributes
	others    []driver.Value // the values of attributes of other types than S, N, BOOL and NULL
	nextToken *string
}

// pageAttr is one attribute of an item. It holds no pointer, so that the garbage collector need not scan
// the largest array of a page, and its name is an index, so that rows find an attribute's column once per
// page and name rather than once per item.
type pageAttr struct {
	name int32 // index in names
	at   int32 // index in texts for kS and kN, in others for kOther
	kind uint8 // kS, kN, kTrue, kFalse, kNull or kOther
}

// value returns the value of a, what fromAttributeValue gives for the attribute.
func (p *page) value(a pageAttr) driver.Value {
	switch a.kind {
	case kS:
		return p.texts[a.at]
	case kN:
		return Number(p.texts[a.at])
	case kTrue:
		return true
	case kFalse:
		return false
	case kNull:
		return nil
	}
	return p.others[a.at]
}

// len returns the number of items of the page.
func (p *page) len() int { return len(p.items) }

// item returns the attributes of item i. An attribute name appears at most once (the last occurrence wins,
// as in the SDK's map).
func (p *page) item(i int) []pageAttr {
	end := len(p.attrs)
	if i+1 < len(p.items) {
		end = int(p.items[i+1])
	}
	return p.attrs[p.items[i]:end:end]
}

// pageFromItems builds a page from items the SDK decoded: the reference path, taken when the fast decoder
// did not run (a caller's Client that ignores option functions) and for the items a write's RETURNING gives.
func pageFromItems(items []map[string]types.AttributeValue) *page {
	n := 0
	for _, item := range items {
		n += len(item)
	}
	p := &page{attrs: make([]pageAttr, 0, n), items: make([]int32, len(items))}
	index := make(map[string]int32)
	for i, item := range items {
		p.items[i] = int32(len(p.attrs))
		for name, av := range item {
			j, ok := index[name]
			if !ok {
				j = int32(len(p.names))
				index[name] = j
				p.names = append(p.names, name)
			}
			p.add(j, fromAttributeValue(av))
		}
	}
	return p
}

// add appends an attribute of value v, as fromAttributeValue gives it, to the page.
func (p *page) add(name int32, v driver.Value) {
	a := pageAttr{name: name}
	switch v := v.(type) {
	case string:
		a.kind, a.at = kS, int32(len(p.texts))
		p.texts = append(p.texts, v)
	case Number:
		a.kind, a.at = kN, int32(len(p.texts))
		p.texts = append(p.texts, string(v))
	case bool:
		a.kind = kFalse
		if v {
			a.kind = kTrue
		}
	case nil:
		a.kind = kNull
	default:
		a.kind, a.at = kOther, int32(len(p.others))
		p.others = append(p.others, v)
	}
	p.attrs = append(p.attrs, a)
}

// maxDecodeDepth bounds the nesting of a decoded document (DynamoDB allows 32 levels) and of skipped JSON.
const maxDecodeDepth = 128

// Node kinds of the tape.
const (
	kItem  uint8 = iota // an item: a = number of attributes, which follow
	kNull               // NULL
	kFalse              // BOOL false
	kTrue               // BOOL true
	kS                  // S: arena[a:b]
	kN                  // N: arena[a:b]
	kB                  // B: blobs[a]
	kM                  // M: a = number of entries, which follow (each node's name is its key)
	kL                  // L: a = number of elements, which follow
	kSS                 // SS: a = number of kS nodes that follow
	kNS                 // NS: a = number of kN nodes that follow
	kBS                 // BS: a = number of kB nodes that follow
	kOther              // not on the tape: a pageAttr whose value is in page.others
)

type node struct {
	kind uint8
	name int32 // index in names for item attributes and map entries, -1 otherwise
	a, b int32
}

// span is a range of the arena.
type span struct{ off, end int32 }

// internedName is a name of the page, in the arena.
type internedName struct {
	span
	plain bool // all its bytes are plain: the body normally holds it as it is, without escapes
}

// decoder holds the scratch space of one decodePage call; it is pooled.
type decoder struct {
	data []byte
	pos  int

	arena   []byte // unescaped strings and names of the page
	tape    []node
	blobs   [][]byte
	names   []internedName // the names of the page, each once
	nameMap map[string]int32
	guess   int32 // where the next name is looked for first: after the last one found
	scratch []byte

	itemCount int
	attrCount int
	textCount int     // S and N values, nested ones too (not set elements): a bound on the page's texts
	seenItem  []int32 // per name: 1 + the last item holding it (second pass)
	seenPos   []int32 // per name: its index in attrs for that item

	nextToken *string
	others    [][2]int // top-level members other than Items, as spans of data (for the replacement body)
}

var decoderPool = sync.Pool{New: func() any { return new(decoder) }}

// A decodeError is a malformed response body.
type decodeError struct {
	off int
	msg string
}

func (e *decodeError) Error() string {
	return "dynasql: malformed ExecuteStatement response at offset " + strconv.Itoa(e.off) + ": " + e.msg
}

func (d *decoder) fail(msg string) error { return &decodeError{off: d.pos, msg: msg} }

// decodePage decodes an ExecuteStatement response body. An empty body is an empty page.
func decodePage(body []byte) (*page, error) {
	p, _, err := decodePageRest(body, false)
	return p, err
}

// decodePageRest is decodePage that also returns, when rest is true, the body without its Items member.
func decodePageRest(body []byte, rest bool) (*page, []byte, error) {
	d := decoderPool.Get().(*decoder)
	defer d.release()
	d.reset(body)
	if len(body) > 0 {
		if err := d.parse(); err != nil {
			return nil, nil, err
		}
	}
	p := d.build()
	var r []byte
	if rest {
		r = d.rest()
	}
	return p, r, nil
}

func (d *decoder) reset(body []byte) {
	d.data, d.pos = body, 0
	d.arena = d.arena[:0]
	d.tape = d.tape[:0]
	d.blobs = d.blobs[:0]
	d.names = d.names[:0]
	clear(d.nameMap)
	d.guess = 0
	d.itemCount, d.attrCount, d.textCount = 0, 0, 0
	d.nextToken = nil
	d.others = d.others[:0]
}

// release returns d to the pool, dropping its references to the body and the values, and scratch space
// grown too large to keep.
func (d *decoder) release() {
	d.data = nil
	clear(d.blobs)
	d.nextToken = nil
	const keep = 1 << 20
	if cap(d.arena) > keep {
		d.arena = nil
	}
	if cap(d.tape) > keep/16 {
		d.tape = nil
	}
	if cap(d.blobs) > keep/64 {
		d.blobs = nil
	}
	if cap(d.scratch) > keep {
		d.scratch = nil
	}
	if len(d.nameMap) > 1024 {
		d.nameMap = nil
	}
	decoderPool.Put(d)
}

// rest returns the body with only its members other than Items.
func (d *decoder) rest() []byte {
	n := 2
	for _, o := range d.others {
		n += o[1] - o[0] + 1
	}
	r := make([]byte, 0, n)
	r = append(r, '{')
	for i, o := range d.others {
		if i > 0 {
			r = append(r, ',')
		}
		r = append(r, d.data[o[0]:o[1]]...)
	}
	return append(r, '}')
}

// ---- first pass: parse ----

func (d *decoder) ws() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// peek skips white space and returns the next byte (0 at the end).
func (d *decoder) peek() byte {
	d.ws()
	if d.pos < len(d.data) {
		return d.data[d.pos]
	}
	return 0
}

func (d *decoder) expect(c byte) error {
	if d.peek() != c {
		return d.unexpected("'" + string(c) + "'")
	}
	d.pos++
	return nil
}

func (d *decoder) unexpected(want string) error {
	if d.pos >= len(d.data) {
		return d.fail("unexpected end of input, expected " + want)
	}
	return d.fail("unexpected " + strconv.QuoteRune(rune(d.data[d.pos])) + ", expected " + want)
}

// more is called after a member or element: it consumes a ',' and reports true, or consumes close and
// reports false.
func (d *decoder) more(close byte) (bool, error) {
	switch d.peek() {
	case ',':
		d.pos++
		return true, nil
	case close:
		d.pos++
		return false, nil
	}
	return false, d.unexpected("',' or '" + string(close) + "'")
}

// open consumes open and reports whether the container is empty (then its close is consumed too).
func (d *decoder) open(open, close byte) (empty bool, err error) {
	if err := d.expect(open); err != nil {
		return false, err
	}
	if d.peek() == close {
		d.pos++
		return true, nil
	}
	return false, nil
}

// plain reports the bytes a JSON string holds as they are: all but '"', '\\' and control characters.
var plain = func() (t [256]bool) {
	for c := 0x20; c < len(t); c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// plainEnd returns the index of the next byte of data from i that is not plain (len(data) if none).
func plainEnd(data []byte, i int) int {
	for i < len(data) && plain[data[i]] {
		i++
	}
	return i
}

// rawString scans the string at pos (after white space): it returns the bytes between the quotes and
// whether they hold an escape. Escapes are checked when unescaped.
func (d *decoder) rawString() ([]byte, bool, error) {
	if d.peek() != '"' {
		return nil, false, d.unexpected("string")
	}
	start := d.pos + 1
	escaped := false
	for i := start; i < len(d.data); i++ {
		switch c := d.data[i]; {
		case c == '"':
			d.pos = i + 1
			return d.data[start:i], escaped, nil
		case c == '\\':
			escaped = true
			i++ // the escaped byte; \uXXXX digits are plain bytes
		case c < 0x20:
			d.pos = i
			return nil, false, d.fail("control character in string")
		}
	}
	d.pos = len(d.data)
	return nil, false, d.fail("unterminated string")
}

// str reads a string; the result is valid until the next call (it may be scratch space).
func (d *decoder) str() ([]byte, error) {
	start := d.pos
	raw, escaped, err := d.rawString()
	if err != nil || !escaped {
		return raw, err
	}
	var ok bool
	d.scratch, ok = appendUnescaped(d.scratch[:0], raw)
	if !ok {
		d.pos = start
		return nil, d.fail("invalid escape in string")
	}
	return d.scratch, nil
}

// arenaString reads a string into the arena.
func (d *decoder) arenaString() (span, error) {
	start := d.pos
	raw, escaped, err := d.rawString()
	if err != nil {
		return span{}, err
	}
	off := len(d.arena)
	if !escaped {
		d.arena = append(d.arena, raw...)
	} else {
		var ok bool
		if d.arena, ok = appendUnescaped(d.arena, raw); !ok {
			d.pos = start
			return span{}, d.fail("invalid escape in string")
		}
	}
	if len(d.arena) > 1<<31-1 {
		return span{}, d.fail("response too large")
	}
	return span{int32(off), int32(len(d.arena))}, nil
}

// appendUnescaped appends the JSON string content s (without quotes, holding escapes) unescaped, as
// encoding/json (and the SDK's deserializer for a string with escapes) does: invalid surrogate escapes and
// invalid UTF-8 become U+FFFD. It reports false for an invalid escape.
func appendUnescaped(dst, s []byte) ([]byte, bool) {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\':
			if i+1 >= len(s) {
				return dst, false
			}
			switch s[i+1] {
			case '"', '\\', '/':
				dst = append(dst, s[i+1])
			case 'b':
				dst = append(dst, '\b')
			case 'f':
				dst = append(dst, '\f')
			case 'n':
				dst = append(dst, '\n')
			case 'r':
				dst = append(dst, '\r')
			case 't':
				dst = append(dst, '\t')
			case 'u':
				r := hex4(s[i+2:])
				if r < 0 {
					return dst, false
				}
				i += 6
				if utf16.IsSurrogate(r) {
					if i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
						if dec := utf16.DecodeRune(r, hex4(s[i+2:i+6])); dec != utf8.RuneError {
							dst = utf8.AppendRune(dst, dec)
							i += 6
							continue
						}
					}
					r = utf8.RuneError
				}
				dst = utf8.AppendRune(dst, r)
				continue
			default:
				return dst, false
			}
			i += 2
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			i++
		default:
			r, size := utf8.DecodeRune(s[i:])
			dst = utf8.AppendRune(dst, r)
			i += size
		}
	}
	return dst, true
}

// hex4 decodes four hex digits at the start of s, or returns -1.
func hex4(s []byte) rune {
	if len(s) < 4 {
		return -1
	}
	var r rune
	for _, c := range s[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// name reads a string and interns it: it returns its index in names.
func (d *decoder) name() (int32, error) {
	n := int32(len(d.names))
	g := d.guess
	if g >= n {
		g = 0
	}
	// Items mostly list their attributes in the order of the item before: first match the expected name
	// against the body as it is, which saves scanning the string.
	if g < n && d.names[g].plain {
		s := d.arena[d.names[g].off:d.names[g].end]
		if end := d.pos + 1 + len(s); end < len(d.data) && d.data[d.pos] == '"' && d.data[end] == '"' &&
			string(d.data[d.pos+1:end]) == string(s) {
			d.pos = end + 1
			d.guess = g + 1
			return g, nil
		}
	}
	b, err := d.str()
	if err != nil {
		return 0, err
	}
	if n > 0 {
		if d.nameIs(g, b) {
			d.guess = g + 1
			return g, nil
		}
		if n <= 16 {
			for i := range n {
				if d.nameIs(i, b) {
					d.guess = i + 1
					return i, nil
				}
			}
		} else {
			if d.nameMap == nil {
				d.nameMap = make(map[string]int32, 2*n)
			}
			if len(d.nameMap) == 0 {
				for i, s := range d.names {
					d.nameMap[string(d.arena[s.off:s.end])] = int32(i)
				}
			}
			if i, ok := d.nameMap[string(b)]; ok {
				d.guess = i + 1
				return i, nil
			}
		}
	}
	i := int32(len(d.names))
	off := len(d.arena)
	d.arena = append(d.arena, b...)
	d.names = append(d.names, internedName{span{int32(off), int32(len(d.arena))}, plainEnd(b, 0) == len(b)})
	if len(d.nameMap) > 0 {
		d.nameMap[string(b)] = i
	}
	d.guess = i + 1
	return i, nil
}

func (d *decoder) nameIs(i int32, b []byte) bool {
	s := d.names[i]
	return bytes.Equal(d.arena[s.off:s.end], b)
}

// parse reads the whole response object.
func (d *decoder) parse() error {
	if err := d.expect('{'); err != nil {
		return err
	}
	if d.peek() == '}' {
		d.pos++
		return d.end()
	}
	sawItems := false
	for {
		d.ws()
		start := d.pos
		key, err := d.str()
		if err != nil {
			return err
		}
		switch string(key) {
		case "Items":
			if sawItems {
				return d.fail("duplicate Items")
			}
			sawItems = true
			if err := d.expect(':'); err != nil {
				return err
			}
			if err := d.items(); err != nil {
				return err
			}
		case "NextToken":
			if err := d.expect(':'); err != nil {
				return err
			}
			d.ws()
			if d.literal("null") {
				d.nextToken = nil
			} else {
				b, err := d.str()
				if err != nil {
					return err
				}
				s := string(b)
				d.nextToken = &s
			}
			d.others = append(d.others, [2]int{start, d.pos})
		default:
			if err := d.expect(':'); err != nil {
				return err
			}
			if err := d.skip(0); err != nil {
				return err
			}
			d.others = append(d.others, [2]int{start, d.pos})
		}
		more, err := d.more('}')
		if err != nil {
			return err
		}
		if !more {
			return d.end()
		}
	}
}

func (d *decoder) end() error {
	d.ws()
	if d.pos != len(d.data) {
		return d.fail("data after the response object")
	}
	return nil
}

// literal consumes lit if it is next (after white space).
func (d *decoder) literal(lit string) bool {
	d.ws()
	if d.at(lit) {
		d.pos += len(lit)
		return true
	}
	return false
}

// at reports whether s is next (white space included).
func (d *decoder) at(s string) bool {
	return len(d.data)-d.pos >= len(s) && string(d.data[d.pos:d.pos+len(s)]) == s
}

func (d *decoder) items() error {
	if d.literal("null") {
		return nil
	}
	empty, err := d.open('[', ']')
	if err != nil || empty {
		return err
	}
	for {
		if err := d.item(); err != nil {
			return err
		}
		more, err := d.more(']')
		if err != nil || !more {
			return err
		}
	}
}

func (d *decoder) item() error {
	at := len(d.tape)
	d.tape = append(d.tape, node{kind: kItem, name: -1})
	d.itemCount++
	empty, err := d.open('{', '}')
	if err != nil {
		return err
	}
	for count := int32(1); !empty; count++ {
		if err := d.entry(0); err != nil {
			return err
		}
		d.tape[at].a = count
		d.attrCount++
		more, err := d.more('}')
		if err != nil {
			return err
		}
		empty = !more
	}
	return nil
}

// entry reads `"name": value`, an attribute of an item or an entry of a map at depth.
func (d *decoder) entry(depth int) error {
	name, err := d.name()
	if err != nil {
		return err
	}
	if err := d.expect(':'); err != nil {
		return err
	}
	at := len(d.tape)
	if err := d.value(depth); err != nil {
		return err
	}
	d.tape[at].name = name
	return nil
}

// value reads one attribute value, `{"T": ...}`, appending its nodes to the tape: its own node first, then
// those of its elements or entries.
func (d *decoder) value(depth int) error {
	if depth >= maxDecodeDepth {
		return d.fail("document nested too deeply")
	}
	if d.scalar() {
		return nil
	}
	if err := d.expect('{'); err != nil {
		return err
	}
	d.ws()
	typPos := d.pos
	typ, err := d.str()
	if err != nil {
		return err
	}
	kind, ok := typeKind(typ) // typ may be scratch space: not used after this
	if !ok {
		d.pos = typPos
		return d.fail("unknown attribute value type " + strconv.Quote(string(typ)))
	}
	if err := d.expect(':'); err != nil {
		return err
	}
	at := len(d.tape)
	d.tape = append(d.tape, node{kind: kind, name: -1})
	switch kind {
	case kS, kN:
		s, err := d.arenaString()
		if err != nil {
			return err
		}
		d.tape[at].a, d.tape[at].b = s.off, s.end
		d.textCount++
	case kB:
		i, err := d.blob()
		if err != nil {
			return err
		}
		d.tape[at].a = i
	case kTrue, kNull: // BOOL, NULL: the value
		switch {
		case d.literal("true"):
		case d.literal("false"):
			if kind == kTrue {
				d.tape[at].kind = kFalse
			}
		default:
			return d.unexpected("true or false")
		}
	case kM:
		empty, err := d.open('{', '}')
		if err != nil {
			return err
		}
		for count := int32(1); !empty; count++ {
			if err := d.entry(depth + 1); err != nil {
				return err
			}
			d.tape[at].a = count
			more, err := d.more('}')
			if err != nil {
				return err
			}
			empty = !more
		}
	case kL:
		empty, err := d.open('[', ']')
		if err != nil {
			return err
		}
		for count := int32(1); !empty; count++ {
			if err := d.value(depth + 1); err != nil {
				return err
			}
			d.tape[at].a = count
			more, err := d.more(']')
			if err != nil {
				return err
			}
			empty = !more
		}
	case kSS, kNS, kBS:
		empty, err := d.open('[', ']')
		if err != nil {
			return err
		}
		for count := int32(1); !empty; count++ {
			m := node{name: -1}
			if kind == kBS {
				i, err := d.blob()
				if err != nil {
					return err
				}
				m.kind, m.a = kB, i
			} else {
				s, err := d.arenaString()
				if err != nil {
					return err
				}
				m.kind, m.a, m.b = kS, s.off, s.end
				if kind == kNS {
					m.kind = kN
				}
			}
			d.tape = append(d.tape, m)
			d.tape[at].a = count
			more, err := d.more(']')
			if err != nil {
				return err
			}
			empty = !more
		}
	}
	if d.peek() != '}' {
		return d.unexpected("'}' after the attribute value (one type per value)")
	}
	d.pos++
	return nil
}

// scalar reads an S, N or BOOL value written as DynamoDB writes it, without white space or escapes:
// `{"S":"text"}`, `{"BOOL":true}`. It reports whether it did; otherwise it reads nothing, and value's
// general path reads the value. Most values of a page take this shortcut.
func (d *decoder) scalar() bool {
	var kind uint8
	switch {
	case d.at(`{"S":"`):
		kind = kS
	case d.at(`{"N":"`):
		kind = kN
	case d.at(`{"BOOL":true}`):
		d.tape = append(d.tape, node{kind: kTrue, name: -1})
		d.pos += len(`{"BOOL":true}`)
		return true
	case d.at(`{"BOOL":false}`):
		d.tape = append(d.tape, node{kind: kFalse, name: -1})
		d.pos += len(`{"BOOL":false}`)
		return true
	default:
		return false
	}
	start := d.pos + len(`{"S":"`)
	end := plainEnd(d.data, start)
	if end+1 >= len(d.data) || d.data[end] != '"' || d.data[end+1] != '}' || len(d.arena)+end-start > 1<<31-1 {
		return false
	}
	n := node{kind: kind, name: -1, a: int32(len(d.arena))}
	d.arena = append(d.arena, d.data[start:end]...)
	n.b = int32(len(d.arena))
	d.tape = append(d.tape, n)
	d.textCount++
	d.pos = end + 2
	return true
}

// typeKind returns the node kind of an attribute value's type name (kTrue for BOOL, until its value is read).
func typeKind(typ []byte) (uint8, bool) {
	switch string(typ) {
	case "S":
		return kS, true
	case "N":
		return kN, true
	case "BOOL":
		return kTrue, true
	case "NULL":
		return kNull, true
	case "M":
		return kM, true
	case "L":
		return kL, true
	case "B":
		return kB, true
	case "SS":
		return kSS, true
	case "NS":
		return kNS, true
	case "BS":
		return kBS, true
	}
	return 0, false
}

// blob reads a base64 string and decodes it into blobs; it returns its index.
func (d *decoder) blob() (int32, error) {
	start := d.pos
	b, err := d.str()
	if err != nil {
		return 0, err
	}
	v := make([]byte, base64.StdEncoding.DecodedLen(len(b)))
	n, err := base64.StdEncoding.Decode(v, b)
	if err != nil {
		d.pos = start
		return 0, d.fail("invalid base64 in binary value")
	}
	d.blobs = append(d.blobs, v[:n])
	return int32(len(d.blobs) - 1), nil
}

// skip reads and checks any JSON value.
func (d *decoder) skip(depth int) error {
	if depth >= maxDecodeDepth {
		return d.fail("JSON nested too deeply")
	}
	switch c := d.peek(); c {
	case '{':
		empty, err := d.open('{', '}')
		for err == nil && !empty {
			if err = d.skipString(); err != nil {
				break
			}
			if err = d.expect(':'); err != nil {
				break
			}
			if err = d.skip(depth + 1); err != nil {
				break
			}
			var more bool
			more, err = d.more('}')
			empty = !more
		}
		return err
	case '[':
		empty, err := d.open('[', ']')
		for err == nil && !empty {
			if err = d.skip(depth + 1); err != nil {
				break
			}
			var more bool
			more, err = d.more(']')
			empty = !more
		}
		return err
	case '"':
		return d.skipString()
	case 't':
		if d.literal("true") {
			return nil
		}
	case 'f':
		if d.literal("false") {
			return nil
		}
	case 'n':
		if d.literal("null") {
			return nil
		}
	default:
		if c == '-' || '0' <= c && c <= '9' {
			return d.number()
		}
	}
	return d.unexpected("JSON value")
}

// skipString reads a JSON string (a value or a member name) whose text is not needed, checking its escapes.
func (d *decoder) skipString() error {
	start := d.pos
	raw, escaped, err := d.rawString()
	if err == nil && escaped {
		if _, ok := appendUnescaped(d.scratch[:0], raw); !ok {
			d.pos = start
			return d.fail("invalid escape in string")
		}
	}
	return err
}

// number reads a JSON number.
func (d *decoder) number() error {
	i := d.pos
	digits := func() bool {
		start := i
		for i < len(d.data) && '0' <= d.data[i] && d.data[i] <= '9' {
			i++
		}
		return i > start
	}
	if i < len(d.data) && d.data[i] == '-' {
		i++
	}
	if i < len(d.data) && d.data[i] == '0' {
		i++
	} else if !digits() {
		d.pos = i
		return d.unexpected("digit")
	}
	if i < len(d.data) && d.data[i] == '.' {
		i++
		if !digits() {
			d.pos = i
			return d.unexpected("digit")
		}
	}
	if i < len(d.data) && (d.data[i] == 'e' || d.data[i] == 'E') {
		i++
		if i < len(d.data) && (d.data[i] == '+' || d.data[i] == '-') {
			i++
		}
		if !digits() {
			d.pos = i
			return d.unexpected("digit")
		}
	}
	d.pos = i
	return nil
}

// ---- second pass: build ----

func (d *decoder) build() *page {
	p := &page{nextToken: d.nextToken}
	if d.itemCount == 0 {
		return p
	}
	p.items = make([]int32, 0, d.itemCount)
	p.attrs = make([]pageAttr, 0, d.attrCount)
	p.texts = make([]string, 0, d.textCount)
	b := builder{p: p, tape: d.tape, blobs: d.blobs, str: string(d.arena)}
	p.names = make([]string, len(d.names))
	for i, s := range d.names {
		p.names[i] = b.str[s.off:s.end]
	}
	d.seenItem = grow(d.seenItem, len(d.names))
	d.seenPos = grow(d.seenPos, len(d.names))
	for i := 0; i < len(d.tape); {
		n := d.tape[i] // kItem
		i++
		item := int32(len(p.items)) + 1
		p.items = append(p.items, int32(len(p.attrs)))
		for range n.a {
			var a pageAttr
			a, i = b.attr(i)
			if d.seenItem[a.name] == item { // a repeated name: the last one wins, as in the SDK's map
				p.attrs[d.seenPos[a.name]] = a
				continue
			}
			d.seenItem[a.name], d.seenPos[a.name] = item, int32(len(p.attrs))
			p.attrs = append(p.attrs, a)
		}
	}
	return p
}

// grow returns s with n zeroed elements.
func grow(s []int32, n int) []int32 {
	if cap(s) < n {
		return make([]int32, n)
	}
	s = s[:n]
	clear(s)
	return s
}

type builder struct {
	p     *page
	tape  []node
	blobs [][]byte
	str   string // the arena
}

// attr builds the attribute whose value's node is at i; it returns the index after the value's nodes.
func (b *builder) attr(i int) (pageAttr, int) {
	n := b.tape[i]
	a := pageAttr{name: n.name, kind: n.kind}
	switch n.kind {
	case kS, kN:
		a.at = b.appendText(n)
		return a, i + 1
	case kTrue, kFalse, kNull:
		return a, i + 1
	}
	var v driver.Value
	v, i = b.value(i)
	a.kind, a.at = kOther, int32(len(b.p.others))
	b.p.others = append(b.p.others, v)
	return a, i
}

// appendText appends the S or N value of node n to the page's texts and returns its index.
func (b *builder) appendText(n node) int32 {
	b.p.texts = append(b.p.texts, b.str[n.a:n.b])
	return int32(len(b.p.texts) - 1)
}

// value builds the value whose node is at i; it returns the index after the value's nodes.
func (b *builder) value(i int) (driver.Value, int) {
	n := b.tape[i]
	i++
	switch n.kind {
	case kS:
		return b.str[n.a:n.b], i
	case kN:
		return Number(b.str[n.a:n.b]), i
	case kTrue:
		return true, i
	case kFalse:
		return false, i
	case kNull:
		return nil, i
	case kB:
		return b.blobs[n.a], i
	case kM:
		m := make(map[string]any, n.a)
		for range n.a {
			k := b.p.names[b.tape[i].name]
			var v driver.Value
			v, i = b.value(i)
			m[k] = v
		}
		return m, i
	case kL:
		l := make([]any, n.a)
		for j := range l {
			l[j], i = b.value(i)
		}
		return l, i
	case kSS:
		s := make(StringSet, n.a)
		for j := range s {
			c := b.tape[i+j]
			s[j] = b.str[c.a:c.b]
		}
		return s, i + int(n.a)
	case kNS:
		s := make(NumberSet, n.a)
		for j := range s {
			c := b.tape[i+j]
			s[j] = Number(b.str[c.a:c.b])
		}
		return s, i + int(n.a)
	case kBS:
		s := make(BinarySet, n.a)
		for j := range s {
			s[j] = b.blobs[b.tape[i+j].a]
		}
		return s, i + int(n.a)
	}
	panic("dynasql: bad decode tape") // unreachable: parse writes only the kinds above
}

// ---- middleware ----

// fastDecodeOption makes an ExecuteStatement call decode its response with decodePage: pass it to
// Client.ExecuteStatement and read the page with pageFromOutput.
func fastDecodeOption(o *dynamodb.Options) { o.APIOptions = append(o.APIOptions, addFastDecode) }

// addFastDecode adds fastDecode to an ExecuteStatement stack, right inside (closer to the transport than)
// the SDK's operation deserializer: the response it reads has gone through every other Deserialize-step
// middleware, so it is the bytes the SDK would parse. In particular the body has been wrapped by
// DynamoDB's x-amz-crc32 validation (DynamoDB:ResponseChecksumValidation, unless the client disables it)
// and, when the client accepts gzip, by the decompression, which is outside the checksum (DynamoDB checksums
// the bytes on the wire). fastDecode reads that body to the end and closes it, which runs the checksum.
// Other operations are left alone.
func addFastDecode(stack *middleware.Stack) error {
	if stack.ID() != "ExecuteStatement" {
		return nil
	}
	if _, ok := stack.Deserialize.Get("OperationDeserializer"); !ok {
		return nil
	}
	return stack.Deserialize.Insert(fastDecode{}, "OperationDeserializer", middleware.After)
}

// fastDecode is a Deserialize-step middleware: for a 2xx response it decodes the body into a *page, stores
// it in the result metadata, and leaves the SDK a body without Items (its other members, NextToken
// included, stay for the SDK to decode as usual). Error responses pass through untouched. A body decodePage
// rejects is handed to the SDK as it was, so the SDK decodes it (or reports its own error).
type fastDecode struct{}

type pageKey struct{}

func (fastDecode) ID() string { return "dynasql:FastDecode" }

var bodyPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func (fastDecode) HandleDeserialize(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (
	middleware.DeserializeOutput, middleware.Metadata, error,
) {
	out, md, err := next.HandleDeserialize(ctx, in)
	if err != nil {
		return out, md, err
	}
	resp, ok := out.RawResponse.(*smithyhttp.Response)
	if !ok || resp.StatusCode < 200 || resp.StatusCode >= 300 || resp.Body == nil {
		return out, md, err
	}
	buf := bodyPool.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 8<<20 {
			buf.Reset()
			bodyPool.Put(buf)
		}
	}()
	if resp.ContentLength > 0 && resp.ContentLength <= 64<<20 {
		buf.Grow(int(resp.ContentLength) + bytes.MinRead)
	}
	_, rerr := buf.ReadFrom(resp.Body)
	cerr := resp.Body.Close() // runs the x-amz-crc32 check over what was read
	resp.Body = http.NoBody
	if rerr != nil {
		return out, md, &smithy.DeserializationError{Err: fmt.Errorf("dynasql: reading the ExecuteStatement response: %w", rerr)}
	}
	if cerr != nil {
		return out, md, &smithy.DeserializationError{Err: fmt.Errorf("dynasql: ExecuteStatement response rejected: %w", cerr)}
	}
	p, rest, derr := decodePageRest(buf.Bytes(), true)
	if derr != nil && buf.Len() > 0 && !startsWithJSONValue(buf.Bytes()) {
		// Not JSON: nothing the SDK could read either, and its JSON reader panics on some such bodies
		// (smithy-go v1.28.8, e.g. `{"Items":[{"":{"M":{"":{"L":[,{}]`), which would take the program down.
		return out, md, &smithy.DeserializationError{Err: fmt.Errorf("dynasql: the ExecuteStatement response is not valid JSON: %w", derr)}
	}
	if derr != nil {
		// Valid JSON of a shape the decoder leaves to the SDK: let it decode (or reject) it; the driver then
		// reads out.Items.
		resp.Body = io.NopCloser(bytes.NewReader(bytes.Clone(buf.Bytes())))
		resp.ContentLength = int64(buf.Len())
		return out, md, nil
	}
	md.Set(pageKey{}, p)
	resp.Body = io.NopCloser(bytes.NewReader(rest))
	resp.ContentLength = int64(len(rest))
	return out, md, nil
}

// startsWithJSONValue reports whether body begins with one whole JSON value. That is all the SDK reads: it
// ignores what follows.
func startsWithJSONValue(body []byte) bool {
	var value json.RawMessage
	return json.NewDecoder(bytes.NewReader(body)).Decode(&value) == nil
}

// pageFromOutput returns the page fastDecode decoded for out, or nil when it did not run (a Client that
// ignores option functions) or handed the body to the SDK: then out.Items holds the items.
func pageFromOutput(out *dynamodb.ExecuteStatementOutput) *page {
	if out == nil {
		return nil
	}
	p, _ := out.ResultMetadata.Get(pageKey{}).(*page)
	return p
}
