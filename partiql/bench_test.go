package partiql

import "testing"

// benchStmt is a typical statement of about 200 characters.
const benchStmt = `SELECT id, name, email, created_at, status FROM "users" WHERE tenant = ? AND created_at BETWEEN ? AND ? AND begins_with(email, 'admin') AND status IN ['active', 'pending', 'locked'] ORDER BY created_at DESC`

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchStmt)))
	for b.Loop() {
		if _, err := Parse(benchStmt); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPrepare(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchStmt)))
	for b.Loop() {
		if _, err := Prepare(benchStmt); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompile(b *testing.B) {
	st, err := Parse(benchStmt)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(st); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkString(b *testing.B) {
	st, err := Parse(benchStmt)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = st.String()
	}
}
