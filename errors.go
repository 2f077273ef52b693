package dynasql

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Sentinels for errors.Is. Every error the driver returns for a failed request is an *Error that wraps one of
// these where it applies, and the SDK's own error, so errors.As(err, &*types.TransactionCanceledException) works.
var (
	// ErrDuplicateItem: an INSERT found an item with the same key (DuplicateItemException on AWS, DuplicateItem
	// on DynamoDB Local).
	ErrDuplicateItem = errors.New("duplicate item")
	// ErrConditionalCheckFailed: a condition failed where it stays an error, such as inside a transaction.
	// Outside one, an UPDATE or DELETE whose WHERE matches nothing affects 0 rows instead.
	ErrConditionalCheckFailed = errors.New("conditional check failed")
	// ErrTransactionCanceled: DynamoDB canceled a transaction; the message names each failing statement.
	ErrTransactionCanceled = errors.New("transaction canceled")
	// ErrOutcomeUnknown: a write was sent but no answer came back (timeout, reset, 5xx, a lost response), so it
	// may or may not have been applied. The driver does not resend such a write; see Config.SafeWrites.
	ErrOutcomeUnknown = errors.New("outcome unknown")
	// ErrThrottled: DynamoDB kept throttling the request after every attempt the retry policy allows.
	ErrThrottled = errors.New("throttled")
)

// errConnectorClosed is returned once the connector (and with it the shared client) has been closed.
var errConnectorClosed = errors.New("dynasql: connector is closed")

// Error is a failed statement, transaction or batch. Its message names the operation and table, never a
// parameter value.
type Error struct {
	Op    string // SELECT, INSERT, UPDATE, DELETE, EXISTS, COMMIT, BATCH INSERT, PING
	Table string // "" when not one table (a transaction)
	Kind  error  // one of the Err* sentinels, or nil
	// Detail says more about Kind: for a canceled transaction, the index and reason of each failing statement.
	Detail string
	Err    error // the cause: the SDK's error, or the context's
	// reasons holds the sentinels a canceled transaction's reasons call for (ErrConditionalCheckFailed,
	// ErrDuplicateItem), so errors.Is finds them beside ErrTransactionCanceled.
	reasons []error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("dynasql: ")
	b.WriteString(e.Op)
	if e.Table != "" {
		b.WriteString(" ")
		b.WriteString(quoteIdent(e.Table))
	}
	if e.Kind != nil {
		b.WriteString(": ")
		b.WriteString(e.Kind.Error())
	}
	if e.Detail != "" {
		b.WriteString(" (")
		b.WriteString(e.Detail)
		b.WriteString(")")
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap exposes both the sentinel and the cause to errors.Is and errors.As.
func (e *Error) Unwrap() []error {
	errs := make([]error, 0, 2+len(e.reasons))
	if e.Kind != nil {
		errs = append(errs, e.Kind)
	}
	errs = append(errs, e.reasons...)
	return append(errs, e.Err)
}

func quoteIdent(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// errorCode returns the service's error code ("" when err is not a service error).
func errorCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}

// errorKind maps a service error to the driver's sentinel for it, or nil.
func errorKind(err error) error {
	switch errorCode(err) {
	case "DuplicateItemException", "DuplicateItem":
		return ErrDuplicateItem
	case "ConditionalCheckFailedException", "ConditionalCheckFailed":
		return ErrConditionalCheckFailed
	case "TransactionCanceledException":
		return ErrTransactionCanceled
	}
	return nil
}

// failure says what a failed attempt means for retrying it.
type failure int

const (
	failDefinite  failure = iota // the service answered with an error: resending changes nothing
	failNotSent                  // the request cannot have reached the service: safe to resend
	failThrottled                // the service refused for capacity: nothing applied, resend after a pause
	failAmbiguous                // it may have been processed: safe to resend only if idempotent
	failCanceled                 // the caller's context ended
)

func isThrottleCode(code string) bool {
	switch code {
	case "ProvisionedThroughputExceededException", "ProvisionedThroughputExceeded",
		"ThrottlingException", "Throttling", "ThrottlingError", "RequestLimitExceeded",
		"RequestThrottled", "TooManyRequestsException":
		return true
	}
	return false
}

// classify decides what a failed attempt means. ctx is the caller's context: its end is never retried.
func classify(ctx context.Context, err error) failure {
	if ctx.Err() != nil {
		return failCanceled
	}
	code := errorCode(err)
	// TransactionInProgressException: an earlier attempt with the same token is still running; nothing new
	// was applied, so it is retried like throttling.
	if isThrottleCode(code) || code == "TransactionInProgressException" {
		return failThrottled
	}
	var respErr *smithyhttp.ResponseError
	// The SDK also wraps a request that was never answered (a failed dial, a reset) in a ResponseError, with
	// no response or status 0: that case is decided below, by what the transport said.
	if errors.As(err, &respErr) && respErr.Response != nil && respErr.Response.Response != nil && respErr.HTTPStatusCode() != 0 {
		if respErr.HTTPStatusCode() >= 500 {
			return failAmbiguous
		}
		if code != "" || respErr.HTTPStatusCode() >= 400 {
			return failDefinite
		}
		// A 2xx whose body could not be read (the request-body race, a dropped connection): processed.
		return failAmbiguous
	}
	if code != "" {
		return failDefinite
	}
	if notSent(err) {
		return failNotSent
	}
	return failAmbiguous
}

// notSent reports whether err proves the request never left this process: a failed dial, DNS lookup, or
// credential/signing step.
func notSent(err error) bool {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return true
	}
	var sendErr *smithyhttp.RequestSendError
	if errors.As(err, &sendErr) {
		return false
	}
	// Errors before the transport (credentials, signing, serialization) carry no HTTP layer at all.
	var opError *smithy.OperationError
	var respErr *smithyhttp.ResponseError
	var netErr net.Error
	return errors.As(err, &opError) && !errors.As(err, &respErr) && !errors.As(err, &netErr)
}

// transactionError is requestError for ExecuteTransaction: it names each failing statement of a canceled
// transaction with its reason and adds the sentinels those reasons call for.
func transactionError(op, table string, r attemptResult) *Error {
	err := requestError(op, table, r, true).(*Error)
	var tce *types.TransactionCanceledException
	if !errors.As(r.err, &tce) {
		return err
	}
	var failing []string
	for i, reason := range tce.CancellationReasons {
		code, message := aws.ToString(reason.Code), aws.ToString(reason.Message)
		if code == "" || code == "None" {
			continue
		}
		item := fmt.Sprintf("statement %d: %s", i, code)
		if message != "" {
			item += " (" + message + ")"
		}
		failing = append(failing, item)
		if kind := reasonKind(code, message); kind != nil && !slices.Contains(err.reasons, kind) {
			err.reasons = append(err.reasons, kind)
		}
	}
	err.Detail = strings.Join(failing, ", ")
	return err
}

// reasonKind maps a cancellation reason to a sentinel. DynamoDB Local reports a duplicate INSERT inside a
// transaction as ValidationError "Duplicate primary key exists in table"; AWS as DuplicateItem.
func reasonKind(code, message string) error {
	switch {
	case code == "ConditionalCheckFailed":
		return ErrConditionalCheckFailed
	case code == "DuplicateItem", code == "ValidationError" && strings.Contains(message, "Duplicate primary key"):
		return ErrDuplicateItem
	}
	return nil
}
