package dynasql_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"testing"

	"github.com/XSAM/otelsql"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/jmoiron/sqlx"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/dynasql/dynasql"
	"github.com/dynasql/dynasql/internal/dynamotest"
)

// openTraced wraps the driver's connector, built from an application's aws.Config, with otelsql and records
// every span in memory.
func openTraced(t *testing.T) (*sql.DB, *tracetest.SpanRecorder, *sdktrace.TracerProvider) {
	t.Helper()
	endpoint := dynamotest.Endpoint(t)
	connector, err := dynasql.NewConnector(aws.Config{
		Region:       dynamotest.Region,
		Credentials:  credentials.NewStaticCredentialsProvider(dynamotest.AccessKeyID, dynamotest.SecretAccessKey, ""),
		BaseEndpoint: aws.String(endpoint),
	})
	require.NoError(t, err)
	recorder := tracetest.NewSpanRecorder()
	provider := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(recorder))
	t.Cleanup(func() { _ = provider.Shutdown(context.Background()) })
	db := otelsql.OpenDB(connector,
		otelsql.WithTracerProvider(provider),
		otelsql.WithSpanOptions(otelsql.SpanOptions{Ping: true}),
	)
	t.Cleanup(func() { _ = db.Close() })
	return db, recorder, provider
}

func TestOtelsqlWorkload(t *testing.T) {
	db, recorder, provider := openTraced(t)
	table := dynamotest.CreateTable(t, "otel", stringKey)
	ctx, root := provider.Tracer("test").Start(context.Background(), "workload")

	require.NoError(t, db.PingContext(ctx))

	// Exec with named arguments, a list and a map among them.
	insert := fmt.Sprintf(`INSERT INTO "%s" VALUE {'id': :id, 'tags': :tags, 'attrs': :attrs}`, table)
	res, err := db.ExecContext(ctx, insert,
		sql.Named("id", "a"), sql.Named("tags", []string{"x", "y"}), sql.Named("attrs", map[string]any{"n": 1, "s": "one"}))
	require.NoError(t, err)
	n, err := res.RowsAffected()
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)

	// A batch: the multi-row INSERT extension.
	batch := fmt.Sprintf(`INSERT INTO "%s" (id, n) VALUES (?, ?), (?, ?), (?, ?)`, table)
	res, err = db.ExecContext(ctx, batch, "b", 1, "c", 2, "d", 3)
	require.NoError(t, err)
	n, err = res.RowsAffected()
	require.NoError(t, err)
	assert.Equal(t, int64(3), n)

	// The driver's errors come through otelsql unchanged.
	_, err = db.ExecContext(ctx, insert, sql.Named("id", "a"), sql.Named("tags", nil), sql.Named("attrs", nil))
	require.Error(t, err)
	assert.True(t, errors.Is(err, dynasql.ErrDuplicateItem), "got %v", err)
	var dynErr *dynasql.Error
	require.True(t, errors.As(err, &dynErr))
	assert.Equal(t, "INSERT", dynErr.Op)

	// Query, scanning the list and the map.
	var (
		tags  []string
		attrs map[string]any
	)
	require.NoError(t, db.QueryRowContext(ctx, fmt.Sprintf(`SELECT tags, attrs FROM "%s" WHERE id = ?`, table), "a").
		Scan(dynasql.Document(&tags), dynasql.Document(&attrs)))
	assert.Equal(t, []string{"x", "y"}, tags)
	assert.Equal(t, map[string]any{"n": dynasql.Number("1"), "s": "one"}, attrs)

	// A transaction: the writes are sent on Commit; an UPDATE that finds its item commits.
	tx, err := db.BeginTx(ctx, nil)
	require.NoError(t, err)
	_, err = tx.ExecContext(ctx, fmt.Sprintf(`UPDATE "%s" SET n = n + 10 WHERE id = ?`, table), "b")
	require.NoError(t, err)
	_, err = tx.ExecContext(ctx, fmt.Sprintf(`DELETE FROM "%s" WHERE id = ?`, table), "c")
	require.NoError(t, err)
	var inTx int
	require.NoError(t, tx.QueryRowContext(ctx, fmt.Sprintf(`SELECT n FROM "%s" WHERE id = ?`, table), "b").Scan(&inTx))
	assert.Equal(t, 1, inTx, "reads inside a transaction do not see its buffered writes")
	require.NoError(t, tx.Commit())

	// A prepared statement, and sqlx on top of the traced *sql.DB.
	stmt, err := db.PrepareContext(ctx, fmt.Sprintf(`SELECT n FROM "%s" WHERE id = ?`, table))
	require.NoError(t, err)
	var b int
	require.NoError(t, stmt.QueryRowContext(ctx, "b").Scan(&b))
	assert.Equal(t, 11, b)
	require.NoError(t, stmt.Close())
	var ids []string
	require.NoError(t, sqlx.NewDb(db, dynasql.DriverName).SelectContext(ctx, &ids, fmt.Sprintf(`SELECT id FROM "%s"`, table)))
	sort.Strings(ids)
	assert.Equal(t, []string{"a", "b", "d"}, ids)
	root.End()

	spans := recorder.Ended()
	byName := map[string][]sdktrace.ReadOnlySpan{}
	for _, s := range spans {
		byName[s.Name()] = append(byName[s.Name()], s)
		if s.Name() != "sql.connector.connect" {
			assert.Equal(t, root.SpanContext().TraceID(), s.SpanContext().TraceID(), "span %s is part of the workload's trace", s.Name())
		}
	}
	for name, atLeast := range map[string]int{
		"sql.conn.ping":         1,
		"sql.conn.exec":         5, // insert, batch, duplicate, and the two buffered writes of the transaction
		"sql.conn.query":        3,
		"sql.rows":              4,
		"sql.conn.begin_tx":     1,
		"sql.tx.commit":         1,
		"sql.conn.prepare":      1,
		"sql.stmt.query":        1,
		"sql.connector.connect": 1,
	} {
		assert.GreaterOrEqual(t, len(byName[name]), atLeast, "spans named %s", name)
	}

	// Each exec span carries its statement text; the duplicate's span is an error.
	statements := map[string]codes.Code{}
	for _, s := range byName["sql.conn.exec"] {
		for _, kv := range s.Attributes() {
			// otelsql names the attribute after the semantic conventions of its version.
			if kv.Key == "db.query.text" || kv.Key == "db.statement" {
				if s.Status().Code == codes.Error || statements[kv.Value.AsString()] == codes.Unset {
					statements[kv.Value.AsString()] = s.Status().Code
				}
			}
		}
	}
	assert.Equal(t, codes.Error, statements[insert], "the duplicate INSERT's span records the error")
	assert.Contains(t, statements, batch)
	assert.NotEqual(t, codes.Error, statements[batch])
	assert.Equal(t, codes.Unset, byName["sql.tx.commit"][0].Status().Code)
}

