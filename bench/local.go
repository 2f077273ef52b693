package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/dynasql/dynasql"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/jmoiron/sqlx"
)

// payloadBytes pads each DynamoDB Local item to about 1 KB.
const payloadBytes = 900

const columns = `id, name, email, status, age, visits, score, active, payload`

// valueStmt is the single-row PartiQL INSERT every contender's per-row path sends.
func valueStmt(table string) string {
	return `INSERT INTO "` + table + `" VALUE {'id': ?, 'name': ?, 'email': ?, 'status': ?, 'age': ?, 'visits': ?, 'score': ?, 'active': ?, 'payload': ?}`
}

func scanQuery(table string) string { return `SELECT ` + columns + ` FROM "` + table + `"` }

func itemArgs(it Item) []any {
	return []any{it.ID, it.Name, it.Email, it.Status, it.Age, it.Visits, it.Score, it.Active, it.Payload}
}

func itemParams(it Item) []types.AttributeValue {
	return []types.AttributeValue{
		&types.AttributeValueMemberS{Value: it.ID},
		&types.AttributeValueMemberS{Value: it.Name},
		&types.AttributeValueMemberS{Value: it.Email},
		&types.AttributeValueMemberS{Value: it.Status},
		&types.AttributeValueMemberN{Value: strconv.FormatInt(it.Age, 10)},
		&types.AttributeValueMemberN{Value: strconv.FormatInt(it.Visits, 10)},
		&types.AttributeValueMemberN{Value: strconv.FormatFloat(it.Score, 'f', -1, 64)},
		&types.AttributeValueMemberBOOL{Value: it.Active},
		&types.AttributeValueMemberS{Value: it.Payload},
	}
}

// local holds the clients on DynamoDB Local and the tables this run created.
type local struct {
	endpoint          string
	runID             string
	raw               *dynamodb.Client
	dynasql, godynamo *sqlx.DB
	tables            []string
}

func newLocal(endpoint string) (*local, error) {
	var b [4]byte
	_, _ = rand.Read(b[:])
	l := &local{endpoint: endpoint, runID: hex.EncodeToString(b[:])}
	var err error
	if l.raw, err = newRawClient(endpoint); err != nil {
		return nil, err
	}
	if l.dynasql, err = openDynasql(endpoint, ""); err != nil {
		return nil, err
	}
	if l.godynamo, err = openGodynamo(endpoint); err != nil {
		return nil, err
	}
	return l, nil
}

// createTable makes an on-demand table keyed on id, named bench_<run>_<suffix>, dropped by close.
func (l *local) createTable(ctx context.Context, suffix string) (string, error) {
	name := "bench_" + l.runID + "_" + suffix
	_, err := l.raw.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            &name,
		BillingMode:          types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: awssdk.String("id"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: awssdk.String("id"), KeyType: types.KeyTypeHash}},
	})
	if err != nil {
		return "", fmt.Errorf("CreateTable %s: %w", name, err)
	}
	l.tables = append(l.tables, name)
	return name, nil
}

func (l *local) close() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, t := range l.tables {
		_, _ = l.raw.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: awssdk.String(t)})
	}
	_ = l.dynasql.Close()
	_ = l.godynamo.Close()
}

// count returns the table's item count (a SELECT COUNT is not PartiQL: page through a key-only projection).
func (l *local) count(ctx context.Context, table string) (int, error) {
	input := &dynamodb.ExecuteStatementInput{Statement: awssdk.String(`SELECT id FROM "` + table + `"`)}
	n := 0
	for {
		out, err := l.raw.ExecuteStatement(ctx, input)
		if err != nil {
			return 0, err
		}
		n += len(out.Items)
		if out.NextToken == nil {
			return n, nil
		}
		input.NextToken = out.NextToken
	}
}

// load fills table with items [0, n) through raw BatchExecuteStatement, 8 requests in flight (not timed).
func (l *local) load(ctx context.Context, table string, n int) error {
	return rawBatchInsert(ctx, l.raw, table, 0, n, 8)
}

