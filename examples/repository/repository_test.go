package repository_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynasql/dynasql/examples/repository"
	"github.com/dynasql/dynasql/internal/dynamotest"
)

var clock = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// openStore gives a store on fresh tables in DynamoDB Local.
func openStore(t *testing.T) *repository.Store {
	t.Helper()
	db := dynamotest.Open(t)
	users, orders := dynamotest.UniqueName("users"), dynamotest.UniqueName("orders")
	ctx := context.Background()
	client := dynamotest.Client(t)
	require.NoError(t, repository.CreateTables(ctx, client, users, orders))
	t.Cleanup(func() {
		for _, name := range []string{users, orders} {
			_, _ = client.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: aws.String(name)})
		}
	})
	store := repository.New(db, users, orders)
	store.Now = func() time.Time { return clock }
	return store
}

func TestCreateAndFindByID(t *testing.T) {
	store := openStore(t)
	ctx := context.Background()

	u := repository.User{ID: "u1", Email: "ada@example.com", Name: "Ada"}
	require.NoError(t, store.Create(ctx, &u))
	assert.Equal(t, int64(1), u.Version)

	got, err := store.FindByID(ctx, "u1")
	require.NoError(t, err)
	assert.Equal(t, repository.User{ID: "u1", Email: "ada@example.com", Name: "Ada", Version: 1, CreatedAt: clock}, got)

	_, err = store.FindByID(ctx, "nobody")
	assert.ErrorIs(t, err, repository.ErrNotFound)

	dup := repository.User{ID: "u1", Email: "other@example.com", Name: "Other"}
	err = store.Create(ctx, &dup)
	assert.ErrorIs(t, err, repository.ErrDuplicate)
	got, err = store.FindByID(ctx, "u1")
	require.NoError(t, err)
	assert.Equal(t, "Ada", got.Name, "a duplicate never overwrites")
}

func TestUpdateWithOptimisticLocking(t *testing.T) {
	store := openStore(t)
	ctx := context.Background()
	u := repository.User{ID: "u1", Email: "ada@example.com", Name: "Ada"}
	require.NoError(t, store.Create(ctx, &u))
	stale := u

	u.Name = "Ada King"
	require.NoError(t, store.Update(ctx, &u))
	assert.Equal(t, int64(2), u.Version)

	stale.Name = "Lost update"
	err := store.Update(ctx, &stale)
	assert.ErrorIs(t, err, repository.ErrConflict)

	got, err := store.FindByID(ctx, "u1")
	require.NoError(t, err)
	assert.Equal(t, "Ada King", got.Name)
	assert.Equal(t, int64(2), got.Version)

	missing := repository.User{ID: "nobody", Version: 1}
	assert.ErrorIs(t, store.Update(ctx, &missing), repository.ErrNotFound)
}

// Two writers race on the same version: exactly one wins.
func TestConcurrentUpdatesOneWins(t *testing.T) {
	store := openStore(t)
	ctx := context.Background()
	u := repository.User{ID: "u1", Email: "ada@example.com", Name: "Ada"}
	require.NoError(t, store.Create(ctx, &u))

	const writers = 4
	errs := make([]error, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := u
			mine.Name = "writer"
			errs[i] = store.Update(ctx, &mine)
		}()
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		if err == nil {
			wins++
			continue
		}
		assert.ErrorIs(t, err, repository.ErrConflict)
	}
	assert.Equal(t, 1, wins)
	got, err := store.FindByID(ctx, "u1")
	require.NoError(t, err)
	assert.Equal(t, int64(2), got.Version)
}

func TestPlaceOrder(t *testing.T) {
	store := openStore(t)
	ctx := context.Background()
	u := repository.User{ID: "u1", Email: "ada@example.com", Name: "Ada"}
	require.NoError(t, store.Create(ctx, &u))
	stale := u

	o := repository.Order{UserID: "u1", ID: "o1", TotalCents: 1250, Items: []string{"pen", "ink"}}
	require.NoError(t, store.PlaceOrder(ctx, &u, &o))
	assert.Equal(t, int64(2), u.Version)
	assert.Equal(t, int64(1), u.OrderCount)

	got, err := store.FindByID(ctx, "u1")
	require.NoError(t, err)
	assert.Equal(t, int64(1), got.OrderCount)
	assert.Equal(t, int64(2), got.Version)

	// A stale user: the UPDATE's condition fails, the transaction is canceled, the order is not written.
	o2 := repository.Order{UserID: "u1", ID: "o2", TotalCents: 99, Items: []string{"paper"}}
	err = store.PlaceOrder(ctx, &stale, &o2)
	assert.ErrorIs(t, err, repository.ErrConflict)

	// The same order ID again: the INSERT is a duplicate, and the user is not counted twice.
	again := repository.Order{UserID: "u1", ID: "o1", TotalCents: 1, Items: []string{"x"}}
	err = store.PlaceOrder(ctx, &u, &again)
	assert.ErrorIs(t, err, repository.ErrDuplicate)

	// A user that does not exist: the UPDATE's condition fails.
	ghost := repository.User{ID: "ghost", Version: 1}
	err = store.PlaceOrder(ctx, &ghost, &repository.Order{UserID: "ghost", ID: "o1", Items: []string{"x"}})
	assert.ErrorIs(t, err, repository.ErrConflict)

	orders, err := store.OrdersOf(ctx, "u1")
	require.NoError(t, err)
	assert.Equal(t, []repository.Order{{UserID: "u1", ID: "o1", TotalCents: 1250, Items: []string{"pen", "ink"}, PlacedAt: clock}}, orders)
	got, err = store.FindByID(ctx, "u1")
	require.NoError(t, err)
	assert.Equal(t, int64(1), got.OrderCount, "failed transactions changed nothing")
	orders, err = store.OrdersOf(ctx, "ghost")
	require.NoError(t, err)
	assert.Empty(t, orders)
}

func TestOrdersOfSortsByOrderID(t *testing.T) {
	store := openStore(t)
	ctx := context.Background()
	u := repository.User{ID: "u1", Email: "ada@example.com", Name: "Ada"}
	require.NoError(t, store.Create(ctx, &u))
	for _, id := range []string{"o3", "o1", "o2"} {
		require.NoError(t, store.PlaceOrder(ctx, &u, &repository.Order{UserID: "u1", ID: id, TotalCents: 1, Items: []string{id}}))
	}
	orders, err := store.OrdersOf(ctx, "u1")
	require.NoError(t, err)
	var ids []string
	for _, o := range orders {
		ids = append(ids, o.ID)
	}
	assert.Equal(t, []string{"o1", "o2", "o3"}, ids)
	assert.Equal(t, int64(3), u.OrderCount)
}

func TestPlaceOrderRejectsAnotherUsersOrder(t *testing.T) {
	store := openStore(t)
	u := repository.User{ID: "u1", Version: 1}
	err := store.PlaceOrder(context.Background(), &u, &repository.Order{UserID: "u2", ID: "o1"})
	require.Error(t, err)
	assert.False(t, errors.Is(err, repository.ErrConflict))
	assert.Contains(t, err.Error(), "belongs to user")
}
