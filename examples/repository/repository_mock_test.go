package repository_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/DATA-DOG/go-sqlmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynasql/dynasql"
	"github.com/dynasql/dynasql/examples/repository"
)

const (
	findUser    = `SELECT id, email, name, version, order_count, created_at FROM "users" WHERE id = ?`
	insertUser  = `INSERT INTO "users" VALUE {'id': ?, 'email': ?, 'name': ?, 'version': 1, 'order_count': 0, 'created_at': ?}`
	updateUser  = `UPDATE "users" SET email = ?, name = ?, version = version + 1 WHERE id = ? AND version = ?`
	insertOrder = `INSERT INTO "orders" VALUE {'user_id': ?, 'id': ?, 'total_cents': ?, 'items': ?, 'placed_at': ?}`
	countOrder  = `UPDATE "users" SET order_count = order_count + 1, version = version + 1 WHERE id = ? AND version = ?`
	listOrders  = `SELECT user_id, id, total_cents, items, placed_at FROM "orders" WHERE user_id = ? ORDER BY id`
)

// mockStore returns a store on go-sqlmock. dynasql.ValueConverter lets sqlmock accept what the driver accepts
// (lists, maps, sets, time.Time) and compare it as given; QueryMatcherEqual compares the statement text exactly.
func mockStore(t *testing.T) (*repository.Store, sqlmock.Sqlmock) {
	t.Helper()
	db, mock, err := sqlmock.New(
		sqlmock.ValueConverterOption(dynasql.ValueConverter),
		sqlmock.QueryMatcherOption(sqlmock.QueryMatcherEqual),
	)
	require.NoError(t, err)
	t.Cleanup(func() {
		assert.NoError(t, mock.ExpectationsWereMet())
		_ = db.Close()
	})
	store := repository.New(db, "users", "orders")
	store.Now = func() time.Time { return clock }
	return store, mock
}

var userColumns = []string{"id", "email", "name", "version", "order_count", "created_at"}

func TestMockFindByID(t *testing.T) {
	store, mock := mockStore(t)
	// Rows carry what the driver hands database/sql: N as dynasql.Number, times as RFC 3339 strings. mock.NewRows
	// (not sqlmock.NewRows) converts them with dynasql.ValueConverter, so lists and maps are accepted too.
	mock.ExpectQuery(findUser).WithArgs("u1").WillReturnRows(mock.NewRows(userColumns).
		AddRow("u1", "ada@example.com", "Ada", dynasql.Number("3"), dynasql.Number("2"), "2024-05-01T12:00:00.000000000Z"))
	mock.ExpectQuery(findUser).WithArgs("nobody").WillReturnRows(mock.NewRows(userColumns))
	mock.ExpectQuery(findUser).WithArgs("u2").WillReturnError(&dynasql.Error{Op: "SELECT", Table: "users", Kind: dynasql.ErrThrottled})

	u, err := store.FindByID(context.Background(), "u1")
	require.NoError(t, err)
	assert.Equal(t, repository.User{ID: "u1", Email: "ada@example.com", Name: "Ada", Version: 3, OrderCount: 2, CreatedAt: clock}, u)

	_, err = store.FindByID(context.Background(), "nobody")
	assert.ErrorIs(t, err, repository.ErrNotFound)

	_, err = store.FindByID(context.Background(), "u2")
	assert.ErrorIs(t, err, dynasql.ErrThrottled)
	assert.NotErrorIs(t, err, repository.ErrNotFound)
}

