package dynasql_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/jmoiron/sqlx"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynasql/dynasql"
	"github.com/dynasql/dynasql/internal/dynamotest"
)

// rowsAffected returns a function taking Exec's two results: rowsAffected(t)(db.Exec(...)).
func rowsAffected(t *testing.T) func(sql.Result, error) int64 {
	return func(res sql.Result, err error) int64 {
		t.Helper()
		require.NoError(t, err)
		n, err := res.RowsAffected()
		require.NoError(t, err)
		return n
	}
}

// countItems counts a table's items through the raw SDK, not through the driver under test.
func countItems(t *testing.T, table string) int {
	t.Helper()
	out, err := dynamotest.Client(t).Scan(context.Background(), &dynamodb.ScanInput{TableName: &table, Select: types.SelectCount})
	require.NoError(t, err)
	return int(out.Count)
}

// bothModes runs a test with plain writes and with safe_writes, which sends each write as a transaction.
func bothModes(t *testing.T, run func(t *testing.T, db *sql.DB)) {
	for _, mode := range []struct {
		name   string
		params []string
	}{{"plain", nil}, {"safe_writes", []string{"safe_writes=true"}}} {
		t.Run(mode.name, func(t *testing.T) { run(t, dynamotest.Open(t, mode.params...)) })
	}
}

func TestRowsAffectedIsExact(t *testing.T) {
	bothModes(t, func(t *testing.T, db *sql.DB) {
		table := dynamotest.CreateTable(t, "affected", stringKey)
		q := func(s string) string { return fmt.Sprintf(s, table) }

		assert.Equal(t, int64(1), rowsAffected(t)(db.Exec(q(`INSERT INTO "%s" VALUE {'id': ?, 'v': ?}`), "a", 1)))

		_, err := db.Exec(q(`INSERT INTO "%s" VALUE {'id': ?, 'v': ?}`), "a", 2)
		require.Error(t, err)
		assert.True(t, errors.Is(err, dynasql.ErrDuplicateItem), "got %v", err)
		assert.Contains(t, err.Error(), "INSERT")
		assert.Contains(t, err.Error(), table)

		assert.Equal(t, int64(1), rowsAffected(t)(db.Exec(q(`UPDATE "%s" SET v = ? WHERE id = ?`), 5, "a")))
		assert.Equal(t, int64(0), rowsAffected(t)(db.Exec(q(`UPDATE "%s" SET v = ? WHERE id = ?`), 5, "missing")), "missing key")
		assert.Equal(t, int64(0), rowsAffected(t)(db.Exec(q(`UPDATE "%s" SET v = ? WHERE id = ? AND v = ?`), 6, "a", 99)), "false predicate")

		assert.Equal(t, int64(0), rowsAffected(t)(db.Exec(q(`DELETE FROM "%s" WHERE id = ? AND v = ?`), "a", 99)), "false predicate")
		assert.Equal(t, int64(0), rowsAffected(t)(db.Exec(q(`DELETE FROM "%s" WHERE id = ?`), "missing")), "missing key")
		assert.Equal(t, int64(1), rowsAffected(t)(db.Exec(q(`DELETE FROM "%s" WHERE id = ?`), "a")))
		assert.Equal(t, 0, countItems(t, table))
	})
}

func TestErrorMessagesNeverHoldParameterValues(t *testing.T) {
	db := dynamotest.Open(t)
	table := dynamotest.CreateTable(t, "secret", stringKey)
	const secret = "p4ssw0rd-value"
	_, err := db.Exec(fmt.Sprintf(`INSERT INTO "%s" VALUE {'id': ?, 'pw': ?}`, table), "a", secret)
	require.NoError(t, err)
	_, err = db.Exec(fmt.Sprintf(`INSERT INTO "%s" VALUE {'id': ?, 'pw': ?}`, table), "a", secret)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), secret)
	_, err = db.Exec(fmt.Sprintf(`INSERT INTO "%s" VALUE {'id': ?, 'pw': ?}`, table), "a", make(chan int))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "chan int")
}

