package dynasql_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	"github.com/jmoiron/sqlx"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/dynasql/dynasql"
	"github.com/dynasql/dynasql/internal/dynamotest"
)

func TestMain(m *testing.M) {
	skipExamplesWithoutEndpoint() // example_test.go
	goleak.VerifyTestMain(m)
}

var (
	stringKey = dynamotest.Key{Name: "id", Type: types.ScalarAttributeTypeS}
	numberKey = dynamotest.Key{Name: "id", Type: types.ScalarAttributeTypeN}
)

// countingClient counts the requests the driver makes, to check paging and batching.
type countingClient struct {
	dynasql.Client
	statements   atomic.Int64
	batches      atomic.Int64
	transactions atomic.Int64
}

func (c *countingClient) ExecuteStatement(ctx context.Context, in *dynamodb.ExecuteStatementInput, opts ...func(*dynamodb.Options)) (*dynamodb.ExecuteStatementOutput, error) {
	c.statements.Add(1)
	return c.Client.ExecuteStatement(ctx, in, opts...)
}

func (c *countingClient) BatchExecuteStatement(ctx context.Context, in *dynamodb.BatchExecuteStatementInput, opts ...func(*dynamodb.Options)) (*dynamodb.BatchExecuteStatementOutput, error) {
	c.batches.Add(1)
	return c.Client.BatchExecuteStatement(ctx, in, opts...)
}

func (c *countingClient) ExecuteTransaction(ctx context.Context, in *dynamodb.ExecuteTransactionInput, opts ...func(*dynamodb.Options)) (*dynamodb.ExecuteTransactionOutput, error) {
	c.transactions.Add(1)
	return c.Client.ExecuteTransaction(ctx, in, opts...)
}

// openCounting opens a *sql.DB whose requests are counted.
func openCounting(t *testing.T, configure ...func(*dynasql.Config)) (*sql.DB, *countingClient) {
	t.Helper()
	client := &countingClient{Client: dynamotest.Client(t)}
	opts := []dynasql.Option{dynasql.WithClient(client)}
	for _, c := range configure {
		opts = append(opts, dynasql.WithConfig(c))
	}
	connector, err := dynasql.NewConnector(aws.Config{}, opts...)
	require.NoError(t, err)
	db := sql.OpenDB(connector)
	t.Cleanup(func() { _ = db.Close() })
	return db, client
}

func TestOpenWithEmptyDSNUsesTheEnvironment(t *testing.T) {
	endpoint := dynamotest.Endpoint(t)
	t.Setenv("AWS_ENDPOINT_URL_DYNAMODB", endpoint)
	t.Setenv("AWS_REGION", dynamotest.Region)
	t.Setenv("AWS_ACCESS_KEY_ID", dynamotest.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", dynamotest.SecretAccessKey)
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
	db, err := sql.Open("dynamodb", "")
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.PingContext(context.Background()))

	table := dynamotest.CreateTable(t, "env", stringKey)
	_, err = db.Exec(fmt.Sprintf(`INSERT INTO "%s" VALUE {'id': ?, 'v': ?}`, table), "a", "from env")
	require.NoError(t, err)
	var v string
	require.NoError(t, db.QueryRow(fmt.Sprintf(`SELECT v FROM "%s" WHERE id = ?`, table), "a").Scan(&v))
	assert.Equal(t, "from env", v)
}

func TestOpenWithURLDSN(t *testing.T) {
	db := dynamotest.Open(t)
	require.NoError(t, db.PingContext(context.Background()))
}

func TestPingFailsOnUnreachableEndpoint(t *testing.T) {
	db, err := sql.Open("dynamodb", "dynamodb://k:s@127.0.0.1:1?tls=false&region=us-east-1&max_attempts=1")
	require.NoError(t, err)
	defer db.Close()
	err = db.PingContext(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "PING")
}

