package partiql_test

import (
	"fmt"

	"github.com/dynasql/dynasql/partiql"
)

func ExamplePrepare() {
	c, err := partiql.Prepare(`SELECT id, name, address.city FROM users WHERE id = :id OR manager = :id LIMIT :n`)
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Parts[0].Text)
	fmt.Println(c.Parts[0].Args, c.Names, c.NumInput, c.LimitArg, c.Columns)
	// Output:
	// SELECT "id", "name", "address"."city" FROM "users" WHERE "id" = ? OR "manager" = ?
	// [0 0] [id n] 2 1 [id name city]
}

func ExamplePrepare_insertValues() {
	c, err := partiql.Prepare(`INSERT INTO users (id, name) VALUES (?, ?), (?, 'anonymous')`)
	if err != nil {
		panic(err)
	}
	for _, p := range c.Parts {
		fmt.Println(p.Text, p.Args)
	}
	// Output:
	// INSERT INTO "users" VALUE {'id': ?, 'name': ?} [0 1]
	// INSERT INTO "users" VALUE {'id': ?, 'name': 'anonymous'} [2]
}

func ExampleParse_syntaxError() {
	_, err := partiql.Parse("SELECT *\nFORM users")
	fmt.Println(err)
	// Output:
	// partiql: line 2, column 1: found "FORM", expected FROM
	// FORM users
	// ^
}
