// Command rawsdk is the cold-start probe for the plain SDK: load the config, read one item by key with
// ExecuteStatement, print it, exit. Usage: rawsdk ENDPOINT TABLE ID
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

type item struct {
	ID   string `dynamodbav:"id"`
	Name string `dynamodbav:"name"`
}

func main() {
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("local", "local", "")))
	if err != nil {
		fail(err)
	}
	client := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(os.Args[1]) })
	out, err := client.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{
		Statement:  aws.String(`SELECT id, name FROM "` + os.Args[2] + `" WHERE id = ?`),
		Parameters: []types.AttributeValue{&types.AttributeValueMemberS{Value: os.Args[3]}},
	})
	if err != nil {
		fail(err)
	}
	if len(out.Items) == 0 {
		fail(fmt.Errorf("no item"))
	}
	var it item
	if err := attributevalue.UnmarshalMap(out.Items[0], &it); err != nil {
		fail(err)
	}
	fmt.Println(it.ID)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
