// Command quickstart creates a table in DynamoDB (Local), writes a few items through database/sql and reads
// them back with sqlx. `make demo` runs it against a DynamoDB Local it starts; elsewhere set DYNAMODB_DSN,
// or DYNAMODB_ENDPOINT for a local emulator.
package main

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"net/url"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/jmoiron/sqlx"

	"github.com/dynasql/dynasql"
)

type Planet struct {
	Name    string         `db:"name"`
	Order   int            `db:"order"`
	MassE24 dynasql.Number `db:"mass_e24"` // exact: never rounded through float64
	Moons   sql.NullInt64  `db:"moons"`
}

func main() {
	log.SetFlags(0)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	dsn, err := quickstartDSN()
	if err != nil {
		log.Fatal(err)
	}
	sqlx.BindDriver("dynamodb", sqlx.QUESTION)
	db, err := sqlx.Open("dynamodb", dsn)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	if err := db.PingContext(ctx); err != nil {
		log.Fatal(err)
	}

	// PartiQL has no CREATE TABLE: tables are made with the SDK (or infrastructure as code).
	table := "planets_" + strconv.FormatInt(time.Now().UnixNano(), 36)
	if err := createTable(ctx, dsn, table); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("1. created table %q\n", table)

	// One row: PartiQL's own INSERT ... VALUE {document}.
	res, err := db.ExecContext(ctx, fmt.Sprintf(`INSERT INTO "%s" VALUE {'name': ?, 'order': ?, 'mass_e24': ?, 'moons': ?}`, table),
		"Earth", 3, "5.97217", 1)
	if err != nil {
		log.Fatal(err)
	}
	n, _ := res.RowsAffected()
	fmt.Printf("2. inserted Earth (%d row)\n", n)

	// Many rows: SQL-style INSERT ... VALUES, sent as batched writes.
	res, err = db.ExecContext(ctx, fmt.Sprintf(`INSERT INTO "%s" (name, "order", mass_e24, moons) VALUES (?, ?, ?, ?), (?, ?, ?, ?), (?, ?, ?, ?)`, table),
		"Mercury", 1, "0.330103", nil,
		"Venus", 2, "4.86731", nil,
		"Mars", 4, "0.641691", 2)
	if err != nil {
		log.Fatal(err)
	}
	n, _ = res.RowsAffected()
	fmt.Printf("3. inserted %d more planets in one batch\n", n)

	// Read back through sqlx into structs; the projection fixes the columns.
	var planets []Planet
	if err := db.SelectContext(ctx, &planets, fmt.Sprintf(`SELECT name, "order", mass_e24, moons FROM "%s"`, table)); err != nil {
		log.Fatal(err)
	}
	// A scan returns items in DynamoDB's order (by partition key hash), not the order written.
	slices.SortFunc(planets, func(a, b Planet) int { return a.Order - b.Order })
	fmt.Println("4. read back with sqlx.Select:")
	for _, p := range planets {
		moons := "-"
		if p.Moons.Valid {
			moons = strconv.FormatInt(p.Moons.Int64, 10)
		}
		fmt.Printf("   %d %-8s mass %s e24 kg, moons %s\n", p.Order, p.Name, p.MassE24, moons)
	}

	// UPDATE reports the rows it matched, as SQL does: 0 when nothing matched.
	res, err = db.ExecContext(ctx, fmt.Sprintf(`UPDATE "%s" SET moons = ? WHERE name = ?`, table), 0, "Pluto")
	if err != nil {
		log.Fatal(err)
	}
	n, _ = res.RowsAffected()
	fmt.Printf("5. UPDATE of a planet that is not there affected %d rows\n", n)
}

// quickstartDSN is DYNAMODB_DSN, or a DSN for the DynamoDB Local at DYNAMODB_ENDPOINT.
func quickstartDSN() (string, error) {
	if dsn := os.Getenv("DYNAMODB_DSN"); dsn != "" {
		return dsn, nil
	}
	endpoint := os.Getenv("DYNAMODB_ENDPOINT")
	if endpoint == "" {
		return "", fmt.Errorf("set DYNAMODB_DSN, or DYNAMODB_ENDPOINT for DynamoDB Local (make demo does)")
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return "", err
	}
	c := dynasql.NewConfig()
	c.Endpoint, c.Region = u.Scheme+"://"+u.Host, "us-east-1"
	c.AccessKeyID, c.SecretAccessKey = "local", "local" // DynamoDB Local accepts any credentials
	return c.FormatDSN(), nil
}

func createTable(ctx context.Context, dsn, table string) error {
	cfg, err := dynasql.ParseDSN(dsn)
	if err != nil {
		return err
	}
	var opts []func(*config.LoadOptions) error
	if cfg.Region != "" {
		opts = append(opts, config.WithRegion(cfg.Region))
	}
	if cfg.AccessKeyID != "" {
		opts = append(opts, config.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(cfg.AccessKeyID, cfg.SecretAccessKey, cfg.SessionToken)))
	}
	awsCfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return err
	}
	client := dynamodb.NewFromConfig(awsCfg, func(o *dynamodb.Options) {
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
		}
	})
	_, err = client.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(table),
		BillingMode:          types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("name"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("name"), KeyType: types.KeyTypeHash}},
	})
	return err
}
