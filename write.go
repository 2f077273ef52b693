package dynasql

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/dynasql/dynasql/partiql"
)

// write runs a single write (or a multi-row INSERT as batches) outside a transaction and counts what it
// affected: DynamoDB's conditional failures become 0 rows, as a SQL database would report them.
func (c *Connector) write(ctx context.Context, q *partiql.Compiled, b bound) (driver.Result, error) {
	if len(q.Parts) > 1 {
		return c.batchInsert(ctx, q, b)
	}
	if c.cfg.SafeWrites && !q.Returning {
		return c.safeWrite(ctx, q, b)
	}
	text := q.Parts[0].Text
	// DynamoDB says nothing when a DELETE's key is missing: ask for the old item and count it.
	countDeleted := q.Kind == partiql.KindDelete && !q.Returning
	if countDeleted {
		text += " RETURNING ALL OLD *"
	}
	out, err := c.executeWrite(ctx, q, text, b.params[0])
	if err != nil {
		if errors.Is(err, ErrConditionalCheckFailed) && q.Kind != partiql.KindInsert {
			return driver.RowsAffected(0), nil
		}
		return nil, err
	}
	if countDeleted || q.Returning {
		return driver.RowsAffected(len(out.Items)), nil
	}
	return driver.RowsAffected(1), nil
}

// writeReturning runs an UPDATE or DELETE with the caller's RETURNING clause and returns its items as rows.
// A WHERE that matches nothing gives no rows, as it gives 0 RowsAffected through Exec.
func (c *Connector) writeReturning(ctx context.Context, q *partiql.Compiled, b bound) (driver.Rows, error) {
	out, err := c.executeWrite(ctx, q, q.Parts[0].Text, b.params[0])
	var items []map[string]types.AttributeValue
	switch {
	case err == nil:
		items = out.Items
	case !errors.Is(err, ErrConditionalCheckFailed):
		return nil, err
	}
	return c.staticRows(ctx, q, items)
}

// executeWrite sends one write statement. It is never resent after an ambiguous failure: that could apply it
// twice; the error then wraps ErrOutcomeUnknown.
func (c *Connector) executeWrite(ctx context.Context, q *partiql.Compiled, text string, params []types.AttributeValue) (*dynamodb.ExecuteStatementOutput, error) {
	input := &dynamodb.ExecuteStatementInput{Statement: &text, Parameters: params}
	var out *dynamodb.ExecuteStatementOutput
	result := c.retry(ctx, false, func(ctx context.Context) error {
		var err error
		out, err = c.client.ExecuteStatement(ctx, input)
		return err
	})
	if result.err != nil {
		return nil, requestError(q.Kind.String(), q.Table, result, true)
	}
	return out, nil
}

// safeWrite sends a single write as a one-statement ExecuteTransaction with a ClientRequestToken reused by
// every attempt, so it can be resent after an ambiguous failure and still be applied at most once
// (Config.SafeWrites). Transactions return no items, so a DELETE is counted by a condition instead of
// RETURNING: its key must exist, and a missing item fails the condition (0 rows).
func (c *Connector) safeWrite(ctx context.Context, q *partiql.Compiled, b bound) (driver.Result, error) {
	text := q.Parts[0].Text
	if q.Kind == partiql.KindDelete {
		keys, err := c.keyAttributes(ctx, q.Table)
		if err != nil {
			return nil, err
		}
		if len(keys) == 0 {
			return nil, fmt.Errorf("dynasql: safe_writes counts a DELETE with the key of %s, which DescribeTable did not give (IAM permission dynamodb:DescribeTable)", quoteIdent(q.Table))
		}
		text += " AND " + quoteIdent(keys[0]) + " IS NOT MISSING"
	}
	token, err := newRequestToken()
	if err != nil {
		return nil, err
	}
	input := &dynamodb.ExecuteTransactionInput{
		TransactStatements: []types.ParameterizedStatement{{Statement: &text, Parameters: b.params[0]}},
		ClientRequestToken: &token,
	}
	result := c.retry(ctx, true, func(ctx context.Context) error {
		_, err := c.client.ExecuteTransaction(ctx, input)
		return err
	})
	if result.err != nil {
		err := transactionError(q.Kind.String(), q.Table, result)
		if errors.Is(err, ErrConditionalCheckFailed) && q.Kind != partiql.KindInsert {
			return driver.RowsAffected(0), nil
		}
		return nil, err
	}
	return driver.RowsAffected(1), nil
}
