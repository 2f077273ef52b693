package dynasql_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	mathrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynasql/dynasql"
	"github.com/dynasql/dynasql/internal/dynamotest"
	"github.com/dynasql/dynasql/internal/faultproxy"
)

// Tests of the retry policy (retry.go) through a fault-injecting proxy in front of DynamoDB Local: each forces
// an exact fault on the next request and checks what the driver did with it, counting requests at the proxy.

// startProxy starts a fault proxy in front of DynamoDB Local, closed when the test ends.
func startProxy(t *testing.T, cfg faultproxy.Config) *faultproxy.Proxy {
	t.Helper()
	cfg.Target = dynamotest.Endpoint(t)
	proxy, err := faultproxy.Start(cfg)
	require.NoError(t, err)
	t.Cleanup(proxy.Close)
	return proxy
}

// proxyDSN is a DSN for the proxy, with extra parameters ("max_attempts=3", ...).
func proxyDSN(proxy *faultproxy.Proxy, params ...string) string {
	dsn := fmt.Sprintf("dynamodb://%s:%s@%s?region=%s&tls=false", dynamotest.AccessKeyID, dynamotest.SecretAccessKey,
		strings.TrimPrefix(proxy.URL, "http://"), dynamotest.Region)
	for _, p := range params {
		dsn += "&" + p
	}
	return dsn
}

// openProxied opens a *sql.DB whose requests go through the proxy; it is closed before the proxy.
func openProxied(t *testing.T, proxy *faultproxy.Proxy, params ...string) *sql.DB {
	t.Helper()
	db, err := sql.Open("dynamodb", proxyDSN(proxy, params...))
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// awsConfigFor is an aws.Config for the proxy, for NewConnector.
func awsConfigFor(proxy *faultproxy.Proxy) aws.Config {
	return aws.Config{
		Region:       dynamotest.Region,
		Credentials:  credentials.NewStaticCredentialsProvider(dynamotest.AccessKeyID, dynamotest.SecretAccessKey, ""),
		BaseEndpoint: aws.String(proxy.URL),
	}
}

// counterTable creates a table of counters "c0".."c<n-1>", each with n = 0, written without faults.
func counterTable(t *testing.T, direct *sql.DB, counters int) string {
	t.Helper()
	table := dynamotest.CreateTable(t, "reliability", stringKey)
	for i := range counters {
		_, err := direct.Exec(fmt.Sprintf(`INSERT INTO %q VALUE {'id': ?, 'n': 0}`, table), fmt.Sprintf("c%d", i))
		require.NoError(t, err)
	}
	return table
}

func readCounter(t *testing.T, direct *sql.DB, table, id string) int64 {
	t.Helper()
	var n int64
	require.NoError(t, direct.QueryRow(fmt.Sprintf(`SELECT n FROM %q WHERE id = ?`, table), id).Scan(&n))
	return n
}

// tokenRecorder records the ClientRequestToken of every ExecuteTransaction the proxy sees.
type tokenRecorder struct {
	mu     sync.Mutex
	tokens []string
}

func (r *tokenRecorder) match(target string, body []byte) bool {
	if strings.HasSuffix(target, ".ExecuteTransaction") {
		var in struct{ ClientRequestToken string }
		_ = json.Unmarshal(body, &in)
		r.mu.Lock()
		r.tokens = append(r.tokens, in.ClientRequestToken)
		r.mu.Unlock()
	}
	return true
}

func (r *tokenRecorder) all() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.tokens...)
}

