// Command bench measures dynasql against the plain AWS SDK (ExecuteStatement + attributevalue) and against
// godynamo, in one process, and prints one markdown table. See BENCHMARKS.md; run it with `make bench`.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func main() {
	serveIfChild()
	testing.Init()
	var (
		endpoint   = flag.String("endpoint", os.Getenv("DYNAMODB_ENDPOINT"), "DynamoDB Local endpoint (default $DYNAMODB_ENDPOINT); empty: canned benchmarks only")
		rounds     = flag.Int("rounds", 3, "rounds of each canned benchmark (the median is reported)")
		insertN    = flag.Int("insert-items", 10000, "items per bulk-insert run")
		chunk      = flag.Int("chunk", 1000, "rows per multi-row INSERT in the batched run")
		scanSizes  = flag.String("scan-sizes", "5000,20000", "table sizes of the streaming scans (the last two give the heap ratio)")
		coldRuns   = flag.Int("cold-runs", 20, "runs of each cold-start binary (the median is reported)")
		onlyCanned = flag.Bool("canned-only", false, "skip everything that needs DynamoDB Local")
		rtt        = flag.Duration("rtt", 5*time.Millisecond, "round-trip time the simulated-RTT bulk insert adds to each request (a proxy in front of DynamoDB Local); 0 skips it")
		rttN       = flag.Int("rtt-items", 2000, "items per way in the simulated-RTT bulk insert")
	)
	flag.Parse()
	if *rtt < 0 || (*rtt > 0 && *rttN <= 0) {
		fmt.Fprintln(os.Stderr, "bench: -rtt must be ≥ 0 and -rtt-items > 0")
		os.Exit(2)
	}
	if err := run(*endpoint, *rounds, *insertN, *chunk, *scanSizes, *coldRuns, *onlyCanned, *rtt, *rttN); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[%s] "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

// micro is a median over rounds of one testing.Benchmark: wall ns/op, process CPU ns/op (user+system, all
// threads, GC included; the canned server is another process), allocs/op.
type micro struct{ ns, cpu, allocs float64 }

