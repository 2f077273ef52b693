package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/btnguyen2k/godynamo"
	"github.com/dynasql/dynasql/partiql"
	"github.com/jmoiron/sqlx"
)

// The canned-response benchmarks measure client work only: the server answering them runs in a child
// process (this same binary, with serveEnv set), so its allocations and goroutines are not counted in
// allocs/op nor seen by the profiler. It still shares the machine's cores with the client.
const serveEnv = "DYNASQL_BENCH_SERVE"

const (
	pointQuery = `SELECT ` + projection + ` FROM "users" WHERE id = ?`
	pageQuery  = `SELECT ` + projection + ` FROM "users"`
	pageItems  = 1000
	// parseStmt is a typical statement of about 200 characters (the one partiql's own benchmark uses).
	parseStmt = `SELECT id, name, email, created_at, status FROM "users" WHERE tenant = ? AND created_at BETWEEN ? AND ? AND begins_with(email, 'admin') AND status IN ['active', 'pending', 'locked']`
)

// serveIfChild runs the canned server when this process was started as one, and never returns then.
func serveIfChild() {
	kind := os.Getenv(serveEnv)
	if kind == "" {
		return
	}
	n := 1
	if kind == "page" {
		n = pageItems
	}
	s := newCannedServer(itemsResponse(n))
	fmt.Println(s.URL)
	_, _ = io.Copy(io.Discard, os.Stdin) // the parent closes stdin to stop us
	s.Close()
	os.Exit(0)
}

// startCanned starts a canned server process answering with 1 ("point") or 1000 ("page") items.
func startCanned(kind string) (url string, stop func(), err error) {
	self, err := os.Executable()
	if err != nil {
		return "", nil, err
	}
	cmd := exec.Command(self, "-test.run=^$")
	cmd.Env = append(os.Environ(), serveEnv+"="+kind, "GOMAXPROCS=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return "", nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		_ = cmd.Process.Kill()
		return "", nil, fmt.Errorf("canned server: %w", err)
	}
	url = strings.TrimSpace(line)
	if _, err := http.Get(url); err != nil {
		_ = cmd.Process.Kill()
		return "", nil, fmt.Errorf("canned server %s: %w", url, err)
	}
	return url, func() { _ = stdin.Close(); _ = cmd.Wait() }, nil
}

// contender names, in table order.
const (
	cDynasql  = "dynasql"
	cRaw      = "raw SDK"
	cGodynamo = "godynamo"
)

// microSetup holds, per contender, one open client on a canned server.
type microSetup struct {
	dynasql, godynamo *sqlx.DB
	raw               *dynamodb.Client
}

func newMicroSetup(url string) (*microSetup, error) {
	m := &microSetup{}
	var err error
	if m.dynasql, err = openDynasql(url, ""); err != nil {
		return nil, err
	}
	if m.godynamo, err = openGodynamo(url); err != nil {
		return nil, err
	}
	if m.raw, err = newRawClient(url); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *microSetup) close() {
	_ = m.dynasql.Close()
	_ = m.godynamo.Close()
}

// pointRead reads item "user-000000" once with the contender's idiomatic call.
func (m *microSetup) pointRead(ctx context.Context, contender string, it *Item) error {
	switch contender {
	case cDynasql:
		return m.dynasql.GetContext(ctx, it, pointQuery, "user-000000")
	case cGodynamo:
		return m.godynamo.GetContext(ctx, it, pointQuery, "user-000000")
	default:
		out, err := m.raw.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{
			Statement:  awssdk.String(pointQuery),
			Parameters: []types.AttributeValue{&types.AttributeValueMemberS{Value: "user-000000"}},
		})
		if err != nil {
			return err
		}
		if len(out.Items) == 0 {
			return fmt.Errorf("no item")
		}
		return attributevalue.UnmarshalMap(out.Items[0], it)
	}
}

// pageDecode reads the 1000-item page into a slice of structs.
func (m *microSetup) pageDecode(ctx context.Context, contender string, items *[]Item) error {
	switch contender {
	case cDynasql:
		return m.dynasql.SelectContext(ctx, items, pageQuery)
	case cGodynamo:
		return m.godynamo.SelectContext(ctx, items, pageQuery)
	default:
		out, err := m.raw.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: awssdk.String(pageQuery)})
		if err != nil {
			return err
		}
		return attributevalue.UnmarshalListOfMaps(out.Items, items)
	}
}

// checkMicro verifies once that every contender decodes the canned answers to the expected structs.
func checkMicro(ctx context.Context, point, page *microSetup) error {
	for _, c := range []string{cDynasql, cRaw, cGodynamo} {
		var it Item
		if err := point.pointRead(ctx, c, &it); err != nil {
			return fmt.Errorf("%s point read: %w", c, err)
		}
		if want := sampleItem(0, 0); it != want {
			return fmt.Errorf("%s point read: got %+v, want %+v", c, it, want)
		}
		var items []Item
		if err := page.pageDecode(ctx, c, &items); err != nil {
			return fmt.Errorf("%s page decode: %w", c, err)
		}
		if len(items) != pageItems {
			return fmt.Errorf("%s page decode: %d items, want %d", c, len(items), pageItems)
		}
		for i, it := range items {
			if want := sampleItem(i, 0); it != want {
				return fmt.Errorf("%s page decode item %d: got %+v, want %+v", c, i, it, want)
			}
		}
	}
	return nil
}

func benchPointRead(m *microSetup, contender string) func(b *testing.B) {
	return func(b *testing.B) {
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			var it Item
			if err := m.pointRead(ctx, contender, &it); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func benchPageDecode(m *microSetup, contender string) func(b *testing.B) {
	return func(b *testing.B) {
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			var items []Item
			if err := m.pageDecode(ctx, contender, &items); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// benchParseDynasql prepares the statement through dynasql's parser and compiler (what a statement-cache miss
// costs; a hit is a map lookup).
func benchParseDynasql(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := partiql.Prepare(parseStmt); err != nil {
			b.Fatal(err)
		}
	}
}

// benchParseGodynamo prepares the same statement on a godynamo driver connection (its regex-based parse;
// no request is sent).
func benchParseGodynamo(b *testing.B) {
	c, err := (&godynamo.Driver{}).Open(godynamoDSN("http://127.0.0.1:1"))
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	b.ReportAllocs()
	for b.Loop() {
		st, err := c.Prepare(parseStmt)
		if err != nil {
			b.Fatal(err)
		}
		_ = st.Close()
	}
}