func TestThrottlingIsRetriedForEveryStatement(t *testing.T) {
	direct := dynamotest.Open(t, "consistent_read=true")
	table := counterTable(t, direct, 2)
	proxy := startProxy(t, faultproxy.Config{})
	db := openProxied(t, proxy, "max_backoff=1ms")
	ctx := context.Background()

	statements := []struct {
		name string
		run  func() error
	}{
		{"INSERT", func() error {
			_, err := db.ExecContext(ctx, fmt.Sprintf(`INSERT INTO %q VALUE {'id': 'new', 'n': 0}`, table))
			return err
		}},
		{"UPDATE", func() error {
			_, err := db.ExecContext(ctx, fmt.Sprintf(`UPDATE %q SET n = n + 1 WHERE id = 'c0'`, table))
			return err
		}},
		{"SELECT", func() error {
			var n int64
			return db.QueryRowContext(ctx, fmt.Sprintf(`SELECT n FROM %q WHERE id = 'c0'`, table)).Scan(&n)
		}},
		{"DELETE", func() error {
			_, err := db.ExecContext(ctx, fmt.Sprintf(`DELETE FROM %q WHERE id = 'new'`, table))
			return err
		}},
		{"COMMIT", func() error {
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(fmt.Sprintf(`UPDATE %q SET n = n + 1 WHERE id = 'c1'`, table)); err != nil {
				return err
			}
			return tx.Commit()
		}},
	}
	for _, s := range statements {
		before := proxy.Counts()
		proxy.Force(faultproxy.Throttle, 3)
		require.NoError(t, s.run(), s.name)
		after := proxy.Counts()
		assert.EqualValues(t, 3, after.Injected[faultproxy.Throttle]-before.Injected[faultproxy.Throttle], s.name)
		assert.EqualValues(t, 4, after.Requests-before.Requests, "%s: three throttled attempts, then one that succeeds", s.name)
	}
	assert.EqualValues(t, 1, readCounter(t, direct, table, "c0"), "the UPDATE was applied once")
	assert.EqualValues(t, 1, readCounter(t, direct, table, "c1"), "the transaction was applied once")
}

func TestThrottlingGivesUpAfterMaxAttempts(t *testing.T) {
	direct := dynamotest.Open(t, "consistent_read=true")
	table := counterTable(t, direct, 1)
	proxy := startProxy(t, faultproxy.Config{})
	db := openProxied(t, proxy, "max_attempts=3", "max_backoff=1ms")

	proxy.Force(faultproxy.Throttle, 3)
	_, err := db.Exec(fmt.Sprintf(`UPDATE %q SET n = n + 1 WHERE id = 'c0'`, table))
	require.Error(t, err)
	assert.ErrorIs(t, err, dynasql.ErrThrottled)
	assert.NotErrorIs(t, err, dynasql.ErrOutcomeUnknown, "a throttled write was not applied")
	assert.EqualValues(t, 3, proxy.Counts().Requests, "max_attempts=3 means three requests in all")
	assert.Zero(t, readCounter(t, direct, table, "c0"))

	// The same through WithConfig.
	connector, err := dynasql.NewConnector(awsConfigFor(proxy), dynasql.WithConfig(func(c *dynasql.Config) {
		c.MaxAttempts, c.MaxBackoff = 2, time.Millisecond
	}))
	require.NoError(t, err)
	viaConnector := sql.OpenDB(connector)
	defer viaConnector.Close()
	proxy.Force(faultproxy.Throttle, 2)
	var n int64
	err = viaConnector.QueryRow(fmt.Sprintf(`SELECT n FROM %q WHERE id = 'c0'`, table)).Scan(&n)
	assert.ErrorIs(t, err, dynasql.ErrThrottled)
	assert.EqualValues(t, 5, proxy.Counts().Requests)
}

