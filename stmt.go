package dynasql

import (
	"context"
	"database/sql/driver"

	"github.com/dynasql/dynasql/partiql"
)

// stmt is a prepared statement: parsed once, run on its connection.
type stmt struct {
	conn     *conn
	compiled *partiql.Compiled
}

var (
	_ driver.Stmt              = (*stmt)(nil)
	_ driver.StmtExecContext   = (*stmt)(nil)
	_ driver.StmtQueryContext  = (*stmt)(nil)
	_ driver.NamedValueChecker = (*stmt)(nil)
)

func (s *stmt) Close() error { return nil }

// NumInput is exact: DynamoDB silently ignores extra parameters, so database/sql must count them for us.
func (s *stmt) NumInput() int { return s.compiled.NumInput }

func (s *stmt) CheckNamedValue(nv *driver.NamedValue) error { return checkNamedValue(nv) }

func (s *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	return s.conn.exec(ctx, s.compiled, args)
}

func (s *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	return s.conn.query(ctx, s.compiled, args)
}

func (s *stmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.conn.exec(context.Background(), s.compiled, namedValues(args))
}

func (s *stmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.conn.query(context.Background(), s.compiled, namedValues(args))
}

func namedValues(args []driver.Value) []driver.NamedValue {
	named := make([]driver.NamedValue, len(args))
	for i, v := range args {
		named[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return named
}