func TestOptimisticLocking(t *testing.T) {
	db := dynamotest.Open(t)
	table := dynamotest.CreateTable(t, "locking", stringKey)
	_, err := db.Exec(fmt.Sprintf(`INSERT INTO "%s" VALUE {'id': ?, 'name': ?, 'version': ?}`, table), "u", "Ada", 1)
	require.NoError(t, err)
	update := fmt.Sprintf(`UPDATE "%s" SET name = ?, version = version + 1 WHERE id = ? AND version = ?`, table)

	// Two writers read version 1; the first to write wins, the second sees 0 rows and must reload.
	assert.Equal(t, int64(1), rowsAffected(t)(db.Exec(update, "Ada Lovelace", "u", 1)))
	assert.Equal(t, int64(0), rowsAffected(t)(db.Exec(update, "Ada Byron", "u", 1)))

	var name string
	var version int
	require.NoError(t, db.QueryRow(fmt.Sprintf(`SELECT name, version FROM "%s" WHERE id = ?`, table), "u").Scan(&name, &version))
	assert.Equal(t, "Ada Lovelace", name)
	assert.Equal(t, 2, version)
}

func TestReturningRunsThroughQuery(t *testing.T) {
	db := dynamotest.Open(t)
	table := dynamotest.CreateTable(t, "returning", stringKey)
	_, err := db.Exec(fmt.Sprintf(`INSERT INTO "%s" VALUE {'id': ?, 'n': ?}`, table), "a", 1)
	require.NoError(t, err)

	var id string
	var n int
	require.NoError(t, db.QueryRow(fmt.Sprintf(`UPDATE "%s" SET n = n + 1 WHERE id = ? RETURNING ALL NEW *`, table), "a").Scan(&id, &n))
	assert.Equal(t, "a", id)
	assert.Equal(t, 2, n)

	err = db.QueryRow(fmt.Sprintf(`UPDATE "%s" SET n = n + 1 WHERE id = ? RETURNING ALL NEW *`, table), "missing").Scan(&id, &n)
	assert.ErrorIs(t, err, sql.ErrNoRows, "nothing matched: no rows, as RowsAffected would say 0")

	require.NoError(t, db.QueryRow(fmt.Sprintf(`DELETE FROM "%s" WHERE id = ? RETURNING ALL OLD *`, table), "a").Scan(&id, &n))
	assert.Equal(t, 2, n)
	assert.Equal(t, 0, countItems(t, table))
}

func TestTransactionCommitsAtomically(t *testing.T) {
	db, client := openCounting(t)
	table := dynamotest.CreateTable(t, "tx", stringKey)
	q := func(s string) string { return fmt.Sprintf(s, table) }
	_, err := db.Exec(q(`INSERT INTO "%s" VALUE {'id': ?, 'balance': ?}`), "alice", 100)
	require.NoError(t, err)
	_, err = db.Exec(q(`INSERT INTO "%s" VALUE {'id': ?, 'balance': ?}`), "gone", 1)
	require.NoError(t, err)
	_, err = db.Exec(q(`INSERT INTO "%s" VALUE {'id': ?, 'balance': ?}`), "bank", 1000)
	require.NoError(t, err)

	tx, err := db.BeginTx(context.Background(), nil)
	require.NoError(t, err)
	res1, err := tx.Exec(q(`UPDATE "%s" SET balance = balance - ? WHERE id = ? AND balance >= ?`), 30, "alice", 30)
	require.NoError(t, err)
	res2, err := tx.Exec(q(`INSERT INTO "%s" (id, balance) VALUES (?, ?), (?, ?)`), "bob", 20, "carol", 10)
	require.NoError(t, err)
	res3, err := tx.Exec(q(`DELETE FROM "%s" WHERE id = ?`), "gone")
	require.NoError(t, err)
	_, err = tx.Exec(q(`EXISTS(SELECT * FROM "%s" WHERE id = ? AND balance >= ?)`), "bank", 1000)
	require.NoError(t, err)

	_, err = res1.RowsAffected()
	assert.Error(t, err, "the count is known only after Commit")
	var balance int
	require.NoError(t, tx.QueryRow(q(`SELECT balance FROM "%s" WHERE id = ?`), "alice").Scan(&balance))
	assert.Equal(t, 100, balance, "reads inside the transaction do not see its buffered writes")
	assert.Equal(t, int64(0), client.transactions.Load(), "nothing sent before Commit")

	require.NoError(t, tx.Commit())
	assert.Equal(t, int64(1), client.transactions.Load(), "one ExecuteTransaction")
	n, err := res1.RowsAffected()
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
	n, err = res2.RowsAffected()
	require.NoError(t, err)
	assert.Equal(t, int64(2), n)
	_, err = res3.RowsAffected()
	assert.Error(t, err, "DynamoDB does not say whether a DELETE in a transaction found its item")

	require.NoError(t, db.QueryRow(q(`SELECT balance FROM "%s" WHERE id = ?`), "alice").Scan(&balance))
	assert.Equal(t, 70, balance)
	assert.Equal(t, 4, countItems(t, table), "alice, bob, carol, bank")
}

