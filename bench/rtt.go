package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync/atomic"
	"time"
)

// rttProxy is an HTTP reverse proxy on 127.0.0.1 in front of DynamoDB Local that holds every request for a
// fixed round-trip time before forwarding it, so that a write costs what it costs against DynamoDB over a
// network: the emulator's own time plus the RTT. Each request is held on its own (concurrent requests overlap
// their delays, as in-flight requests do on a network); the request and response are relayed unchanged (the
// Host header too, which the SDK signed).
type rttProxy struct {
	URL string // http://127.0.0.1:PORT, the endpoint to give the clients

	rtt       time.Duration
	server    *http.Server
	listener  net.Listener
	transport *http.Transport
	served    chan error

	requests atomic.Int64
	held     atomic.Int64 // nanoseconds actually spent holding requests (timer slack included)
}

func startRTTProxy(target string, rtt time.Duration) (*rttProxy, error) {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("rtt proxy: target %q is not an http(s) URL", target)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &rttProxy{
		URL:       "http://" + ln.Addr().String(),
		rtt:       rtt,
		listener:  ln,
		transport: &http.Transport{MaxIdleConnsPerHost: 64, IdleConnTimeout: 30 * time.Second},
		served:    make(chan error, 1),
	}
	// NewSingleHostReverseProxy's director rewrites the URL only and keeps the incoming Host header.
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.Transport = p.transport
	p.server = &http.Server{Handler: p.hold(rp), ReadHeaderTimeout: time.Minute}
	go func() { p.served <- p.server.Serve(ln) }()
	return p, nil
}

// hold delays each request by the RTT (or until the client gives up) before handing it to next.
func (p *rttProxy) hold(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.requests.Add(1)
		start := time.Now()
		t := time.NewTimer(p.rtt)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
		p.held.Add(int64(time.Since(start)))
		next.ServeHTTP(w, r)
	})
}

// meanHold is the mean time a request was held (the configured RTT plus timer slack).
func (p *rttProxy) meanHold() time.Duration {
	n := p.requests.Load()
	if n == 0 {
		return 0
	}
	return time.Duration(p.held.Load() / n)
}

// close stops accepting, waits for the requests in flight to finish (up to 10 s), and closes the upstream
// connections.
func (p *rttProxy) close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := p.server.Shutdown(ctx)
	if serr := <-p.served; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	p.transport.CloseIdleConnections()
	return err
}

// rttWays are the bulk-insert ways measured through the RTT proxy.
var rttWays = []string{"dynasql per-row", "dynasql batched", "raw SDK batched"}

// runRTT measures bulk insert through an rttProxy in front of DynamoDB Local: dynasql per-row, dynasql batched
// and the raw SDK batched, each into its own table, with clients of their own pointed at the proxy.
func runRTT(ctx context.Context, res *results, endpoint string) (err error) {
	proxy, err := startRTTProxy(endpoint, res.rtt)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := proxy.close(); cerr != nil && err == nil {
			err = fmt.Errorf("closing the RTT proxy: %w", cerr)
		}
	}()
	p, err := newLocal(proxy.URL)
	if err != nil {
		return err
	}
	defer p.close() // before the proxy's close: it drops the tables through the proxy

	// DynamoDB Local is warm by now; warm the new clients' connection pools and the proxy's upstream pool.
	logf("simulated RTT %v: warming up the clients through the proxy at %s", res.rtt, proxy.URL)
	if err := p.warmUpRTT(ctx, res.chunk); err != nil {
		return fmt.Errorf("RTT warm-up: %w", err)
	}
	tables := map[string]string{}
	for _, way := range rttWays {
		if tables[way], err = p.insertTable(ctx, "rtt "+way); err != nil {
			return err
		}
	}
	// The ways take turns in segments of at least one chunk (so each batched Exec carries a full chunk), in
	// rotating order, as the DynamoDB Local bulk insert does.
	segments := max(1, min(5, res.rttN/res.chunk))
	for s := 0; s < segments; s++ {
		from, to := s*res.rttN/segments, (s+1)*res.rttN/segments
		for k := range rttWays {
			way := rttWays[(k+s)%len(rttWays)]
			logf("simulated RTT %v, segment %d/%d: %s, items %d-%d", res.rtt, s+1, segments, way, from, to)
			d, err := p.insertRange(ctx, way, tables[way], from, to, res.chunk)
			if err != nil {
				return fmt.Errorf("simulated RTT: %w", err)
			}
			r := res.rttInsert[way]
			r.items += to - from
			r.elapsed += d
			res.rttInsert[way] = r
		}
	}
	for _, way := range rttWays {
		if err := p.checkCount(ctx, way, tables[way], res.rttN); err != nil {
			return fmt.Errorf("simulated RTT: %w", err)
		}
		logf("simulated RTT %v, bulk insert %s: %.0f items/s", res.rtt, way, res.rttInsert[way].perSecond())
	}
	res.rttHold = proxy.meanHold()
	logf("simulated RTT: the proxy relayed %d requests, held each %v on average", proxy.requests.Load(), res.rttHold)
	return nil
}

// warmUpRTT writes, into a scratch table, 20 rows per-row through dynasql, one full chunk through a dynasql
// multi-row INSERT (opening batch_concurrency connections), and a chunk through the raw SDK's batch path.
func (l *local) warmUpRTT(ctx context.Context, chunk int) error {
	table, err := l.createTable(ctx, "rtt_warmup")
	if err != nil {
		return err
	}
	const base = 200000
	if _, err := l.insertRange(ctx, "dynasql per-row", table, base, base+20, chunk); err != nil {
		return err
	}
	if _, err := l.insertRange(ctx, "dynasql batched", table, base+20, base+20+chunk, chunk); err != nil {
		return err
	}
	_, err = l.insertRange(ctx, "raw SDK batched", table, base+20+chunk, base+20+2*chunk, chunk)
	return err
}
