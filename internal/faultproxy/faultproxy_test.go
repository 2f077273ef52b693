package faultproxy_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/dynasql/dynasql/internal/faultproxy"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// start runs a proxy in front of an upstream that answers "ok" and counts what reached it.
func start(t *testing.T, cfg faultproxy.Config) (*faultproxy.Proxy, *atomic.Int64, *http.Client) {
	t.Helper()
	var reached atomic.Int64
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		_, _ = io.WriteString(w, "ok")
	}))
	t.Cleanup(upstream.Close)
	cfg.Target = upstream.URL
	proxy, err := faultproxy.Start(cfg)
	require.NoError(t, err)
	t.Cleanup(proxy.Close)
	transport := &http.Transport{}
	t.Cleanup(transport.CloseIdleConnections)
	return proxy, &reached, &http.Client{Transport: transport}
}

func post(ctx context.Context, client *http.Client, url string) (int, http.Header, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(`{"Statement":"SELECT"}`))
	if err != nil {
		return 0, nil, "", err
	}
	req.Header.Set("X-Amz-Target", "DynamoDB_20120810.ExecuteStatement")
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(body), err
}

func TestEachFault(t *testing.T) {
	ctx := context.Background()
	proxy, reached, client := start(t, faultproxy.Config{LatencyDuration: 30 * time.Second})

	status, _, body, err := post(ctx, client, proxy.URL)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "ok", body)
	assert.EqualValues(t, 1, reached.Load())

	proxy.Force(faultproxy.Throttle, 1)
	status, header, body, err := post(ctx, client, proxy.URL)
	require.NoError(t, err)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.NotEmpty(t, header.Get("X-Amzn-ErrorType"))
	assert.Contains(t, body, `"__type":"com.amazonaws.dynamodb.v20120810#`)
	assert.EqualValues(t, 1, reached.Load(), "a throttled request is not forwarded")

	proxy.Force(faultproxy.ServerError, 1)
	status, _, body, err = post(ctx, client, proxy.URL)
	require.NoError(t, err)
	assert.Equal(t, http.StatusInternalServerError, status)
	assert.Contains(t, body, "InternalServerError")
	assert.EqualValues(t, 1, reached.Load(), "a 500 is not forwarded")

	proxy.Force(faultproxy.Reset, 1)
	_, _, _, err = post(ctx, client, proxy.URL)
	require.Error(t, err)
	assert.True(t, errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF), "%v", err)
	assert.EqualValues(t, 1, reached.Load(), "a reset request is not forwarded")

	proxy.Force(faultproxy.Drop, 1)
	_, _, _, err = post(ctx, client, proxy.URL)
	require.Error(t, err)
	assert.EqualValues(t, 2, reached.Load(), "a dropped answer's request was forwarded")

	proxy.Force(faultproxy.Latency, 1)
	deadline, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	began := time.Now()
	_, _, _, err = post(deadline, client, proxy.URL)
	cancel()
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(began), 10*time.Second, "the latency is 30s; the deadline 100ms")

	counts := proxy.Counts()
	for _, f := range faultproxy.Faults {
		assert.EqualValues(t, 1, counts.Injected[f], "%s", f)
	}
	assert.EqualValues(t, 5, counts.Total())
	assert.EqualValues(t, 6, counts.Requests)
}

func TestProbabilitiesAreSeeded(t *testing.T) {
	run := func() map[faultproxy.Fault]int64 {
		proxy, _, client := start(t, faultproxy.Config{Seed: 42, Throttle: 0.2, ServerError: 0.2})
		for range 50 {
			_, _, _, err := post(context.Background(), client, proxy.URL)
			require.NoError(t, err)
		}
		return proxy.Counts().Injected
	}
	first, second := run(), run()
	assert.Equal(t, first, second)
	assert.Positive(t, first[faultproxy.Throttle])
	assert.Positive(t, first[faultproxy.ServerError])
	assert.Zero(t, first[faultproxy.Drop])
}

func TestMatchLimitsFaults(t *testing.T) {
	proxy, reached, client := start(t, faultproxy.Config{
		Throttle: 1,
		Match:    func(target string, _ []byte) bool { return strings.HasSuffix(target, ".ExecuteTransaction") },
	})
	status, _, _, err := post(context.Background(), client, proxy.URL)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, status)
	assert.EqualValues(t, 1, reached.Load())
	assert.Zero(t, proxy.Counts().Total())
}