func TestCanceledTransactionLeavesNothingBehind(t *testing.T) {
	db := dynamotest.Open(t)
	table := dynamotest.CreateTable(t, "txcancel", stringKey)
	q := func(s string) string { return fmt.Sprintf(s, table) }
	_, err := db.Exec(q(`INSERT INTO "%s" VALUE {'id': ?, 'balance': ?}`), "alice", 10)
	require.NoError(t, err)

	tx, err := db.Begin()
	require.NoError(t, err)
	_, err = tx.Exec(q(`INSERT INTO "%s" VALUE {'id': ?, 'balance': ?}`), "bob", 5)
	require.NoError(t, err)
	_, err = tx.Exec(q(`UPDATE "%s" SET balance = balance - ? WHERE id = ? AND balance >= ?`), 50, "alice", 50)
	require.NoError(t, err)
	err = tx.Commit()
	require.Error(t, err)
	assert.True(t, errors.Is(err, dynasql.ErrTransactionCanceled), "got %v", err)
	assert.True(t, errors.Is(err, dynasql.ErrConditionalCheckFailed), "got %v", err)
	var tce *types.TransactionCanceledException
	require.True(t, errors.As(err, &tce), "wraps the SDK exception")
	require.Len(t, tce.CancellationReasons, 2)
	assert.Contains(t, err.Error(), "statement 1: ConditionalCheckFailed")
	assert.NotContains(t, err.Error(), "statement 0")
	assert.Equal(t, 1, countItems(t, table), "bob was not inserted")

	tx, err = db.Begin()
	require.NoError(t, err)
	_, err = tx.Exec(q(`INSERT INTO "%s" VALUE {'id': ?, 'balance': ?}`), "alice", 5)
	require.NoError(t, err)
	err = tx.Commit()
	assert.True(t, errors.Is(err, dynasql.ErrDuplicateItem), "got %v", err)
}

func TestTransactionLimitsAndOptions(t *testing.T) {
	db, client := openCounting(t)
	table := dynamotest.CreateTable(t, "txlimit", numberKey)
	ctx := context.Background()

	tx, err := db.BeginTx(ctx, nil)
	require.NoError(t, err)
	insert := fmt.Sprintf(`INSERT INTO "%s" VALUE {'id': ?}`, table)
	for i := range dynasql.MaxTransactionStatements {
		_, err := tx.Exec(insert, i)
		require.NoError(t, err, "statement %d", i)
	}
	_, err = tx.Exec(insert, 100)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "at most 100")
	require.NoError(t, tx.Commit(), "the 100 valid statements still commit")
	assert.Equal(t, 100, countItems(t, table))

	_, err = db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	assert.Error(t, err)
	tx, err = db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable})
	require.NoError(t, err)
	require.NoError(t, tx.Rollback())

	tx, err = db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	require.NoError(t, err)
	_, err = tx.Exec(insert, 500)
	assert.Error(t, err, "a read-only transaction refuses writes")
	var id int
	require.NoError(t, tx.QueryRow(fmt.Sprintf(`SELECT id FROM "%s" WHERE id = ?`, table), 5).Scan(&id))
	require.NoError(t, tx.Commit())

	before := client.transactions.Load()
	tx, err = db.Begin()
	require.NoError(t, err)
	require.NoError(t, tx.Commit(), "an empty transaction commits")
	tx, err = db.Begin()
	require.NoError(t, err)
	_, err = tx.Exec(insert, 1000)
	require.NoError(t, err)
	require.NoError(t, tx.Rollback())
	assert.Equal(t, before, client.transactions.Load(), "neither sent a request")
	assert.Equal(t, 100, countItems(t, table), "the rolled-back insert is not there")
}

