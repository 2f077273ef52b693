package partiql

import (
	"reflect"
	"strings"
	"testing"
)

func mustPrepare(t *testing.T, src string) *Compiled {
	t.Helper()
	roundTrip(t, src)
	c, err := Prepare(src)
	if err != nil {
		t.Fatalf("Prepare(%q): %v", src, err)
	}
	return c
}

func TestCompile(t *testing.T) {
	tests := []struct {
		src  string
		want Compiled
	}{
		{`SELECT * FROM users WHERE id = ?`, Compiled{
			Kind: KindSelect, Table: "users",
			Parts:    []Part{{Text: `SELECT * FROM "users" WHERE "id" = ?`, Args: []int{0}}},
			NumInput: 1, Limit: -1, LimitArg: -1}},
		{`SELECT id, "name" FROM "users"."by_name" WHERE "name" = ? AND id > ?`, Compiled{
			Kind: KindSelect, Table: "users", Index: "by_name",
			Parts:    []Part{{Text: `SELECT "id", "name" FROM "users"."by_name" WHERE "name" = ? AND "id" > ?`, Args: []int{0, 1}}},
			Columns:  []string{"id", "name"},
			NumInput: 2, Limit: -1, LimitArg: -1}},
		// repeated named placeholders map to the same argument
		{`SELECT * FROM t WHERE a = :x AND b = :y AND c = :x OR d IN [:z, :y]`, Compiled{
			Kind: KindSelect, Table: "t",
			Parts:    []Part{{Text: `SELECT * FROM "t" WHERE "a" = ? AND "b" = ? AND "c" = ? OR "d" IN [?, ?]`, Args: []int{0, 1, 0, 2, 1}}},
			NumInput: 3, Names: []string{"x", "y", "z"}, Limit: -1, LimitArg: -1}},
		// LIMIT: literal, positional, named (new and reused)
		{`SELECT * FROM t WHERE pk = ? ORDER BY sk DESC LIMIT 25`, Compiled{
			Kind: KindSelect, Table: "t",
			Parts:    []Part{{Text: `SELECT * FROM "t" WHERE "pk" = ? ORDER BY "sk" DESC`, Args: []int{0}}},
			NumInput: 1, Limit: 25, LimitArg: -1}},
		{`SELECT * FROM t WHERE pk = ? AND sk > ? LIMIT ?`, Compiled{
			Kind: KindSelect, Table: "t",
			Parts:    []Part{{Text: `SELECT * FROM "t" WHERE "pk" = ? AND "sk" > ?`, Args: []int{0, 1}}},
			NumInput: 3, Limit: -1, LimitArg: 2}},
		{`SELECT * FROM t WHERE pk = :pk LIMIT :n`, Compiled{
			Kind: KindSelect, Table: "t",
			Parts:    []Part{{Text: `SELECT * FROM "t" WHERE "pk" = ?`, Args: []int{0}}},
			NumInput: 2, Names: []string{"pk", "n"}, Limit: -1, LimitArg: 1}},
		{`SELECT * FROM t WHERE pk = :n LIMIT :n`, Compiled{
			Kind: KindSelect, Table: "t",
			Parts:    []Part{{Text: `SELECT * FROM "t" WHERE "pk" = ?`, Args: []int{0}}},
			NumInput: 1, Names: []string{"n"}, Limit: -1, LimitArg: 0}},
		{`SELECT * FROM t LIMIT 0`, Compiled{
			Kind: KindSelect, Table: "t", Parts: []Part{{Text: `SELECT * FROM "t"`}},
			Limit: 0, LimitArg: -1}},
		{`SELECT * FROM t LIMIT 9223372036854775807`, Compiled{
			Kind: KindSelect, Table: "t", Parts: []Part{{Text: `SELECT * FROM "t"`}},
			Limit: 9223372036854775807, LimitArg: -1}},
		// INSERT ... VALUE
		{`INSERT INTO t VALUE {'id': :id, 'tags': <<:tag>>, 'n': 1}`, Compiled{
			Kind: KindInsert, Table: "t",
			Parts:    []Part{{Text: `INSERT INTO "t" VALUE {'id': ?, 'tags': <<?>>, 'n': 1}`, Args: []int{0, 1}}},
			NumInput: 2, Names: []string{"id", "tag"}, Limit: -1, LimitArg: -1}},
		// SQL-style INSERT, one row and three rows
		{`INSERT INTO users (id, "name") VALUES (?, ?)`, Compiled{
			Kind: KindInsert, Table: "users",
			Parts:    []Part{{Text: `INSERT INTO "users" VALUE {'id': ?, 'name': ?}`, Args: []int{0, 1}}},
			NumInput: 2, Limit: -1, LimitArg: -1}},
		{`INSERT INTO users (id, n, tags) VALUES (?, 1, ['a']), ('x', ?, <<'t'>>), (?, ?, NULL)`, Compiled{
			Kind: KindInsert, Table: "users",
			Parts: []Part{
				{Text: `INSERT INTO "users" VALUE {'id': ?, 'n': 1, 'tags': ['a']}`, Args: []int{0}},
				{Text: `INSERT INTO "users" VALUE {'id': 'x', 'n': ?, 'tags': <<'t'>>}`, Args: []int{1}},
				{Text: `INSERT INTO "users" VALUE {'id': ?, 'n': ?, 'tags': NULL}`, Args: []int{2, 3}},
			},
			NumInput: 4, Limit: -1, LimitArg: -1}},
		{`INSERT INTO users (id, a, b) VALUES (:id1, :a, :b), (:id2, :a, :b), (:id3, 'lit', :b)`, Compiled{
			Kind: KindInsert, Table: "users",
			Parts: []Part{
				{Text: `INSERT INTO "users" VALUE {'id': ?, 'a': ?, 'b': ?}`, Args: []int{0, 1, 2}},
				{Text: `INSERT INTO "users" VALUE {'id': ?, 'a': ?, 'b': ?}`, Args: []int{3, 1, 2}},
				{Text: `INSERT INTO "users" VALUE {'id': ?, 'a': 'lit', 'b': ?}`, Args: []int{4, 2}},
			},
			NumInput: 5, Names: []string{"id1", "a", "b", "id2", "id3"}, Limit: -1, LimitArg: -1}},
		// UPDATE and DELETE
		{`UPDATE t SET n = n + ?, l = list_append(l, ?) REMOVE old_attr WHERE pk = ? RETURNING ALL NEW *`, Compiled{
			Kind: KindUpdate, Table: "t",
			Parts:    []Part{{Text: `UPDATE "t" SET "n" = "n" + ? SET "l" = list_append("l", ?) REMOVE "old_attr" WHERE "pk" = ? RETURNING ALL NEW *`, Args: []int{0, 1, 2}}},
			NumInput: 3, Limit: -1, LimitArg: -1, Returning: true}},
		{`DELETE FROM t WHERE pk = :pk AND v = :v`, Compiled{
			Kind: KindDelete, Table: "t",
			Parts:    []Part{{Text: `DELETE FROM "t" WHERE "pk" = ? AND "v" = ?`, Args: []int{0, 1}}},
			NumInput: 2, Names: []string{"pk", "v"}, Limit: -1, LimitArg: -1}},
		{`DELETE FROM t WHERE pk = 1 RETURNING ALL OLD *`, Compiled{
			Kind: KindDelete, Table: "t",
			Parts: []Part{{Text: `DELETE FROM "t" WHERE "pk" = 1 RETURNING ALL OLD *`}},
			Limit: -1, LimitArg: -1, Returning: true}},
		{`EXISTS(SELECT * FROM t WHERE pk = ? AND x IS MISSING)`, Compiled{
			Kind: KindExists, Table: "t",
			Parts:    []Part{{Text: `EXISTS(SELECT * FROM "t" WHERE "pk" = ? AND "x" IS MISSING)`, Args: []int{0}}},
			NumInput: 1, Limit: -1, LimitArg: -1}},
		// multi-line statement with comments
		{"SELECT a, -- first\n  b.c\nFROM t /* the table */\nWHERE k = ?;\n", Compiled{
			Kind: KindSelect, Table: "t",
			Parts:    []Part{{Text: `SELECT "a", "b"."c" FROM "t" WHERE "k" = ?`, Args: []int{0}}},
			Columns:  []string{"a", "c"},
			NumInput: 1, Limit: -1, LimitArg: -1}},
	}
	for _, tc := range tests {
		got := mustPrepare(t, tc.src)
		if !reflect.DeepEqual(*got, tc.want) {
			t.Errorf("Prepare(%q)\n got %+v\nwant %+v", tc.src, *got, tc.want)
		}
	}
}

