package main

import (
	"fmt"
	"github.com/dynasql/dynasql"
	"io"
	"runtime"
	"strconv"
	"strings"
	"time"
)

func fmtNs(ns float64) string {
	switch {
	case ns >= 1e9:
		return fmt.Sprintf("%.2f s", ns/1e9)
	case ns >= 1e6:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.1f µs", ns/1e3)
	}
	return fmt.Sprintf("%.0f ns", ns)
}

func fmtMB(b uint64) string { return fmt.Sprintf("%.1f MB", float64(b)/1e6) }

func x(r float64) string { return fmt.Sprintf("%.2fx", r) }

// target is one goal: its text, and whether the measurement meets it.
type target struct {
	text string
	met  bool
}

type row struct {
	bench, contender, result, vsRaw, vsGodynamo string
	targets                                     []target
}

func (r row) cells() []string {
	var texts, met []string
	allMet := true
	for _, t := range r.targets {
		texts = append(texts, t.text)
		if !t.met {
			allMet = false
			met = append(met, "**not met**: "+strings.SplitN(t.text, ":", 2)[0])
		}
	}
	status := "—"
	if len(r.targets) > 0 {
		status = "met"
		if !allMet {
			status = strings.Join(met, "; ")
		}
	}
	return []string{r.bench, r.contender, r.result, dash(r.vsRaw), dash(r.vsGodynamo), dash(strings.Join(texts, "; ")), status}
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// ratio is a/b as "0.87x".
func ratio(a, b float64) float64 { return a / b }

func printTable(w io.Writer, res *results) {
	var rows []row
	microRows := func(bench string, m map[string]micro, timeCap float64, allocCap float64, stretch float64) {
		d, r, g := m[cDynasql], m[cRaw], m[cGodynamo]
		result := func(v micro) string {
			return fmt.Sprintf("%s/op (CPU %s/op), %.0f allocs/op", fmtNs(v.ns), fmtNs(v.cpu), v.allocs)
		}
		cmp := func(a, b micro) string {
			return fmt.Sprintf("time %s, CPU %s, allocs %s", x(ratio(a.ns, b.ns)), x(ratio(a.cpu, b.cpu)), x(ratio(a.allocs, b.allocs)))
		}
		dr := row{bench: bench, contender: cDynasql, result: result(d),
			vsRaw: cmp(d, r), vsGodynamo: cmp(d, g)}
		tr := ratio(d.ns, r.ns)
		dr.targets = append(dr.targets, target{fmt.Sprintf("time vs raw ≤ %.2fx: %s", timeCap, x(tr)), tr <= timeCap})
		if stretch > 0 {
			dr.targets = append(dr.targets, target{fmt.Sprintf("stretch time vs raw ≤ %.2fx: %s", stretch, x(tr)), tr <= stretch})
		}
		if allocCap > 0 {
			ar := ratio(d.allocs, r.allocs)
			dr.targets = append(dr.targets, target{fmt.Sprintf("allocs vs raw ≤ %.2fx: %s", allocCap, x(ar)), ar <= allocCap})
		}
		dr.targets = append(dr.targets, target{"faster than godynamo: " + x(ratio(d.ns, g.ns)), d.ns < g.ns})
		rows = append(rows, dr,
			row{bench: bench, contender: cRaw, result: result(r), vsRaw: "baseline",
				vsGodynamo: cmp(r, g)},
			row{bench: bench, contender: cGodynamo, result: result(g),
				vsRaw: cmp(g, r)})
	}
	microRows("Point read, 8 attrs, sqlx.Get (canned server)", res.point, 1.10, 1.10, 0)
	microRows(fmt.Sprintf("Page decode, %d items × 8 attrs, sqlx.Select (canned server)", pageItems), res.page, 1.00, 0, 0.80)

	if res.local {
		bench := fmt.Sprintf("Bulk insert, %d items of ~1 KB (DynamoDB Local)", res.insertN)
		ins := res.insert
		perItem := func(way string) float64 { return 1 / ins[way].perSecond() }
		result := func(way, how string) string {
			return fmt.Sprintf("%.0f items/s (%s, %s)", ins[way].perSecond(), how, ins[way].elapsed.Round(time.Millisecond))
		}
		dp := row{bench: bench, contender: "dynasql per-row", result: result("dynasql per-row", "one sequential Exec per row"),
			vsRaw:      "time/item " + x(ratio(perItem("dynasql per-row"), perItem("raw SDK per-row"))),
			vsGodynamo: "time/item " + x(ratio(perItem("dynasql per-row"), perItem("godynamo per-row")))}
		dp.targets = []target{{"faster than godynamo per-row: " + x(ratio(perItem("dynasql per-row"), perItem("godynamo per-row"))),
			perItem("dynasql per-row") < perItem("godynamo per-row")}}
		speedup := ratio(ins["dynasql batched"].perSecond(), ins["dynasql per-row"].perSecond())
		db := row{bench: bench, contender: "dynasql batched",
			result:     result("dynasql batched", fmt.Sprintf("one multi-row INSERT … VALUES Exec per %d rows, BatchExecuteStatement ×25, %d in flight", res.chunk, dynasql.DefaultBatchConcurrency)),
			vsRaw:      "time/item " + x(ratio(perItem("dynasql batched"), perItem("raw SDK batched"))) + " of raw batched",
			vsGodynamo: "time/item " + x(ratio(perItem("dynasql batched"), perItem("godynamo per-row"))) + " of godynamo per-row (it has no batch path)"}
		db.targets = []target{
			{fmt.Sprintf("≥ 10x dynasql per-row items/s: %.1fx", speedup), speedup >= 10},
			{"faster than godynamo: " + x(ratio(perItem("dynasql batched"), perItem("godynamo per-row"))), perItem("dynasql batched") < perItem("godynamo per-row")},
		}
		rows = append(rows, dp, db,
			row{bench: bench, contender: "raw SDK per-row", result: result("raw SDK per-row", "one sequential ExecuteStatement per row"), vsRaw: "baseline",
				vsGodynamo: "time/item " + x(ratio(perItem("raw SDK per-row"), perItem("godynamo per-row")))},
			row{bench: bench, contender: "raw SDK batched", result: result("raw SDK batched", fmt.Sprintf("BatchExecuteStatement ×25, %d in flight", dynasql.DefaultBatchConcurrency)), vsRaw: "baseline (batched)"},
			row{bench: bench, contender: "godynamo per-row", result: result("godynamo per-row", "one sequential Exec per row"),
				vsRaw: "time/item " + x(ratio(perItem("godynamo per-row"), perItem("raw SDK per-row")))})

		if res.rtt > 0 {
			rows = append(rows, rttRows(res)...)
		}

		sizes := res.scanSizes
		for _, n := range sizes {
			bench := fmt.Sprintf("Streaming scan, %d items of ~1 KB, rows.Next/Scan, medians of 5 timed and of 3 heap-sampled scans (DynamoDB Local)", n)
			t, h := res.scanTime[n], res.scanHeap[n]
			result := func(c string) string {
				return fmt.Sprintf("%s (%.0f rows/s), peak heap %s", t[c].Round(time.Millisecond), float64(n)/t[c].Seconds(), fmtMB(h[c]))
			}
			cmp := func(a, b string) string {
				return fmt.Sprintf("time %s, heap %s", x(ratio(float64(t[a]), float64(t[b]))), x(ratio(float64(h[a]), float64(h[b]))))
			}
			dr := row{bench: bench, contender: cDynasql, result: result(cDynasql), vsRaw: cmp(cDynasql, cRaw), vsGodynamo: cmp(cDynasql, cGodynamo)}
			dr.targets = []target{{"faster than godynamo: " + x(ratio(float64(t[cDynasql]), float64(t[cGodynamo]))), t[cDynasql] < t[cGodynamo]}}
			if len(sizes) >= 2 && n == sizes[len(sizes)-1] {
				small := sizes[len(sizes)-2]
				hr := ratio(float64(h[cDynasql]), float64(res.scanHeap[small][cDynasql]))
				dr.targets = append(dr.targets, target{fmt.Sprintf("peak heap %d vs %d ≤ 1.30x: %s", n, small, x(hr)), hr <= 1.30})
			}
			growth := func(c string) string {
				if len(sizes) < 2 || n != sizes[len(sizes)-1] {
					return ""
				}
				return fmt.Sprintf(" (peak heap %s of the %d scan)", x(ratio(float64(h[c]), float64(res.scanHeap[sizes[len(sizes)-2]][c]))), sizes[len(sizes)-2])
			}
			dr.result += growth(cDynasql)
			rows = append(rows, dr,
				row{bench: bench, contender: cRaw, result: result(cRaw) + growth(cRaw), vsRaw: "baseline", vsGodynamo: cmp(cRaw, cGodynamo)},
				row{bench: bench, contender: cGodynamo, result: result(cGodynamo) + growth(cGodynamo), vsRaw: cmp(cGodynamo, cRaw)})
		}
	}

	p := res.parse
	pr := row{bench: "Parse: partiql.Prepare of a ~200-char SELECT", contender: cDynasql,
		result:     fmt.Sprintf("%s/op, %.0f allocs/op", fmtNs(p[cDynasql].ns), p[cDynasql].allocs),
		vsRaw:      "n/a (the SDK sends the text as is)",
		vsGodynamo: fmt.Sprintf("time %s, allocs %s", x(ratio(p[cDynasql].ns, p[cGodynamo].ns)), x(ratio(p[cDynasql].allocs, p[cGodynamo].allocs)))}
	pr.targets = []target{{"faster than godynamo: " + x(ratio(p[cDynasql].ns, p[cGodynamo].ns)), p[cDynasql].ns < p[cGodynamo].ns}}
	rows = append(rows, pr, row{bench: pr.bench, contender: cGodynamo + " (conn.Prepare)",
		result: fmt.Sprintf("%s/op, %.0f allocs/op", fmtNs(p[cGodynamo].ns), p[cGodynamo].allocs)})

	if res.local {
		rows = append(rows, coldRows(res)...)
	}

	fmt.Fprintln(w)
	fmt.Fprintln(w, "| Benchmark | Contender | Result | vs raw SDK | vs godynamo | Target | Status |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
	for _, r := range rows {
		cells := r.cells()
		for i := range cells {
			cells[i] = strings.ReplaceAll(cells[i], "|", `\|`)
		}
		fmt.Fprintln(w, "| "+strings.Join(cells, " | ")+" |")
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Ratios are this contender's time (or allocs, or peak heap) over the other's, all measured in this run: below 1.00x is better. Bulk-insert ratios compare time per item.")
	if res.local && res.rtt > 0 {
		fmt.Fprintf(w, "Simulated RTT rows: an in-process HTTP proxy on 127.0.0.1 holds every request %s before forwarding it to DynamoDB Local (each request on its own, concurrent ones overlapping; mean hold measured %s), standing in for the network round trip to DynamoDB. The emulator's own time per request is included as is.\n", fmtMs(res.rtt), res.rttHold.Round(10*time.Microsecond))
	}
	fmt.Fprintf(w, "Load average at start %s, at end %s (%d CPUs): wall times are only comparable within a run, and a loaded machine makes them noisy; CPU time per op is the steadier measure of client work.\n", res.loadStart, loadAvg(), runtime.NumCPU())
}

// coldRows are the cold-start rows: dynasql as built by default and with -tags dynasql_noawsconfig, which
// leaves out the SDK's default config chain (godynamo has no such chain to leave out).
func coldRows(res *results) []row {
	c := res.cold
	bench := fmt.Sprintf("Cold start: process start → first row, median of %d (DynamoDB Local)", res.coldRuns)
	vs := func(name, other string) string { return x(ratio(float64(c[name]), float64(c[other]))) }
	result := func(name string) string { return c[name].Round(100 * time.Microsecond).String() }
	var rows []row
	for _, name := range []string{cDynasql, coldDynasqlNoAWSConfig} {
		r := row{bench: bench, contender: name, result: result(name), vsRaw: vs(name, cRaw), vsGodynamo: vs(name, cGodynamo)}
		r.targets = []target{{"faster than godynamo: " + r.vsGodynamo, c[name] < c[cGodynamo]}}
		rows = append(rows, r)
	}
	return append(rows,
		row{bench: bench, contender: cRaw, result: result(cRaw), vsRaw: "baseline", vsGodynamo: vs(cRaw, cGodynamo)},
		row{bench: bench, contender: cGodynamo, result: result(cGodynamo), vsRaw: vs(cGodynamo, cRaw)})
}

// fmtMs is d in milliseconds, as "5 ms".
func fmtMs(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', -1, 64) + " ms"
}

// rttRows are the rows of the bulk insert through the simulated-RTT proxy.
func rttRows(res *results) []row {
	bench := fmt.Sprintf("Bulk insert, %d items of ~1 KB, %s simulated RTT (proxy in front of DynamoDB Local)", res.rttN, fmtMs(res.rtt))
	ins := res.rttInsert
	perItem := func(way string) float64 { return 1 / ins[way].perSecond() }
	result := func(way, how string) string {
		return fmt.Sprintf("%.0f items/s (%s, %s)", ins[way].perSecond(), how, ins[way].elapsed.Round(time.Millisecond))
	}
	speedup := ratio(ins["dynasql batched"].perSecond(), ins["dynasql per-row"].perSecond())
	rawSpeedup := ratio(ins["raw SDK batched"].perSecond(), ins["dynasql per-row"].perSecond())
	dp := row{bench: bench, contender: "dynasql per-row", result: result("dynasql per-row", "one sequential Exec per row")}
	db := row{bench: bench, contender: "dynasql batched",
		result: result("dynasql batched", fmt.Sprintf("one multi-row INSERT … VALUES Exec per %d rows, BatchExecuteStatement ×25, %d in flight", res.chunk, dynasql.DefaultBatchConcurrency)) + fmt.Sprintf("; %.1fx dynasql per-row", speedup),
		vsRaw:  "time/item " + x(ratio(perItem("dynasql batched"), perItem("raw SDK batched"))) + " of raw batched"}
	db.targets = []target{{fmt.Sprintf("≥ 10x dynasql per-row items/s: %.1fx", speedup), speedup >= 10}}
	rb := row{bench: bench, contender: "raw SDK batched",
		result: result("raw SDK batched", fmt.Sprintf("BatchExecuteStatement ×25, %d in flight", dynasql.DefaultBatchConcurrency)) + fmt.Sprintf("; %.1fx dynasql per-row", rawSpeedup),
		vsRaw:  "baseline (batched)"}
	return []row{dp, db, rb}
}
