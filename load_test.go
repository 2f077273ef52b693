package dynasql_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	mathrand "math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dynasql/dynasql"
	"github.com/dynasql/dynasql/internal/dynamotest"
	"github.com/dynasql/dynasql/internal/faultproxy"
)

// TestLoad runs 64 goroutines × 200 mixed operations (select by key, insert, update, delete, a small
// transaction now and then) through one *sql.DB. It goes through the fault proxy with no faults, only to count
// the TCP connections the driver opens: one shared client keeps them few.
func TestLoad(t *testing.T) {
	const (
		workers    = 64
		operations = 200
	)
	direct := dynamotest.Open(t, "consistent_read=true")
	table := dynamotest.CreateTable(t, "load", stringKey)
	proxy := startProxy(t, faultproxy.Config{})
	db := openProxied(t, proxy, "consistent_read=true")

	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- loadWorker(db, table, w, operations)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}

	stats := db.Stats()
	t.Logf("db.Stats: %+v; proxy: %d requests on %d TCP connections", stats, proxy.Counts().Requests, proxy.Counts().Connections)
	assert.Positive(t, stats.OpenConnections)
	assert.LessOrEqual(t, stats.OpenConnections, workers, "one pool for every goroutine")
	assert.Zero(t, stats.InUse, "every connection went back to the pool")
	assert.GreaterOrEqual(t, proxy.Counts().Requests, int64(workers*operations))
	// One HTTP client for the whole pool, its idle connections kept: far fewer dials than requests.
	assert.LessOrEqual(t, proxy.Counts().Connections, int64(2*workers), "the driver's connections to DynamoDB are reused")

	// Each worker's surviving items are where it left them.
	items := readTable(t, direct, table)
	assert.NotEmpty(t, items)
}

// loadWorker runs its operations on keys of its own, and checks every answer against what it wrote.
func loadWorker(db *sql.DB, table string, w, operations int) error {
	ctx := context.Background()
	rng := mathrand.New(mathrand.NewPCG(uint64(w), 1))
	state := map[string]int64{} // key -> n, for the keys that exist
	key := func() string { return fmt.Sprintf("w%d-k%d", w, rng.IntN(8)) }
	for i := range operations {
		k := key()
		n, exists := state[k]
		switch p := rng.IntN(100); {
		case p < 30:
			var got int64
			err := db.QueryRowContext(ctx, fmt.Sprintf(`SELECT n FROM %q WHERE id = ?`, table), k).Scan(&got)
			switch {
			case exists && err != nil:
				return fmt.Errorf("op %d: SELECT %s: %w", i, k, err)
			case exists && got != n:
				return fmt.Errorf("op %d: SELECT %s: n = %d, want %d", i, k, got, n)
			case !exists && !errors.Is(err, sql.ErrNoRows):
				return fmt.Errorf("op %d: SELECT %s of a deleted item: %v", i, k, err)
			}
		case p < 50:
			_, err := db.ExecContext(ctx, fmt.Sprintf(`INSERT INTO %q VALUE {'id': ?, 'n': 0}`, table), k)
			switch {
			case exists && !errors.Is(err, dynasql.ErrDuplicateItem):
				return fmt.Errorf("op %d: INSERT %s over an item: %v", i, k, err)
			case !exists && err != nil:
				return fmt.Errorf("op %d: INSERT %s: %w", i, k, err)
			case !exists:
				state[k] = 0
			}
		case p < 75:
			if err := expectAffected(db.ExecContext(ctx, fmt.Sprintf(`UPDATE %q SET n = n + 1 WHERE id = ?`, table), k))(exists); err != nil {
				return fmt.Errorf("op %d: UPDATE %s: %w", i, k, err)
			}
			if exists {
				state[k] = n + 1
			}
		case p < 90:
			if err := expectAffected(db.ExecContext(ctx, fmt.Sprintf(`DELETE FROM %q WHERE id = ?`, table), k))(exists); err != nil {
				return fmt.Errorf("op %d: DELETE %s: %w", i, k, err)
			}
			delete(state, k)
		default:
			// A small transaction: a new item and, if there is one, an increment of an existing one.
			fresh := fmt.Sprintf("w%d-tx%d", w, i)
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, fmt.Sprintf(`INSERT INTO %q VALUE {'id': ?, 'n': 0}`, table), fresh); err != nil {
				_ = tx.Rollback()
				return fmt.Errorf("op %d: INSERT in a transaction: %w", i, err)
			}
			if exists {
				if _, err := tx.ExecContext(ctx, fmt.Sprintf(`UPDATE %q SET n = n + 1 WHERE id = ?`, table), k); err != nil {
					_ = tx.Rollback()
					return fmt.Errorf("op %d: UPDATE in a transaction: %w", i, err)
				}
			}
			if err := tx.Commit(); err != nil {
				return fmt.Errorf("op %d: COMMIT: %w", i, err)
			}
			if exists {
				state[k] = n + 1
			}
		}
	}
	return nil
}

func expectAffected(res sql.Result, err error) func(exists bool) error {
	return func(exists bool) error {
		if err != nil {
			return err
		}
		affected, err := res.RowsAffected()
		if err != nil {
			return err
		}
		want := int64(0)
		if exists {
			want = 1
		}
		if affected != want {
			return fmt.Errorf("%d rows affected, want %d", affected, want)
		}
		return nil
	}
}