func TestColumns(t *testing.T) {
	// Names as DynamoDB Local 1.25 names projected paths in result items.
	tests := []struct {
		src  string
		want []string
	}{
		{`SELECT a, "b c", d FROM t`, []string{"a", "b c", "d"}},
		{`SELECT m.b, d.e.f FROM t`, []string{"b", "f"}},
		{`SELECT l[0], l[1], m.n[1] FROM t`, []string{"l[0]", "l[1]", "n[1]"}},
		{`SELECT m.n[2].x FROM t`, []string{"n[2]"}},
		{`SELECT l[1][0] FROM t`, []string{"l[1]"}},
		{`SELECT m.n[1], m.n[2].x, k FROM t`, []string{"n[1]", "n[2]", "k"}},
		{`SELECT "x"."y"['z'] FROM t`, []string{"z"}},
	}
	for _, tc := range tests {
		c := mustPrepare(t, tc.src)
		if !reflect.DeepEqual(c.Columns, tc.want) {
			t.Errorf("%s: columns %q, want %q", tc.src, c.Columns, tc.want)
		}
	}
	if c := mustPrepare(t, `SELECT * FROM t`); c.Columns != nil {
		t.Errorf("SELECT *: columns %q", c.Columns)
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{`SELECT a, b.a FROM t`, `projected paths "a" and "b"."a" both come back as "a"`},
		{`SELECT m, m.b FROM t`, `projected paths "m" and "m"."b" overlap`},
		{`SELECT m.n[2].x, m.n[2].y FROM t`, `both come back as "n[2]"`},
		{`SELECT a, a FROM t`, `overlap`},
		{`SELECT * FROM t LIMIT 9223372036854775808`, `LIMIT 9223372036854775808 is not a non-negative 64-bit integer`},
		{`UPDATE t SET s = <<>> WHERE k = 1`, `empty set <<>>`},
		{`SELECT * FROM t WHERE s = <<>>`, `empty set <<>>`},
		{`UPDATE t SET s = <<1, 'a'>> WHERE k = 1`, `only strings or only numbers, not both`},
		{`UPDATE t SET s = <<[1]>> WHERE k = 1`, `only strings or only numbers, not [1]`},
		{`INSERT INTO t VALUE {'a': 1, 'a': 2}`, `document key "a" appears twice`},
		{`INSERT INTO t VALUE {'a': MISSING}`, `MISSING can only be tested with IS [NOT] MISSING`},
		{`SELECT * FROM t WHERE a = MISSING`, `MISSING can only be tested`},
		{`INSERT INTO t VALUE ?`, `DynamoDB rejects INSERT ... VALUE ?`},
		{`SELECT * FROM t WHERE a + 1 = 2`, `arithmetic (+) is only allowed in UPDATE ... SET values`},
		{`SELECT * FROM t WHERE -a < 0`, `negation is only allowed`},
		{`SELECT * FROM t WHERE k = 1 AND EXISTS(SELECT * FROM u)`, `EXISTS(SELECT ...) can only stand as a whole statement`},
		{`SELECT * FROM t WHERE frobnicate(a)`, `unknown function frobnicate`},
		{`SELECT * FROM t WHERE list_append(a, b)`, `function list_append is not allowed in a condition`},
		{`UPDATE t SET a = size(b) WHERE k = 1`, `function size is not allowed in a SET value`},
		{`INSERT INTO t VALUE {'a': if_not_exists(a, 1)}`, `function if_not_exists is not allowed in an INSERT value`},
		{`SELECT * FROM t WHERE begins_with(a)`, `function begins_with takes 2 arguments, not 1`},
		{`UPDATE t SET a = (b IN [1]) WHERE k = 1`, `conditions (IN, BETWEEN, IS) are only allowed in WHERE`},
		{`SELECT * FROM t WHERE a = 1e200`, `number 1e200 is out of DynamoDB's range`},
		{`SELECT * FROM t WHERE a = 1e-131`, `is out of DynamoDB's range`},
		{`SELECT * FROM t WHERE a = 123456789012345678901234567890123456789`, `more than 38 significant digits`},
	}
	for _, tc := range tests {
		roundTrip(t, tc.src)
		_, err := Prepare(tc.src)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Prepare(%q): %v, want an error containing %q", tc.src, err, tc.want)
		}
		if _, ok := err.(*SyntaxError); ok {
			t.Errorf("Prepare(%q): a compile error is not a *SyntaxError", tc.src)
		}
	}
	for _, ok := range []string{`SELECT * FROM t WHERE a = 0.000`, `SELECT * FROM t WHERE a = 9.99e125`, `SELECT * FROM t WHERE a = 1E-130`,
		`SELECT * FROM t WHERE a = -12345678901234567890123456789012345678000`, `SELECT * FROM t WHERE a = 0.00000000000000000000000000000000000001`} {
		if _, err := Prepare(ok); err != nil {
			t.Errorf("Prepare(%q): %v", ok, err)
		}
	}
}

