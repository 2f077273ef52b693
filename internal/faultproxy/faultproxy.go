// Package faultproxy is an HTTP reverse proxy on 127.0.0.1 that stands in front of DynamoDB (Local) and
// injects faults into the requests it relays, with seeded probabilities, counting every fault it injects:
//
//   - Throttle: a 400 with a DynamoDB throttling error (ProvisionedThroughputExceededException,
//     ThrottlingException or RequestLimitExceeded), not forwarded;
//   - ServerError: a 500 InternalServerError, not forwarded;
//   - Reset: the connection is reset before anything is forwarded;
//   - Drop: the request is forwarded and applied, then the connection is closed without an answer;
//   - Latency: the answer is held back for Config.Latency (far past the client's deadline); the request is
//     forwarded afterwards only if the client is still waiting.
//
// Tests use it to check what the driver promises under faults (RELIABILITY.md).
package faultproxy

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Fault is one kind of injected failure.
type Fault int

// The faults, in the order Config's probabilities are drawn.
const (
	Throttle Fault = iota
	ServerError
	Reset
	Drop
	Latency
	numFaults
)

// Faults lists every fault, for tallies.
var Faults = []Fault{Throttle, ServerError, Reset, Drop, Latency}

func (f Fault) String() string {
	switch f {
	case Throttle:
		return "throttle (400, not forwarded)"
	case ServerError:
		return "500 (not forwarded)"
	case Reset:
		return "connection reset before forwarding"
	case Drop:
		return "answer dropped after forwarding (applied)"
	case Latency:
		return "latency past the deadline"
	}
	return fmt.Sprintf("Fault(%d)", int(f))
}

// Config says where to forward and how often to inject each fault. Probabilities are per request and add up
// to at most 1.
type Config struct {
	Target string // the upstream endpoint, such as http://127.0.0.1:8000
	Seed   uint64

	Throttle, ServerError, Reset, Drop, Latency float64

	// LatencyDuration is how long a Latency fault holds a request (default 30s); the proxy's Close cuts it short.
	LatencyDuration time.Duration
	// Match, when set, limits faults to the requests it accepts; target is the X-Amz-Target header (such as
	// DynamoDB_20120810.ExecuteStatement) and body the JSON request. Other requests are relayed untouched.
	Match func(target string, body []byte) bool
}

// Proxy is a running fault-injecting proxy.
type Proxy struct {
	URL string // http://127.0.0.1:PORT, the endpoint to give the client

	server    *httptest.Server
	target    string
	transport *http.Transport
	closing   chan struct{}
	closeOnce sync.Once

	mu     sync.Mutex
	cfg    Config
	rng    *rand.Rand
	forced []Fault // faults forced on the next matching requests, in order

	requests, forwarded, connections atomic.Int64
	injected                         [numFaults]atomic.Int64
	latencyForwarded                 atomic.Int64
}

// Start starts a proxy in front of cfg.Target.
func Start(cfg Config) (*Proxy, error) {
	if !strings.HasPrefix(cfg.Target, "http://") && !strings.HasPrefix(cfg.Target, "https://") {
		return nil, fmt.Errorf("faultproxy: target %q is not an http(s) URL", cfg.Target)
	}
	if cfg.LatencyDuration <= 0 {
		cfg.LatencyDuration = 30 * time.Second
	}
	p := &Proxy{
		target:    strings.TrimSuffix(cfg.Target, "/"),
		transport: &http.Transport{MaxIdleConnsPerHost: 128, IdleConnTimeout: 30 * time.Second},
		closing:   make(chan struct{}),
		cfg:       cfg,
		rng:       rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
	}
	p.server = httptest.NewUnstartedServer(http.HandlerFunc(p.serve))
	p.server.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			p.connections.Add(1)
		}
	}
	p.server.Start()
	p.URL = p.server.URL
	return p, nil
}

// Close stops the proxy: held requests are released, and Close waits for every handler to finish, so no
// request reaches the target afterwards.
func (p *Proxy) Close() {
	p.closeOnce.Do(func() {
		close(p.closing)
		p.server.CloseClientConnections()
		p.server.Close()
		p.transport.CloseIdleConnections()
	})
}

// SetRates replaces the fault probabilities, keeping the random sequence.
func (p *Proxy) SetRates(throttle, serverError, reset, drop, latency float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cfg.Throttle, p.cfg.ServerError, p.cfg.Reset, p.cfg.Drop, p.cfg.Latency = throttle, serverError, reset, drop, latency
}

// Force makes the next n matching requests take fault f (before any random draw), for exact tests.
func (p *Proxy) Force(f Fault, n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for range n {
		p.forced = append(p.forced, f)
	}
}

