package dynasql

import (
	"context"
	"database/sql/driver"
	"fmt"
	"io"
	"reflect"
	"slices"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/dynasql/dynasql/partiql"
)

// rows streams a result one ExecuteStatement page at a time, inside one result set (sqlx and database/sql
// never look past the first). The next page is fetched in Next when the current one is used up, so memory
// stays at about one page however large the result. Empty pages (DynamoDB's Limit counts items evaluated,
// not returned) are skipped; the end is a page without NextToken.
type rows struct {
	connector *Connector
	ctx       context.Context // the query's context, checked before every page
	op, table string
	input     *dynamodb.ExecuteStatementInput // reused for every page with the next token

	columns []string
	index   map[string]int // column positions by name, for results too wide for a linear search
	types   []string       // DynamoDB type of each column, as seen on the first page ("" when never seen)
	// star: the columns were fixed from the first page (SELECT *, RETURNING), so a later page may hold an
	// attribute that has no column; such a row ends the result with an error instead of losing the attribute.
	star bool

	page        *page // the current page, decoded straight into driver values (see decode.go)
	pos         int
	cols        []int // cols[n] is the column of page.names[n], -1 for none (see mapColumns)
	pages       int   // pages fetched so far
	columnsPage int   // the page the columns were fixed from
	more        bool  // DynamoDB holds another page

	limit    int64 // the row cap from LIMIT, -1 for none
	returned int64
}

var (
	_ driver.Rows                           = (*rows)(nil)
	_ driver.RowsColumnTypeDatabaseTypeName = (*rows)(nil)
	_ driver.RowsColumnTypeScanType         = (*rows)(nil)
	_ driver.RowsColumnTypeNullable         = (*rows)(nil)
)

// noItems is the empty page rows hold before the first page and after Close.
var noItems = &page{}

// selectRows starts a SELECT: it fetches pages until one holds an item (or the result ends), so that errors
// come back from Query and the columns are known before the first Next.
func (c *Connector) selectRows(ctx context.Context, q *partiql.Compiled, b bound, consistent bool) (*rows, error) {
	text := q.Parts[0].Text
	input := &dynamodb.ExecuteStatementInput{Statement: &text, Parameters: b.params[0]}
	// DynamoDB rejects strongly consistent reads on a global secondary index.
	if consistent && q.Index == "" {
		input.ConsistentRead = aws.Bool(true)
	}
	if pageSize := c.pageSize(b.limit); pageSize > 0 {
		input.Limit = aws.Int32(pageSize)
	}
	r := &rows{connector: c, ctx: ctx, op: q.Kind.String(), table: q.Table, input: input, page: noItems, limit: b.limit, more: b.limit != 0}
	for r.page.len() == 0 && r.more {
		if err := r.fetch(); err != nil {
			return nil, err
		}
	}
	if err := r.fixColumns(q.Columns); err != nil {
		return nil, err
	}
	return r, nil
}

// pageSize is the Limit to send: the configured page size, lowered to the row cap when that is smaller (a
// token is bound to its request, so it stays the same for every page).
func (c *Connector) pageSize(limit int64) int32 {
	size := int64(c.cfg.PageSize)
	if limit > 0 && (size == 0 || limit < size) {
		size = limit
	}
	return int32(min(size, 1<<31-1))
}

// staticRows returns items a write answered with (RETURNING) as rows.
func (c *Connector) staticRows(ctx context.Context, q *partiql.Compiled, items []map[string]types.AttributeValue) (*rows, error) {
	r := &rows{connector: c, ctx: ctx, op: q.Kind.String(), table: q.Table, page: pageFromItems(items), pages: 1, limit: -1}
	if err := r.fixColumns(nil); err != nil {
		return nil, err
	}
	return r, nil
}

// countRows runs a SELECT through Exec: it reads the whole result and reports how many rows it has.
func (c *Connector) countRows(ctx context.Context, q *partiql.Compiled, b bound, consistent bool) (driver.Result, error) {
	r, err := c.selectRows(ctx, q, b, consistent)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	dest := make([]driver.Value, len(r.columns))
	var n int64
	for {
		switch err := r.Next(dest); err {
		case nil:
			n++
		case io.EOF:
			return driver.RowsAffected(n), nil
		default:
			return nil, err
		}
	}
}

func (r *rows) fetch() error {
	if err := r.ctx.Err(); err != nil {
		return err
	}
	var out *dynamodb.ExecuteStatementOutput
	result := r.connector.retry(r.ctx, true, func(ctx context.Context) error {
		var err error
		out, err = r.connector.client.ExecuteStatement(ctx, r.input, fastDecodeOption)
		return err
	})
	if result.err != nil {
		r.more = false
		return requestError(r.op, r.table, result, false)
	}
	if r.page = pageFromOutput(out); r.page == nil {
		r.page = pageFromItems(out.Items)
	}
	r.pos = 0
	r.pages++
	r.input.NextToken = out.NextToken
	r.more = out.NextToken != nil
	return nil
}