func TestCompileBuiltTrees(t *testing.T) {
	// Trees built by hand can hold what the parser never produces.
	p := &Path{Name: "a"}
	tests := []struct {
		st   Statement
		want string
	}{
		{nil, "nil statement"},
		{&SelectStmt{Table: "t", Where: &BinaryExpr{Op: OpAnd, L: &BinaryExpr{Op: OpEq, L: p, R: &Placeholder{}},
			R: &BinaryExpr{Op: OpEq, L: p, R: &Placeholder{Name: "x"}}}}, "cannot be mixed"},
		{&SelectStmt{Table: "t", Limit: &NumberLit{Text: "-1"}}, "LIMIT -1 is not a non-negative"},
		{&SelectStmt{Table: "t", Limit: &StringLit{Value: "1"}}, "LIMIT takes a non-negative integer or a placeholder"},
		{&SelectStmt{}, "empty table name"},
		{&ExistsStmt{Query: &SelectStmt{Table: "t", Limit: &NumberLit{Text: "1"}}}, "LIMIT is not allowed inside EXISTS"},
		{&ExistsStmt{}, "EXISTS without a SELECT"},
		{&DeleteStmt{Table: "t", Where: p, Returning: ReturnAllNew}, "DELETE only allows RETURNING ALL OLD *"},
		{&DeleteStmt{Table: "t"}, "DELETE needs a WHERE clause"},
		{&UpdateStmt{Table: "t", Where: p}, "UPDATE needs at least one SET or REMOVE"},
		{&UpdateStmt{Table: "t", Actions: []UpdateAction{{Path: p}}, Where: p}, "SET needs a value"},
		{&InsertValuesStmt{Table: "t", Columns: []string{"a", "b"}, Rows: [][]Expr{{p}}}, "VALUES row 1 has 1 value for 2 columns"},
		{&InsertValuesStmt{Table: "t", Columns: []string{"a", "a"}, Rows: [][]Expr{{p, p}}}, `column "a" is listed twice`},
		{&InsertValuesStmt{Table: "t", Columns: []string{"a"}}, "without rows"},
		{&InsertStmt{Table: "t", Value: &ListLit{}}, "takes a document"},
		{&SelectStmt{Table: "t", Where: &BinaryExpr{Op: OpEq, L: p}}, "missing expression"},
	}
	for _, tc := range tests {
		_, err := Compile(tc.st)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Compile(%#v): %v, want %q", tc.st, err, tc.want)
		}
	}
}

