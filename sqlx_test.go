package dynasql_test

import (
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/jmoiron/sqlx"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynasql/dynasql"
	"github.com/dynasql/dynasql/internal/dynamotest"
)

// tagList is a list column in a struct: database/sql cannot scan an L ([]any) into a *[]string by itself, so
// the field type scans through dynasql.Document. As a parameter it is a slice, which the driver sends as L.
type tagList []string

func (l *tagList) Scan(src any) error { return dynasql.Document((*[]string)(l)).Scan(src) }

// person is a row as sqlx users write one: db tags name the attributes.
type person struct {
	ID   string  `db:"id"`
	Name string  `db:"name"`
	Age  int     `db:"age"`
	Tags tagList `db:"tags"`
}

var bindDynamoOnce sync.Once

// bindDynamo registers the driver's bindvar with sqlx. sqlx treats an unknown driver name like "?" already;
// registering it makes Rebind, BindNamed and NamedExec explicit about it.
func bindDynamo() {
	bindDynamoOnce.Do(func() { sqlx.BindDriver(dynasql.DriverName, sqlx.QUESTION) })
}

// openSqlx opens sqlx on DynamoDB Local the way an application would, with a fresh table keyed by id.
func openSqlx(t *testing.T) (*sqlx.DB, string) {
	t.Helper()
	bindDynamo()
	db, err := sqlx.Open(dynasql.DriverName, dynamotest.DSN(t))
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db, dynamotest.CreateTable(t, "sqlx", stringKey)
}

// insertPeople writes people with one SQL-style multi-row INSERT through sqlx's slice expansion.
func insertPeople(t *testing.T, db *sqlx.DB, table string, people ...person) {
	t.Helper()
	res, err := db.NamedExec(fmt.Sprintf(`INSERT INTO "%s" (id, name, age, tags) VALUES (:id, :name, :age, :tags)`, table), people)
	require.NoError(t, err)
	n, err := res.RowsAffected()
	require.NoError(t, err)
	require.Equal(t, int64(len(people)), n)
}

var (
	ada   = person{ID: "p1", Name: "Ada", Age: 36, Tags: tagList{"math", "engines"}}
	grace = person{ID: "p2", Name: "Grace", Age: 45, Tags: tagList{"cobol"}}
	alan  = person{ID: "p3", Name: "Alan", Age: 41, Tags: tagList{"logic", "machines"}}
)

func sortPeople(ps []person) {
	sort.Slice(ps, func(i, j int) bool { return ps[i].ID < ps[j].ID })
}

func TestSqlxBindDriver(t *testing.T) {
	const q = `SELECT * FROM "t" WHERE id = ? AND age > ?`
	// Unregistered and QUESTION both leave ? alone: that is what the driver takes.
	assert.Equal(t, q, sqlx.Rebind(sqlx.UNKNOWN, q))
	bindDynamo()
	assert.Equal(t, sqlx.QUESTION, sqlx.BindType(dynasql.DriverName))
	assert.Equal(t, q, sqlx.Rebind(sqlx.BindType(dynasql.DriverName), q))

	// Named queries are compiled to ? with the arguments in order.
	db := sqlx.NewDb(&sql.DB{}, dynasql.DriverName)
	compiled, args, err := db.BindNamed(`SELECT * FROM "t" WHERE id = :id AND age > :age`, map[string]any{"id": "p1", "age": 30})
	require.NoError(t, err)
	assert.Equal(t, q, compiled)
	assert.Equal(t, []any{"p1", 30}, args)
}

