package dynasql

import (
	"context"
	"database/sql/driver"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	"github.com/dynasql/dynasql/partiql"
)

// MaxBatchStatements is DynamoDB's limit on the statements of one BatchExecuteStatement.
const MaxBatchStatements = 25

// BatchError reports the rows of a multi-row INSERT that failed for good. The other rows were written:
// retry exactly the rows in Failures and nothing is lost or written twice.
type BatchError struct {
	Table    string
	Rows     int            // rows in the statement
	Written  int64          // rows written
	Failures []BatchFailure // by row position
}

// BatchFailure is one row that was not written, or whose outcome is unknown (Err wraps ErrOutcomeUnknown).
type BatchFailure struct {
	Row int   // 0-based position of the row in VALUES
	Err error // an *Error wrapping the row's sentinel (ErrDuplicateItem...) and DynamoDB's reason
}

func (e *BatchError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "dynasql: INSERT %s: %d of %d rows failed:", quoteIdent(e.Table), len(e.Failures), e.Rows)
	for i, f := range e.Failures {
		if i == 10 {
			fmt.Fprintf(&b, " ... and %d more", len(e.Failures)-i)
			break
		}
		if i > 0 {
			b.WriteString(";")
		}
		reason := f.Err.Error()
		if ferr, ok := f.Err.(*Error); ok && ferr.Err != nil {
			reason = ferr.Err.Error()
		}
		fmt.Fprintf(&b, " row %d: %s", f.Row, reason)
	}
	return b.String()
}

// Unwrap exposes each failure's error, so errors.Is(err, ErrDuplicateItem) holds when any row was a duplicate.
func (e *BatchError) Unwrap() []error {
	errs := make([]error, len(e.Failures))
	for i, f := range e.Failures {
		errs[i] = f.Err
	}
	return errs
}

// FailedRows returns the positions of the rows that were not written (or may not have been).
func (e *BatchError) FailedRows() []int {
	rows := make([]int, len(e.Failures))
	for i, f := range e.Failures {
		rows[i] = f.Row
	}
	return rows
}

// batchInsert writes the rows of a multi-row INSERT as BatchExecuteStatement requests of up to 25 statements,
// Config.BatchConcurrency of them in flight. Throttled statements are retried with backoff; rows that fail for
// good do not stop the others and are reported in a *BatchError.
func (c *Connector) batchInsert(ctx context.Context, q *partiql.Compiled, b bound) (driver.Result, error) {
	var (
		mu       sync.Mutex
		written  int64
		failures []BatchFailure
		wg       sync.WaitGroup
	)
	record := func(n int64, failed []BatchFailure) {
		mu.Lock()
		written += n
		failures = append(failures, failed...)
		mu.Unlock()
	}
	slots := make(chan struct{}, max(c.cfg.BatchConcurrency, 1))
	for start := 0; start < len(q.Parts); start += MaxBatchStatements {
		end := min(start+MaxBatchStatements, len(q.Parts))
		slots <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			record(c.writeBatch(ctx, q, b, start, end))
		}()
	}
	wg.Wait()
	if len(failures) > 0 {
		sort.Slice(failures, func(i, j int) bool { return failures[i].Row < failures[j].Row })
		return nil, &BatchError{Table: q.Table, Rows: len(q.Parts), Written: written, Failures: failures}
	}
	return driver.RowsAffected(written), nil
}

// writeBatch writes rows [start, end) in one BatchExecuteStatement, resending the statements DynamoDB
// throttled until they succeed or the attempts run out.
func (c *Connector) writeBatch(ctx context.Context, q *partiql.Compiled, b bound, start, end int) (int64, []BatchFailure) {
	pending := make([]int, 0, end-start)
	for row := start; row < end; row++ {
		pending = append(pending, row)
	}
	var written int64
	var failures []BatchFailure
	fail := func(row int, kind error, cause error) {
		failures = append(failures, BatchFailure{Row: row, Err: &Error{Op: "INSERT", Table: q.Table, Kind: kind, Err: cause}})
	}
	for attempt := 1; len(pending) > 0; attempt++ {
		statements := make([]types.BatchStatementRequest, len(pending))
		for i, row := range pending {
			statements[i] = types.BatchStatementRequest{Statement: &q.Parts[row].Text, Parameters: b.params[row]}
		}
		var out *dynamodb.BatchExecuteStatementOutput
		// Not idempotent: a resent INSERT that was applied would come back as a false duplicate.
		result := c.retry(ctx, false, func(ctx context.Context) error {
			var err error
			out, err = c.client.BatchExecuteStatement(ctx, &dynamodb.BatchExecuteStatementInput{Statements: statements})
			return err
		})
		if result.err != nil {
			reqErr := requestError("INSERT", q.Table, result, true).(*Error)
			for _, row := range pending {
				fail(row, reqErr.Kind, reqErr.Err)
			}
			return written, failures
		}
		var throttled []int
		for i, row := range pending {
			if i >= len(out.Responses) {
				fail(row, ErrOutcomeUnknown, fmt.Errorf("DynamoDB answered %d of %d statements", len(out.Responses), len(pending)))
				continue
			}
			if out.Responses[i].Error == nil {
				written++
				continue
			}
			stmtErr := out.Responses[i].Error
			code := string(stmtErr.Code)
			cause := &smithy.GenericAPIError{Code: code, Message: derefString(stmtErr.Message)}
			switch {
			case isThrottleCode(code) || code == string(types.BatchStatementErrorCodeEnumTransactionConflict):
				throttled = append(throttled, row)
			case code == string(types.BatchStatementErrorCodeEnumInternalServerError):
				fail(row, ErrOutcomeUnknown, cause)
			default:
				fail(row, errorKind(cause), cause)
			}
		}
		pending = throttled
		if len(pending) == 0 {
			break
		}
		if attempt >= c.cfg.MaxAttempts {
			for _, row := range pending {
				fail(row, ErrThrottled, fmt.Errorf("still throttled after %d attempts", attempt))
			}
			break
		}
		if err := sleep(ctx, backoff(attempt, c.cfg.MaxBackoff)); err != nil {
			for _, row := range pending {
				fail(row, nil, err)
			}
			break
		}
	}
	return written, failures
}

func derefString(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
