package main

import (
	"fmt"
	"strconv"
	"strings"
)

// Item is the 8-attribute record every contender decodes into: S, N (integer and decimal) and BOOL.
// Integers stay below 1e6 because godynamo hands every N to database/sql as a float64, which database/sql
// formats with %g before parsing it into an int ("1e+06" fails).
type Item struct {
	ID      string  `db:"id" dynamodbav:"id"`
	Name    string  `db:"name" dynamodbav:"name"`
	Email   string  `db:"email" dynamodbav:"email"`
	Status  string  `db:"status" dynamodbav:"status"`
	Age     int64   `db:"age" dynamodbav:"age"`
	Visits  int64   `db:"visits" dynamodbav:"visits"`
	Score   float64 `db:"score" dynamodbav:"score"`
	Active  bool    `db:"active" dynamodbav:"active"`
	Payload string  `db:"payload" dynamodbav:"payload,omitempty"` // only in the DynamoDB Local tables (~1 KB items)
}

// projection is the explicit column list of the canned-response benchmarks (8 attributes).
const projection = `id, name, email, status, age, visits, score, active`

var statuses = [...]string{"active", "pending", "locked", "deleted"}

// sampleItem returns the i-th test item; payload > 0 adds a string attribute of that many bytes.
func sampleItem(i, payload int) Item {
	it := Item{
		ID:     fmt.Sprintf("user-%06d", i),
		Name:   "User Number " + strconv.Itoa(i),
		Email:  fmt.Sprintf("user%d@example.com", i),
		Status: statuses[i%len(statuses)],
		Age:    int64(18 + i%60),
		Visits: int64(i * 7 % 999983),
		Score:  float64(i%1000) + 0.25,
		Active: i%3 != 0,
	}
	if payload > 0 {
		it.Payload = strings.Repeat(string(rune('a'+i%26)), payload)
	}
	return it
}

// avJSON writes the item as DynamoDB's JSON wire form of an item (without payload unless set).
func avJSON(b *strings.Builder, it Item) {
	fmt.Fprintf(b, `{"id":{"S":%q},"name":{"S":%q},"email":{"S":%q},"status":{"S":%q},"age":{"N":"%d"},"visits":{"N":"%d"},"score":{"N":"%s"},"active":{"BOOL":%t}`,
		it.ID, it.Name, it.Email, it.Status, it.Age, it.Visits, strconv.FormatFloat(it.Score, 'f', -1, 64), it.Active)
	if it.Payload != "" {
		fmt.Fprintf(b, `,"payload":{"S":%q}`, it.Payload)
	}
	b.WriteByte('}')
}

// itemsResponse is an ExecuteStatement response body holding items 0..n-1.
func itemsResponse(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"Items":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		avJSON(&b, sampleItem(i, 0))
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}