func TestSqlxNamedExecStructMapAndSlice(t *testing.T) {
	bindDynamo()
	raw, client := openCounting(t)
	db := sqlx.NewDb(raw, dynasql.DriverName)
	table := dynamotest.CreateTable(t, "sqlx", stringKey)
	insert := fmt.Sprintf(`INSERT INTO "%s" (id, name, age, tags) VALUES (:id, :name, :age, :tags)`, table)

	// A struct: one row, one ExecuteStatement.
	res, err := db.NamedExec(insert, ada)
	require.NoError(t, err)
	n, err := res.RowsAffected()
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)

	// A map.
	res, err = db.NamedExec(insert, map[string]any{"id": "m1", "name": "Map", "age": 7, "tags": []string{"x"}})
	require.NoError(t, err)
	n, err = res.RowsAffected()
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)

	// A slice of structs: sqlx repeats the VALUES tuple, the driver sends the rows as a batch.
	client.batches.Store(0)
	res, err = db.NamedExec(insert, []person{grace, alan, {ID: "p4", Name: "Barbara", Age: 50, Tags: tagList{"clu"}}})
	require.NoError(t, err)
	n, err = res.RowsAffected()
	require.NoError(t, err)
	assert.Equal(t, int64(3), n)
	assert.Equal(t, int64(1), client.batches.Load(), "three rows in one BatchExecuteStatement")

	// A slice of maps.
	res, err = db.NamedExec(insert, []map[string]any{
		{"id": "m2", "name": "M2", "age": 1, "tags": nil},
		{"id": "m3", "name": "M3", "age": 2, "tags": []string{}},
	})
	require.NoError(t, err)
	n, err = res.RowsAffected()
	require.NoError(t, err)
	assert.Equal(t, int64(2), n)

	// The same struct again is a duplicate.
	_, err = db.NamedExec(insert, ada)
	require.Error(t, err)
	assert.True(t, errors.Is(err, dynasql.ErrDuplicateItem), "got %v", err)

	// A batch with one duplicate writes the others and names the failed row.
	_, err = db.NamedExec(insert, []person{{ID: "p5", Name: "New"}, grace})
	require.Error(t, err)
	assert.True(t, errors.Is(err, dynasql.ErrDuplicateItem), "got %v", err)
	var batchErr *dynasql.BatchError
	require.True(t, errors.As(err, &batchErr), "got %T", err)
	assert.Equal(t, []int{1}, batchErr.FailedRows())
	assert.Equal(t, int64(1), batchErr.Written)

	var ids []string
	require.NoError(t, db.Select(&ids, fmt.Sprintf(`SELECT id FROM "%s"`, table)))
	sort.Strings(ids)
	assert.Equal(t, []string{"m1", "m2", "m3", "p1", "p2", "p3", "p4", "p5"}, ids)

	var got person
	require.NoError(t, db.Get(&got, fmt.Sprintf(`SELECT id, name, age, tags FROM "%s" WHERE id = ?`, table), "m1"))
	assert.Equal(t, person{ID: "m1", Name: "Map", Age: 7, Tags: tagList{"x"}}, got)
}