// fixColumns sets the result's columns: an explicit projection's, in the order written; otherwise the
// table's key attributes first, then the other attribute names of the first page, sorted.
func (r *rows) fixColumns(projection []string) error {
	r.columnsPage = r.pages
	if projection != nil {
		r.columns = projection
	} else {
		r.star = true
		keys, err := r.connector.keyAttributes(r.ctx, r.table)
		if err != nil {
			return err
		}
		r.columns = starColumns(keys, r.page)
	}
	if len(r.columns) > maxLinearColumns {
		r.index = make(map[string]int, len(r.columns))
		for i, col := range r.columns {
			r.index[col] = i
		}
	}
	r.mapColumns()
	r.types = make([]string, len(r.columns))
	untyped := len(r.columns) // the scan stops when every column has its type
	for _, attr := range r.page.attrs {
		if i := r.cols[attr.name]; i >= 0 && r.types[i] == "" {
			if r.types[i] = valueTypeName(r.page.value(attr)); r.types[i] != "" {
				if untyped--; untyped == 0 {
					break
				}
			}
		}
	}
	return nil
}

// mapColumns sets cols for the current page: fixColumns does for the first, Next for the others.
func (r *rows) mapColumns() {
	r.cols = r.cols[:0]
	for _, name := range r.page.names {
		r.cols = append(r.cols, r.columnIndex(name))
	}
}

// maxLinearColumns: up to this many columns, finding a column by name is a linear search, faster than a map.
const maxLinearColumns = 16

func (r *rows) columnIndex(name string) int {
	if r.index != nil {
		if i, ok := r.index[name]; ok {
			return i
		}
		return -1
	}
	return slices.Index(r.columns, name)
}

// starColumns lists the key attributes, then the page's other attribute names, sorted.
func starColumns(keys []string, p *page) []string {
	seen := make(map[string]bool)
	var others []string
	for _, attr := range p.attrs {
		if name := p.names[attr.name]; !seen[name] {
			seen[name] = true
			if !slices.Contains(keys, name) {
				others = append(others, name)
			}
		}
	}
	sort.Strings(others)
	columns := make([]string, 0, len(keys)+len(others))
	for _, key := range keys {
		if seen[key] || p.len() == 0 {
			columns = append(columns, key)
		}
	}
	return append(columns, others...)
}

func (r *rows) Columns() []string { return r.columns }

func (r *rows) Close() error {
	r.more = false
	r.page = noItems
	return nil
}

func (r *rows) Next(dest []driver.Value) error {
	if r.limit >= 0 && r.returned >= r.limit {
		return io.EOF
	}
	for r.pos >= r.page.len() {
		if !r.more {
			return io.EOF
		}
		r.page = noItems // let the used page go before the next one arrives
		if err := r.fetch(); err != nil {
			return err
		}
		r.mapColumns()
	}
	item := r.page.item(r.pos)
	r.pos++
	r.returned++
	clear(dest) // a column the item lacks is NULL
	present := 0
	for _, attr := range item {
		if i := r.cols[attr.name]; i >= 0 {
			dest[i] = r.page.value(attr)
			present++
		}
	}
	if r.star && r.pages > r.columnsPage && present < len(item) {
		return r.unexpectedAttribute(item)
	}
	return nil
}

// unexpectedAttribute ends a result whose columns were fixed from its first page when a later page holds an
// attribute without a column: silently dropping it would lose data.
func (r *rows) unexpectedAttribute(item []pageAttr) error {
	var missing []string
	for _, attr := range item {
		if r.cols[attr.name] < 0 {
			missing = append(missing, r.page.names[attr.name])
		}
	}
	sort.Strings(missing)
	r.more = false
	return fmt.Errorf("dynasql: %s %s: attribute %q first appears after the first page, whose attributes fixed the columns; "+
		"name the attributes you want (SELECT a, b, ... FROM ...) instead of *", r.op, quoteIdent(r.table), missing[0])
}

func (r *rows) ColumnTypeDatabaseTypeName(i int) string { return r.types[i] }

func (r *rows) ColumnTypeScanType(i int) reflect.Type { return scanType(r.types[i]) }

// ColumnTypeNullable is always true: any attribute may be missing from an item.
func (r *rows) ColumnTypeNullable(int) (nullable, ok bool) { return true, true }

// emptyRows is the result of a write run through Query without RETURNING.
type emptyRows struct{}

func (emptyRows) Columns() []string         { return nil }
func (emptyRows) Close() error              { return nil }
func (emptyRows) Next([]driver.Value) error { return io.EOF }

// keyAttributes returns the table's key attribute names, partition key first, from DescribeTable (once per
// table and connector). Without permission to describe the table, it returns none (and remembers that), and
// SELECT * lists every attribute in name order.
func (c *Connector) keyAttributes(ctx context.Context, table string) ([]string, error) {
	if keys, ok := c.keys.Load(table); ok {
		return keys.([]string), nil
	}
	var out *dynamodb.DescribeTableOutput
	result := c.retry(ctx, true, func(ctx context.Context) error {
		var err error
		out, err = c.client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &table})
		return err
	})
	switch {
	case result.err == nil:
	case result.kind == failCanceled:
		return nil, result.err
	case result.kind == failDefinite:
		// Denied (or gone): remember it, rather than asking again for every SELECT *.
		c.keys.Store(table, []string(nil))
		return nil, nil
	default: // throttled or unanswered: ask again next time
		return nil, nil
	}
	keys := make([]string, 0, 2)
	for _, kind := range [...]types.KeyType{types.KeyTypeHash, types.KeyTypeRange} {
		for _, k := range out.Table.KeySchema {
			if k.KeyType == kind && k.AttributeName != nil {
				keys = append(keys, *k.AttributeName)
			}
		}
	}
	c.keys.Store(table, keys)
	return keys, nil
}
