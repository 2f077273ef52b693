package dynasql

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStatementCacheParsesOnce(t *testing.T) {
	cache := newStatementCache(8)
	first, err := cache.prepare(`SELECT a FROM "t" WHERE id = ?`)
	require.NoError(t, err)
	again, err := cache.prepare(`SELECT a FROM "t" WHERE id = ?`)
	require.NoError(t, err)
	assert.Same(t, first, again, "a hit returns the parsed statement, not a new parse")

	_, err = cache.prepare(`SELECT FROM`)
	assert.Error(t, err)
}

func TestStatementCacheIsBounded(t *testing.T) {
	cache := newStatementCache(10)
	hot := `SELECT hot FROM "t"`
	hotCompiled, err := cache.prepare(hot)
	require.NoError(t, err)
	for i := range 1000 {
		_, err := cache.prepare(fmt.Sprintf(`SELECT a%d FROM "t"`, i))
		require.NoError(t, err)
		if i%3 == 0 { // the hot statement stays in use
			got, err := cache.prepare(hot)
			require.NoError(t, err)
			assert.Same(t, hotCompiled, got, "a statement in use survives eviction (round %d)", i)
		}
	}
	assert.LessOrEqual(t, cache.len(), 10, "never more than the capacity")
}

func TestStatementCacheDisabled(t *testing.T) {
	cache := newStatementCache(0)
	a, err := cache.prepare(`SELECT a FROM "t"`)
	require.NoError(t, err)
	b, err := cache.prepare(`SELECT a FROM "t"`)
	require.NoError(t, err)
	assert.NotSame(t, a, b)
	assert.Zero(t, cache.len())
}

// BenchmarkStatementCacheHit is the cost of preparing a hot statement: the target is well under 200 ns.
func BenchmarkStatementCacheHit(b *testing.B) {
	cache := newStatementCache(DefaultStatementCache)
	const text = `SELECT id, name, email, age, status FROM "users" WHERE id = ? AND age BETWEEN ? AND ? AND begins_with(name, ?) AND status IN ['active', 'pending']`
	if _, err := cache.prepare(text); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := cache.prepare(text); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// len reports how many statements the cache holds (a statement moved to the current generation may be counted
// twice, which only makes the bound checks stricter).
func (c *statementCache) len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.current) + len(c.previous)
}