// Counts is a snapshot of what the proxy saw and did.
type Counts struct {
	Requests    int64 // requests received
	Forwarded   int64 // requests sent on to the target (Drop and forwarded Latency included)
	Connections int64 // client connections accepted
	Injected    map[Fault]int64
	// LatencyForwarded is how many Latency faults were forwarded because the client still waited.
	LatencyForwarded int64
}

// Total is the number of faults injected.
func (c Counts) Total() int64 {
	var n int64
	for _, v := range c.Injected {
		n += v
	}
	return n
}

// Counts returns the tallies so far.
func (p *Proxy) Counts() Counts {
	c := Counts{
		Requests:         p.requests.Load(),
		Forwarded:        p.forwarded.Load(),
		Connections:      p.connections.Load(),
		Injected:         make(map[Fault]int64, numFaults),
		LatencyForwarded: p.latencyForwarded.Load(),
	}
	for _, f := range Faults {
		c.Injected[f] = p.injected[f].Load()
	}
	return c
}

// pick draws the fault for one request, or -1 for none.
func (p *Proxy) pick(target string, body []byte) Fault {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cfg.Match != nil && !p.cfg.Match(target, body) {
		return -1
	}
	if len(p.forced) > 0 {
		f := p.forced[0]
		p.forced = p.forced[1:]
		return f
	}
	x := p.rng.Float64()
	for _, f := range Faults {
		prob := p.probability(f)
		if x < prob {
			return f
		}
		x -= prob
	}
	return -1
}

func (p *Proxy) probability(f Fault) float64 {
	switch f {
	case Throttle:
		return p.cfg.Throttle
	case ServerError:
		return p.cfg.ServerError
	case Reset:
		return p.cfg.Reset
	case Drop:
		return p.cfg.Drop
	case Latency:
		return p.cfg.Latency
	}
	return 0
}

var throttleCodes = []string{"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"}

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	p.requests.Add(1)
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return // the client went away
	}
	fault := p.pick(r.Header.Get("X-Amz-Target"), body)
	if fault >= 0 {
		p.injected[fault].Add(1)
	}
	switch fault {
	case Throttle:
		p.mu.Lock()
		code := throttleCodes[p.rng.IntN(len(throttleCodes))]
		p.mu.Unlock()
		writeError(w, http.StatusBadRequest, code, "Injected by faultproxy: the level of configured provisioned throughput was exceeded")
	case ServerError:
		writeError(w, http.StatusInternalServerError, "InternalServerError", "Injected by faultproxy: internal server error")
	case Reset:
		abort(w, true)
	case Drop:
		if _, _, err := p.forward(r, body); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		abort(w, false)
	case Latency:
		p.mu.Lock()
		d := p.cfg.LatencyDuration
		p.mu.Unlock()
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return // the client gave up: nothing forwarded
		case <-p.closing:
			return
		}
		p.latencyForwarded.Add(1)
		p.relay(w, r, body)
	default:
		p.relay(w, r, body)
	}
}

// relay forwards the request and copies the answer back.
func (p *Proxy) relay(w http.ResponseWriter, r *http.Request, body []byte) {
	resp, respBody, err := p.forward(r, body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	for name, values := range resp.Header {
		for _, v := range values {
			w.Header().Add(name, v)
		}
	}
	w.Header().Set("Content-Length", fmt.Sprint(len(respBody)))
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(respBody)
}

// forward sends the request to the target, detached from the client's context: once sent, it completes even
// if the client gives up, as a request that reached DynamoDB would.
func (p *Proxy) forward(r *http.Request, body []byte) (*http.Response, []byte, error) {
	p.forwarded.Add(1)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, r.Method, p.target+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	for name, values := range r.Header {
		req.Header[name] = values
	}
	req.Host = r.Host
	resp, err := p.transport.RoundTrip(req)
	if err != nil {
		return nil, nil, fmt.Errorf("faultproxy: forwarding: %w", err)
	}
	defer resp.Body.Close()
	respBody, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, fmt.Errorf("faultproxy: reading the answer: %w", err)
	}
	return resp, respBody, nil
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.Header().Set("X-Amzn-ErrorType", code)
	w.Header().Set("X-Amzn-RequestId", "faultproxy")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"__type":"com.amazonaws.dynamodb.v20120810#%s","message":%q}`, code, message)
}

// abort closes the client's connection without an answer; reset sends a TCP RST instead of a FIN.
func abort(w http.ResponseWriter, reset bool) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // the server closes the connection itself
	}
	if tcp, ok := conn.(*net.TCPConn); ok && reset {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}