// rawBatchInsert writes items [from, to) as BatchExecuteStatement requests of 25, inflight at a time,
// resending statements DynamoDB reports as throttled.
func rawBatchInsert(ctx context.Context, client *dynamodb.Client, table string, from, to, inflight int) error {
	stmt := valueStmt(table)
	var wg sync.WaitGroup
	errs := make(chan error, inflight)
	next := make(chan int)
	for w := 0; w < inflight; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for start := range next {
				end := min(start+25, to)
				reqs := make([]types.BatchStatementRequest, 0, end-start)
				for i := start; i < end; i++ {
					reqs = append(reqs, types.BatchStatementRequest{Statement: &stmt, Parameters: itemParams(sampleItem(i, payloadBytes))})
				}
				for len(reqs) > 0 {
					out, err := client.BatchExecuteStatement(ctx, &dynamodb.BatchExecuteStatementInput{Statements: reqs})
					if err != nil {
						errs <- err
						return
					}
					var again []types.BatchStatementRequest
					for i, r := range out.Responses {
						if r.Error != nil {
							if r.Error.Code == types.BatchStatementErrorCodeEnumThrottlingError || r.Error.Code == types.BatchStatementErrorCodeEnumProvisionedThroughputExceeded {
								again = append(again, reqs[i])
								continue
							}
							errs <- fmt.Errorf("batch statement: %s %s", r.Error.Code, awssdk.ToString(r.Error.Message))
							return
						}
					}
					reqs = again
				}
			}
		}()
	}
	var err error
feed:
	for start := from; start < to; start += 25 {
		select {
		case next <- start:
		case err = <-errs:
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err == nil {
		select {
		case err = <-errs:
		default:
		}
	}
	return err
}

// insertResult is one bulk-insert measurement.
type insertResult struct {
	items   int
	elapsed time.Duration
}

func (r insertResult) perSecond() float64 { return float64(r.items) / r.elapsed.Seconds() }

// insertTable creates the fresh table one way of writing fills.
func (l *local) insertTable(ctx context.Context, way string) (string, error) {
	return l.createTable(ctx, strings.NewReplacer(" ", "_", "-", "_").Replace(way))
}

// checkCount fails unless table holds n items.
func (l *local) checkCount(ctx context.Context, way, table string, n int) error {
	got, err := l.count(ctx, table)
	if err != nil {
		return err
	}
	if got != n {
		return fmt.Errorf("%s: table holds %d items, want %d", way, got, n)
	}
	return nil
}

// insertRange writes items [from, to) into table one contender's way and returns the time it took.
func (l *local) insertRange(ctx context.Context, way, table string, from, to, chunk int) (time.Duration, error) {
	stmt := valueStmt(table)
	n := to
	start := time.Now()
	switch way {
	case "dynasql per-row":
		for i := from; i < n; i++ {
			if _, err := l.dynasql.ExecContext(ctx, stmt, itemArgs(sampleItem(i, payloadBytes))...); err != nil {
				return 0, fmt.Errorf("%s row %d: %w", way, i, err)
			}
		}
	case "godynamo per-row":
		for i := from; i < n; i++ {
			if _, err := l.godynamo.ExecContext(ctx, stmt, itemArgs(sampleItem(i, payloadBytes))...); err != nil {
				return 0, fmt.Errorf("%s row %d: %w", way, i, err)
			}
		}
	case "raw SDK per-row":
		for i := from; i < n; i++ {
			if _, err := l.raw.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: &stmt, Parameters: itemParams(sampleItem(i, payloadBytes))}); err != nil {
				return 0, fmt.Errorf("%s row %d: %w", way, i, err)
			}
		}
	case "dynasql batched":
		var sb strings.Builder
		for from := from; from < n; from += chunk {
			to := min(from+chunk, n)
			sb.Reset()
			sb.WriteString(`INSERT INTO "` + table + `" (` + columns + `) VALUES `)
			args := make([]any, 0, (to-from)*9)
			for i := from; i < to; i++ {
				if i > from {
					sb.WriteString(", ")
				}
				sb.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?)")
				args = append(args, itemArgs(sampleItem(i, payloadBytes))...)
			}
			res, err := l.dynasql.ExecContext(ctx, sb.String(), args...)
			if err != nil {
				return 0, fmt.Errorf("%s rows %d-%d: %w", way, from, to, err)
			}
			if got, _ := res.RowsAffected(); got != int64(to-from) {
				return 0, fmt.Errorf("%s: RowsAffected %d, want %d", way, got, to-from)
			}
		}
	case "raw SDK batched":
		if err := rawBatchInsert(ctx, l.raw, table, from, n, dynasql.DefaultBatchConcurrency); err != nil {
			return 0, fmt.Errorf("%s: %w", way, err)
		}
	default:
		return 0, errors.New("unknown insert way " + way)
	}
	return time.Since(start), nil
}