func TestSqlxGetSelectAndScans(t *testing.T) {
	db, table := openSqlx(t)
	insertPeople(t, db, table, ada, grace, alan)

	// Get: one row into a struct; no row is sql.ErrNoRows, as with any SQL database.
	var p person
	require.NoError(t, db.Get(&p, fmt.Sprintf(`SELECT id, name, age, tags FROM "%s" WHERE id = ?`, table), "p1"))
	assert.Equal(t, ada, p)
	err := db.Get(&p, fmt.Sprintf(`SELECT id, name, age, tags FROM "%s" WHERE id = ?`, table), "nobody")
	assert.True(t, errors.Is(err, sql.ErrNoRows), "got %v", err)

	// Get into a scalar.
	var age int
	require.NoError(t, db.Get(&age, fmt.Sprintf(`SELECT age FROM "%s" WHERE id = ?`, table), "p2"))
	assert.Equal(t, 45, age)

	// Select: every row into a slice of structs (a scan: DynamoDB's order, so sort).
	var people []person
	require.NoError(t, db.Select(&people, fmt.Sprintf(`SELECT id, name, age, tags FROM "%s"`, table)))
	sortPeople(people)
	assert.Equal(t, []person{ada, grace, alan}, people)

	// Select with the LIMIT extension and a named-less ? argument.
	var names []string
	require.NoError(t, db.Select(&names, fmt.Sprintf(`SELECT name FROM "%s" WHERE age > ? LIMIT 1`, table), 40))
	require.Len(t, names, 1)
	assert.Contains(t, []string{"Grace", "Alan"}, names[0])

	// Queryx + StructScan, row by row.
	rows, err := db.Queryx(fmt.Sprintf(`SELECT id, name, age, tags FROM "%s" WHERE age >= ?`, table), 41)
	require.NoError(t, err)
	var scanned []person
	for rows.Next() {
		var p person
		require.NoError(t, rows.StructScan(&p))
		scanned = append(scanned, p)
	}
	require.NoError(t, rows.Err())
	require.NoError(t, rows.Close())
	sortPeople(scanned)
	assert.Equal(t, []person{grace, alan}, scanned)

	// MapScan: the driver's own values — N is dynasql.Number, L is []any.
	m := map[string]any{}
	require.NoError(t, db.QueryRowx(fmt.Sprintf(`SELECT id, name, age, tags FROM "%s" WHERE id = ?`, table), "p1").MapScan(m))
	assert.Equal(t, map[string]any{"id": "p1", "name": "Ada", "age": dynasql.Number("36"), "tags": []any{"math", "engines"}}, m)

	// SliceScan: the projection's order.
	cols, err := db.QueryRowx(fmt.Sprintf(`SELECT name, age FROM "%s" WHERE id = ?`, table), "p3").SliceScan()
	require.NoError(t, err)
	assert.Equal(t, []any{"Alan", dynasql.Number("41")}, cols)
}

func TestSqlxUnsafe(t *testing.T) {
	db, table := openSqlx(t)
	_, err := db.Exec(fmt.Sprintf(`INSERT INTO "%s" VALUE {'id': ?, 'name': ?, 'age': ?, 'tags': ?, 'nickname': ?}`, table),
		"p1", "Ada", 36, []string{"math"}, "Countess")
	require.NoError(t, err)
	query := fmt.Sprintf(`SELECT * FROM "%s" WHERE id = ?`, table)

	// SELECT * returns every attribute of the item; a struct without a field for one of them is an error...
	var p person
	err = db.Get(&p, query, "p1")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "missing destination name nickname")

	// ...unless the DB is Unsafe, which drops the attributes the struct does not have.
	require.NoError(t, db.Unsafe().Get(&p, query, "p1"))
	assert.Equal(t, person{ID: "p1", Name: "Ada", Age: 36, Tags: tagList{"math"}}, p)
}

func TestSqlxNamedQuery(t *testing.T) {
	db, table := openSqlx(t)
	insertPeople(t, db, table, ada, grace, alan)

	// A map argument.
	rows, err := db.NamedQuery(fmt.Sprintf(`SELECT id, name, age, tags FROM "%s" WHERE age BETWEEN :lo AND :hi`, table),
		map[string]any{"lo": 40, "hi": 45})
	require.NoError(t, err)
	var got []person
	for rows.Next() {
		var p person
		require.NoError(t, rows.StructScan(&p))
		got = append(got, p)
	}
	require.NoError(t, rows.Err())
	require.NoError(t, rows.Close())
	sortPeople(got)
	assert.Equal(t, []person{grace, alan}, got)

	// A struct argument, through a prepared named statement.
	stmt, err := db.PrepareNamed(fmt.Sprintf(`SELECT id, name, age, tags FROM "%s" WHERE id = :id`, table))
	require.NoError(t, err)
	defer stmt.Close()
	var p person
	require.NoError(t, stmt.Get(&p, person{ID: "p3"}))
	assert.Equal(t, alan, p)

	// A named UPDATE: RowsAffected is 1 when the item is there, 0 when not.
	update := fmt.Sprintf(`UPDATE "%s" SET age = :age WHERE id = :id`, table)
	res, err := db.NamedExec(update, map[string]any{"id": "p1", "age": 37})
	require.NoError(t, err)
	n, err := res.RowsAffected()
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
	res, err = db.NamedExec(update, map[string]any{"id": "nobody", "age": 1})
	require.NoError(t, err)
	n, err = res.RowsAffected()
	require.NoError(t, err)
	assert.Equal(t, int64(0), n)
}

