package dynasql

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"io"
	"net"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// DriverName is the name the driver registers with database/sql. AliasName is registered too: three other
// drivers also claim "dynamodb", so a program that imports one of them beside this one opens dynasql as
// "dynasql" (database/sql panics on a second registration of a name; when another driver took "dynamodb"
// first, this one leaves it alone).
const (
	DriverName = "dynamodb"
	AliasName  = "dynasql"
)

func init() {
	if !slices.Contains(sql.Drivers(), DriverName) {
		sql.Register(DriverName, &Driver{})
	}
	sql.Register(AliasName, &Driver{})
}

// Driver is the database/sql driver. database/sql uses OpenConnector, so every *sql.DB has one Connector and
// one DynamoDB client shared by all its connections.
type Driver struct{}

var (
	_ driver.Driver        = (*Driver)(nil)
	_ driver.DriverContext = (*Driver)(nil)
	_ driver.Connector     = (*Connector)(nil)
	_ io.Closer            = (*Connector)(nil)
)

// Open opens a connection on a connector of its own. database/sql never calls it (it uses OpenConnector);
// it is here for callers of the driver.Driver interface.
func (d *Driver) Open(dsn string) (driver.Conn, error) {
	c, err := d.OpenConnector(dsn)
	if err != nil {
		return nil, err
	}
	return c.Connect(context.Background())
}

// OpenConnector parses the DSN and builds the connector with its DynamoDB client.
func (d *Driver) OpenConnector(dsn string) (driver.Connector, error) {
	cfg, err := ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	awsCfg, err := cfg.loadAWSConfig(context.Background())
	if err != nil {
		return nil, err
	}
	return newConnector(cfg, awsCfg, nil)
}

// loadAWSConfig resolves what the DSN leaves open (see loadUnsetFromChain), overridden by what it sets. A DSN
// that names the region, the endpoint and static keys leaves nothing to resolve: the chain is skipped, which
// saves reading the shared config files at start-up (a few milliseconds of a Lambda's cold start).
func (c *Config) loadAWSConfig(ctx context.Context) (aws.Config, error) {
	if c.Region != "" && c.Endpoint != "" && c.AccessKeyID != "" && c.Profile == "" {
		return aws.Config{Region: c.Region, Credentials: c.staticCredentials()}, nil
	}
	return c.loadUnsetFromChain(ctx)
}

// staticCredentials are the DSN's keys.
func (c *Config) staticCredentials() aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken)
}

// Client is the part of *dynamodb.Client the driver calls. WithClient injects one: a wrapper, a fake in tests.
type Client interface {
	ExecuteStatement(context.Context, *dynamodb.ExecuteStatementInput, ...func(*dynamodb.Options)) (*dynamodb.ExecuteStatementOutput, error)
	ExecuteTransaction(context.Context, *dynamodb.ExecuteTransactionInput, ...func(*dynamodb.Options)) (*dynamodb.ExecuteTransactionOutput, error)
	BatchExecuteStatement(context.Context, *dynamodb.BatchExecuteStatementInput, ...func(*dynamodb.Options)) (*dynamodb.BatchExecuteStatementOutput, error)
	DescribeTable(context.Context, *dynamodb.DescribeTableInput, ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error)
	ListTables(context.Context, *dynamodb.ListTablesInput, ...func(*dynamodb.Options)) (*dynamodb.ListTablesOutput, error)
}

var _ Client = (*dynamodb.Client)(nil)

// Option configures a Connector built by NewConnector.
type Option func(*connectorOptions)

type connectorOptions struct {
	client    Client
	configure []func(*Config)
}

// WithClient makes the connector use client instead of building one from the aws.Config. The driver's retry
// policy still applies on top; the client's own retryer and HTTP client are the caller's business.
func WithClient(client Client) Option {
	return func(o *connectorOptions) { o.client = client }
}

// WithConfig adjusts the driver settings a DSN would otherwise carry (consistent reads, retries, batches...).
// Credentials, region and endpoint come from the aws.Config and are ignored here.
func WithConfig(configure func(*Config)) Option {
	return func(o *connectorOptions) { o.configure = append(o.configure, configure) }
}

// NewConnector builds a connector from the caller's own aws.Config, keeping its credentials, region, endpoint,
// HTTP client and middlewares (tracing). Use it with sql.OpenDB; closing the *sql.DB closes the connector.
//
// The HTTP client is wrapped so request bodies are buffered (see RELIABILITY.md). The SDK's default
// BuildableClient is replaced by a plain client on a copy of its transport, so the connector owns, and on Close
// releases, its connection pool; a client of the caller's own is used as it is and never closed.
func NewConnector(awsCfg aws.Config, opts ...Option) (*Connector, error) {
	var o connectorOptions
	for _, opt := range opts {
		opt(&o)
	}
	cfg := NewConfig()
	for _, configure := range o.configure {
		configure(cfg)
	}
	return newConnector(cfg, awsCfg, o.client)
}

// Connector owns one DynamoDB client and the caches every connection shares.
type Connector struct {
	cfg        Config
	client     Client
	statements *statementCache
	keys       sync.Map // table name -> []string, its key attribute names (partition key first)
	closeIdle  func()
	closed     atomic.Bool
}

func newConnector(cfg *Config, awsCfg aws.Config, client Client) (*Connector, error) {
	c := &Connector{cfg: *cfg, statements: newStatementCache(cfg.StatementCache)}
	if client != nil {
		c.client = client
		c.closeIdle = func() {}
		return c, nil
	}
	httpClient := newBufferedBodyClient(awsCfg.HTTPClient)
	c.closeIdle = httpClient.closeIdleConnections
	c.client = dynamodb.NewFromConfig(awsCfg, func(o *dynamodb.Options) {
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
		}
		o.HTTPClient = httpClient
		// The driver owns retries (see retry.go): the SDK's retryer would resend non-idempotent writes and
		// share a retry quota that runs dry under throttling.
		o.Retryer = aws.NopRetryer{}
		// DynamoDB Local's error responses carry no valid CRC32; keep the check for AWS itself.
		if isLocalEndpoint(o.BaseEndpoint) {
			o.DisableValidateResponseChecksum = true
		}
	})
	return c, nil
}

// isLocalEndpoint reports whether the endpoint is a loopback or private host rather than AWS.
func isLocalEndpoint(endpoint *string) bool {
	if endpoint == nil {
		return false
	}
	u, err := url.Parse(*endpoint)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if strings.HasSuffix(host, ".amazonaws.com") || strings.HasSuffix(host, ".amazonaws.com.cn") {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && (ip.IsLoopback() || ip.IsPrivate())
}

// Connect returns a connection. Connections hold no network state of their own: they share the client.
func (c *Connector) Connect(context.Context) (driver.Conn, error) {
	if c.closed.Load() {
		return nil, errConnectorClosed
	}
	return &conn{connector: c}, nil
}

// Driver returns the driver, as database/sql asks.
func (c *Connector) Driver() driver.Driver { return &Driver{} }

// Close releases the HTTP client's idle connections; connections opened afterwards fail. *sql.DB's Close
// calls it.
func (c *Connector) Close() error {
	if c.closed.Swap(true) {
		return nil
	}
	c.closeIdle()
	return nil
}
