package dynasql

import (
	"context"
	"crypto/rand"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/dynasql/dynasql/partiql"
)

// MaxTransactionStatements is DynamoDB's limit on the statements of one ExecuteTransaction.
const MaxTransactionStatements = 100

var (
	errTxPending      = errors.New("dynasql: RowsAffected of a statement in a transaction is known only after Commit")
	errTxDeleteCount  = errors.New("dynasql: DynamoDB does not say whether a DELETE inside a transaction found its item; RowsAffected is unknown")
	errTxNotCommitted = errors.New("dynasql: the transaction did not commit")
	errNoLastInsertID = errors.New("dynasql: DynamoDB has no auto-generated ids; LastInsertId is not supported")
)

// transaction buffers a sql.Tx's writes and sends them as one ExecuteTransaction on Commit: all of them are
// applied, or none. Reads run at once, strongly consistent, and are not part of the atomic unit.
type transaction struct {
	conn       *conn
	ctx        context.Context // BeginTx's: database/sql rolls back when it ends, and Commit runs under it
	readOnly   bool
	statements []types.ParameterizedStatement
	results    []*txResult
	// token makes the commit idempotent for 10 minutes: every retry of this transaction reuses it, so DynamoDB
	// applies the writes at most once.
	token string
}

var (
	_ driver.Tx     = (*transaction)(nil)
	_ driver.Result = (*txResult)(nil)
)

// BeginTx starts a transaction. Isolation: the default or serializable (what ExecuteTransaction gives).
// ReadOnly: writes are refused at once and reads run strongly consistent; Commit sends nothing.
func (c *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if c.tx != nil {
		return nil, errors.New("dynasql: a transaction is already open on this connection")
	}
	switch level := sql.IsolationLevel(opts.Isolation); level {
	case sql.LevelDefault, sql.LevelSerializable:
	default:
		return nil, fmt.Errorf("dynasql: isolation level %s is not supported: DynamoDB transactions are serializable", level)
	}
	token, err := newRequestToken()
	if err != nil {
		return nil, err
	}
	c.tx = &transaction{conn: c, ctx: ctx, readOnly: opts.ReadOnly, token: token}
	return c.tx, nil
}

func newRequestToken() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("dynasql: making a request token: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// add validates a write (or EXISTS condition check) and buffers it; a multi-row INSERT adds one statement a row.
func (t *transaction) add(q *partiql.Compiled, b bound) error {
	if t.readOnly {
		return fmt.Errorf("dynasql: %s in a read-only transaction", q.Kind)
	}
	if q.Returning {
		return fmt.Errorf("dynasql: %s with RETURNING cannot run inside a transaction: DynamoDB transactions return no items", q.Kind)
	}
	if n := len(t.statements) + len(q.Parts); n > MaxTransactionStatements {
		return fmt.Errorf("dynasql: %s would make statement %d of the transaction; DynamoDB allows at most %d", q.Kind, n, MaxTransactionStatements)
	}
	for i := range q.Parts {
		t.statements = append(t.statements, types.ParameterizedStatement{Statement: &q.Parts[i].Text, Parameters: b.params[i]})
	}
	t.results = append(t.results, &txResult{tx: t, rows: int64(len(q.Parts)), kind: q.Kind})
	return nil
}

func (t *transaction) lastResult() *txResult { return t.results[len(t.results)-1] }

// Commit sends the buffered statements as one ExecuteTransaction and waits for DynamoDB's answer. It is
// retried under the driver's policy with the transaction's own token, so it is applied at most once.
func (t *transaction) Commit() error {
	t.conn.tx = nil
	if len(t.statements) == 0 {
		t.markCommitted()
		return nil
	}
	input := &dynamodb.ExecuteTransactionInput{TransactStatements: t.statements, ClientRequestToken: &t.token}
	c := t.conn.connector
	result := c.retry(t.ctx, true, func(ctx context.Context) error {
		_, err := c.client.ExecuteTransaction(ctx, input)
		return err
	})
	if result.err != nil {
		return transactionError("COMMIT", "", result)
	}
	t.markCommitted()
	return nil
}

func (t *transaction) markCommitted() {
	for _, r := range t.results {
		r.committed = true
	}
}

// Rollback discards the buffered writes; nothing was sent.
func (t *transaction) Rollback() error {
	t.conn.tx = nil
	t.statements, t.results = nil, nil
	return nil
}

// txResult is the result of a write inside a transaction: its count is known once the transaction commits.
type txResult struct {
	tx        *transaction
	rows      int64
	kind      partiql.Kind
	committed bool
}

func (r *txResult) LastInsertId() (int64, error) { return 0, errNoLastInsertID }

func (r *txResult) RowsAffected() (int64, error) {
	switch {
	case !r.committed && r.tx.conn.tx == r.tx:
		return 0, errTxPending
	case !r.committed:
		return 0, errTxNotCommitted
	case r.kind == partiql.KindDelete:
		return 0, errTxDeleteCount
	case r.kind == partiql.KindExists:
		return 0, nil
	}
	return r.rows, nil
}