// sqlx's named-query compiler takes every ':' outside '::' as the start of a name, so the colon after a key in
// a PartiQL document literal ({'id': :id}) becomes a nameless parameter.
func TestSqlxNamedCompilerAndDocumentLiterals(t *testing.T) {
	db, table := openSqlx(t)
	doc := fmt.Sprintf(`INSERT INTO "%s" VALUE {'id': :id, 'name': :name}`, table)

	compiled, _, err := sqlx.Named(`INSERT INTO "t" VALUE {'id': :id}`, map[string]any{"id": "x", "": "?"})
	require.NoError(t, err)
	assert.Equal(t, `INSERT INTO "t" VALUE {'id'? ?}`, compiled, "the key's colon became a placeholder")

	_, err = db.NamedExec(doc, ada)
	require.Error(t, err, "sqlx cannot bind the document form")
	assert.Contains(t, err.Error(), "could not find name  in")
	_, err = db.NamedExec(doc, map[string]any{"id": "p1", "name": "Ada"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "could not find name  in")

	// Workaround 1: the SQL-style INSERT ... VALUES form, which sqlx also expands for slices.
	res, err := db.NamedExec(fmt.Sprintf(`INSERT INTO "%s" (id, name) VALUES (:id, :name)`, table), map[string]any{"id": "p1", "name": "Ada"})
	require.NoError(t, err)
	n, err := res.RowsAffected()
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)

	// Workaround 2: bypass sqlx's compiler: the driver binds :name placeholders itself from sql.Named.
	_, err = db.Exec(doc, sql.Named("id", "p2"), sql.Named("name", "Grace"))
	require.NoError(t, err)

	var names []string
	require.NoError(t, db.Select(&names, fmt.Sprintf(`SELECT name FROM "%s"`, table)))
	sort.Strings(names)
	assert.Equal(t, []string{"Ada", "Grace"}, names)
}

func TestSqlxIn(t *testing.T) {
	db, table := openSqlx(t)
	insertPeople(t, db, table, ada, grace, alan)

	// sqlx.In expands a slice into one ? per element: PartiQL's IN takes a [list] (or parentheses).
	q, args, err := sqlx.In(fmt.Sprintf(`SELECT id FROM "%s" WHERE id IN [?] AND age > ?`, table), []string{"p1", "p2", "p3", "p9"}, 40)
	require.NoError(t, err)
	assert.Contains(t, q, "IN [?, ?, ?, ?] AND age > ?")
	var ids []string
	require.NoError(t, db.Select(&ids, db.Rebind(q), args...))
	sort.Strings(ids)
	assert.Equal(t, []string{"p2", "p3"}, ids)

	// In(...) with parentheses works too.
	q, args, err = sqlx.In(fmt.Sprintf(`SELECT id FROM "%s" WHERE id IN (?)`, table), []string{"p1", "p3"})
	require.NoError(t, err)
	ids = nil
	require.NoError(t, db.Select(&ids, q, args...))
	sort.Strings(ids)
	assert.Equal(t, []string{"p1", "p3"}, ids)
}