// measured is one testing.Benchmark run with the CPU time of its final (reported) iteration count.
type measured struct {
	testing.BenchmarkResult
	cpuPerOp float64
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchmark runs f through testing.Benchmark and records the CPU time of the last call, the one whose b.N
// testing.Benchmark reports.
func benchmark(f func(b *testing.B)) measured {
	var cpu float64
	r := testing.Benchmark(func(b *testing.B) {
		start := cpuTime()
		f(b)
		cpu = float64(cpuTime()-start) / float64(b.N)
	})
	return measured{r, cpu}
}

func medianMicro(rs []measured) micro {
	ns := make([]float64, len(rs))
	cpu := make([]float64, len(rs))
	al := make([]float64, len(rs))
	for i, r := range rs {
		ns[i] = float64(r.T.Nanoseconds()) / float64(r.N)
		cpu[i] = r.cpuPerOp
		al[i] = float64(r.AllocsPerOp())
	}
	return micro{median(ns), median(cpu), median(al)}
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

type results struct {
	point, page map[string]micro
	parse       map[string]micro
	insert      map[string]insertResult
	scanSizes   []int
	scanTime    map[int]map[string]time.Duration
	scanHeap    map[int]map[string]uint64
	cold        map[string]time.Duration
	insertN     int
	chunk       int
	rtt         time.Duration           // simulated round-trip time; 0: no simulated-RTT bulk insert
	rttN        int                     // items per way in the simulated-RTT bulk insert
	rttInsert   map[string]insertResult // by way (rttWays)
	rttHold     time.Duration           // mean time the proxy actually held a request
	coldRuns    int
	local       bool
	loadStart   string
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

var contenders = []string{cDynasql, cRaw, cGodynamo}

func run(endpoint string, rounds, insertN, chunk int, scanSizesFlag string, coldRuns int, cannedOnly bool, rtt time.Duration, rttN int) error {
	ctx := context.Background()
	res := &results{
		point: map[string]micro{}, page: map[string]micro{}, parse: map[string]micro{},
		insert: map[string]insertResult{}, scanTime: map[int]map[string]time.Duration{},
		scanHeap: map[int]map[string]uint64{}, cold: map[string]time.Duration{},
		insertN: insertN, chunk: chunk, coldRuns: coldRuns, loadStart: loadAvg(),
		rtt: rtt, rttN: rttN, rttInsert: map[string]insertResult{},
	}
	for _, f := range strings.Split(scanSizesFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return fmt.Errorf("bad -scan-sizes %q", scanSizesFlag)
		}
		res.scanSizes = append(res.scanSizes, n)
	}
	if err := runCanned(ctx, res, rounds); err != nil {
		return err
	}
	if !cannedOnly {
		if endpoint == "" {
			return fmt.Errorf("no DynamoDB Local endpoint: set DYNAMODB_ENDPOINT (make bench does) or pass -canned-only")
		}
		res.local = true
		if err := runLocal(ctx, res, endpoint); err != nil {
			return err
		}
	}
	printTable(os.Stdout, res)
	return nil
}

func runCanned(ctx context.Context, res *results, rounds int) error {
	pointURL, stopPoint, err := startCanned("point")
	if err != nil {
		return err
	}
	defer stopPoint()
	pageURL, stopPage, err := startCanned("page")
	if err != nil {
		return err
	}
	defer stopPage()
	point, err := newMicroSetup(pointURL)
	if err != nil {
		return err
	}
	defer point.close()
	page, err := newMicroSetup(pageURL)
	if err != nil {
		return err
	}
	defer page.close()
	if err := checkMicro(ctx, point, page); err != nil {
		return fmt.Errorf("canned responses decoded wrongly: %w", err)
	}
	pointRs, pageRs, parseRs := map[string][]measured{}, map[string][]measured{}, map[string][]measured{}
	for r := 0; r < rounds; r++ {
		// Rotate the order each round so no contender always runs first (warm caches, GC state).
		order := append(slices.Clone(contenders[r%3:]), contenders[:r%3]...)
		for _, c := range order {
			logf("round %d/%d: point read, %s", r+1, rounds, c)
			pointRs[c] = append(pointRs[c], benchmark(benchPointRead(point, c)))
			logf("round %d/%d: page decode, %s", r+1, rounds, c)
			pageRs[c] = append(pageRs[c], benchmark(benchPageDecode(page, c)))
		}
		logf("round %d/%d: parse", r+1, rounds)
		parseRs[cDynasql] = append(parseRs[cDynasql], benchmark(benchParseDynasql))
		parseRs[cGodynamo] = append(parseRs[cGodynamo], benchmark(benchParseGodynamo))
	}
	for _, c := range contenders {
		for name, rs := range map[string][]measured{"point": pointRs[c], "page": pageRs[c], "parse": parseRs[c]} {
			if len(rs) > 0 && rs[0].N == 0 {
				return fmt.Errorf("%s %s benchmark failed (see above)", name, c)
			}
		}
		res.point[c] = medianMicro(pointRs[c])
		res.page[c] = medianMicro(pageRs[c])
		if len(parseRs[c]) > 0 {
			res.parse[c] = medianMicro(parseRs[c])
		}
	}
	return nil
}

var insertWays = []string{"dynasql per-row", "raw SDK per-row", "godynamo per-row", "dynasql batched", "raw SDK batched"}

func runLocal(ctx context.Context, res *results, endpoint string) error {
	l, err := newLocal(endpoint)
	if err != nil {
		return err
	}
	defer l.close()

	// DynamoDB Local is a JVM: its first thousands of requests run slower while it warms up. Warm it (and each
	// contender's connection pool) on a scratch table before anything is timed.
	logf("warming up DynamoDB Local")
	if err := l.warmUp(ctx); err != nil {
		return fmt.Errorf("warm-up: %w", err)
	}
	// Each way writes its own table in 5 segments, the ways taking turns in a rotating order, so that drift in
	// DynamoDB Local's speed or in the machine's load spreads over all of them.
	tables := map[string]string{}
	for _, way := range insertWays {
		if tables[way], err = l.insertTable(ctx, way); err != nil {
			return err
		}
	}
	const segments = 5
	for s := 0; s < segments; s++ {
		from, to := s*res.insertN/segments, (s+1)*res.insertN/segments
		for k := range insertWays {
			way := insertWays[(k+s)%len(insertWays)]
			logf("bulk insert segment %d/%d: %s, items %d-%d", s+1, segments, way, from, to)
			d, err := l.insertRange(ctx, way, tables[way], from, to, res.chunk)
			if err != nil {
				return err
			}
			r := res.insert[way]
			r.items += to - from
			r.elapsed += d
			res.insert[way] = r
		}
	}
	for _, way := range insertWays {
		if err := l.checkCount(ctx, way, tables[way], res.insertN); err != nil {
			return err
		}
		logf("bulk insert %s: %.0f items/s", way, res.insert[way].perSecond())
	}
	if res.rtt > 0 {
		if err := runRTT(ctx, res, endpoint); err != nil {
			return err
		}
	}

	for _, n := range res.scanSizes {
		table, err := l.createTable(ctx, "scan"+strconv.Itoa(n))
		if err != nil {
			return err
		}
		logf("loading %d items for the scans", n)
		if err := l.load(ctx, table, n); err != nil {
			return err
		}
		// The first scan of a freshly loaded table is slower on DynamoDB Local whoever runs it: do one untimed.
		if _, err := l.scanRows(ctx, cRaw, table); err != nil {
			return err
		}
		res.scanTime[n], res.scanHeap[n] = map[string]time.Duration{}, map[string]uint64{}
		// Each contender scans 5 times timed (no sampler) and 3 times with the heap sampler, the contenders
		// taking turns in a rotating order; medians are kept. One sampled peak is noisy: it lands wherever the
		// garbage collector's pacing happens to be when the scan ends (the same code measured 11–19 MB at 5,000
		// items and 15–25 MB at 20,000 over five scans each).
		const timedRounds, sampledRounds = 5, 3
		times, peaks := map[string][]float64{}, map[string][]float64{}
		for round := 0; round < timedRounds+sampledRounds; round++ {
			for k := range contenders {
				c := contenders[(k+round)%len(contenders)]
				sample := round >= timedRounds
				r, err := l.scan(ctx, c, table, sample)
				if err != nil {
					return fmt.Errorf("scan %d %s: %w", n, c, err)
				}
				if r.rows != n {
					return fmt.Errorf("scan %d %s: %d rows", n, c, r.rows)
				}
				if sample {
					peaks[c] = append(peaks[c], float64(r.peakHeap))
					logf("scan %d %s: peak heap %.1f MB", n, c, float64(r.peakHeap)/1e6)
				} else {
					times[c] = append(times[c], float64(r.elapsed))
					logf("scan %d %s: %v", n, c, r.elapsed)
				}
			}
		}
		for _, c := range contenders {
			res.scanTime[n][c] = time.Duration(median(times[c]))
			res.scanHeap[n][c] = uint64(median(peaks[c]))
		}
		if n == res.scanSizes[0] {
			if err := runColdStart(ctx, res, endpoint, table); err != nil {
				return err
			}
		}
	}
	return nil
}

// coldDynasqlNoAWSConfig is the cold-start probe of dynasql built without the SDK's config package.
const coldDynasqlNoAWSConfig = cDynasql + " -tags dynasql_noawsconfig"

// coldProbe is one cold-start binary: the contender it times, its package under coldstart/, its build tags.
type coldProbe struct{ name, pkg, tags string }

var coldProbes = []coldProbe{
	{cDynasql, "dynasql", ""},
	{coldDynasqlNoAWSConfig, "dynasql", "dynasql_noawsconfig"},
	{cRaw, "rawsdk", ""},
	{cGodynamo, "godynamo", ""},
}

// runColdStart builds one small binary per probe and times whole processes (exec to exit, after the first
// row is printed), interleaving the probes run by run.
func runColdStart(ctx context.Context, res *results, endpoint, table string) error {
	dir, err := os.MkdirTemp("", "dynasql-bench-cold")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	args := map[string][]string{
		"dynasql":  {dynasqlDSN(endpoint, "")},
		"rawsdk":   {endpoint},
		"godynamo": {godynamoDSN(endpoint)},
	}
	binary := map[string]string{}
	for i, p := range coldProbes {
		logf("cold start: building %s probe", p.name)
		binary[p.name] = filepath.Join(dir, fmt.Sprint(i))
		build := exec.CommandContext(ctx, "go", "build", "-tags", p.tags, "-o", binary[p.name], "./coldstart/"+p.pkg)
		build.Stderr = os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("building cold-start probe %s: %w", p.name, err)
		}
	}
	times := map[string][]float64{}
	id := sampleItem(1, 0).ID
	for i := 0; i < res.coldRuns; i++ {
		for _, p := range coldProbes {
			cmd := exec.CommandContext(ctx, binary[p.name], append(args[p.pkg], table, id)...)
			start := time.Now()
			out, err := cmd.Output()
			elapsed := time.Since(start)
			if err != nil || strings.TrimSpace(string(out)) != id {
				return fmt.Errorf("cold-start probe %s: %v, output %q", p.name, err, out)
			}
			times[p.name] = append(times[p.name], float64(elapsed))
		}
	}
	for _, p := range coldProbes {
		res.cold[p.name] = time.Duration(median(times[p.name]))
		logf("cold start %s: median %v", p.name, res.cold[p.name])
	}
	return nil
}