func TestInsertAndSelect(t *testing.T) {
	db := dynamotest.Open(t)
	table := dynamotest.CreateTable(t, "basic", stringKey)
	ctx := context.Background()

	res, err := db.ExecContext(ctx, fmt.Sprintf(`INSERT INTO "%s" VALUE {'id': ?, 'name': ?, 'age': ?, 'admin': ?, 'blob': ?, 'nothing': ?}`, table),
		"u1", "Ada", 36, true, []byte{1, 2, 3}, nil)
	require.NoError(t, err)
	n, err := res.RowsAffected()
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)

	var (
		name    string
		age     int
		admin   bool
		blob    []byte
		nothing sql.NullString
	)
	row := db.QueryRowContext(ctx, fmt.Sprintf(`SELECT name, age, admin, blob, nothing FROM "%s" WHERE id = ?`, table), "u1")
	require.NoError(t, row.Scan(&name, &age, &admin, &blob, &nothing))
	assert.Equal(t, "Ada", name)
	assert.Equal(t, 36, age)
	assert.True(t, admin)
	assert.Equal(t, []byte{1, 2, 3}, blob)
	assert.False(t, nothing.Valid)

	rows, err := db.QueryContext(ctx, fmt.Sprintf(`SELECT * FROM "%s"`, table))
	require.NoError(t, err)
	cols, err := rows.Columns()
	require.NoError(t, err)
	assert.Equal(t, []string{"id", "admin", "age", "blob", "name", "nothing"}, cols, "key first, then the others sorted")
	types, err := rows.ColumnTypes()
	require.NoError(t, err)
	assert.Equal(t, "S", types[0].DatabaseTypeName())
	assert.Equal(t, "BOOL", types[1].DatabaseTypeName())
	assert.Equal(t, "N", types[2].DatabaseTypeName())
	require.NoError(t, rows.Close())
}

func TestArgumentCountIsChecked(t *testing.T) {
	db := dynamotest.Open(t)
	table := dynamotest.CreateTable(t, "args", stringKey)
	_, err := db.Exec(fmt.Sprintf(`INSERT INTO "%s" VALUE {'id': ?}`, table), "a", "extra")
	require.Error(t, err, "DynamoDB ignores extra parameters; the driver must not")
	stmt, err := db.Prepare(fmt.Sprintf(`SELECT * FROM "%s" WHERE id = ? AND v = ?`, table))
	require.NoError(t, err)
	defer stmt.Close()
	_, err = stmt.Query("a")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "expected 2 arguments, got 1")
}

func TestSyntaxErrorBeforeAnyRequest(t *testing.T) {
	db, client := openCounting(t)
	_, err := db.Query(`SELECT * FORM "t"`)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "line 1, column 10")
	assert.Zero(t, client.statements.Load())
}

// fillLarge writes n items of about size bytes each and returns the table.
func fillLarge(t *testing.T, db *sql.DB, n, size int) string {
	t.Helper()
	table := dynamotest.CreateTable(t, "large", numberKey)
	pad := strings.Repeat("x", size)
	var values []string
	var args []any
	for i := range n {
		values = append(values, "(?, ?)")
		args = append(args, i, pad)
	}
	res, err := db.Exec(fmt.Sprintf(`INSERT INTO "%s" (id, pad) VALUES %s`, table, strings.Join(values, ", ")), args...)
	require.NoError(t, err)
	written, err := res.RowsAffected()
	require.NoError(t, err)
	require.Equal(t, int64(n), written)
	return table
}

// A result over 1 MB spans several pages; sqlx.Select must see every row in its one result set.
func TestResultOverOneMegabyteIsReadWhole(t *testing.T) {
	db, client := openCounting(t)
	table := fillLarge(t, db, 300, 8000) // ~2.4 MB: at least 3 pages
	client.statements.Store(0)

	var items []struct {
		ID  int    `db:"id"`
		Pad string `db:"pad"`
	}
	require.NoError(t, sqlx.NewDb(db, "dynamodb").Select(&items, fmt.Sprintf(`SELECT id, pad FROM "%s"`, table)))
	assert.Len(t, items, 300)
	seen := make(map[int]bool)
	for _, it := range items {
		seen[it.ID] = true
		assert.Len(t, it.Pad, 8000)
	}
	assert.Len(t, seen, 300, "every item exactly once")
	assert.GreaterOrEqual(t, client.statements.Load(), int64(3), "the result came in several pages")
}