// otelsql hands database/sql its own wrappers: the driver's connection is not what Conn.Raw sees, and the
// column metadata otelsql does not forward (the scan type) falls back to database/sql's default.
func TestOtelsqlHidesTheDriversTypes(t *testing.T) {
	traced, _, _ := openTraced(t)
	plain := dynamotest.Open(t)
	table := dynamotest.CreateTable(t, "otel", stringKey)
	_, err := plain.Exec(fmt.Sprintf(`INSERT INTO "%s" VALUE {'id': ?, 'n': ?}`, table), "a", 1)
	require.NoError(t, err)
	ctx := context.Background()

	rawType := func(db *sql.DB) string {
		conn, err := db.Conn(ctx)
		require.NoError(t, err)
		defer conn.Close()
		var name string
		require.NoError(t, conn.Raw(func(dc any) error { name = fmt.Sprintf("%T", dc); return nil }))
		return name
	}
	assert.Equal(t, "*dynasql.conn", rawType(plain))
	assert.Contains(t, rawType(traced), "otelsql")

	columnTypes := func(db *sql.DB) []*sql.ColumnType {
		rows, err := db.Query(fmt.Sprintf(`SELECT id, n FROM "%s"`, table))
		require.NoError(t, err)
		defer rows.Close()
		types, err := rows.ColumnTypes()
		require.NoError(t, err)
		return types
	}
	plainTypes, tracedTypes := columnTypes(plain), columnTypes(traced)
	// Forwarded by otelsql: the DynamoDB type name.
	assert.Equal(t, "N", plainTypes[1].DatabaseTypeName())
	assert.Equal(t, "N", tracedTypes[1].DatabaseTypeName())
	// Not forwarded: the driver's scan type.
	assert.Equal(t, reflect.TypeFor[dynasql.Number](), plainTypes[1].ScanType())
	assert.Equal(t, reflect.TypeFor[any](), tracedTypes[1].ScanType())
}