func TestMockCreate(t *testing.T) {
	store, mock := mockStore(t)
	mock.ExpectExec(insertUser).WithArgs("u1", "ada@example.com", "Ada", clock).WillReturnResult(sqlmock.NewResult(0, 1))
	// What the driver returns for an INSERT of an existing key.
	mock.ExpectExec(insertUser).WithArgs("u1", "again@example.com", "Ada", clock).
		WillReturnError(&dynasql.Error{Op: "INSERT", Table: "users", Kind: dynasql.ErrDuplicateItem})

	u := repository.User{ID: "u1", Email: "ada@example.com", Name: "Ada"}
	require.NoError(t, store.Create(context.Background(), &u))
	assert.Equal(t, int64(1), u.Version)
	assert.Equal(t, clock, u.CreatedAt)

	dup := repository.User{ID: "u1", Email: "again@example.com", Name: "Ada"}
	err := store.Create(context.Background(), &dup)
	assert.ErrorIs(t, err, repository.ErrDuplicate)
	assert.Zero(t, dup.Version)
}

func TestMockUpdate(t *testing.T) {
	store, mock := mockStore(t)
	ctx := context.Background()

	mock.ExpectExec(updateUser).WithArgs("new@example.com", "Ada", "u1", int64(1)).WillReturnResult(sqlmock.NewResult(0, 1))
	u := repository.User{ID: "u1", Email: "new@example.com", Name: "Ada", Version: 1}
	require.NoError(t, store.Update(ctx, &u))
	assert.Equal(t, int64(2), u.Version)

	// 0 rows and the user exists: someone else moved the version on.
	mock.ExpectExec(updateUser).WithArgs("x@example.com", "X", "u1", int64(1)).WillReturnResult(sqlmock.NewResult(0, 0))
	mock.ExpectQuery(findUser).WithArgs("u1").WillReturnRows(mock.NewRows(userColumns).
		AddRow("u1", "new@example.com", "Ada", dynasql.Number("2"), dynasql.Number("0"), "2024-05-01T12:00:00Z"))
	stale := repository.User{ID: "u1", Email: "x@example.com", Name: "X", Version: 1}
	assert.ErrorIs(t, store.Update(ctx, &stale), repository.ErrConflict)
	assert.Equal(t, int64(1), stale.Version)

	// 0 rows and no user.
	mock.ExpectExec(updateUser).WithArgs("", "", "gone", int64(4)).WillReturnResult(sqlmock.NewResult(0, 0))
	mock.ExpectQuery(findUser).WithArgs("gone").WillReturnRows(mock.NewRows(userColumns))
	assert.ErrorIs(t, store.Update(ctx, &repository.User{ID: "gone", Version: 4}), repository.ErrNotFound)
}

func TestMockPlaceOrder(t *testing.T) {
	store, mock := mockStore(t)
	ctx := context.Background()

	// The driver buffers the writes and sends them on Commit; their results say nothing before it.
	mock.ExpectBegin()
	mock.ExpectExec(insertOrder).WithArgs("u1", "o1", int64(1250), []string{"pen", "ink"}, clock).WillReturnResult(sqlmock.NewResult(0, 1))
	mock.ExpectExec(countOrder).WithArgs("u1", int64(2)).WillReturnResult(sqlmock.NewResult(0, 1))
	mock.ExpectCommit()
	u := repository.User{ID: "u1", Version: 2, OrderCount: 4}
	o := repository.Order{UserID: "u1", ID: "o1", TotalCents: 1250, Items: []string{"pen", "ink"}}
	require.NoError(t, store.PlaceOrder(ctx, &u, &o))
	assert.Equal(t, int64(3), u.Version)
	assert.Equal(t, int64(5), u.OrderCount)
	assert.Equal(t, clock, o.PlacedAt)

	// Commit fails as the driver reports a canceled transaction whose UPDATE condition failed.
	mock.ExpectBegin()
	mock.ExpectExec(insertOrder).WithArgs("u1", "o2", int64(5), []string{"x"}, clock).WillReturnResult(sqlmock.NewResult(0, 1))
	mock.ExpectExec(countOrder).WithArgs("u1", int64(3)).WillReturnResult(sqlmock.NewResult(0, 1))
	mock.ExpectCommit().WillReturnError(canceled(dynasql.ErrConditionalCheckFailed))
	o2 := repository.Order{UserID: "u1", ID: "o2", TotalCents: 5, Items: []string{"x"}}
	assert.ErrorIs(t, store.PlaceOrder(ctx, &u, &o2), repository.ErrConflict)
	assert.Equal(t, int64(3), u.Version, "unchanged after a failed commit")

	// The order ID is taken.
	mock.ExpectBegin()
	mock.ExpectExec(insertOrder).WithArgs("u1", "o1", int64(5), []string{"x"}, clock).WillReturnResult(sqlmock.NewResult(0, 1))
	mock.ExpectExec(countOrder).WithArgs("u1", int64(3)).WillReturnResult(sqlmock.NewResult(0, 1))
	mock.ExpectCommit().WillReturnError(canceled(dynasql.ErrDuplicateItem))
	o3 := repository.Order{UserID: "u1", ID: "o1", TotalCents: 5, Items: []string{"x"}}
	assert.ErrorIs(t, store.PlaceOrder(ctx, &u, &o3), repository.ErrDuplicate)

	// A statement the driver refuses before Commit: the transaction is rolled back.
	mock.ExpectBegin()
	mock.ExpectExec(insertOrder).WithArgs("u1", "o4", int64(5), []string{"x"}, clock).
		WillReturnError(errors.New("dynasql: the transaction would exceed 100 statements"))
	mock.ExpectRollback()
	o4 := repository.Order{UserID: "u1", ID: "o4", TotalCents: 5, Items: []string{"x"}}
	assert.Error(t, store.PlaceOrder(ctx, &u, &o4))
}