// sqlx.In expands every slice argument, so a list (L) or set (SS/NS/BS) value in the same statement gets
// expanded too and the statement no longer parses. Pass such values as an attribute value instead.
func TestSqlxInExpandsListAndSetParameters(t *testing.T) {
	db, table := openSqlx(t)
	insertPeople(t, db, table, ada, grace, alan)
	update := fmt.Sprintf(`UPDATE "%s" SET tags = ? WHERE id IN [?]`, table)

	for name, value := range map[string]any{
		"[]string": []string{"a", "b"},
		"tagList":  tagList{"a", "b"},
	} {
		q, args, err := sqlx.In(update, value, []string{"p1"})
		require.NoError(t, err, name)
		assert.Contains(t, q, "SET tags = ?, ? WHERE", "%s is expanded like an IN list", name)
		_, err = db.Exec(q, args...)
		assert.Error(t, err, "%s: the expanded statement does not parse", name)
	}

	// The way around: marshal the value to a types.AttributeValue first (a pointer to a struct, which
	// sqlx.In leaves alone); the driver sends an attribute value unchanged.
	find := fmt.Sprintf(`SELECT id FROM "%s" WHERE id IN [?] AND tags = ?`, table)
	tags, err := attributevalue.Marshal([]string{"logic", "machines"})
	require.NoError(t, err)
	q, args, err := sqlx.In(find, []string{"p1", "p2", "p3"}, tags)
	require.NoError(t, err)
	var ids []string
	require.NoError(t, db.Select(&ids, q, args...))
	assert.Equal(t, []string{"p3"}, ids)

	set, err := attributevalue.Marshal(dynasql.StringSet{"admin", "ops"})
	require.NoError(t, err)
	require.IsType(t, &types.AttributeValueMemberSS{}, set)
	q, args, err = sqlx.In(fmt.Sprintf(`UPDATE "%s" SET roles = ? WHERE id = ?`, table), set, "p1")
	require.NoError(t, err)
	res, err := db.Exec(q, args...)
	require.NoError(t, err)
	n, err := res.RowsAffected()
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
	var roles dynasql.StringSet
	require.NoError(t, db.Get(&roles, fmt.Sprintf(`SELECT roles FROM "%s" WHERE id = ?`, table), "p1"))
	slices.Sort(roles)
	assert.Equal(t, dynasql.StringSet{"admin", "ops"}, roles)

	// The driver's set types are driver.Valuers giving their attribute value, so sqlx.In keeps them whole.
	for name, value := range map[string]any{
		"StringSet": dynasql.StringSet{"a", "b"},
		"NumberSet": dynasql.NumberSet{"1", "2"},
	} {
		q, args, err := sqlx.In(fmt.Sprintf(`UPDATE "%s" SET s = ? WHERE id = ?`, table), value, "p1")
		require.NoError(t, err, name)
		assert.Contains(t, q, "SET s = ? WHERE", "%s stays one argument", name)
		res, err := db.Exec(q, args...)
		require.NoError(t, err, name)
		n, err := res.RowsAffected()
		require.NoError(t, err)
		assert.Equal(t, int64(1), n, name)
	}

	// Without sqlx.In nothing is expanded: a slice is simply a list.
	res, err = db.Exec(fmt.Sprintf(`UPDATE "%s" SET tags = ? WHERE id = ?`, table), []string{"a", "b"}, "p2")
	require.NoError(t, err)
	n, err = res.RowsAffected()
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
}

// Times are stored as RFC 3339 strings (S); database/sql cannot scan a string into a time.Time field, so a
// struct field scans through dynasql.ScanTime.
type scanTime struct{ time.Time }

func (t *scanTime) Scan(src any) error { return dynasql.ScanTime(&t.Time).Scan(src) }

func TestSqlxTimeFields(t *testing.T) {
	db, table := openSqlx(t)
	at := time.Date(2024, 5, 1, 12, 30, 0, 0, time.UTC)
	_, err := db.NamedExec(fmt.Sprintf(`INSERT INTO "%s" (id, created) VALUES (:id, :created)`, table),
		map[string]any{"id": "e1", "created": at})
	require.NoError(t, err)
	query := fmt.Sprintf(`SELECT id, created FROM "%s" WHERE id = ?`, table)

	var plain struct {
		ID      string    `db:"id"`
		Created time.Time `db:"created"`
	}
	err = db.Get(&plain, query, "e1")
	require.Error(t, err, "a plain time.Time field cannot take the stored string")

	var wrapped struct {
		ID      string   `db:"id"`
		Created scanTime `db:"created"`
	}
	require.NoError(t, db.Get(&wrapped, query, "e1"))
	assert.True(t, at.Equal(wrapped.Created.Time), "got %v", wrapped.Created.Time)
}