// The SDK's standard retryer shares a quota of 500 tokens a client, 5 a retry: about 100 retries, after which
// it answers "retry quota exceeded". The driver's own policy has no quota.
func TestThrottlingIsNotStarvedByARetryQuota(t *testing.T) {
	direct := dynamotest.Open(t, "consistent_read=true")
	table := dynamotest.CreateTable(t, "quota", stringKey)
	proxy := startProxy(t, faultproxy.Config{Seed: 7, Throttle: 0.5})
	db := openProxied(t, proxy, "max_attempts=30", "max_backoff=1ms")

	const inserts = 300
	var wg sync.WaitGroup
	errs := make(chan error, inserts)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < inserts; i += 4 {
				_, err := db.Exec(fmt.Sprintf(`INSERT INTO %q VALUE {'id': ?}`, table), fmt.Sprint(i))
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	throttled := proxy.Counts().Injected[faultproxy.Throttle]
	t.Logf("%d inserts went through %d throttled attempts", inserts, throttled)
	assert.Greater(t, throttled, int64(150), "more throttles than the SDK's retry quota would have allowed")
	assert.Len(t, readTable(t, direct, table), inserts)
}

func TestReadsAreRetriedAfterAmbiguousFailures(t *testing.T) {
	direct := dynamotest.Open(t, "consistent_read=true")
	table := counterTable(t, direct, 1)
	proxy := startProxy(t, faultproxy.Config{LatencyDuration: 30 * time.Second})
	// timeout bounds each attempt, so a request held by the Latency fault is given up and retried.
	db := openProxied(t, proxy, "max_backoff=1ms", "timeout=500ms")

	for _, fault := range []faultproxy.Fault{faultproxy.ServerError, faultproxy.Reset, faultproxy.Drop, faultproxy.Latency} {
		before := proxy.Counts().Requests
		proxy.Force(fault, 1)
		var n int64
		began := time.Now()
		require.NoError(t, db.QueryRow(fmt.Sprintf(`SELECT n FROM %q WHERE id = 'c0'`, table)).Scan(&n), "%s", fault)
		assert.Less(t, time.Since(began), 10*time.Second, "%s: the injected latency is 30s", fault)
		assert.EqualValues(t, 0, n)
		assert.EqualValues(t, 2, proxy.Counts().Requests-before, "%s: retried once", fault)
	}
}

func TestAmbiguousWriteIsNotResent(t *testing.T) {
	direct := dynamotest.Open(t, "consistent_read=true")
	table := counterTable(t, direct, 1)
	proxy := startProxy(t, faultproxy.Config{LatencyDuration: 30 * time.Second})
	db := openProxied(t, proxy, "max_backoff=1ms", "timeout=500ms")

	applied := int64(0)
	for _, fault := range []faultproxy.Fault{faultproxy.ServerError, faultproxy.Reset, faultproxy.Drop, faultproxy.Latency} {
		before := proxy.Counts()
		proxy.Force(fault, 1)
		_, err := db.Exec(fmt.Sprintf(`UPDATE %q SET n = n + 1 WHERE id = 'c0'`, table))
		require.Error(t, err, "%s", fault)
		assert.ErrorIs(t, err, dynasql.ErrOutcomeUnknown, "%s", fault)
		assert.NotErrorIs(t, err, driver.ErrBadConn, "%s: database/sql would resend it", fault)
		var dynErr *dynasql.Error
		if assert.ErrorAs(t, err, &dynErr, "%s", fault) {
			assert.Error(t, dynErr.Err, "%s: the cause is kept", fault)
		}
		after := proxy.Counts()
		assert.EqualValues(t, 1, after.Requests-before.Requests, "%s: not resent, by the driver or database/sql", fault)
		if fault == faultproxy.Drop {
			applied++ // forwarded, applied, answer lost
		}
		assert.Equal(t, applied, readCounter(t, direct, table, "c0"), "%s", fault)
	}

	// A 500's cause is the SDK's response error.
	proxy.Force(faultproxy.ServerError, 1)
	_, err := db.Exec(fmt.Sprintf(`UPDATE %q SET n = n + 1 WHERE id = 'c0'`, table))
	var respErr *smithyhttp.ResponseError
	require.ErrorAs(t, err, &respErr)
	assert.Equal(t, http.StatusInternalServerError, respErr.HTTPStatusCode())
}

// A request that cannot have been sent (nothing listens) is retried, and its failure is not "outcome unknown".
func TestUnsentWriteIsDefinite(t *testing.T) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := listener.Addr().String()
	require.NoError(t, listener.Close())
	db, err := sql.Open("dynamodb", fmt.Sprintf("dynamodb://a:b@%s?region=us-east-1&tls=false&max_attempts=2&max_backoff=1ms", addr))
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(`UPDATE "t" SET n = n + 1 WHERE id = 'c0'`)
	require.Error(t, err)
	assert.NotErrorIs(t, err, dynasql.ErrOutcomeUnknown)
}

