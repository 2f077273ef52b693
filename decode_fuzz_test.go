package dynasql

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"testing"
)

// FuzzDecodePage feeds decodePage arbitrary bodies. It must never panic; it must accept every body that
// encoding/json finds to be a valid ExecuteStatement response (responseShape); a body that is not JSON must
// be an error on the driver's path, even where the SDK reads it or panics on it; and whenever both it and the
// SDK accept a body, they (and the fastDecode middleware) must give the same rows and NextToken.
func FuzzDecodePage(f *testing.F) {
	for _, body := range decodeEdgeCases {
		f.Add([]byte(body))
	}
	for _, body := range decodeRefused {
		f.Add([]byte(body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		_, err := decodePage(body)
		if err != nil && responseShape(body) {
			t.Fatalf("refused a valid response: %v\n%q", err, body)
		}
		_ = compareWithSDK(t, body, false)
	})
}

// responseShape reports whether body is valid JSON of an ExecuteStatement response, as encoding/json reads
// it: an object with distinct member names; Items null or a list of items, NextToken null or a string; an
// item a map of attribute values, nested at most 100 deep, each an object of exactly one known type with a
// value of the right JSON type (binaries valid base64). Other members may hold any JSON.
func responseShape(body []byte) bool {
	if len(body) == 0 {
		return true // the SDK reads an empty body as an empty response
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	s := shapeReader{dec: dec}
	ok := s.response()
	if _, err := dec.Token(); ok && !errors.Is(err, io.EOF) {
		return false
	}
	return ok && s.err == nil
}

type shapeReader struct {
	dec *json.Decoder
	err error
}

func (s *shapeReader) token() json.Token {
	if s.err != nil {
		return nil
	}
	tok, err := s.dec.Token()
	if err != nil {
		s.err = err
		return nil
	}
	return tok
}

func (s *shapeReader) delim(d json.Delim) bool {
	tok := s.token()
	got, ok := tok.(json.Delim)
	return ok && got == d
}

func (s *shapeReader) key() (string, bool) {
	k, ok := s.token().(string)
	return k, ok
}

func (s *shapeReader) response() bool {
	if !s.delim('{') {
		return false
	}
	seen := map[string]bool{}
	for s.dec.More() {
		k, ok := s.key()
		if !ok || seen[k] {
			return false
		}
		seen[k] = true
		switch k {
		case "Items":
			switch tok := s.token(); tok {
			case nil:
				if s.err != nil {
					return false
				}
			case json.Delim('['):
				for s.dec.More() {
					if !s.delim('{') || !s.entries(0) {
						return false
					}
				}
				if !s.delim(']') {
					return false
				}
			default:
				return false
			}
		case "NextToken":
			switch s.token().(type) {
			case string:
			case nil:
				if s.err != nil {
					return false
				}
			default:
				return false
			}
		default:
			var raw json.RawMessage
			if err := s.dec.Decode(&raw); err != nil {
				return false
			}
		}
	}
	return s.delim('}')
}

// entries reads the entries of a map (or item) whose '{' was read, and its '}'.
func (s *shapeReader) entries(depth int) bool {
	for s.dec.More() {
		if _, ok := s.key(); !ok || !s.value(depth) {
			return false
		}
	}
	return s.delim('}')
}

func (s *shapeReader) value(depth int) bool {
	if depth > 100 || !s.delim('{') {
		return false
	}
	typ, ok := s.key()
	if !ok {
		return false
	}
	switch typ {
	case "S", "N":
		_, ok = s.token().(string)
	case "B":
		ok = s.base64()
	case "BOOL", "NULL":
		_, ok = s.token().(bool)
	case "M":
		ok = s.delim('{') && s.entries(depth+1)
	case "L":
		ok = s.delim('[')
		for ok && s.dec.More() {
			ok = s.value(depth + 1)
		}
		ok = ok && s.delim(']')
	case "SS", "NS", "BS":
		ok = s.delim('[')
		for ok && s.dec.More() {
			if typ == "BS" {
				ok = s.base64()
			} else {
				_, ok = s.token().(string)
			}
		}
		ok = ok && s.delim(']')
	default:
		return false
	}
	return ok && s.delim('}')
}

func (s *shapeReader) base64() bool {
	str, ok := s.token().(string)
	if !ok {
		return false
	}
	_, err := base64.StdEncoding.DecodeString(str)
	return err == nil
}