// Pages are fetched lazily: reading the first row costs one request, and Close stops fetching.
func TestRowsPageLazilyAndCloseStopsFetching(t *testing.T) {
	db, client := openCounting(t, func(c *dynasql.Config) { c.PageSize = 10 })
	table := fillLarge(t, db, 50, 10)
	client.statements.Store(0)

	rows, err := db.Query(fmt.Sprintf(`SELECT id FROM "%s"`, table))
	require.NoError(t, err)
	for range 15 {
		require.True(t, rows.Next())
	}
	assert.Equal(t, int64(2), client.statements.Load(), "15 rows of 10-item pages need 2 pages")
	require.NoError(t, rows.Close())
	assert.False(t, rows.Next())
	assert.Equal(t, int64(2), client.statements.Load(), "no request after Close")
}

func TestContextIsCheckedBetweenPages(t *testing.T) {
	db, client := openCounting(t, func(c *dynasql.Config) { c.PageSize = 5 })
	table := fillLarge(t, db, 20, 10)
	client.statements.Store(0)

	ctx, cancel := context.WithCancel(context.Background())
	rows, err := db.QueryContext(ctx, fmt.Sprintf(`SELECT id FROM "%s"`, table))
	require.NoError(t, err)
	for range 5 {
		require.True(t, rows.Next())
	}
	cancel()
	for rows.Next() {
	}
	assert.True(t, errors.Is(rows.Err(), context.Canceled), "got %v", rows.Err())
	assert.Equal(t, int64(1), client.statements.Load(), "no page fetched after cancel")
}

func TestLimitCapsRows(t *testing.T) {
	db, _ := openCounting(t)
	table := fillLarge(t, db, 30, 10)
	var ids []int
	require.NoError(t, sqlx.NewDb(db, "dynamodb").Select(&ids, fmt.Sprintf(`SELECT id FROM "%s" LIMIT 7`, table)))
	assert.Len(t, ids, 7)
	require.NoError(t, sqlx.NewDb(db, "dynamodb").Select(&ids, fmt.Sprintf(`SELECT id FROM "%s" LIMIT ?`, table), 4))
	assert.Len(t, ids, 4)
}

func TestNamedParameters(t *testing.T) {
	db := dynamotest.Open(t)
	table := dynamotest.CreateTable(t, "named", stringKey)
	_, err := db.Exec(fmt.Sprintf(`INSERT INTO "%s" VALUE {'id': :id, 'a': :v, 'b': :v}`, table), sql.Named("v", "same"), sql.Named("id", "k"))
	require.NoError(t, err)
	var a, b string
	require.NoError(t, db.QueryRow(fmt.Sprintf(`SELECT a, b FROM "%s" WHERE id = :id`, table), sql.Named("id", "k")).Scan(&a, &b))
	assert.Equal(t, "same", a)
	assert.Equal(t, "same", b)
}

// SELECT * fixes its columns from the first page; an attribute first seen later ends the rows with an error
// that names it, rather than being dropped.
func TestSelectStarNeverDropsALaterAttribute(t *testing.T) {
	db, _ := openCounting(t, func(c *dynasql.Config) { c.PageSize = 1 })
	table := dynamotest.CreateTable(t, "sparse", stringKey)
	_, err := db.Exec(fmt.Sprintf(`INSERT INTO "%s" (id, a) VALUES (?, ?), (?, ?)`, table), "k1", 1, "k2", 2)
	require.NoError(t, err)
	// Pages of one item come in key-hash order; give the attribute to whichever item comes second.
	var order []string
	require.NoError(t, sqlx.NewDb(db, "dynamodb").Select(&order, fmt.Sprintf(`SELECT id FROM "%s"`, table)))
	require.Len(t, order, 2)
	_, err = db.Exec(fmt.Sprintf(`UPDATE "%s" SET late = ? WHERE id = ?`, table), "x", order[1])
	require.NoError(t, err)

	rows, err := db.Query(fmt.Sprintf(`SELECT * FROM "%s"`, table))
	require.NoError(t, err)
	defer rows.Close()
	cols, err := rows.Columns()
	require.NoError(t, err)
	assert.Equal(t, []string{"id", "a"}, cols)
	require.True(t, rows.Next())
	assert.False(t, rows.Next())
	require.Error(t, rows.Err())
	assert.Contains(t, rows.Err().Error(), `"late"`)
	assert.Contains(t, rows.Err().Error(), "SELECT a, b")

	// With a projection the same table reads fine.
	var late []sql.NullString
	require.NoError(t, sqlx.NewDb(db, "dynamodb").Select(&late, fmt.Sprintf(`SELECT late FROM "%s"`, table)))
	assert.Len(t, late, 2)
}