func TestSafeWritesResendWithTheSameToken(t *testing.T) {
	direct := dynamotest.Open(t, "consistent_read=true")
	table := counterTable(t, direct, 2)
	for _, how := range []string{"DSN", "WithConfig"} {
		t.Run(how, func(t *testing.T) {
			recorder := &tokenRecorder{}
			proxy := startProxy(t, faultproxy.Config{Match: recorder.match, LatencyDuration: 30 * time.Second})
			var db *sql.DB
			if how == "DSN" {
				db = openProxied(t, proxy, "safe_writes=true", "max_backoff=1ms", "timeout=2s")
			} else {
				connector, err := dynasql.NewConnector(awsConfigFor(proxy), dynasql.WithConfig(func(c *dynasql.Config) {
					c.SafeWrites, c.MaxBackoff, c.Timeout = true, time.Millisecond, 2*time.Second
				}))
				require.NoError(t, err)
				db = sql.OpenDB(connector)
				t.Cleanup(func() { _ = db.Close() })
			}
			id := map[string]string{"DSN": "c0", "WithConfig": "c1"}[how]
			faults := []faultproxy.Fault{faultproxy.Drop, faultproxy.ServerError, faultproxy.Reset, faultproxy.Drop, faultproxy.Latency}
			for _, f := range faults {
				proxy.Force(f, 1)
				res, err := db.Exec(fmt.Sprintf(`UPDATE %q SET n = n + 1 WHERE id = ?`, table), id)
				require.NoError(t, err)
				affected, err := res.RowsAffected()
				require.NoError(t, err)
				assert.EqualValues(t, 1, affected)
			}
			assert.EqualValues(t, len(faults), readCounter(t, direct, table, id), "each write applied exactly once")
			tokens := recorder.all()
			require.Len(t, tokens, 2*len(faults), "each write sent twice, as ExecuteTransaction")
			for i := 0; i < len(tokens); i += 2 {
				assert.NotEmpty(t, tokens[i])
				assert.Equal(t, tokens[i], tokens[i+1], "a resent write reuses its token")
				if i > 0 {
					assert.NotEqual(t, tokens[i-2], tokens[i], "each write has its own token")
				}
			}
		})
	}
}

func TestTransactionCommitIsRetriedWithItsToken(t *testing.T) {
	direct := dynamotest.Open(t, "consistent_read=true")
	table := counterTable(t, direct, 2)
	recorder := &tokenRecorder{}
	proxy := startProxy(t, faultproxy.Config{Match: recorder.match})
	db := openProxied(t, proxy, "max_backoff=1ms")

	for _, fault := range []faultproxy.Fault{faultproxy.Drop, faultproxy.ServerError, faultproxy.Reset, faultproxy.Throttle} {
		tx, err := db.Begin()
		require.NoError(t, err)
		_, err = tx.Exec(fmt.Sprintf(`UPDATE %q SET n = n + 1 WHERE id = 'c0'`, table))
		require.NoError(t, err)
		_, err = tx.Exec(fmt.Sprintf(`UPDATE %q SET n = n + 2 WHERE id = 'c1'`, table))
		require.NoError(t, err)
		proxy.Force(fault, 1)
		require.NoError(t, tx.Commit(), "%s", fault)
	}
	assert.EqualValues(t, 4, readCounter(t, direct, table, "c0"), "each commit applied once")
	assert.EqualValues(t, 8, readCounter(t, direct, table, "c1"))
	tokens := recorder.all()
	require.Len(t, tokens, 8)
	for i := 0; i < len(tokens); i += 2 {
		assert.Equal(t, tokens[i], tokens[i+1], "the retried commit reuses the transaction's token")
	}
}