func TestMaxStatementLength(t *testing.T) {
	build := func(n int) string {
		prefix := `SELECT * FROM "t" WHERE "a" = '`
		return prefix + strings.Repeat("x", n-len(prefix)-1) + `'`
	}
	ok := build(MaxStatementLength)
	c, err := Prepare(ok)
	if err != nil || len(c.Parts[0].Text) != MaxStatementLength {
		t.Fatalf("a statement of exactly %d characters: %v", MaxStatementLength, err)
	}
	_, err = Prepare(build(MaxStatementLength + 1))
	if err == nil || !strings.Contains(err.Error(), "8192") || !strings.Contains(err.Error(), "8193 characters") {
		t.Fatalf("over-long statement: %v", err)
	}
	// The limit counts characters, not bytes.
	multi := `SELECT * FROM "t" WHERE "a" = '` + strings.Repeat("é", MaxStatementLength-33) + `'`
	if _, err := Prepare(multi); err != nil {
		t.Fatalf("multi-byte statement under the limit: %v", err)
	}
	// A short source can compile to an over-long part (each row is checked).
	row := "(" + strings.Repeat("'x', ", 999) + "'x')"
	cols := make([]string, 1000)
	for i := range cols {
		cols[i] = "c" + strings.Repeat("0", 3-len(itoa(i))) + itoa(i)
	}
	src := "INSERT INTO t (" + strings.Join(cols, ", ") + ") VALUES " + row
	if _, err := Prepare(src); err == nil || !strings.Contains(err.Error(), "MaxStatementLength") {
		t.Fatalf("over-long INSERT row: %v", err)
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

func TestCompileDoesNotMutate(t *testing.T) {
	_, err := Parse(`INSERT INTO t (a, b) VALUES (:x, ?)`)
	if err == nil {
		t.Fatal("mixed placeholders parsed")
	}
	st, err := Parse(`INSERT INTO t (a, b) VALUES (:x, :y), (:y, :x)`)
	if err != nil {
		t.Fatal(err)
	}
	before := st.String()
	c1, err1 := Compile(st)
	c2, err2 := Compile(st)
	if err1 != nil || err2 != nil || !reflect.DeepEqual(c1, c2) || st.String() != before {
		t.Fatalf("Compile is not repeatable: %v %v", err1, err2)
	}
	if !reflect.DeepEqual(c1.Parts[1].Args, []int{1, 0}) {
		t.Fatalf("args %v", c1.Parts[1].Args)
	}
}