func TestSelectFromIndex(t *testing.T) {
	db := dynamotest.Open(t, "consistent_read=true")
	email := dynamotest.Key{Name: "email", Type: types.ScalarAttributeTypeS}
	table := dynamotest.CreateTableFrom(t, "indexed", &dynamodb.CreateTableInput{
		KeySchema:            dynamotest.KeySchema(stringKey),
		AttributeDefinitions: dynamotest.Attributes(stringKey, email),
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{
			IndexName:  aws.String("by_email"),
			KeySchema:  dynamotest.KeySchema(email),
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		}},
	})
	_, err := db.Exec(fmt.Sprintf(`INSERT INTO "%s" VALUE {'id': ?, 'email': ?}`, table), "u1", "ada@example.com")
	require.NoError(t, err)
	var id string
	// consistent_read=true must not be sent for an index read: DynamoDB rejects it on a GSI.
	require.NoError(t, db.QueryRow(fmt.Sprintf(`SELECT id FROM "%s"."by_email" WHERE email = ?`, table), "ada@example.com").Scan(&id))
	assert.Equal(t, "u1", id)
}

// sdkDecodingClient drops per-call options, so the driver's fast page decoder never runs and rows come from
// the SDK's own decoding: the reference path.
type sdkDecodingClient struct{ dynasql.Client }

func (c sdkDecodingClient) ExecuteStatement(ctx context.Context, in *dynamodb.ExecuteStatementInput, _ ...func(*dynamodb.Options)) (*dynamodb.ExecuteStatementOutput, error) {
	return c.Client.ExecuteStatement(ctx, in)
}

func TestFastAndSDKDecodingGiveTheSameRows(t *testing.T) {
	fast, _ := openCounting(t, func(c *dynasql.Config) { c.PageSize = 7 })
	connector, err := dynasql.NewConnector(aws.Config{}, dynasql.WithClient(sdkDecodingClient{dynamotest.Client(t)}),
		dynasql.WithConfig(func(c *dynasql.Config) { c.PageSize = 7 }))
	require.NoError(t, err)
	reference := sql.OpenDB(connector)
	defer reference.Close()

	table := dynamotest.CreateTable(t, "decode", stringKey)
	for i := range 20 {
		_, err := fast.Exec(fmt.Sprintf(`INSERT INTO "%s" VALUE {'id': ?, 's': ?, 'n': ?, 'b': ?, 'ok': ?, 'l': ?, 'm': ?, 'ss': ?, 'nul': ?}`, table),
			fmt.Sprintf("k%02d", i), "text \"quoted\" \u00e9 \U0001F600", fmt.Sprintf("%d.%d", i, i), []byte{byte(i), 0, 255}, i%2 == 0,
			[]any{1, "two", []any{true}}, map[string]any{"x": i, "y": map[string]any{"z": "deep"}}, dynasql.StringSet{"a", "b"}, nil)
		require.NoError(t, err)
	}
	read := func(db *sql.DB) [][]any {
		rows, err := db.Query(fmt.Sprintf(`SELECT * FROM "%s"`, table))
		require.NoError(t, err)
		defer rows.Close()
		cols, err := rows.Columns()
		require.NoError(t, err)
		var all [][]any
		for rows.Next() {
			row := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range row {
				ptrs[i] = &row[i]
			}
			require.NoError(t, rows.Scan(ptrs...))
			all = append(all, row)
		}
		require.NoError(t, rows.Err())
		return all
	}
	got, want := read(fast), read(reference)
	require.Len(t, want, 20)
	assert.Equal(t, want, got)
}