// TestSecretsNeverAppearInErrors runs failing operations with a DSN holding a recognisable secret key and
// session token and checks every message the driver gives back.
func TestSecretsNeverAppearInErrors(t *testing.T) {
	const (
		secret = "SeCrEtKeY0123456789xyzABCDEFGHIJ"
		token  = "SeSsIoNtOkEn9876543210zyxWVUTSRQ"
	)
	check := func(what string, message string) {
		t.Helper()
		assert.NotContains(t, message, secret, what)
		assert.NotContains(t, message, token, what)
		assert.NotContains(t, strings.ToLower(message), strings.ToLower(secret[:16]), what)
		assert.NotContains(t, strings.ToLower(message), strings.ToLower(token[:16]), what)
	}
	proxy := startProxy(t, faultproxy.Config{})
	host := strings.TrimPrefix(proxy.URL, "http://")
	dsn := func(params string) string {
		return fmt.Sprintf("dynamodb://AKIDEXAMPLE:%s@%s?region=us-east-1&tls=false&session_token=%s&max_attempts=2&max_backoff=1ms%s",
			secret, host, token, params)
	}

	// Bad DSNs: the error comes from sql.Open's connector or from the first use.
	for _, bad := range []string{
		dsn("&max_attempts=zero"),
		dsn("&timeout=-1s"),
		dsn("&safe_writes=maybe"),
		dsn("&nope=1"),
		dsn("&region="),
		dsn("&region=a&region=b"),
		strings.Replace(dsn(""), "@", "%zz@", 1),
		strings.Replace(dsn(""), "dynamodb://", "dynamo://", 1),
		strings.Replace(dsn(""), "?", "/path?", 1),
		dsn("") + "#fragment",
		"dynamodb://AKIDEXAMPLE:" + secret + "@[::1" + "?session_token=" + token,
	} {
		_, err := dynasql.ParseDSN(bad)
		if assert.Error(t, err, "ParseDSN accepted a bad DSN") {
			check("ParseDSN", err.Error())
		}
		db, err := sql.Open("dynamodb", bad)
		if err == nil {
			err = db.Ping()
			_ = db.Close()
		}
		if assert.Error(t, err) {
			check("sql.Open", err.Error())
		}
	}

	cfg, err := dynasql.ParseDSN(dsn(""))
	require.NoError(t, err)
	for _, formatted := range []string{cfg.String(), fmt.Sprint(cfg), fmt.Sprintf("%v", cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg), fmt.Sprint(*cfg), fmt.Sprintf("%#v", *cfg)} {
		check("formatted Config", formatted)
	}

	// Failing requests: a missing table (an answer from DynamoDB Local), throttling, 500s, resets, lost answers,
	// a timeout, a malformed statement, a bad argument.
	db, err := sql.Open("dynamodb", dsn("&timeout=300ms"))
	require.NoError(t, err)
	defer db.Close()
	failing := []struct {
		fault faultproxy.Fault
		query string
		args  []any
	}{
		{-1, `SELECT * FROM "missing_table_for_secrets" WHERE id = 'x'`, nil},
		{faultproxy.Throttle, `SELECT a FROM "t" WHERE id = 'x'`, nil},
		{faultproxy.ServerError, `UPDATE "t" SET n = n + 1 WHERE id = 'x'`, nil},
		{faultproxy.Reset, `INSERT INTO "t" VALUE {'id': 'x'}`, nil},
		{faultproxy.Drop, `DELETE FROM "t" WHERE id = 'x'`, nil},
		{faultproxy.Latency, `UPDATE "t" SET n = 1 WHERE id = 'x'`, nil},
		{-1, `SELEC nonsense`, nil},
		{-1, `SELECT a FROM "t" WHERE id = ?`, []any{struct{}{}}},
		{-1, `SELECT a FROM "t" WHERE id = ?`, nil},
	}
	for _, f := range failing {
		if f.fault >= 0 {
			proxy.Force(f.fault, 2)
		}
		_, err := db.Exec(f.query, f.args...)
		if assert.Error(t, err, f.query) {
			check(f.query, err.Error())
			check(f.query, fmt.Sprintf("%+v", err))
			check(f.query, fmt.Sprintf("%#v", err))
		}
	}
	// A transaction's commit.
	proxy.Force(faultproxy.Throttle, 2)
	tx, err := db.Begin()
	require.NoError(t, err)
	_, err = tx.Exec(`UPDATE "t" SET n = 1 WHERE id = 'x'`)
	require.NoError(t, err)
	err = tx.Commit()
	if assert.Error(t, err) {
		check("COMMIT", err.Error())
	}
}

