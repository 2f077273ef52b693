// Package repository is a small users-and-orders store on DynamoDB, written through database/sql the way one
// is written for Postgres: a not-found error for sql.ErrNoRows, duplicate detection on INSERT, optimistic
// locking on a version attribute, and a transaction that writes an order and bumps its user together.
//
// Tables (PartiQL has no CREATE TABLE; CreateTables makes them with the SDK):
//
//	users   partition key id (S)                       id, email, name, version, order_count, created_at
//	orders  partition key user_id (S), sort key id (S)  user_id, id, total_cents, items, placed_at
package repository

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynasql/dynasql"
)

// The errors callers match with errors.Is; none of them depends on the database.
var (
	ErrNotFound  = errors.New("repository: not found")
	ErrDuplicate = errors.New("repository: already exists")
	ErrConflict  = errors.New("repository: modified concurrently; reload and retry")
)

// User is a customer. Version counts its changes: every write must name the version it read.
type User struct {
	ID         string
	Email      string
	Name       string
	Version    int64
	OrderCount int64
	CreatedAt  time.Time
}

// Order belongs to a user; within the user its ID is unique.
type Order struct {
	UserID     string
	ID         string
	TotalCents int64
	Items      []string
	PlacedAt   time.Time
}

// Store reads and writes users and orders.
type Store struct {
	db     *sql.DB
	users  string
	orders string
	// Now stamps new users and orders; tests replace it.
	Now func() time.Time
}

// New returns a store on db using the two tables.
func New(db *sql.DB, usersTable, ordersTable string) *Store {
	return &Store{db: db, users: quote(usersTable), orders: quote(ordersTable), Now: time.Now}
}

// quote double-quotes a table name, as PartiQL wants for names that are not plain identifiers.
func quote(name string) string { return `"` + name + `"` }

// FindByID returns the user, or ErrNotFound.
func (s *Store) FindByID(ctx context.Context, id string) (User, error) {
	var u User
	err := s.db.QueryRowContext(ctx,
		`SELECT id, email, name, version, order_count, created_at FROM `+s.users+` WHERE id = ?`, id).
		Scan(&u.ID, &u.Email, &u.Name, &u.Version, &u.OrderCount, dynasql.ScanTime(&u.CreatedAt))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return User{}, fmt.Errorf("user %q: %w", id, ErrNotFound)
	case err != nil:
		return User{}, fmt.Errorf("finding user %q: %w", id, err)
	}
	return u, nil
}

// Create stores a new user at version 1, or returns ErrDuplicate when the ID is taken. It sets u's Version,
// OrderCount and CreatedAt.
func (s *Store) Create(ctx context.Context, u *User) error {
	now := s.Now().UTC()
	_, err := s.db.ExecContext(ctx,
		`INSERT INTO `+s.users+` VALUE {'id': ?, 'email': ?, 'name': ?, 'version': 1, 'order_count': 0, 'created_at': ?}`,
		u.ID, u.Email, u.Name, now)
	switch {
	case errors.Is(err, dynasql.ErrDuplicateItem):
		return fmt.Errorf("user %q: %w", u.ID, ErrDuplicate)
	case err != nil:
		return fmt.Errorf("creating user %q: %w", u.ID, err)
	}
	u.Version, u.OrderCount, u.CreatedAt = 1, 0, now
	return nil
}

