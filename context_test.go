package dynasql_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynasql/dynasql"
	"github.com/dynasql/dynasql/internal/dynamotest"
	"github.com/dynasql/dynasql/internal/faultproxy"
)

// The proxy holds a request for 30s; the tests give the context 200ms and accept anything under 5s, so they
// cannot flake on a slow machine yet fail if the driver waits for the answer.
const (
	heldFor   = 30 * time.Second
	deadline  = 200 * time.Millisecond
	promptly  = 5 * time.Second
	aLongTime = "the proxy holds the request 30s"
)

func TestDeadlineEndsAHeldRequest(t *testing.T) {
	direct := dynamotest.Open(t, "consistent_read=true")
	table := counterTable(t, direct, 2)
	proxy := startProxy(t, faultproxy.Config{LatencyDuration: heldFor})
	db := openProxied(t, proxy)

	operations := map[string]func(ctx context.Context) error{
		"SELECT": func(ctx context.Context) error {
			var n int64
			return db.QueryRowContext(ctx, fmt.Sprintf(`SELECT n FROM %q WHERE id = 'c0'`, table)).Scan(&n)
		},
		"UPDATE": func(ctx context.Context) error {
			_, err := db.ExecContext(ctx, fmt.Sprintf(`UPDATE %q SET n = n + 1 WHERE id = 'c0'`, table))
			return err
		},
		"COMMIT": func(ctx context.Context) error {
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, fmt.Sprintf(`UPDATE %q SET n = n + 1 WHERE id = 'c1'`, table)); err != nil {
				return err
			}
			return tx.Commit()
		},
	}
	for name, run := range operations {
		proxy.Force(faultproxy.Latency, 1)
		ctx, cancel := context.WithTimeout(context.Background(), deadline)
		began := time.Now()
		err := run(ctx)
		elapsed := time.Since(began)
		cancel()
		t.Logf("%s returned %s after its %s deadline", name, (elapsed - deadline).Round(time.Microsecond), deadline)
		require.Error(t, err, name)
		assert.ErrorIs(t, err, context.DeadlineExceeded, name)
		assert.Less(t, elapsed, promptly, "%s: %s", name, aLongTime)
	}
	// Held requests were never forwarded: nothing applied.
	assert.Zero(t, readCounter(t, direct, table, "c0"))
	assert.Zero(t, readCounter(t, direct, table, "c1"))
}

func TestCancelEndsAHeldRequest(t *testing.T) {
	direct := dynamotest.Open(t, "consistent_read=true")
	table := counterTable(t, direct, 1)
	proxy := startProxy(t, faultproxy.Config{LatencyDuration: heldFor})
	db := openProxied(t, proxy, "safe_writes=true")

	proxy.Force(faultproxy.Latency, 1)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(deadline, cancel)
	began := time.Now()
	_, err := db.ExecContext(ctx, fmt.Sprintf(`UPDATE %q SET n = n + 1 WHERE id = 'c0'`, table))
	assert.Less(t, time.Since(began), promptly, aLongTime)
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, err, dynasql.ErrOutcomeUnknown, "the write was sent: its outcome is unknown")
}

func TestDeadlineEndsTheBackoff(t *testing.T) {
	proxy := startProxy(t, faultproxy.Config{Throttle: 1})
	db := openProxied(t, proxy, "max_attempts=100", "max_backoff=30s")
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	began := time.Now()
	var n int64
	err := db.QueryRowContext(ctx, `SELECT n FROM "t" WHERE id = 'c0'`).Scan(&n)
	assert.Less(t, time.Since(began), promptly, "100 attempts with backoff up to 30s would take minutes")
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Greater(t, proxy.Counts().Requests, int64(1), "it was retrying")
}

func TestTimeoutBoundsEachAttempt(t *testing.T) {
	direct := dynamotest.Open(t, "consistent_read=true")
	table := counterTable(t, direct, 1)
	proxy := startProxy(t, faultproxy.Config{LatencyDuration: heldFor})
	db := openProxied(t, proxy, "timeout=200ms", "max_attempts=2", "max_backoff=1ms")

	proxy.Force(faultproxy.Latency, 2)
	began := time.Now()
	var n int64
	err := db.QueryRow(fmt.Sprintf(`SELECT n FROM %q WHERE id = 'c0'`, table)).Scan(&n)
	assert.Less(t, time.Since(began), promptly, aLongTime)
	assert.ErrorIs(t, err, context.DeadlineExceeded, "each attempt ran out of time")
	assert.EqualValues(t, 2, proxy.Counts().Requests)
}

// A long result is read page by page inside Next: the context is checked between pages, and a page held by
// the network is cut short when the context ends.
func TestCancelBetweenPages(t *testing.T) {
	direct := dynamotest.Open(t, "consistent_read=true")
	table := counterTable(t, direct, 6)
	proxy := startProxy(t, faultproxy.Config{LatencyDuration: heldFor})
	db := openProxied(t, proxy, "page_size=1")
	query := fmt.Sprintf(`SELECT id, n FROM %q`, table)

	t.Run("canceled before the next page", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		rows, err := db.QueryContext(ctx, query)
		require.NoError(t, err)
		defer rows.Close()
		require.True(t, rows.Next())
		before := proxy.Counts().Requests
		cancel()
		for rows.Next() {
		}
		assert.ErrorIs(t, rows.Err(), context.Canceled)
		assert.LessOrEqual(t, proxy.Counts().Requests-before, int64(1), "no page fetched after the cancel")
	})

	t.Run("canceled while a page is held", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		rows, err := db.QueryContext(ctx, query)
		require.NoError(t, err)
		defer rows.Close()
		require.True(t, rows.Next())
		proxy.Force(faultproxy.Latency, 1)
		time.AfterFunc(deadline, cancel)
		began := time.Now()
		read := 1
		for rows.Next() {
			read++
		}
		assert.Less(t, time.Since(began), promptly, aLongTime)
		assert.Less(t, read, 6, "the result was cut short")
		assert.ErrorIs(t, rows.Err(), context.Canceled)
	})

	t.Run("deadline between pages", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), deadline)
		defer cancel()
		rows, err := db.QueryContext(ctx, query)
		require.NoError(t, err)
		defer rows.Close()
		require.True(t, rows.Next())
		proxy.Force(faultproxy.Latency, 1)
		began := time.Now()
		for rows.Next() {
		}
		assert.Less(t, time.Since(began), promptly, aLongTime)
		assert.ErrorIs(t, rows.Err(), context.DeadlineExceeded)
	})
}