// readTable returns n for each item of table, read without faults.
func readTable(t *testing.T, direct *sql.DB, table string) map[string]int64 {
	t.Helper()
	rows, err := direct.Query(fmt.Sprintf(`SELECT id, n FROM %q`, table))
	require.NoError(t, err)
	defer rows.Close()
	values := make(map[string]int64)
	for rows.Next() {
		var id string
		var n sql.NullInt64
		require.NoError(t, rows.Scan(&id, &n))
		values[id] = n.Int64
	}
	require.NoError(t, rows.Err())
	return values
}

// A safe write whose first attempt may have been applied, and whose later attempts were all throttled, is
// "outcome unknown", not "throttled": the first attempt counts.
func TestThrottledRetryAfterAmbiguousAttemptIsOutcomeUnknown(t *testing.T) {
	direct := dynamotest.Open(t, "consistent_read=true")
	table := counterTable(t, direct, 1)
	proxy := startProxy(t, faultproxy.Config{})
	db := openProxied(t, proxy, "safe_writes=true", "max_attempts=3", "max_backoff=1ms")
	proxy.Force(faultproxy.Drop, 1)
	proxy.Force(faultproxy.Throttle, 2)
	_, err := db.Exec(fmt.Sprintf(`UPDATE %q SET n = n + 1 WHERE id = 'c0'`, table))
	assert.ErrorIs(t, err, dynasql.ErrOutcomeUnknown)
	assert.EqualValues(t, 1, readCounter(t, direct, table, "c0"), "the dropped attempt was applied")
}

// ---- The fault-injection suite -------------------------------------------------------------------------
//
// 32 goroutines share one *sql.DB whose requests go through the fault proxy: counter increments (UPDATE ...
// SET n = n + ?), inserts of new items, a small transaction now and then, and reads. Every outcome is tallied,
// then the invariants are checked against what DynamoDB Local holds. `make test` runs it for a few seconds a
// mode; `make fault` for FAULT_DURATION (such as 5m) a mode and prints the tallies as a table.

const (
	faultWorkers  = 32
	faultCounters = 16
)

// faultRates are the per-request probabilities of each fault.
var faultRates = map[faultproxy.Fault]float64{
	faultproxy.Throttle:    0.05,
	faultproxy.ServerError: 0.02,
	faultproxy.Reset:       0.02,
	faultproxy.Drop:        0.02,
	faultproxy.Latency:     0.005,
}

// faultTally is what the workload saw.
type faultTally struct {
	mu sync.Mutex
	// per counter: the sum of increments acknowledged, and of those whose outcome is unknown
	acked, unknown map[string]int64
	// inserted ids acknowledged, and whose outcome is unknown
	insertsAcked, insertsUnknown map[string]bool
	// outcomes by operation and result ("UPDATE ok", "INSERT outcome unknown", ...)
	outcomes map[string]int
	untyped  []error
}