type batchRow struct {
	ID   int    `db:"id"`
	Name string `db:"name"`
}

func TestBatchThroughNamedExec(t *testing.T) {
	db, client := openCounting(t)
	table := dynamotest.CreateTable(t, "batch", numberKey)
	rows := make([]batchRow, 60)
	for i := range rows {
		rows[i] = batchRow{ID: i, Name: fmt.Sprintf("row %d", i)}
	}
	res, err := sqlx.NewDb(db, "dynamodb").NamedExec(fmt.Sprintf(`INSERT INTO "%s" (id, name) VALUES (:id, :name)`, table), rows)
	assert.Equal(t, int64(60), rowsAffected(t)(res, err))
	assert.Equal(t, 60, countItems(t, table))
	assert.Equal(t, int64(3), client.batches.Load(), "60 rows in batches of 25")
	assert.Zero(t, client.statements.Load())
}

func TestBatchWithADuplicateWritesTheOthers(t *testing.T) {
	db := dynamotest.Open(t)
	table := dynamotest.CreateTable(t, "batchdup", numberKey)
	_, err := db.Exec(fmt.Sprintf(`INSERT INTO "%s" VALUE {'id': ?}`, table), 7)
	require.NoError(t, err)

	var values []string
	var args []any
	for i := range 30 {
		values = append(values, "(?, ?)")
		args = append(args, i, "x")
	}
	_, err = db.Exec(fmt.Sprintf(`INSERT INTO "%s" (id, v) VALUES %s`, table, strings.Join(values, ", ")), args...)
	require.Error(t, err)
	var batchErr *dynasql.BatchError
	require.True(t, errors.As(err, &batchErr), "got %T %v", err, err)
	assert.Equal(t, []int{7}, batchErr.FailedRows())
	assert.Equal(t, int64(29), batchErr.Written)
	assert.True(t, errors.Is(err, dynasql.ErrDuplicateItem))
	assert.Contains(t, err.Error(), "row 7")
	assert.Equal(t, 30, countItems(t, table), "29 new rows and the one that was there")
}

// DynamoDB's 8192-character limit applies to each statement sent, not to the text of a multi-row INSERT.
func TestThousandRowNamedExec(t *testing.T) {
	db := dynamotest.Open(t)
	table := dynamotest.CreateTable(t, "batch1000", numberKey)
	rows := make([]batchRow, 1000)
	for i := range rows {
		rows[i] = batchRow{ID: i, Name: strings.Repeat("n", 20)}
	}
	res, err := sqlx.NewDb(db, "dynamodb").NamedExec(fmt.Sprintf(`INSERT INTO "%s" (id, name) VALUES (:id, :name)`, table), rows)
	assert.Equal(t, int64(1000), rowsAffected(t)(res, err))
	assert.Equal(t, 1000, countItems(t, table))
}

