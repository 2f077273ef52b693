package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/btnguyen2k/godynamo"
	"github.com/jmoiron/sqlx"

	_ "github.com/dynasql/dynasql" // registers "dynamodb"
)

const (
	region    = "us-east-1"
	accessKey = "local"
	secretKey = "local"
)

// bodyBufferingClient reads the request body into memory before handing the request on, so the SDK closing
// the body after Do returns cannot race net/http's write loop (aws-sdk-go-v2 issues 1825, 2737, 2935).
type bodyBufferingClient struct{ next *http.Client }

func (c bodyBufferingClient) Do(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.Body != http.NoBody {
		body, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		req.ContentLength = int64(len(body))
	}
	return c.next.Do(req)
}

// newRawClient builds the raw-SDK contender: config.LoadDefaultConfig with static credentials, the endpoint
// overridden, and the same settings dynasql applies to a local endpoint (no SDK retries, no response CRC32
// check), so the two do the same SDK work per call.
func newRawClient(endpoint string) (*dynamodb.Client, error) {
	cfg, err := config.LoadDefaultConfig(context.Background(),
		config.WithRegion(region),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(accessKey, secretKey, "")))
	if err != nil {
		return nil, err
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 64
	return dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		o.BaseEndpoint = aws.String(endpoint)
		o.HTTPClient = bodyBufferingClient{next: &http.Client{Transport: transport, Timeout: time.Minute}}
		o.Retryer = aws.NopRetryer{}
		o.DisableValidateResponseChecksum = true
	}), nil
}

// dynasqlDSN is the DSN a user writes for an http endpoint with static credentials.
func dynasqlDSN(endpoint string, params string) string {
	u, err := url.Parse(endpoint)
	if err != nil {
		panic(err)
	}
	dsn := "dynamodb://" + accessKey + ":" + secretKey + "@" + u.Host + "?region=" + region
	if u.Scheme == "http" {
		dsn += "&tls=false"
	}
	if params != "" {
		dsn += "&" + params
	}
	return dsn
}

func openDynasql(endpoint, params string) (*sqlx.DB, error) {
	return sqlx.Open("dynamodb", dynasqlDSN(endpoint, params))
}

// godynamoDSN is godynamo's connection string: Region, AkId, Secret_Key, Endpoint (http:// turns HTTPS off).
func godynamoDSN(endpoint string) string {
	return "Region=" + region + ";AkId=" + accessKey + ";Secret_Key=" + secretKey + ";Endpoint=" + endpoint + ";TimeoutMs=60000"
}

func openGodynamo(endpoint string) (*sqlx.DB, error) {
	return sqlx.Open("godynamo", godynamoDSN(endpoint))
}

var _ = godynamo.ErrInTx // keep the import explicit: it registers "godynamo"