func (ft *faultTally) record(op string, err error) string {
	var result string
	switch {
	case err == nil:
		result = "ok"
	case errors.Is(err, dynasql.ErrOutcomeUnknown):
		result = "outcome unknown"
	case errors.Is(err, dynasql.ErrThrottled):
		result = "throttled"
	case errors.Is(err, dynasql.ErrTransactionCanceled):
		result = "transaction canceled"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		result = "context"
	default:
		result = "untyped"
	}
	ft.mu.Lock()
	defer ft.mu.Unlock()
	ft.outcomes[op+"\t"+result]++
	if result == "untyped" && len(ft.untyped) < 20 {
		ft.untyped = append(ft.untyped, err)
	}
	return result
}

func (ft *faultTally) increment(id string, by int64, result string) {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	switch result {
	case "ok":
		ft.acked[id] += by
	case "outcome unknown", "context":
		ft.unknown[id] += by
	}
}

func faultDuration(t *testing.T) (time.Duration, bool) {
	if s := os.Getenv("FAULT_DURATION"); s != "" {
		d, err := time.ParseDuration(s)
		require.NoError(t, err, "FAULT_DURATION")
		return d, true
	}
	return 4 * time.Second, false
}

func TestFaultInjection(t *testing.T) {
	duration, long := faultDuration(t)
	for _, mode := range []struct {
		name   string
		params []string
	}{
		{"default", nil},
		{"safe_writes", []string{"safe_writes=true"}},
	} {
		t.Run(mode.name, func(t *testing.T) {
			runFaultWorkload(t, mode.name, duration, long, mode.params)
		})
	}
}