// scanResult is one streaming-scan measurement.
type scanResult struct {
	rows     int
	elapsed  time.Duration
	peakHeap uint64 // peak HeapAlloc during the scan minus HeapAlloc after a GC before it
}

// heapSampler samples runtime.MemStats.HeapAlloc every millisecond and keeps the peak.
type heapSampler struct {
	stop chan struct{}
	done chan uint64
}

func startHeapSampler() *heapSampler {
	s := &heapSampler{stop: make(chan struct{}), done: make(chan uint64)}
	go func() {
		var ms runtime.MemStats
		var peak uint64
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
			select {
			case <-s.stop:
				runtime.ReadMemStats(&ms)
				s.done <- max(peak, ms.HeapAlloc)
				return
			case <-tick.C:
			}
		}
	}()
	return s
}

func (s *heapSampler) peak() uint64 { close(s.stop); return <-s.done }

// scan reads the whole table row by row, keeping nothing but the last row. With sample set it also measures
// the peak heap (the sampler stops the world for each sample, so timed runs go without it).
func (l *local) scan(ctx context.Context, contender, table string, sample bool) (scanResult, error) {
	var baseline uint64
	var sampler *heapSampler
	if sample {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		baseline = ms.HeapAlloc
		sampler = startHeapSampler()
	}
	start := time.Now()
	n, err := l.scanRows(ctx, contender, table)
	res := scanResult{rows: n, elapsed: time.Since(start)}
	if sampler != nil {
		peak := sampler.peak()
		if peak > baseline {
			res.peakHeap = peak - baseline
		}
	}
	return res, err
}

func (l *local) scanRows(ctx context.Context, contender, table string) (int, error) {
	var it Item
	n := 0
	if contender == cRaw {
		input := &dynamodb.ExecuteStatementInput{Statement: awssdk.String(scanQuery(table))}
		for {
			out, err := l.raw.ExecuteStatement(ctx, input)
			if err != nil {
				return n, err
			}
			for _, item := range out.Items {
				if err := attributevalue.UnmarshalMap(item, &it); err != nil {
					return n, err
				}
				n++
			}
			if out.NextToken == nil {
				return n, nil
			}
			input.NextToken = out.NextToken
		}
	}
	db := l.dynasql
	if contender == cGodynamo {
		db = l.godynamo
	}
	rows, err := db.QueryContext(ctx, scanQuery(table))
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	for rows.Next() {
		if err := rows.Scan(&it.ID, &it.Name, &it.Email, &it.Status, &it.Age, &it.Visits, &it.Score, &it.Active, &it.Payload); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

// warmUp writes 300 rows per-row through each contender and 2,000 batched into a scratch table, then scans it
// with each contender.
func (l *local) warmUp(ctx context.Context) error {
	table, err := l.createTable(ctx, "warmup")
	if err != nil {
		return err
	}
	stmt := valueStmt(table)
	for i := 0; i < 300; i++ {
		for j, db := range []*sqlx.DB{l.dynasql, l.godynamo} {
			if _, err := db.ExecContext(ctx, stmt, itemArgs(sampleItem(100000+j*1000+i, payloadBytes))...); err != nil {
				return err
			}
		}
		if _, err := l.raw.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: &stmt, Parameters: itemParams(sampleItem(102000+i, payloadBytes))}); err != nil {
			return err
		}
	}
	if err := rawBatchInsert(ctx, l.raw, table, 0, 2000, 4); err != nil {
		return err
	}
	for _, c := range contenders {
		if _, err := l.scanRows(ctx, c, table); err != nil {
			return err
		}
	}
	return nil
}
