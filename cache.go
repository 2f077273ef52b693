package dynasql

import (
	"sync"

	"github.com/dynasql/dynasql/partiql"
)

// statementCache keeps parsed statements by their text, so a hot statement is parsed once per connector.
// It is bounded: when full, it starts a new generation and keeps the previous one for lookups, so the
// statements in use survive and the ones no longer used are dropped (two-generation LRU approximation).
type statementCache struct {
	mu       sync.RWMutex
	capacity int
	current  map[string]*partiql.Compiled
	previous map[string]*partiql.Compiled
}

func newStatementCache(capacity int) *statementCache {
	return &statementCache{capacity: capacity, current: make(map[string]*partiql.Compiled)}
}

// prepare returns the compiled form of text, from the cache or by parsing it.
func (c *statementCache) prepare(text string) (*partiql.Compiled, error) {
	if c.capacity <= 0 {
		return partiql.Prepare(text)
	}
	c.mu.RLock()
	compiled, ok := c.current[text]
	c.mu.RUnlock()
	if ok {
		return compiled, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if compiled, ok := c.current[text]; ok {
		return compiled, nil
	}
	compiled, ok = c.previous[text]
	if !ok {
		var err error
		if compiled, err = partiql.Prepare(text); err != nil {
			return nil, err
		}
	}
	if len(c.current) >= (c.capacity+1)/2 {
		c.previous, c.current = c.current, make(map[string]*partiql.Compiled, len(c.current))
	}
	c.current[text] = compiled
	return compiled, nil
}