// BenchmarkBulkInsert compares 10,000 ~1 KB items written one Exec per row with the batched path.
// Run: DYNAMODB_ENDPOINT=... go test -run=^$ -bench=BulkInsert -benchtime=1x .
func BenchmarkBulkInsert(b *testing.B) {
	const items = 10000
	pad := strings.Repeat("p", 1000)
	b.Run("exec-per-row", func(b *testing.B) {
		db := dynamotest.Open(b)
		for range b.N {
			table := dynamotest.CreateTable(b, "bulk", numberKey)
			insert := fmt.Sprintf(`INSERT INTO "%s" VALUE {'id': ?, 'pad': ?}`, table)
			b.ResetTimer()
			for i := range items {
				if _, err := db.Exec(insert, i, pad); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
		}
		b.ReportMetric(float64(items*b.N)/b.Elapsed().Seconds(), "items/s")
	})
	b.Run("batched", func(b *testing.B) {
		db := dynamotest.Open(b)
		const perExec = 1000
		for range b.N {
			table := dynamotest.CreateTable(b, "bulk", numberKey)
			values := strings.TrimSuffix(strings.Repeat("(?, ?), ", perExec), ", ")
			insert := fmt.Sprintf(`INSERT INTO "%s" (id, pad) VALUES %s`, table, values)
			args := make([]any, 0, 2*perExec)
			b.ResetTimer()
			for start := 0; start < items; start += perExec {
				args = args[:0]
				for i := start; i < start+perExec; i++ {
					args = append(args, i, pad)
				}
				if _, err := db.Exec(insert, args...); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
		}
		b.ReportMetric(float64(items*b.N)/b.Elapsed().Seconds(), "items/s")
	})
}

// throttlingBatchClient answers its first throttledCalls BatchExecuteStatement calls with ThrottlingError for
// every odd statement (not sent on), as DynamoDB does per statement inside an HTTP 200.
type throttlingBatchClient struct {
	dynasql.Client
	throttledCalls int
	calls          atomic.Int64
}

func (c *throttlingBatchClient) BatchExecuteStatement(ctx context.Context, in *dynamodb.BatchExecuteStatementInput, opts ...func(*dynamodb.Options)) (*dynamodb.BatchExecuteStatementOutput, error) {
	if c.calls.Add(1) > int64(c.throttledCalls) {
		return c.Client.BatchExecuteStatement(ctx, in, opts...)
	}
	var forwarded []types.BatchStatementRequest
	for i, s := range in.Statements {
		if i%2 == 0 {
			forwarded = append(forwarded, s)
		}
	}
	out, err := c.Client.BatchExecuteStatement(ctx, &dynamodb.BatchExecuteStatementInput{Statements: forwarded}, opts...)
	if err != nil {
		return nil, err
	}
	responses := make([]types.BatchStatementResponse, len(in.Statements))
	for i := range responses {
		if i%2 == 0 {
			responses[i] = out.Responses[i/2]
		} else {
			responses[i].Error = &types.BatchStatementError{Code: types.BatchStatementErrorCodeEnumThrottlingError, Message: aws.String("slow down")}
		}
	}
	return &dynamodb.BatchExecuteStatementOutput{Responses: responses}, nil
}

func batchOf(table string, n int) (string, []any) {
	var values []string
	var args []any
	for i := range n {
		values = append(values, "(?, ?)")
		args = append(args, i, "x")
	}
	return fmt.Sprintf(`INSERT INTO "%s" (id, v) VALUES %s`, table, strings.Join(values, ", ")), args
}

func TestBatchRetriesThrottledStatements(t *testing.T) {
	client := &throttlingBatchClient{Client: dynamotest.Client(t), throttledCalls: 2}
	connector, err := dynasql.NewConnector(aws.Config{}, dynasql.WithClient(client), dynasql.WithConfig(func(c *dynasql.Config) {
		c.BatchConcurrency = 1
		c.MaxBackoff = 5 * time.Millisecond
	}))
	require.NoError(t, err)
	db := sql.OpenDB(connector)
	defer db.Close()
	table := dynamotest.CreateTable(t, "batchthrottle", numberKey)

	insert, args := batchOf(table, 30)
	assert.Equal(t, int64(30), rowsAffected(t)(db.Exec(insert, args...)))
	assert.Equal(t, 30, countItems(t, table))
	assert.Equal(t, int64(4), client.calls.Load(), "each of the two batches resent its throttled half once")
}

func TestBatchReportsRowsStillThrottledAfterTheLastAttempt(t *testing.T) {
	client := &throttlingBatchClient{Client: dynamotest.Client(t), throttledCalls: 1 << 30}
	connector, err := dynasql.NewConnector(aws.Config{}, dynasql.WithClient(client), dynasql.WithConfig(func(c *dynasql.Config) {
		c.MaxAttempts = 3
		c.MaxBackoff = 5 * time.Millisecond
	}))
	require.NoError(t, err)
	db := sql.OpenDB(connector)
	defer db.Close()
	table := dynamotest.CreateTable(t, "batchgiveup", numberKey)

	insert, args := batchOf(table, 10)
	_, err = db.Exec(insert, args...)
	var batchErr *dynasql.BatchError
	require.ErrorAs(t, err, &batchErr)
	assert.True(t, errors.Is(err, dynasql.ErrThrottled))
	// Row 0 goes through on the first call; the odd half of what is left is throttled again each time.
	assert.NotContains(t, batchErr.FailedRows(), 0)
	assert.Equal(t, int64(10-len(batchErr.FailedRows())), batchErr.Written)
	assert.Equal(t, 10-len(batchErr.FailedRows()), countItems(t, table), "exactly the rows not reported were written")
}
