package dynasql

import (
	"context"
	"errors"
	"net"
	"net/http"
	"testing"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stretchr/testify/assert"
)

// classify decides whether an attempt may be resent; each failure the SDK can hand back maps to one answer.
func TestClassify(t *testing.T) {
	op := func(err error) error {
		return &smithy.OperationError{ServiceID: "DynamoDB", OperationName: "ExecuteStatement", Err: err}
	}
	response := func(status int, err error) error {
		return op(&smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}}, Err: err})
	}
	sendFailure := func(netOp string) error {
		return op(&smithyhttp.RequestSendError{Err: &net.OpError{Op: netOp, Net: "tcp", Err: errors.New("boom")}})
	}
	api := func(code string) error { return &smithy.GenericAPIError{Code: code, Message: "m"} }

	tests := []struct {
		name string
		err  error
		want failure
	}{
		{"credentials could not be retrieved", op(errors.New("failed to retrieve credentials")), failNotSent},
		{"dial refused", sendFailure("dial"), failNotSent},
		{"dial refused, wrapped in a status-0 response error", response(0, sendFailure("dial")), failNotSent},
		{"DNS lookup failed", op(&smithyhttp.RequestSendError{Err: &net.DNSError{Err: "no such host", Name: "x"}}), failNotSent},
		{"connection reset after sending", sendFailure("read"), failAmbiguous},
		{"500", response(500, api("InternalServerError")), failAmbiguous},
		{"200 whose body could not be read", response(200, &smithy.DeserializationError{Err: errors.New("use of closed network connection")}), failAmbiguous},
		{"throttled", response(400, api("ProvisionedThroughputExceededException")), failThrottled},
		{"transaction still in progress", response(400, api("TransactionInProgressException")), failThrottled},
		{"conditional check failed", response(400, api("ConditionalCheckFailedException")), failDefinite},
		{"validation error", response(400, api("ValidationException")), failDefinite},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, classify(context.Background(), tt.err))
		})
	}

	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	assert.Equal(t, failCanceled, classify(canceled, response(500, api("InternalServerError"))), "the caller's context ending wins")
}
