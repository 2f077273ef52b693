package dynasql

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/dynasql/dynasql/partiql"
)

// conn is one database/sql connection. It holds no network state: every connection of a connector shares its
// DynamoDB client, so a connection is cheap and never goes bad on its own. It carries the open transaction.
type conn struct {
	connector *Connector
	tx        *transaction
	closed    bool
}

var (
	_ driver.Conn               = (*conn)(nil)
	_ driver.QueryerContext     = (*conn)(nil)
	_ driver.ExecerContext      = (*conn)(nil)
	_ driver.ConnPrepareContext = (*conn)(nil)
	_ driver.ConnBeginTx        = (*conn)(nil)
	_ driver.Pinger             = (*conn)(nil)
	_ driver.SessionResetter    = (*conn)(nil)
	_ driver.Validator          = (*conn)(nil)
	_ driver.NamedValueChecker  = (*conn)(nil)
)

func (c *conn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

// PrepareContext parses the statement (through the connector's cache); nothing is sent to DynamoDB.
func (c *conn) PrepareContext(_ context.Context, query string) (driver.Stmt, error) {
	compiled, err := c.connector.statements.prepare(query)
	if err != nil {
		return nil, err
	}
	return &stmt{conn: c, compiled: compiled}, nil
}

func (c *conn) Close() error {
	c.closed = true
	c.tx = nil
	return nil
}

func (c *conn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

// Ping makes one cheap authenticated call: ListTables with Limit 1 (IAM permission dynamodb:ListTables).
func (c *conn) Ping(ctx context.Context) error {
	if c.connector.closed.Load() {
		return driver.ErrBadConn
	}
	result := c.connector.retry(ctx, true, func(ctx context.Context) error {
		_, err := c.connector.client.ListTables(ctx, &dynamodb.ListTablesInput{Limit: aws.Int32(1)})
		return err
	})
	if result.err != nil {
		return &Error{Op: "PING", Err: result.err}
	}
	return nil
}

// ResetSession drops a transaction left open by a caller that returned the connection without ending it.
func (c *conn) ResetSession(context.Context) error {
	if c.connector.closed.Load() {
		return driver.ErrBadConn
	}
	c.tx = nil
	return nil
}

func (c *conn) IsValid() bool { return !c.closed && !c.connector.closed.Load() }

// CheckNamedValue converts each argument to its DynamoDB value before database/sql's own conversion could
// reject lists, maps and sets (see the type mapping in the package documentation).
func (c *conn) CheckNamedValue(nv *driver.NamedValue) error { return checkNamedValue(nv) }

func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	compiled, err := c.connector.statements.prepare(query)
	if err != nil {
		return nil, err
	}
	return c.query(ctx, compiled, args)
}

func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	compiled, err := c.connector.statements.prepare(query)
	if err != nil {
		return nil, err
	}
	return c.exec(ctx, compiled, args)
}

// query runs a statement that returns rows: a SELECT, or a write with RETURNING. A write without RETURNING
// runs as Exec would and returns no rows.
func (c *conn) query(ctx context.Context, q *partiql.Compiled, args []driver.NamedValue) (driver.Rows, error) {
	if c.closed {
		return nil, driver.ErrBadConn
	}
	b, err := bind(q, args)
	if err != nil {
		return nil, err
	}
	switch {
	case q.Kind == partiql.KindSelect:
		consistent := c.connector.cfg.ConsistentRead || c.tx != nil
		return c.connector.selectRows(ctx, q, b, consistent)
	case q.Kind == partiql.KindExists:
		return nil, errExistsOutsideTx(q)
	case c.tx != nil:
		if q.Returning {
			return nil, fmt.Errorf("dynasql: %s with RETURNING cannot run inside a transaction: DynamoDB transactions return no items", q.Kind)
		}
		if err := c.tx.add(q, b); err != nil {
			return nil, err
		}
		return emptyRows{}, nil
	case q.Returning:
		return c.connector.writeReturning(ctx, q, b)
	default:
		if _, err := c.connector.write(ctx, q, b); err != nil {
			return nil, err
		}
		return emptyRows{}, nil
	}
}

