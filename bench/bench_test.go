package main

import (
	"os"
	"sync"
	"testing"
)

// These go test benchmarks run the same canned-response code as the table, for profiling:
//
//	go test -run '^$' -bench 'PointRead/dynasql' -cpuprofile cpu.prof -memprofile mem.prof
func TestMain(m *testing.M) {
	serveIfChild()
	os.Exit(m.Run())
}

var (
	setupOnce   sync.Once
	point, page *microSetup
	errSetup    error
	// stops keeps the canned servers' stdin pipes referenced: a collected pipe closes, and the server exits.
	stops []func()
)

func setup(b *testing.B) {
	setupOnce.Do(func() {
		var pointURL, pageURL string
		var stop func()
		if pointURL, stop, errSetup = startCanned("point"); errSetup != nil {
			return
		}
		stops = append(stops, stop)
		if pageURL, stop, errSetup = startCanned("page"); errSetup != nil {
			return
		}
		stops = append(stops, stop)
		if point, errSetup = newMicroSetup(pointURL); errSetup != nil {
			return
		}
		if page, errSetup = newMicroSetup(pageURL); errSetup != nil {
			return
		}
		errSetup = checkMicro(b.Context(), point, page)
	})
	if errSetup != nil {
		b.Fatal(errSetup)
	}
}

func BenchmarkPointRead(b *testing.B) {
	setup(b)
	for _, c := range contenders {
		b.Run(c, benchPointRead(point, c))
	}
}

func BenchmarkPageDecode(b *testing.B) {
	setup(b)
	for _, c := range contenders {
		b.Run(c, benchPageDecode(page, c))
	}
}

func BenchmarkParse(b *testing.B) {
	b.Run(cDynasql, benchParseDynasql)
	b.Run(cGodynamo, benchParseGodynamo)
}