func runFaultWorkload(t *testing.T, mode string, duration time.Duration, long bool, params []string) {
	direct := dynamotest.Open(t, "consistent_read=true")
	counters := counterTable(t, direct, faultCounters)
	inserts := dynamotest.CreateTable(t, "faultinserts", stringKey)
	proxy := startProxy(t, faultproxy.Config{
		Seed:            uint64(time.Now().UnixNano()),
		Throttle:        faultRates[faultproxy.Throttle],
		ServerError:     faultRates[faultproxy.ServerError],
		Reset:           faultRates[faultproxy.Reset],
		Drop:            faultRates[faultproxy.Drop],
		Latency:         faultRates[faultproxy.Latency],
		LatencyDuration: 30 * time.Second,
	})
	// timeout bounds each attempt, so a request held by the Latency fault is given up (and retried where safe).
	db := openProxied(t, proxy, append([]string{"max_attempts=10", "max_backoff=200ms", "timeout=2s"}, params...)...)

	tally := &faultTally{
		acked: map[string]int64{}, unknown: map[string]int64{},
		insertsAcked: map[string]bool{}, insertsUnknown: map[string]bool{},
		outcomes: map[string]int{},
	}
	update := fmt.Sprintf(`UPDATE %q SET n = n + ? WHERE id = ?`, counters)
	insert := fmt.Sprintf(`INSERT INTO %q VALUE {'id': ?, 'w': ?}`, inserts)
	read := fmt.Sprintf(`SELECT n FROM %q WHERE id = ?`, counters)
	stop := time.Now().Add(duration)
	var wg sync.WaitGroup
	for w := range faultWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := mathrand.New(mathrand.NewPCG(uint64(w), uint64(time.Now().UnixNano())))
			for i := 0; time.Now().Before(stop); i++ {
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				idx := rng.IntN(faultCounters)
				id := fmt.Sprintf("c%d", idx)
				by := int64(1 + rng.IntN(3))
				switch p := rng.IntN(100); {
				case p < 60:
					_, err := db.ExecContext(ctx, update, by, id)
					tally.increment(id, by, tally.record("UPDATE", err))
				case p < 85:
					key := fmt.Sprintf("w%d-%d", w, i)
					_, err := db.ExecContext(ctx, insert, key, w)
					result := tally.record("INSERT", err)
					tally.mu.Lock()
					switch result {
					case "ok":
						tally.insertsAcked[key] = true
					case "outcome unknown", "context":
						tally.insertsUnknown[key] = true
					}
					tally.mu.Unlock()
				case p < 92:
					j := rng.IntN(faultCounters - 1)
					if j >= idx {
						j++
					}
					other := fmt.Sprintf("c%d", j)
					err := func() error {
						tx, err := db.BeginTx(ctx, nil)
						if err != nil {
							return err
						}
						defer tx.Rollback() //nolint:errcheck // after Commit it does nothing
						for _, c := range []string{id, other} {
							if _, err := tx.ExecContext(ctx, update, by, c); err != nil {
								return err
							}
						}
						return tx.Commit()
					}()
					result := tally.record("COMMIT", err)
					tally.increment(id, by, result)
					tally.increment(other, by, result)
				default:
					var n int64
					err := db.QueryRowContext(ctx, read, id).Scan(&n)
					tally.record("SELECT", err)
				}
				cancel()
			}
		}()
	}
	wg.Wait()
	proxy.Close() // waits for every request still held or forwarded: nothing reaches DynamoDB after this

	final := readTable(t, direct, counters)
	present := readTable(t, direct, inserts)
	counts := proxy.Counts()

	var acked, unknown, finalSum int64
	for i := range faultCounters {
		id := fmt.Sprintf("c%d", i)
		acked += tally.acked[id]
		unknown += tally.unknown[id]
		finalSum += final[id]
		assert.GreaterOrEqual(t, final[id], tally.acked[id], "%s: an acknowledged increment was lost", id)
		assert.LessOrEqual(t, final[id], tally.acked[id]+tally.unknown[id], "%s: an increment was applied twice, or one reported as failed was applied", id)
		if mode == "safe_writes" {
			assert.Equal(t, tally.acked[id], final[id], "%s: with safe_writes every increment is acknowledged exactly", id)
		}
	}
	for key := range tally.insertsAcked {
		assert.Contains(t, present, key, "an acknowledged insert is missing")
	}
	for key := range present {
		assert.True(t, tally.insertsAcked[key] || tally.insertsUnknown[key], "%s is present but its insert failed", key)
	}
	assert.Empty(t, tally.untyped, "every error is typed")
	for _, err := range tally.untyped {
		t.Logf("untyped error: %v", err)
	}
	if mode == "safe_writes" {
		assert.Zero(t, unknown, "with safe_writes no write should end with an unknown outcome")
	}
	assert.Positive(t, counts.Total(), "faults were injected")

	// The report.
	var b strings.Builder
	fmt.Fprintf(&b, "\nfault injection, mode %s, %s, %d workers, %d counters\n", mode, duration, faultWorkers, faultCounters)
	fmt.Fprintf(&b, "  %-44s %8s %10s\n", "fault", "rate", "injected")
	for _, f := range faultproxy.Faults {
		fmt.Fprintf(&b, "  %-44s %7.1f%% %10d\n", f, 100*faultRates[f], counts.Injected[f])
	}
	fmt.Fprintf(&b, "  %-44s %8s %10d\n", "requests received", "", counts.Requests)
	fmt.Fprintf(&b, "  %-44s %8s %10d\n", "requests forwarded to DynamoDB Local", "", counts.Forwarded)
	keys := make([]string, 0, len(tally.outcomes))
	for k := range tally.outcomes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintf(&b, "  %-44s %19s\n", "operation / result", "count")
	for _, k := range keys {
		op, result, _ := strings.Cut(k, "\t")
		fmt.Fprintf(&b, "  %-44s %19d\n", op+" "+result, tally.outcomes[k])
	}
	fmt.Fprintf(&b, "  counters: acknowledged %d <= final %d <= acknowledged + unknown %d\n", acked, finalSum, acked+unknown)
	fmt.Fprintf(&b, "  inserts: acknowledged %d, unknown %d, present %d\n", len(tally.insertsAcked), len(tally.insertsUnknown), len(present))
	if long {
		fmt.Print(b.String()) // make fault: the table on stdout
	} else {
		t.Log(b.String())
	}
}
