// Command godynamo is the cold-start probe for godynamo: open, read one item by key, print it, exit.
// Usage: godynamo DSN TABLE ID
package main

import (
	"database/sql"
	"fmt"
	"os"

	_ "github.com/btnguyen2k/godynamo"
)

func main() {
	db, err := sql.Open("godynamo", os.Args[1])
	if err != nil {
		fail(err)
	}
	var id, name string
	if err := db.QueryRow(`SELECT id, name FROM "`+os.Args[2]+`" WHERE id = ?`, os.Args[3]).Scan(&id, &name); err != nil {
		fail(err)
	}
	fmt.Println(id)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