// exec runs a statement for its effect and reports the rows it affected exactly (see the package
// documentation on RowsAffected).
func (c *conn) exec(ctx context.Context, q *partiql.Compiled, args []driver.NamedValue) (driver.Result, error) {
	if c.closed {
		return nil, driver.ErrBadConn
	}
	b, err := bind(q, args)
	if err != nil {
		return nil, err
	}
	if c.tx != nil && q.Kind != partiql.KindSelect {
		if err := c.tx.add(q, b); err != nil {
			return nil, err
		}
		return c.tx.lastResult(), nil
	}
	switch q.Kind {
	case partiql.KindSelect:
		return c.connector.countRows(ctx, q, b, c.connector.cfg.ConsistentRead || c.tx != nil)
	case partiql.KindExists:
		return nil, errExistsOutsideTx(q)
	}
	return c.connector.write(ctx, q, b)
}

func errExistsOutsideTx(q *partiql.Compiled) error {
	return fmt.Errorf("dynasql: EXISTS on %s is a condition check and only runs inside a transaction", quoteIdent(q.Table))
}

// bound holds a statement's arguments in the order each Part sends them.
type bound struct {
	params [][]types.AttributeValue // per Part; nil when it takes none (DynamoDB rejects an empty list)
	limit  int64                    // the row cap, -1 for none
}

// bind orders the caller's arguments for each Part of q: positional by ordinal, named by name.
func bind(q *partiql.Compiled, args []driver.NamedValue) (bound, error) {
	if len(args) != q.NumInput {
		return bound{}, fmt.Errorf("dynasql: %s takes %d arguments, got %d", q.Kind, q.NumInput, len(args))
	}
	values := make([]types.AttributeValue, len(args))
	for i := range args {
		av, err := argumentValue(&args[i])
		if err != nil {
			return bound{}, err
		}
		values[i] = av
	}
	if q.Names != nil {
		byName, err := orderByName(q.Names, args, values)
		if err != nil {
			return bound{}, err
		}
		values = byName
	} else {
		for i := range args {
			if args[i].Name != "" {
				return bound{}, fmt.Errorf("dynasql: argument %q is named but the statement uses ? placeholders", args[i].Name)
			}
		}
	}
	b := bound{params: make([][]types.AttributeValue, len(q.Parts)), limit: q.Limit}
	for i, part := range q.Parts {
		if len(part.Args) == 0 {
			continue
		}
		params := make([]types.AttributeValue, len(part.Args))
		for j, arg := range part.Args {
			params[j] = values[arg]
		}
		b.params[i] = params
	}
	if q.LimitArg >= 0 {
		limit, err := limitValue(values[q.LimitArg])
		if err != nil {
			return bound{}, err
		}
		b.limit = limit
	}
	return b, nil
}

// argumentValue returns the DynamoDB value of an argument: CheckNamedValue has converted it already unless the
// caller went around database/sql.
func argumentValue(nv *driver.NamedValue) (types.AttributeValue, error) {
	if av, ok := nv.Value.(types.AttributeValue); ok {
		return av, nil
	}
	if err := checkNamedValue(nv); err != nil {
		return nil, err
	}
	return nv.Value.(types.AttributeValue), nil
}

func orderByName(names []string, args []driver.NamedValue, values []types.AttributeValue) ([]types.AttributeValue, error) {
	ordered := make([]types.AttributeValue, len(names))
	found := make([]bool, len(names))
	for i := range args {
		if args[i].Name == "" {
			return nil, fmt.Errorf("dynasql: argument %d has no name but the statement uses :name placeholders; pass sql.Named", args[i].Ordinal)
		}
		j := indexOf(names, args[i].Name)
		if j < 0 {
			return nil, fmt.Errorf("dynasql: the statement has no placeholder :%s", args[i].Name)
		}
		if found[j] {
			return nil, fmt.Errorf("dynasql: argument %q given twice", args[i].Name)
		}
		ordered[j], found[j] = values[i], true
	}
	return ordered, nil
}

func indexOf(names []string, name string) int {
	for i, n := range names {
		if n == name {
			return i
		}
	}
	return -1
}

func limitValue(av types.AttributeValue) (int64, error) {
	n, ok := av.(*types.AttributeValueMemberN)
	if !ok {
		return 0, errors.New("dynasql: LIMIT takes a whole number")
	}
	limit, err := Number(n.Value).Int64()
	if err != nil || limit < 0 {
		return 0, errors.New("dynasql: LIMIT takes a non-negative whole number")
	}
	return limit, nil
}
