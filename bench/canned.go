package main

import (
	"hash/crc32"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
)

// cannedServer answers every DynamoDB call with a fixed body, shaped like DynamoDB's own answers (captured
// from DynamoDB Local): Content-Type application/x-amz-json-1.0, x-amzn-RequestId, x-amz-crc32 and the JSON
// body. ExecuteStatement gets body; DescribeTable a table keyed on "id" (dynasql asks for it only on
// SELECT *); anything else an empty object. The handler reads the whole request body first, as a real server
// does, so that only client work differs between contenders.
type cannedServer struct {
	*httptest.Server
	body, describe []byte
	crc, crcDesc   string
}

func newCannedServer(body []byte) *cannedServer {
	s := &cannedServer{
		body:     body,
		describe: []byte(`{"Table":{"TableName":"t","TableStatus":"ACTIVE","KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}]}}`),
	}
	s.crc = strconv.FormatUint(uint64(crc32.ChecksumIEEE(s.body)), 10)
	s.crcDesc = strconv.FormatUint(uint64(crc32.ChecksumIEEE(s.describe)), 10)
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

func (s *cannedServer) serve(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	body, crc := []byte("{}"), "2745614147"
	switch target := r.Header.Get("X-Amz-Target"); {
	case strings.HasSuffix(target, ".ExecuteStatement"):
		body, crc = s.body, s.crc
	case strings.HasSuffix(target, ".DescribeTable"):
		body, crc = s.describe, s.crcDesc
	}
	h := w.Header()
	h["Content-Type"] = []string{"application/x-amz-json-1.0"}
	h["X-Amzn-Requestid"] = []string{"00000000-0000-0000-0000-000000000000"}
	h["X-Amz-Crc32"] = []string{crc}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	_, _ = w.Write(body)
}
