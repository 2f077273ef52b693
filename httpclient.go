package dynasql

import (
	"bytes"
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// maxIdleConnsPerHost lets a busy *sql.DB keep its connections to DynamoDB open instead of redialing: the
// SDK's default keeps 10, fewer than database/sql's default pool uses under load.
const maxIdleConnsPerHost = 64

// bufferedBodyClient reads each request body into memory before handing the request to the real client.
//
// Why: aws-sdk-go-v2 closes the request body as soon as http.Client.Do returns, while net/http's write loop may
// still be reading it; the write loop then closes the connection and the response read fails with "use of
// closed network connection" although DynamoDB processed the request (aws-sdk-go-v2 issues 1825, 2737, 2935).
// With the body in memory, the SDK's close no longer touches what net/http reads. PartiQL requests are small
// (a statement is at most 8 KB, a transaction at most 4 MB), so the copy is cheap.
type bufferedBodyClient struct {
	next aws.HTTPClient
	// closeIdle closes the idle connections of a transport this connector built; nil for a caller's client,
	// which may be shared and is not ours to close.
	closeIdle func()
}

// newBufferedBodyClient wraps next. The SDK's default BuildableClient hides its transport, so it is replaced
// by a plain client on a copy of that transport: the connector then owns its connection pool and can close it.
func newBufferedBodyClient(next aws.HTTPClient) *bufferedBodyClient {
	if next == nil {
		next = awshttp.NewBuildableClient()
	}
	buildable, ok := next.(*awshttp.BuildableClient)
	if !ok {
		return &bufferedBodyClient{next: next}
	}
	transport := buildable.GetTransport()
	transport.MaxIdleConnsPerHost = max(transport.MaxIdleConnsPerHost, maxIdleConnsPerHost)
	return &bufferedBodyClient{
		next:      &http.Client{Transport: transport, Timeout: buildable.GetTimeout()},
		closeIdle: transport.CloseIdleConnections,
	}
}

func (c *bufferedBodyClient) Do(req *http.Request) (*http.Response, error) {
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

// closeIdleConnections closes the idle connections of the pool the connector owns, if it owns one.
func (c *bufferedBodyClient) closeIdleConnections() {
	if c.closeIdle != nil {
		c.closeIdle()
	}
}
