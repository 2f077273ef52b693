// Command demo is a short narrated tour of the users-and-orders repository (examples/repository) against
// DynamoDB Local: not-found, duplicates, optimistic locking and an all-or-nothing order transaction.
// `make demo` runs it; elsewhere set DYNAMODB_ENDPOINT to a running DynamoDB Local.
package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/dynasql/dynasql"
	"github.com/dynasql/dynasql/examples/repository"
)

func main() {
	log.SetFlags(0)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := run(ctx); err != nil {
		log.Fatal("demo: ", err)
	}
}

func run(ctx context.Context) error {
	endpoint := os.Getenv("DYNAMODB_ENDPOINT")
	if endpoint == "" {
		return errors.New("set DYNAMODB_ENDPOINT to a DynamoDB Local endpoint (make demo does)")
	}
	// The application's own aws.Config: the driver keeps its region, credentials and endpoint.
	awsCfg := aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("local", "local", ""), // DynamoDB Local checks none
		BaseEndpoint: aws.String(endpoint),
	}
	connector, err := dynasql.NewConnector(awsCfg)
	if err != nil {
		return err
	}
	db := sql.OpenDB(connector)
	defer db.Close()

	suffix := strconv.FormatInt(time.Now().UnixNano(), 36)
	users, orders := "demo_users_"+suffix, "demo_orders_"+suffix
	client := dynamodb.NewFromConfig(awsCfg)
	if err := repository.CreateTables(ctx, client, users, orders); err != nil {
		return err
	}
	defer func() {
		for _, name := range []string{users, orders} {
			_, _ = client.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: aws.String(name)})
		}
	}()
	store := repository.New(db, users, orders)

	fmt.Println("repository demo: users and orders through database/sql")
	step := 0
	say := func(format string, args ...any) {
		step++
		fmt.Printf("%2d. %s\n", step, fmt.Sprintf(format, args...))
	}
	outcome := func(err error) string {
		switch {
		case err == nil:
			return "ok"
		case errors.Is(err, repository.ErrNotFound):
			return "ErrNotFound"
		case errors.Is(err, repository.ErrDuplicate):
			return "ErrDuplicate"
		case errors.Is(err, repository.ErrConflict):
			return "ErrConflict"
		}
		return "unexpected error: " + err.Error()
	}
	must := func(err error) error {
		if err != nil {
			return fmt.Errorf("step %d: %w", step, err)
		}
		return nil
	}
	// expect stops the tour when a step did not fail the way the repository promises.
	expect := func(err, want error) error {
		if !errors.Is(err, want) {
			return fmt.Errorf("step %d: want %v, got %v", step, want, err)
		}
		return nil
	}

	say("created tables %s (key id) and %s (key user_id, id)", users, orders)

	ada := repository.User{ID: "u-ada", Email: "ada@example.com", Name: "Ada Lovelace"}
	err = store.Create(ctx, &ada)
	say("Create(%s): %s, version %d", ada.ID, outcome(err), ada.Version)
	if err := must(err); err != nil {
		return err
	}

	again := repository.User{ID: "u-ada", Email: "impostor@example.com", Name: "Someone Else"}
	err = store.Create(ctx, &again)
	say("Create(%s) again: %s (INSERT never overwrites: dynasql.ErrDuplicateItem)", again.ID, outcome(err))
	if err := expect(err, repository.ErrDuplicate); err != nil {
		return err
	}

	_, err = store.FindByID(ctx, "u-nobody")
	say("FindByID(u-nobody): %s (sql.ErrNoRows underneath)", outcome(err))
	if err := expect(err, repository.ErrNotFound); err != nil {
		return err
	}

	stale := ada
	ada.Name = "Ada King, Countess of Lovelace"
	err = store.Update(ctx, &ada)
	say("Update(%s) at version 1: %s, now version %d", ada.ID, outcome(err), ada.Version)
	if err := must(err); err != nil {
		return err
	}

	stale.Email = "lost-update@example.com"
	err = store.Update(ctx, &stale)
	say("Update(%s) from a stale copy at version %d: %s (UPDATE ... WHERE version = ? affected 0 rows)", stale.ID, stale.Version, outcome(err))
	if err := expect(err, repository.ErrConflict); err != nil {
		return err
	}

	order := repository.Order{UserID: ada.ID, ID: "o-0001", TotalCents: 1250, Items: []string{"notebook", "ink"}}
	err = store.PlaceOrder(ctx, &ada, &order)
	say("PlaceOrder(%s, %s): %s — order written and user counted in one transaction; version %d, %d order(s)",
		ada.ID, order.ID, outcome(err), ada.Version, ada.OrderCount)
	if err := must(err); err != nil {
		return err
	}

	late := repository.Order{UserID: stale.ID, ID: "o-0002", TotalCents: 99, Items: []string{"pencil"}}
	err = store.PlaceOrder(ctx, &stale, &late)
	say("PlaceOrder(%s, %s) from the stale copy: %s — the transaction was canceled, so the order was not written either",
		stale.ID, late.ID, outcome(err))
	if err := expect(err, repository.ErrConflict); err != nil {
		return err
	}

	dup := repository.Order{UserID: ada.ID, ID: "o-0001", TotalCents: 1, Items: []string{"eraser"}}
	err = store.PlaceOrder(ctx, &ada, &dup)
	say("PlaceOrder(%s, %s) with a used order ID: %s", ada.ID, dup.ID, outcome(err))
	if err := expect(err, repository.ErrDuplicate); err != nil {
		return err
	}

	got, err := store.FindByID(ctx, ada.ID)
	if err := must(err); err != nil {
		return err
	}
	say("FindByID(%s): %q <%s>, version %d, %d order(s)", got.ID, got.Name, got.Email, got.Version, got.OrderCount)

	list, err := store.OrdersOf(ctx, ada.ID)
	if err := must(err); err != nil {
		return err
	}
	say("OrdersOf(%s): %d order(s)", ada.ID, len(list))
	for _, o := range list {
		fmt.Printf("      %s  $%d.%02d  %s\n", o.ID, o.TotalCents/100, o.TotalCents%100, strings.Join(o.Items, ", "))
	}
	return nil
}