func TestRegisteredUnderBothNames(t *testing.T) {
	assert.Contains(t, sql.Drivers(), dynasql.DriverName)
	assert.Contains(t, sql.Drivers(), dynasql.AliasName)
	db, err := sql.Open(dynasql.AliasName, dynamotest.DSN(t))
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.Ping())
}

// deniedDescribeClient refuses DescribeTable, as an IAM policy without dynamodb:DescribeTable does.
type deniedDescribeClient struct {
	dynasql.Client
	describes atomic.Int64
}

func (c *deniedDescribeClient) DescribeTable(context.Context, *dynamodb.DescribeTableInput, ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error) {
	c.describes.Add(1)
	return nil, &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "not authorized to perform: dynamodb:DescribeTable"}
}

func TestSelectStarWithoutDescribeTablePermission(t *testing.T) {
	client := &deniedDescribeClient{Client: dynamotest.Client(t)}
	connector, err := dynasql.NewConnector(aws.Config{}, dynasql.WithClient(client))
	require.NoError(t, err)
	db := sql.OpenDB(connector)
	defer db.Close()
	table := dynamotest.CreateTable(t, "denied", stringKey)
	_, err = db.Exec(fmt.Sprintf(`INSERT INTO "%s" VALUE {'id': ?, 'b': ?, 'a': ?}`, table), "k", 2, 1)
	require.NoError(t, err)

	for range 3 {
		rows, err := db.Query(fmt.Sprintf(`SELECT * FROM "%s"`, table))
		require.NoError(t, err)
		cols, err := rows.Columns()
		require.NoError(t, err)
		assert.Equal(t, []string{"a", "b", "id"}, cols, "every attribute in name order")
		require.NoError(t, rows.Close())
	}
	assert.Equal(t, int64(1), client.describes.Load(), "the refusal is remembered")
}

type countingHTTPClient struct {
	next  *http.Client
	calls atomic.Int64
}

func (c *countingHTTPClient) Do(req *http.Request) (*http.Response, error) {
	c.calls.Add(1)
	return c.next.Do(req)
}

func TestNewConnectorKeepsTheCallersHTTPClientAndMiddlewares(t *testing.T) {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	defer transport.CloseIdleConnections()
	httpClient := &countingHTTPClient{next: &http.Client{Transport: transport}}
	var traced atomic.Int64
	awsCfg := aws.Config{
		Region:       dynamotest.Region,
		BaseEndpoint: aws.String(dynamotest.Endpoint(t)),
		Credentials:  credentials.NewStaticCredentialsProvider(dynamotest.AccessKeyID, dynamotest.SecretAccessKey, ""),
		HTTPClient:   httpClient,
		APIOptions: []func(*middleware.Stack) error{func(stack *middleware.Stack) error {
			return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("test:trace",
				func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
					traced.Add(1)
					return next.HandleInitialize(ctx, in)
				}), middleware.Before)
		}},
	}
	connector, err := dynasql.NewConnector(awsCfg)
	require.NoError(t, err)
	db := sql.OpenDB(connector)
	defer db.Close()

	require.NoError(t, db.Ping())
	table := dynamotest.CreateTable(t, "ownconfig", stringKey)
	_, err = db.Exec(fmt.Sprintf(`INSERT INTO "%s" VALUE {'id': ?}`, table), "a")
	require.NoError(t, err)
	assert.Equal(t, int64(2), httpClient.calls.Load(), "both requests went through the caller's HTTP client")
	assert.Equal(t, int64(2), traced.Load(), "and through the caller's middleware")
}
