package dynasql

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynasql/dynasql/internal/dynamotest"
)

// One table drives both directions against DynamoDB Local: every case goes in through the driver, is checked
// as stored through the raw SDK, and comes back equal through Scan.
func TestConversionCasesRoundTripThroughDynamoDB(t *testing.T) {
	db := dynamotest.Open(t)
	client := dynamotest.Client(t)
	table := dynamotest.CreateTable(t, "convert", dynamotest.Key{Name: "id", Type: types.ScalarAttributeTypeS})
	insert := fmt.Sprintf(`INSERT INTO "%s" VALUE {'id': ?, 'v': ?}`, table)
	query := fmt.Sprintf(`SELECT v FROM "%s" WHERE id = ?`, table)
	ctx := context.Background()

	for i, c := range conversionCases {
		t.Run(c.name, func(t *testing.T) {
			id := strconv.Itoa(i)
			_, err := db.ExecContext(ctx, insert, id, c.in)
			require.NoError(t, err)

			out, err := client.GetItem(ctx, &dynamodb.GetItemInput{
				TableName:      aws.String(table),
				Key:            map[string]types.AttributeValue{"id": avS(id)},
				ConsistentRead: aws.Bool(true),
			})
			require.NoError(t, err)
			assert.Equal(t, sortSets(asDynamoDBReturns(c.av)), sortSets(out.Item["v"]), "as stored")

			// Rows rather than Row: database/sql refuses sql.RawBytes in Row.Scan.
			rows, err := db.QueryContext(ctx, query, id)
			require.NoError(t, err)
			defer rows.Close()
			require.True(t, rows.Next())
			dst := reflect.New(reflect.TypeOf(c.dest).Elem()).Interface()
			require.NoError(t, rows.Scan(scanner(c, dst)))
			want := c.want
			if c.dbWant != nil {
				want = c.dbWant
			}
			got := reflect.ValueOf(dst).Elem().Interface()
			if isSet(c.av) { // DynamoDB keeps no order inside a set
				want, got = sortSlice(want), sortSlice(got)
			}
			assert.Equal(t, want, got, "as scanned")
		})
	}
}

func isSet(av types.AttributeValue) bool {
	switch av.(type) {
	case *types.AttributeValueMemberSS, *types.AttributeValueMemberNS, *types.AttributeValueMemberBS:
		return true
	}
	return false
}

// sortSets orders the members of every set inside av, so stored and expected values compare equal.
func sortSets(av types.AttributeValue) types.AttributeValue {
	return mapLeaves(av, func(leaf types.AttributeValue) types.AttributeValue {
		switch v := leaf.(type) {
		case *types.AttributeValueMemberSS:
			return &types.AttributeValueMemberSS{Value: slices.Sorted(slices.Values(v.Value))}
		case *types.AttributeValueMemberNS:
			return &types.AttributeValueMemberNS{Value: slices.Sorted(slices.Values(v.Value))}
		case *types.AttributeValueMemberBS:
			bs := slices.Clone(v.Value)
			slices.SortFunc(bs, func(a, b []byte) int { return slices.Compare(a, b) })
			return &types.AttributeValueMemberBS{Value: bs}
		}
		return leaf
	})
}

// sortSlice sorts a scanned set (any slice type) by its elements' printed form.
func sortSlice(v any) any {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice {
		return v
	}
	sorted := reflect.MakeSlice(rv.Type(), rv.Len(), rv.Len())
	reflect.Copy(sorted, rv)
	sort.Slice(sorted.Interface(), func(i, j int) bool {
		return fmt.Sprint(sorted.Index(i).Interface()) < fmt.Sprint(sorted.Index(j).Interface())
	})
	return sorted.Interface()
}

// A NULL stored by the driver and an attribute the item lacks both scan as NULL.
func TestMissingAndNullAttributesScanAsNull(t *testing.T) {
	db := dynamotest.Open(t)
	table := dynamotest.CreateTable(t, "nulls", dynamotest.Key{Name: "id", Type: types.ScalarAttributeTypeS})
	_, err := db.Exec(fmt.Sprintf(`INSERT INTO "%s" VALUE {'id': ?, 'n': ?}`, table), "a", nil)
	require.NoError(t, err)
	var n, absent sql.NullString
	require.NoError(t, db.QueryRow(fmt.Sprintf(`SELECT n, absent FROM "%s" WHERE id = ?`, table), "a").Scan(&n, &absent))
	assert.False(t, n.Valid)
	assert.False(t, absent.Valid)
}
