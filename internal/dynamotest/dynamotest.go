// Package dynamotest connects integration tests to the DynamoDB Local that `make test` starts
// (scripts/dynamodb-local.sh) and gives each test tables of its own.
package dynamotest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Region and the static credentials DynamoDB Local accepts (it checks neither).
const (
	Region          = "us-east-1"
	AccessKeyID     = "local"
	SecretAccessKey = "local"
)

var warnOnce sync.Once

// Endpoint returns the DynamoDB Local endpoint from DYNAMODB_ENDPOINT. Without one the test fails in CI
// (CI=true) and is skipped elsewhere, loudly: run `make test` to get one started.
func Endpoint(t testing.TB) string {
	t.Helper()
	endpoint := os.Getenv("DYNAMODB_ENDPOINT")
	if endpoint != "" {
		return endpoint
	}
	if os.Getenv("CI") != "" {
		t.Fatal("DYNAMODB_ENDPOINT is not set: integration tests must run in CI (use `make test`)")
	}
	warnOnce.Do(func() {
		fmt.Fprintln(os.Stderr, "\n*** SKIPPING INTEGRATION TESTS: DYNAMODB_ENDPOINT is not set. Run `make test` to start DynamoDB Local. ***")
	})
	t.Skip("SKIPPED: no DynamoDB Local (DYNAMODB_ENDPOINT unset); run `make test`")
	return ""
}

// DSN returns a URL-form DSN for DynamoDB Local, with extra parameters appended ("max_attempts=3", ...).
func DSN(t testing.TB, params ...string) string {
	t.Helper()
	u, err := url.Parse(Endpoint(t))
	if err != nil {
		t.Fatalf("bad DYNAMODB_ENDPOINT: %v", err)
	}
	dsn := fmt.Sprintf("dynamodb://%s:%s@%s?region=%s", AccessKeyID, SecretAccessKey, u.Host, Region)
	if u.Scheme == "http" {
		dsn += "&tls=false"
	}
	for _, p := range params {
		dsn += "&" + p
	}
	return dsn
}

// Open opens a *sql.DB on DynamoDB Local, closed when the test ends.
func Open(t testing.TB, params ...string) *sql.DB {
	t.Helper()
	db, err := sql.Open("dynamodb", DSN(t, params...))
	if err != nil {
		t.Fatalf("sql.Open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// Client returns an SDK client on DynamoDB Local, for creating tables and checking what the driver stored.
// Its connections are closed when the test ends, so leak checks see no idle HTTP goroutines.
func Client(t testing.TB) *dynamodb.Client {
	t.Helper()
	endpoint := Endpoint(t)
	transport := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(transport.CloseIdleConnections)
	return dynamodb.New(dynamodb.Options{
		HTTPClient:                      &http.Client{Transport: transport},
		Region:                          Region,
		BaseEndpoint:                    aws.String(endpoint),
		Credentials:                     credentials.NewStaticCredentialsProvider(AccessKeyID, SecretAccessKey, ""),
		DisableValidateResponseChecksum: true,
	})
}

// Key is one key attribute of a table: its name and type (S, N or B).
type Key struct {
	Name string
	Type types.ScalarAttributeType
}

// CreateTable creates an on-demand table with a unique name starting with prefix, deleted when the test
// ends, and returns its name. keys are the partition key and, optionally, the sort key.
func CreateTable(t testing.TB, prefix string, keys ...Key) string {
	t.Helper()
	return CreateTableFrom(t, prefix, &dynamodb.CreateTableInput{KeySchema: KeySchema(keys...), AttributeDefinitions: Attributes(keys...)})
}

// CreateTableFrom creates the table input describes (indexes included), under a unique name starting with
// prefix and on demand, deleted when the test ends, and returns its name.
func CreateTableFrom(t testing.TB, prefix string, input *dynamodb.CreateTableInput) string {
	t.Helper()
	client := Client(t)
	name := UniqueName(prefix)
	input.TableName = &name
	input.BillingMode = types.BillingModePayPerRequest
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := client.CreateTable(ctx, input); err != nil {
		t.Fatalf("CreateTable %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = client.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: &name})
	})
	return name
}

// KeySchema returns the key schema for a partition key and an optional sort key.
func KeySchema(keys ...Key) []types.KeySchemaElement {
	schema := make([]types.KeySchemaElement, len(keys))
	for i, k := range keys {
		schema[i] = types.KeySchemaElement{AttributeName: aws.String(k.Name), KeyType: types.KeyTypeHash}
		if i == 1 {
			schema[i].KeyType = types.KeyTypeRange
		}
	}
	return schema
}

// Attributes returns the attribute definitions of keys.
func Attributes(keys ...Key) []types.AttributeDefinition {
	defs := make([]types.AttributeDefinition, len(keys))
	for i, k := range keys {
		defs[i] = types.AttributeDefinition{AttributeName: aws.String(k.Name), AttributeType: k.Type}
	}
	return defs
}

// UniqueName returns prefix followed by random hex, so parallel tests and reruns never share a table.
func UniqueName(prefix string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return prefix + "_" + hex.EncodeToString(b[:])
}