// Update saves u's email and name if nobody changed the user since u was read (u.Version), and moves u to the
// next version. It returns ErrConflict when the stored version differs and ErrNotFound when the user is gone.
func (s *Store) Update(ctx context.Context, u *User) error {
	res, err := s.db.ExecContext(ctx,
		`UPDATE `+s.users+` SET email = ?, name = ?, version = version + 1 WHERE id = ? AND version = ?`,
		u.Email, u.Name, u.ID, u.Version)
	if err != nil {
		return fmt.Errorf("updating user %q: %w", u.ID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("updating user %q: %w", u.ID, err)
	}
	if n == 0 {
		// Nothing matched: tell a missing user from a stale version.
		if _, err := s.FindByID(ctx, u.ID); err != nil {
			return err
		}
		return fmt.Errorf("user %q at version %d: %w", u.ID, u.Version, ErrConflict)
	}
	u.Version++
	return nil
}

// PlaceOrder writes the order and counts it on its user in one transaction: both happen, or neither. u must be
// the user as last read: when its version moved on (or the user is gone) nothing is written and the error is
// ErrConflict; an order ID already used by this user gives ErrDuplicate. On success u's Version and OrderCount
// move on and o.PlacedAt is set.
func (s *Store) PlaceOrder(ctx context.Context, u *User, o *Order) (err error) {
	if o.UserID != u.ID {
		return fmt.Errorf("order %q belongs to user %q, not %q", o.ID, o.UserID, u.ID)
	}
	placed := s.Now().UTC()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("placing order %q: %w", o.ID, err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	// Inside a transaction writes are buffered and sent together by Commit (one ExecuteTransaction).
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO `+s.orders+` VALUE {'user_id': ?, 'id': ?, 'total_cents': ?, 'items': ?, 'placed_at': ?}`,
		o.UserID, o.ID, o.TotalCents, o.Items, placed); err != nil {
		return fmt.Errorf("placing order %q: %w", o.ID, err)
	}
	if _, err := tx.ExecContext(ctx,
		`UPDATE `+s.users+` SET order_count = order_count + 1, version = version + 1 WHERE id = ? AND version = ?`,
		u.ID, u.Version); err != nil {
		return fmt.Errorf("placing order %q: %w", o.ID, err)
	}
	err = tx.Commit()
	switch {
	case errors.Is(err, dynasql.ErrConditionalCheckFailed):
		return fmt.Errorf("placing order %q for user %q at version %d: %w", o.ID, u.ID, u.Version, ErrConflict)
	case errors.Is(err, dynasql.ErrDuplicateItem):
		return fmt.Errorf("order %q of user %q: %w", o.ID, u.ID, ErrDuplicate)
	case err != nil:
		return fmt.Errorf("placing order %q: %w", o.ID, err)
	}
	u.Version++
	u.OrderCount++
	o.PlacedAt = placed
	return nil
}

// OrdersOf returns the user's orders by ID (the sort key).
func (s *Store) OrdersOf(ctx context.Context, userID string) ([]Order, error) {
	rows, err := s.db.QueryContext(ctx,
		`SELECT user_id, id, total_cents, items, placed_at FROM `+s.orders+` WHERE user_id = ? ORDER BY id`, userID)
	if err != nil {
		return nil, fmt.Errorf("listing orders of %q: %w", userID, err)
	}
	defer rows.Close()
	var orders []Order
	for rows.Next() {
		var o Order
		if err := rows.Scan(&o.UserID, &o.ID, &o.TotalCents, dynasql.Document(&o.Items), dynasql.ScanTime(&o.PlacedAt)); err != nil {
			return nil, fmt.Errorf("listing orders of %q: %w", userID, err)
		}
		orders = append(orders, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing orders of %q: %w", userID, err)
	}
	return orders, nil
}

// TableCreator is the part of *dynamodb.Client CreateTables needs.
type TableCreator interface {
	CreateTable(context.Context, *dynamodb.CreateTableInput, ...func(*dynamodb.Options)) (*dynamodb.CreateTableOutput, error)
}

// CreateTables creates the two on-demand tables (the "migration").
func CreateTables(ctx context.Context, client TableCreator, usersTable, ordersTable string) error {
	key := func(name string, keyType types.KeyType) (types.AttributeDefinition, types.KeySchemaElement) {
		return types.AttributeDefinition{AttributeName: aws.String(name), AttributeType: types.ScalarAttributeTypeS},
			types.KeySchemaElement{AttributeName: aws.String(name), KeyType: keyType}
	}
	userID, userKey := key("id", types.KeyTypeHash)
	orderUser, orderUserKey := key("user_id", types.KeyTypeHash)
	orderID, orderKey := key("id", types.KeyTypeRange)
	for _, in := range []*dynamodb.CreateTableInput{
		{TableName: aws.String(usersTable), AttributeDefinitions: []types.AttributeDefinition{userID}, KeySchema: []types.KeySchemaElement{userKey}},
		{TableName: aws.String(ordersTable), AttributeDefinitions: []types.AttributeDefinition{orderUser, orderID}, KeySchema: []types.KeySchemaElement{orderUserKey, orderKey}},
	} {
		in.BillingMode = types.BillingModePayPerRequest
		if _, err := client.CreateTable(ctx, in); err != nil {
			return fmt.Errorf("creating table %s: %w", aws.ToString(in.TableName), err)
		}
	}
	return nil
}
