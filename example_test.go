package dynasql_test

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynasql/dynasql"
	"github.com/dynasql/dynasql/internal/dynamotest"
)

// The examples run against the DynamoDB Local at DYNAMODB_ENDPOINT (`make test` starts one). Each makes a
// table of its own with exampleTable, since PartiQL has no CREATE TABLE.

func Example_open() {
	// The DSN names the endpoint and credentials; leave it empty ("") to use the AWS SDK's default chain
	// (AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB, profiles, SSO, instance roles...).
	dsn := exampleDSN() // dynamodb://KEY:SECRET@127.0.0.1:8000?tls=false&region=us-east-1
	db, err := sql.Open("dynamodb", dsn)
	if err != nil {
		panic(err)
	}
	defer db.Close()
	if err := db.Ping(); err != nil {
		panic(err)
	}
	fmt.Println("connected")
	// Output: connected
}

func Example_query() {
	db := exampleDB()
	defer db.Close()
	users, drop := exampleTable("users", "id")
	defer drop()
	_, err := db.Exec(`INSERT INTO "`+users+`" (id, name, langs) VALUES (?, ?, ?), (?, ?, ?), (?, ?, ?)`,
		"u1", "Ada", []string{"analytical engine"},
		"u2", "Grace", []string{"COBOL", "FLOW-MATIC"},
		"u3", "Alan", []string{"ACE"})
	if err != nil {
		panic(err)
	}

	// One item by its key.
	var name string
	if err := db.QueryRow(`SELECT name FROM "`+users+`" WHERE id = ?`, "u2").Scan(&name); err != nil {
		panic(err)
	}
	fmt.Println(name)

	// No item is sql.ErrNoRows.
	err = db.QueryRow(`SELECT name FROM "`+users+`" WHERE id = ?`, "u9").Scan(&name)
	fmt.Println(errors.Is(err, sql.ErrNoRows))

	// Several items; a list attribute scans through Document. A scan comes in DynamoDB's order, so sort.
	rows, err := db.Query(`SELECT id, name, langs FROM "`+users+`" WHERE id IN [?, ?]`, "u1", "u2")
	if err != nil {
		panic(err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, name string
		var langs []string
		if err := rows.Scan(&id, &name, dynasql.Document(&langs)); err != nil {
			panic(err)
		}
		lines = append(lines, fmt.Sprint(id, " ", name, " ", langs))
	}
	if err := rows.Err(); err != nil {
		panic(err)
	}
	slices.Sort(lines)
	for _, l := range lines {
		fmt.Println(l)
	}
	// Output:
	// Grace
	// true
	// u1 Ada [analytical engine]
	// u2 Grace [COBOL FLOW-MATIC]
}

func Example_exec() {
	db := exampleDB()
	defer db.Close()
	users, drop := exampleTable("users", "id")
	defer drop()
	affected := func(res sql.Result, err error) int64 {
		if err != nil {
			panic(err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			panic(err)
		}
		return n
	}

	fmt.Println("insert:", affected(db.Exec(`INSERT INTO "`+users+`" VALUE {'id': ?, 'name': ?, 'logins': 0}`, "u1", "Ada")))
	fmt.Println("update:", affected(db.Exec(`UPDATE "`+users+`" SET logins = logins + 1 WHERE id = ?`, "u1")))
	// An UPDATE or DELETE that matches nothing affects 0 rows, without an error.
	fmt.Println("update missing:", affected(db.Exec(`UPDATE "`+users+`" SET logins = logins + 1 WHERE id = ?`, "u9")))
	fmt.Println("update on a false condition:", affected(db.Exec(`UPDATE "`+users+`" SET name = ? WHERE id = ? AND logins = ?`, "Ada L.", "u1", 5)))
	fmt.Println("delete missing:", affected(db.Exec(`DELETE FROM "`+users+`" WHERE id = ?`, "u9")))

	// INSERT never overwrites: an existing key is ErrDuplicateItem.
	_, err := db.Exec(`INSERT INTO "`+users+`" VALUE {'id': ?, 'name': ?}`, "u1", "Someone else")
	fmt.Println("duplicate:", errors.Is(err, dynasql.ErrDuplicateItem))

	// Named placeholders take sql.Named arguments; lists and maps are parameters like any other.
	fmt.Println("named:", affected(db.Exec(`UPDATE "`+users+`" SET langs = :langs, address = :address WHERE id = :id`,
		sql.Named("id", "u1"),
		sql.Named("langs", []string{"analytical engine"}),
		sql.Named("address", map[string]any{"city": "London", "zip": "W1"}))))
	var city string
	var logins int
	if err := db.QueryRow(`SELECT address.city, logins FROM "`+users+`" WHERE id = ?`, "u1").Scan(&city, &logins); err != nil {
		panic(err)
	}
	fmt.Println(city, logins)
	// Output:
	// insert: 1
	// update: 1
	// update missing: 0
	// update on a false condition: 0
	// delete missing: 0
	// duplicate: true
	// named: 1
	// London 1
}

func Example_transaction() {
	db := exampleDB()
	defer db.Close()
	accounts, drop := exampleTable("accounts", "id")
	defer drop()
	if _, err := db.Exec(`INSERT INTO "`+accounts+`" (id, balance) VALUES (?, ?), (?, ?)`, "alice", 100, "bob", 0); err != nil {
		panic(err)
	}
	ctx := context.Background()

	// transfer moves an amount in one ExecuteTransaction: the writes are buffered and Commit sends them
	// together. The condition on the balance makes the whole transaction fail when it does not hold.
	transfer := func(from, to string, amount int) error {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		if _, err := tx.ExecContext(ctx, `UPDATE "`+accounts+`" SET balance = balance - ? WHERE id = ? AND balance >= ?`, amount, from, amount); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE "`+accounts+`" SET balance = balance + ? WHERE id = ?`, amount, to); err != nil {
			return err
		}
		return tx.Commit()
	}
	balances := func() {
		var alice, bob int
		if err := db.QueryRow(`SELECT balance FROM "`+accounts+`" WHERE id = ?`, "alice").Scan(&alice); err != nil {
			panic(err)
		}
		if err := db.QueryRow(`SELECT balance FROM "`+accounts+`" WHERE id = ?`, "bob").Scan(&bob); err != nil {
			panic(err)
		}
		fmt.Printf("alice %d, bob %d\n", alice, bob)
	}

	fmt.Println("transfer 30:", transfer("alice", "bob", 30))
	balances()
	err := transfer("alice", "bob", 500)
	fmt.Println("transfer 500 canceled:", errors.Is(err, dynasql.ErrTransactionCanceled), errors.Is(err, dynasql.ErrConditionalCheckFailed))
	balances()
	// Output:
	// transfer 30: <nil>
	// alice 70, bob 30
	// transfer 500 canceled: true true
	// alice 70, bob 30
}

func Example_batch() {
	db := exampleDB()
	defer db.Close()
	events, drop := exampleTable("events", "id")
	defer drop()

	// SQL-style multi-row INSERT is sent as BatchExecuteStatement requests of up to 25 rows.
	res, err := db.Exec(`INSERT INTO "`+events+`" (id, kind) VALUES (?, ?), (?, ?), (?, ?)`,
		"e1", "signup", "e2", "login", "e3", "logout")
	if err != nil {
		panic(err)
	}
	n, _ := res.RowsAffected()
	fmt.Println("written:", n)

	// Rows that fail do not stop the others; BatchError says which ones to retry.
	_, err = db.Exec(`INSERT INTO "`+events+`" (id, kind) VALUES (?, ?), (?, ?), (?, ?)`,
		"e4", "signup", "e2", "login", "e5", "login")
	var batchErr *dynasql.BatchError
	if errors.As(err, &batchErr) {
		fmt.Println("written:", batchErr.Written, "failed rows:", batchErr.FailedRows(), "duplicate:", errors.Is(err, dynasql.ErrDuplicateItem))
	}
	var count int
	rows, err := db.Query(`SELECT id FROM "` + events + `"`)
	if err != nil {
		panic(err)
	}
	for rows.Next() {
		count++
	}
	if err := rows.Close(); err != nil {
		panic(err)
	}
	fmt.Println("items:", count)
	// Output:
	// written: 3
	// written: 2 failed rows: [1] duplicate: true
	// items: 5
}

func ExampleNewConnector() {
	// An application's own aws.Config (usually from config.LoadDefaultConfig): the driver keeps its region,
	// credentials, endpoint, HTTP client and middlewares.
	awsCfg := aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("local", "local", ""),
		BaseEndpoint: aws.String(exampleEndpoint()),
	}
	connector, err := dynasql.NewConnector(awsCfg,
		dynasql.WithConfig(func(c *dynasql.Config) { c.ConsistentRead = true }))
	if err != nil {
		panic(err)
	}
	db := sql.OpenDB(connector) // closing db closes the connector
	defer db.Close()

	notes, drop := exampleTable("notes", "id")
	defer drop()
	if _, err := db.Exec(`INSERT INTO "`+notes+`" VALUE {'id': ?, 'text': ?}`, "n1", "hello"); err != nil {
		panic(err)
	}
	var text string
	if err := db.QueryRow(`SELECT "text" FROM "`+notes+`" WHERE id = ?`, "n1").Scan(&text); err != nil {
		panic(err)
	}
	fmt.Println(text)
	// Output: hello
}

// skipExamplesWithoutEndpoint is called by TestMain: outside CI, without DYNAMODB_ENDPOINT the examples (which
// cannot skip themselves) are skipped, loudly, as the integration tests are. In CI they run, and fail.
func skipExamplesWithoutEndpoint() {
	if os.Getenv("DYNAMODB_ENDPOINT") != "" || os.Getenv("CI") != "" {
		return
	}
	if !flag.Parsed() {
		flag.Parse()
	}
	skip := flag.Lookup("test.skip")
	pattern := "^Example"
	if skip.Value.String() != "" {
		pattern = skip.Value.String() + "|" + pattern
	}
	if err := skip.Value.Set(pattern); err != nil {
		panic(err)
	}
	fmt.Fprintln(os.Stderr, "\n*** DYNAMODB_ENDPOINT is not set: SKIPPING the Example functions and the integration tests. "+
		"Run `make test` to start DynamoDB Local. ***")
}

// exampleEndpoint is DynamoDB Local's endpoint; examples cannot skip, so without one they stop here.
func exampleEndpoint() string {
	endpoint := os.Getenv("DYNAMODB_ENDPOINT")
	if endpoint == "" {
		panic("DYNAMODB_ENDPOINT is not set: run the examples with `make test`")
	}
	return endpoint
}

// exampleDSN is a DSN for DynamoDB Local.
func exampleDSN() string {
	u, err := url.Parse(exampleEndpoint())
	if err != nil {
		panic(err)
	}
	c := dynasql.NewConfig()
	c.Endpoint, c.Region = u.Scheme+"://"+u.Host, dynamotest.Region
	c.AccessKeyID, c.SecretAccessKey = dynamotest.AccessKeyID, dynamotest.SecretAccessKey
	return c.FormatDSN()
}

func exampleDB() *sql.DB {
	db, err := sql.Open("dynamodb", exampleDSN())
	if err != nil {
		panic(err)
	}
	return db
}

// exampleTable creates an on-demand table with a unique name and a string partition key, and returns its
// name and a function that deletes it.
func exampleTable(prefix, key string) (string, func()) {
	transport := &http.Transport{}
	client := dynamodb.New(dynamodb.Options{
		HTTPClient:                      &http.Client{Transport: transport},
		Region:                          dynamotest.Region,
		BaseEndpoint:                    aws.String(exampleEndpoint()),
		Credentials:                     credentials.NewStaticCredentialsProvider(dynamotest.AccessKeyID, dynamotest.SecretAccessKey, ""),
		DisableValidateResponseChecksum: true,
	})
	name := dynamotest.UniqueName(prefix)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := client.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		BillingMode:          types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String(key), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String(key), KeyType: types.KeyTypeHash}},
	})
	if err != nil {
		panic(err)
	}
	return name, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = client.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(name)})
		transport.CloseIdleConnections()
	}
}