// canceled builds the error the driver's Commit returns for a canceled transaction: an *dynasql.Error for
// ErrTransactionCanceled whose cause carries the reason's sentinel.
func canceled(reason error) error {
	return &dynasql.Error{Op: "COMMIT", Kind: dynasql.ErrTransactionCanceled, Detail: "statement 1: " + reason.Error(),
		Err: fmt.Errorf("TransactionCanceledException: %w", reason)}
}

func TestMockOrdersOf(t *testing.T) {
	store, mock := mockStore(t)
	mock.ExpectQuery(listOrders).WithArgs("u1").WillReturnRows(
		mock.NewRows([]string{"user_id", "id", "total_cents", "items", "placed_at"}).
			AddRow("u1", "o1", dynasql.Number("1250"), []any{"pen", "ink"}, "2024-05-01T12:00:00.000000000Z").
			AddRow("u1", "o2", dynasql.Number("99"), []any{"paper"}, "2024-05-01T12:00:00.000000000Z"))
	mock.ExpectQuery(listOrders).WithArgs("u2").WillReturnError(sql.ErrConnDone)

	orders, err := store.OrdersOf(context.Background(), "u1")
	require.NoError(t, err)
	assert.Equal(t, []repository.Order{
		{UserID: "u1", ID: "o1", TotalCents: 1250, Items: []string{"pen", "ink"}, PlacedAt: clock},
		{UserID: "u1", ID: "o2", TotalCents: 99, Items: []string{"paper"}, PlacedAt: clock},
	}, orders)

	_, err = store.OrdersOf(context.Background(), "u2")
	assert.ErrorIs(t, err, sql.ErrConnDone)
}

// Without dynasql.ValueConverter, sqlmock's default converter refuses a []string argument before any
// expectation is looked at.
func TestMockNeedsTheDriversValueConverter(t *testing.T) {
	db, mock, err := sqlmock.New(sqlmock.QueryMatcherOption(sqlmock.QueryMatcherEqual))
	require.NoError(t, err)
	defer db.Close()
	store := repository.New(db, "users", "orders")
	mock.ExpectBegin()
	mock.ExpectExec(insertOrder).WillReturnResult(sqlmock.NewResult(0, 1))
	mock.ExpectRollback()
	err = store.PlaceOrder(context.Background(), &repository.User{ID: "u1", Version: 1},
		&repository.Order{UserID: "u1", ID: "o1", Items: []string{"pen"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "converting argument")
}
