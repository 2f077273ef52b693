package partiql

import (
	"reflect"
	"sort"
	"strings"
	"testing"
)

// roundTrip checks parse(print(parse(src))) == parse(src) and that printing
// is a fixed point. It returns the first parse.
func roundTrip(t *testing.T, src string) Statement {
	t.Helper()
	st, err := Parse(src)
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	text := st.String()
	st2, err := Parse(text)
	if err != nil {
		t.Fatalf("Parse(print) of %q -> %q: %v", src, text, err)
	}
	if !reflect.DeepEqual(st, st2) {
		t.Fatalf("round trip changed the tree:\nsrc:   %s\nprint: %s\nagain: %s", src, text, st2.String())
	}
	if again := st2.String(); again != text {
		t.Fatalf("printing is not a fixed point:\n%s\n%s", text, again)
	}
	return st
}

// awsExamples are the example statements of AWS's "PartiQL for DynamoDB"
// reference: the select, insert, update, delete and functions pages, plus the
// transactions page.
var awsExamples = []string{
	// ql-reference.select
	`SELECT * 
FROM "TableName"."IndexName"`,
	"SELECT * \nFROM \"Orders\" \nWHERE OrderID = 100",
	"SELECT * \nFROM \"Orders\" \nWHERE OrderID = 100 and Address='some address'",
	"SELECT * \nFROM \"Orders\" \nWHERE OrderID = 100 or pk = 200",
	"SELECT * \nFROM \"Orders\" \nWHERE OrderID IN [100, 300, 234]",
	"SELECT * \nFROM \"Orders\" \nWHERE OrderID > 1",
	"SELECT * \nFROM \"Orders\" \nWHERE Address='some address'",
	"SELECT * \nFROM \"Orders\" \nWHERE OrderID = 100 OR Address='some address'",
	"SELECT OrderID, Total\nFROM \"Orders\"\nWHERE OrderID = 1",
	"SELECT OrderID, Total\nFROM \"Orders\"\nWHERE OrderID = 1 OR OrderID = 2",
	"SELECT OrderID, Total\nFROM \"Orders\"\nWHERE OrderID IN [1, 2, 3] ORDER BY OrderID DESC",
	"SELECT OrderID, Total \nFROM \"Orders\"\nWHERE Total > 500",
	"SELECT OrderID, Total \nFROM \"Orders\"\nWHERE Total IN [500, 600]",
	"SELECT OrderID, Total \nFROM \"Orders\" \nWHERE Total BETWEEN 500 AND 600",
	"SELECT Devices.FireStick.DateWatched[0] \nFROM WatchList \nWHERE CustomerID= 'C1' AND MovieID= 'M1'",
	"SELECT Devices \nFROM WatchList \nWHERE Devices.FireStick.DateWatched[0] >= '12/12/19'",
	// ql-reference.insert
	`INSERT INTO "Music" value {'Artist' : 'Acme Band','SongTitle' : 'PartiQL Rocks'}`,
	// ql-reference.update
	"UPDATE \"Music\" \nSET AwardsWon=1 \nSET AwardDetail={'Grammys':[2020, 2018]}  \nWHERE Artist='Acme Band' AND SongTitle='PartiQL Rocks'",
	"UPDATE \"Music\" \nSET AwardsWon=1 \nSET AwardDetail={'Grammys':[2020, 2018]}  \nWHERE Artist='Acme Band' AND SongTitle='PartiQL Rocks'\nRETURNING ALL OLD *",
	"UPDATE \"Music\" \nSET AwardsWon=1 \nSET AwardDetail={'Grammys':[2020, 2018]}  \nWHERE Artist='Acme Band' AND SongTitle='PartiQL Rocks'\nRETURNING ALL NEW *",
	"UPDATE \"Music\" \nSET AwardDetail.Grammys =list_append(AwardDetail.Grammys,[2016])  \nWHERE Artist='Acme Band' AND SongTitle='PartiQL Rocks'",
	"UPDATE \"Music\" \nREMOVE AwardDetail.Grammys[2]   \nWHERE Artist='Acme Band' AND SongTitle='PartiQL Rocks'",
	"UPDATE \"Music\" \nSET AwardDetail.BillBoard=[2020] \nWHERE Artist='Acme Band' AND SongTitle='PartiQL Rocks'",
	"UPDATE \"Music\" \nSET BandMembers =<<'member1', 'member2'>> \nWHERE Artist='Acme Band' AND SongTitle='PartiQL Rocks'",
	"UPDATE \"Music\" \nSET BandMembers =set_add(BandMembers, <<'newbandmember'>>) \nWHERE Artist='Acme Band' AND SongTitle='PartiQL Rocks'",
	// ql-reference.delete
	`DELETE FROM "Music" WHERE "Artist" = 'Acme Band' AND "SongTitle" = 'PartiQL Rocks'`,
	`DELETE FROM "Music" WHERE "Artist" = 'Acme Band' AND "SongTitle" = 'PartiQL Rocks' RETURNING ALL OLD *`,
	// ql-functions.*
	`SELECT * FROM "Orders" WHERE "OrderID"=1 AND begins_with("Address", '7834 24th')`,
	"EXISTS(\n    SELECT * FROM \"Music\" \n    WHERE \"Artist\" = 'Acme Band' AND \"SongTitle\" = 'PartiQL Rocks')",
	`SELECT * FROM Music WHERE "Awards" IS MISSING`,
	`SELECT * FROM "Music" WHERE attribute_type("Artist", 'S')`,
	`SELECT * FROM Orders WHERE OrderID=1 AND contains("Address", 'Kirkland')`,
	` SELECT * FROM "Orders" WHERE "OrderID"=1 AND size("Image") >300`,
	// ql-reference.multiplestatements.transactions
	`EXISTS(SELECT * FROM Music where Artist='No One You Know' and SongTitle='Call Me Today' and Awards is  MISSING)`,
	`INSERT INTO Music value {'Artist':'?','SongTitle':'?'}`,
	`UPDATE Music SET AwardsWon=1 SET AwardDetail={'Grammys':[2020, 2018]}  where Artist='Acme Band' and SongTitle='PartiQL Rocks'`,
}

func TestAWSExamples(t *testing.T) {
	for _, src := range awsExamples {
		st := roundTrip(t, src)
		c, err := Compile(st)
		if err != nil {
			t.Errorf("Compile(%q): %v", src, err)
			continue
		}
		if c.NumInput != 0 {
			t.Errorf("%q: NumInput = %d", src, c.NumInput)
		}
	}
}

// canonical maps inputs to their exact canonical form.
var canonical = []struct{ in, out string }{
	{`select * from t`,
		`SELECT * FROM "t"`},
	{`SELECT a, "b", "x y".z, a.b[0].c, "select" FROM "t"."i"`,
		`SELECT "a", "b", "x y"."z", "a"."b"[0]."c", "select" FROM "t"."i"`},
	{`SELECT "name", status, Data FROM users`,
		`SELECT "name", "status", "Data" FROM "users"`},
	{`SELECT modified, remove FROM t`,
		`SELECT "modified", "remove" FROM "t"`},
	{`SELECT "a""b", "ünï" FROM "we""ird"`,
		`SELECT "a""b", "ünï" FROM "we""ird"`},
	{`SELECT m['k'].x, m[''] FROM t`,
		`SELECT "m"."k"."x", "m"[''] FROM "t"`},
	{`SELECT a.value, a."order" FROM t.idx`,
		`SELECT "a"."value", "a"."order" FROM "t"."idx"`},
	{`SELECT * FROM t WHERE a = 1 AND b <> 2 AND c != 3 AND d < 4 AND e <= 5 AND f > 6 AND g >= 7`,
		`SELECT * FROM "t" WHERE "a" = 1 AND "b" <> 2 AND "c" <> 3 AND "d" < 4 AND "e" <= 5 AND "f" > 6 AND "g" >= 7`},
	{`SELECT * FROM t WHERE a = 1 OR b = 2 AND c = 3`,
		`SELECT * FROM "t" WHERE "a" = 1 OR "b" = 2 AND "c" = 3`},
	{`SELECT * FROM t WHERE (a = 1 OR b = 2) AND c = 3`,
		`SELECT * FROM "t" WHERE ("a" = 1 OR "b" = 2) AND "c" = 3`},
	{`SELECT * FROM t WHERE a = 1 OR (b = 2 OR c = 3)`,
		`SELECT * FROM "t" WHERE "a" = 1 OR ("b" = 2 OR "c" = 3)`},
	{`SELECT * FROM t WHERE ((a = 1))`,
		`SELECT * FROM "t" WHERE "a" = 1`},
	{`SELECT * FROM t WHERE NOT a = 1`,
		`SELECT * FROM "t" WHERE NOT "a" = 1`},
	{`SELECT * FROM t WHERE NOT (a = 1 AND b = 2)`,
		`SELECT * FROM "t" WHERE NOT ("a" = 1 AND "b" = 2)`},
	{`SELECT * FROM t WHERE NOT NOT a`,
		`SELECT * FROM "t" WHERE NOT NOT "a"`},
	{`SELECT * FROM t WHERE (a = 1) = TRUE`,
		`SELECT * FROM "t" WHERE ("a" = 1) = TRUE`},
	{`SELECT * FROM t WHERE a IN [1, 'x', ?]`,
		`SELECT * FROM "t" WHERE "a" IN [1, 'x', ?]`},
	{`SELECT * FROM t WHERE a IN (1, 2)`,
		`SELECT * FROM "t" WHERE "a" IN [1, 2]`},
	{`SELECT * FROM t WHERE a NOT IN [1]`,
		`SELECT * FROM "t" WHERE "a" NOT IN [1]`},
	{`SELECT * FROM t WHERE a BETWEEN 1 AND 5 AND b = 2`,
		`SELECT * FROM "t" WHERE "a" BETWEEN 1 AND 5 AND "b" = 2`},
	{`SELECT * FROM t WHERE a NOT BETWEEN ? AND ?`,
		`SELECT * FROM "t" WHERE "a" NOT BETWEEN ? AND ?`},
	{`SELECT * FROM t WHERE a IS MISSING OR b IS NOT MISSING OR c IS NULL OR d IS NOT NULL`,
		`SELECT * FROM "t" WHERE "a" IS MISSING OR "b" IS NOT MISSING OR "c" IS NULL OR "d" IS NOT NULL`},
	{`SELECT * FROM t WHERE begins_with(a, 'x') AND contains(s, ?) AND attribute_type(a, 'S') AND size(l) > 3`,
		`SELECT * FROM "t" WHERE begins_with("a", 'x') AND contains("s", ?) AND attribute_type("a", 'S') AND size("l") > 3`},
	{`SELECT * FROM t WHERE SIZE(l) BETWEEN 1 AND size(m)`,
		`SELECT * FROM "t" WHERE SIZE("l") BETWEEN 1 AND size("m")`},
	{`SELECT * FROM t WHERE a = -5 AND b = - 2.5e3 AND c = +7 AND d = .5 AND e = 5. AND f = 1E-9`,
		`SELECT * FROM "t" WHERE "a" = -5 AND "b" = -2.5e3 AND "c" = 7 AND "d" = .5 AND "e" = 5. AND "f" = 1E-9`},
	{`SELECT * FROM t WHERE a = 'it''s' AND b = '' AND c = 'ü'`,
		`SELECT * FROM "t" WHERE "a" = 'it''s' AND "b" = '' AND "c" = 'ü'`},
	{`SELECT * FROM t WHERE a = TRUE OR a = false OR a = null`,
		`SELECT * FROM "t" WHERE "a" = TRUE OR "a" = FALSE OR "a" = NULL`},
	{`SELECT * FROM t WHERE l = [1, [2], {'k': <<3, 4>>}, []] AND d = {}`,
		`SELECT * FROM "t" WHERE "l" = [1, [2], {'k': <<3, 4>>}, []] AND "d" = {}`},
	{`SELECT * FROM t WHERE pk = 'a' ORDER BY sk ASC, x DESC`,
		`SELECT * FROM "t" WHERE "pk" = 'a' ORDER BY "sk", "x" DESC`},
	{`SELECT * FROM t WHERE a = EXISTS(SELECT * FROM u)`,
		`SELECT * FROM "t" WHERE "a" = EXISTS(SELECT * FROM "u")`},
	{"-- leading\nSELECT /* inline */ * FROM t -- trailing",
		`SELECT * FROM "t"`},
	{`SeLeCt * FrOm t WhErE a = 1 aNd b = 2;`,
		`SELECT * FROM "t" WHERE "a" = 1 AND "b" = 2`},
	{"SELECT * FROM t /* a\nmulti-line -- comment */ WHERE a = 1 ;  ",
		`SELECT * FROM "t" WHERE "a" = 1`},
	{`SELECT * FROM t WHERE a = :a AND b = :B_2 LIMIT :lim`,
		`SELECT * FROM "t" WHERE "a" = :a AND "b" = :B_2 LIMIT :lim`},
	{`SELECT * FROM t ORDER BY k LIMIT 10`,
		`SELECT * FROM "t" ORDER BY "k" LIMIT 10`},
	{`SELECT * FROM t LIMIT ?`,
		`SELECT * FROM "t" LIMIT ?`},
	{`INSERT INTO t (a, "b c", "value") VALUES (1, 'x', ?), (?, [1], {'k': 2})`,
		`INSERT INTO "t" ("a", "b c", "value") VALUES (1, 'x', ?), (?, [1], {'k': 2})`},
	{`INSERT INTO t VALUE {'id': :id, 'n':1,'b':true, 'x'::y, 'z':zz}`,
		`INSERT INTO "t" VALUE {'id': :id, 'n': 1, 'b': TRUE, 'x': :y, 'z': "zz"}`},
	{`INSERT INTO t VALUE ?`,
		`INSERT INTO "t" VALUE ?`},
	{`INSERT INTO t VALUE :item`,
		`INSERT INTO "t" VALUE :item`},
	{`UPDATE t SET a = 1, b.c[1] = 'x' REMOVE d, e[0] SET f = f + ? - 1 WHERE pk = ?`,
		`UPDATE "t" SET "a" = 1 SET "b"."c"[1] = 'x' REMOVE "d" REMOVE "e"[0] SET "f" = "f" + ? - 1 WHERE "pk" = ?`},
	{`UPDATE t SET a = a - (b - 1) WHERE pk = 1`,
		`UPDATE "t" SET "a" = "a" - ("b" - 1) WHERE "pk" = 1`},
	{`UPDATE t SET a = -a, b = -(5), c = -(-5), d = - -a WHERE pk = 1`,
		`UPDATE "t" SET "a" = -"a" SET "b" = -(5) SET "c" = -(-5) SET "d" = -(-"a") WHERE "pk" = 1`},
	{`UPDATE t SET l = list_append(l, ?), s = set_add(s, <<'x'>>), s2 = set_delete(s2, <<1>>), n = if_not_exists(n, 0) WHERE pk = 1`,
		`UPDATE "t" SET "l" = list_append("l", ?) SET "s" = set_add("s", <<'x'>>) SET "s2" = set_delete("s2", <<1>>) SET "n" = if_not_exists("n", 0) WHERE "pk" = 1`},
	{`UPDATE t SET a = 1 WHERE pk = 1 RETURNING MODIFIED OLD *`,
		`UPDATE "t" SET "a" = 1 WHERE "pk" = 1 RETURNING MODIFIED OLD *`},
	{`UPDATE t SET a = 1 WHERE pk = 1 RETURNING modified new *`,
		`UPDATE "t" SET "a" = 1 WHERE "pk" = 1 RETURNING MODIFIED NEW *`},
	{`UPDATE t SET a = 1 WHERE pk = 1 RETURNING ALL NEW *`,
		`UPDATE "t" SET "a" = 1 WHERE "pk" = 1 RETURNING ALL NEW *`},
	{`UPDATE t REMOVE remove WHERE pk = 1 RETURNING ALL OLD *`,
		`UPDATE "t" REMOVE "remove" WHERE "pk" = 1 RETURNING ALL OLD *`},
	{`delete from t where pk = ? and sk = ?`,
		`DELETE FROM "t" WHERE "pk" = ? AND "sk" = ?`},
	{`EXISTS ( SELECT * FROM t WHERE pk = 1 AND x IS MISSING ) ;`,
		`EXISTS(SELECT * FROM "t" WHERE "pk" = 1 AND "x" IS MISSING)`},
}

func TestCanonical(t *testing.T) {
	for _, tc := range canonical {
		st := roundTrip(t, tc.in)
		if got := st.String(); got != tc.out {
			t.Errorf("Parse(%q).String()\n got %s\nwant %s", tc.in, got, tc.out)
		}
	}
}

func TestTrees(t *testing.T) {
	p := func(name string, steps ...PathStep) *Path { return &Path{Name: name, Steps: steps} }
	tests := []struct {
		src  string
		want Statement
	}{
		{`SELECT a.b[2]."c d" FROM "t"."i" WHERE x = ? OR y = 'v' AND NOT z IS MISSING ORDER BY s DESC LIMIT 5`,
			&SelectStmt{
				Projection: []*Path{p("a", PathStep{Field: "b"}, PathStep{Index: 2, IsIndex: true}, PathStep{Field: "c d"})},
				Table:      "t", Index: "i",
				Where: &BinaryExpr{Op: OpOr,
					L: &BinaryExpr{Op: OpEq, L: p("x"), R: &Placeholder{}},
					R: &BinaryExpr{Op: OpAnd,
						L: &BinaryExpr{Op: OpEq, L: p("y"), R: &StringLit{Value: "v"}},
						R: &UnaryExpr{Op: OpNot, X: &IsExpr{X: p("z"), Missing: true}}}},
				OrderBy: []OrderItem{{Path: p("s"), Desc: true}},
				Limit:   &NumberLit{Text: "5"},
			}},
		{`INSERT INTO t VALUE {'a': [1, -2], 's': <<'x'>>, 'n': NULL}`,
			&InsertStmt{Table: "t", Value: &DocLit{Fields: []DocField{
				{Key: "a", Value: &ListLit{Elems: []Expr{&NumberLit{Text: "1"}, &NumberLit{Text: "-2"}}}},
				{Key: "s", Value: &SetLit{Elems: []Expr{&StringLit{Value: "x"}}}},
				{Key: "n", Value: &NullLit{}},
			}}}},
		{`INSERT INTO t (a, b) VALUES (:x, 1)`,
			&InsertValuesStmt{Table: "t", Columns: []string{"a", "b"},
				Rows: [][]Expr{{&Placeholder{Name: "x"}, &NumberLit{Text: "1"}}}}},
		{`UPDATE t SET a = a + 1 - b REMOVE c WHERE k BETWEEN 1 AND 2 RETURNING ALL NEW *`,
			&UpdateStmt{Table: "t", Actions: []UpdateAction{
				{Path: p("a"), Value: &BinaryExpr{Op: OpSub,
					L: &BinaryExpr{Op: OpAdd, L: p("a"), R: &NumberLit{Text: "1"}}, R: p("b")}},
				{Remove: true, Path: p("c")},
			}, Where: &BetweenExpr{X: p("k"), Lo: &NumberLit{Text: "1"}, Hi: &NumberLit{Text: "2"}},
				Returning: ReturnAllNew}},
		{`DELETE FROM t WHERE k NOT IN (1) RETURNING ALL OLD *`,
			&DeleteStmt{Table: "t", Where: &InExpr{X: p("k"), Not: true, List: []Expr{&NumberLit{Text: "1"}}},
				Returning: ReturnAllOld}},
		{`EXISTS(SELECT * FROM t WHERE begins_with(a, 'x'))`,
			&ExistsStmt{Query: &SelectStmt{Table: "t", Where: &CallExpr{Name: "begins_with",
				Args: []Expr{p("a"), &StringLit{Value: "x"}}}}}},
	}
	for _, tc := range tests {
		got, err := Parse(tc.src)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.src, err)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Parse(%q)\n got %s\nwant %s", tc.src, got, tc.want)
		}
		roundTrip(t, tc.src)
	}
}

func TestSyntaxErrors(t *testing.T) {
	tests := []struct {
		src            string
		line, col, off int
		found, expect  string
		excerpt        string // "" to skip
	}{
		{`SELECT * FORM t`, 1, 10, 9, `"FORM"`, `FROM`, "SELECT * FORM t\n         ^"},
		{`SELECT * FROM t WHERE`, 1, 22, 21, `end of input`, `an expression`, "SELECT * FROM t WHERE\n                     ^"},
		{"SELECT *\nFROM t\nWHERE a = = 1", 3, 11, 26, `"="`, `an expression`, "WHERE a = = 1\n          ^"},
		{"SELECT *\r\nFROM t\r\nWHERE a == 1", 3, 10, 27, `"="`, `an expression`, "WHERE a == 1\n         ^"},
		{"SELECT * FROM t\n\tWHERE a = ? AND b = :b", 2, 22, 37, `":b"`,
			`a ? placeholder (? and :name placeholders cannot be mixed)`, "\tWHERE a = ? AND b = :b\n\t                    ^"},
		{`SELECT * FROM t WHERE a = :a AND b = ?`, 1, 38, 37, `"?"`, `a :name placeholder (? and :name placeholders cannot be mixed)`, ""},
		{`SELECT * FROM t WHERE ü = 'ü' AND`, 1, 23, 22, `"ü"`, `an expression`, "SELECT * FROM t WHERE ü = 'ü' AND\n                      ^"},
		{`SELECT * FROM t WHERE a = 'ü' AND §`, 1, 35, 35, `"§"`, `an expression`, "SELECT * FROM t WHERE a = 'ü' AND §\n                                  ^"},
		{`SELECT * FROM t WHERE a = 'oops`, 1, 27, 26, `unterminated string`, `an expression`, ""},
		{`SELECT * FROM "t`, 1, 15, 14, `unterminated quoted identifier`, `a table name`, ""},
		{`SELECT * FROM ""`, 1, 15, 14, `empty quoted identifier`, `a table name`, ""},
		{`SELECT * /* never closed`, 1, 10, 9, `unterminated comment`, `FROM`, ""},
		{`SELECT * FROM t WHERE a = 0x1F`, 1, 27, 26, `invalid number "0x1F"`, `an expression`, ""},
		{`SELEC * FROM t`, 1, 1, 0, `"SELEC"`, `SELECT, INSERT, UPDATE, DELETE or EXISTS`, ""},
		{``, 1, 1, 0, `end of input`, `SELECT, INSERT, UPDATE, DELETE or EXISTS`, "\n^"},
		{`SELECT * FROM t; SELECT * FROM u`, 1, 18, 17, `"SELECT"`, `end of input`, ""},
		{`SELECT * FROM t LIMIT 1.5`, 1, 23, 22, `"1.5"`, `a non-negative integer or a placeholder`, ""},
		{`SELECT * FROM t LIMIT -1`, 1, 23, 22, `"-"`, `a non-negative integer or a placeholder`, ""},
		{`SELECT * FROM t WHERE a IN ?`, 1, 28, 27, `"?"`, `[ or (`, ""},
		{`SELECT * FROM t WHERE a IN []`, 1, 29, 28, `"]"`, `an expression`, ""},
		{`SELECT * FROM t WHERE a IS 5`, 1, 28, 27, `"5"`, `MISSING or NULL`, ""},
		{`SELECT * FROM t WHERE a NOT LIKE 'x'`, 1, 29, 28, `"LIKE"`, `IN or BETWEEN`, ""},
		{`SELECT * FROM t WHERE a BETWEEN 1 OR 2`, 1, 35, 34, `"OR"`, `AND`, ""},
		{`SELECT * FROM t WHERE a * 2 = 4`, 1, 25, 24, `"*"`, `end of input`, ""},
		{`SELECT * FROM t WHERE l[a] = 1`, 1, 25, 24, `"a"`, `a list index`, ""},
		{`SELECT * FROM t WHERE l[1.5] = 1`, 1, 25, 24, `"1.5"`, `a list index`, ""},
		{`SELECT * FROM t WHERE a = +b`, 1, 28, 27, `"b"`, `a number`, ""},
		{`SELECT select FROM t`, 1, 8, 7, `"select"`, `*, an attribute name or a path`, ""},
		{`SELECT * FROM t WHERE from = 1`, 1, 23, 22, `"from"`, `an expression`, ""},
		{`SELECT * FROM t LIMIT 5 EXISTS`, 1, 25, 24, `"EXISTS"`, `end of input`, ""},
		{`EXISTS(SELECT * FROM t LIMIT 1)`, 1, 24, 23, `"LIMIT"`, `)`, ""},
		{`INSERT INTO t VALUE {"k": 1}`, 1, 22, 21, `"\"k\""`, `a document key (a 'string')`, ""},
		{`INSERT INTO t VALUE {'k' 1}`, 1, 26, 25, `"1"`, `:`, ""},
		{`INSERT INTO t VALUE [1]`, 1, 21, 20, `"["`, `a document {...} or a placeholder`, ""},
		{`INSERT INTO t VALUES {'k': 1}`, 1, 15, 14, `"VALUES"`, `VALUE or a column list`, ""},
		{`INSERT INTO t (a, b) VALUES (1)`, 1, 29, 28, `a row of 1 value`, `2 values, one per column`, ""},
		{`INSERT INTO t (a) VALUES (1), (2, 3)`, 1, 31, 30, `a row of 2 values`, `1 value, one per column`, ""},
		{`INSERT INTO t (a, b, a) VALUES (1, 2, 3)`, 1, 22, 21, `"a"`, `a column name not already listed`, ""},
		{`INSERT INTO t (a, "a") VALUES (1, 2)`, 1, 19, 18, `"\"a\""`, `a column name not already listed`, ""},
		{`INSERT INTO t () VALUES ()`, 1, 16, 15, `")"`, `a column name`, ""},
		{`INSERT INTO t (a) VALUE (1)`, 1, 19, 18, `"VALUE"`, `VALUES`, ""},
		{`UPDATE t WHERE a = 1`, 1, 10, 9, `"WHERE"`, `SET or REMOVE`, ""},
		{`UPDATE t SET a = 1`, 1, 19, 18, `end of input`, `WHERE`, ""},
		{`UPDATE t SET a 1 WHERE k = 1`, 1, 16, 15, `"1"`, `=`, ""},
		{`UPDATE t SET a = 1 WHERE k = 1 RETURNING *`, 1, 42, 41, `"*"`, `ALL or MODIFIED`, ""},
		{`UPDATE t SET a = 1 WHERE k = 1 RETURNING ALL *`, 1, 46, 45, `"*"`, `OLD or NEW`, ""},
		{`UPDATE t SET a = 1 WHERE k = 1 RETURNING ALL NEW`, 1, 49, 48, `end of input`, `*`, ""},
		{`UPDATE t.i SET a = 1 WHERE k = 1`, 1, 9, 8, `"."`, `SET or REMOVE`, ""},
		{`DELETE FROM t`, 1, 14, 13, `end of input`, `WHERE`, ""},
		{`DELETE FROM t WHERE k = 1 RETURNING ALL NEW *`, 1, 41, 40, `"NEW"`, `OLD`, ""},
		{`DELETE t WHERE k = 1`, 1, 8, 7, `"t"`, `FROM`, ""},
	}
	for _, tc := range tests {
		_, err := Parse(tc.src)
		se, ok := err.(*SyntaxError)
		if !ok {
			t.Errorf("Parse(%q): error %v (%T), want a *SyntaxError", tc.src, err, err)
			continue
		}
		if se.Line != tc.line || se.Column != tc.col || se.Offset != tc.off || se.Found != tc.found || se.Expected != tc.expect {
			t.Errorf("Parse(%q):\n got line %d col %d off %d found %s expected %s\nwant line %d col %d off %d found %s expected %s",
				tc.src, se.Line, se.Column, se.Offset, se.Found, se.Expected, tc.line, tc.col, tc.off, tc.found, tc.expect)
		}
		if tc.excerpt != "" && se.Excerpt != tc.excerpt {
			t.Errorf("Parse(%q): excerpt\n%q\nwant\n%q", tc.src, se.Excerpt, tc.excerpt)
		}
	}
}

func TestSyntaxErrorMessage(t *testing.T) {
	_, err := Parse("SELECT a,\n  b FORM t")
	want := "partiql: line 2, column 5: found \"FORM\", expected FROM\n  b FORM t\n    ^"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
	var _ error = (*SyntaxError)(nil)
}

func TestNamedPlaceholderLexing(t *testing.T) {
	tests := []struct {
		src   string
		names []string
		text  string
	}{
		{`INSERT INTO t VALUE {'id': :id}`, []string{"id"}, `INSERT INTO "t" VALUE {'id': ?}`},
		{`INSERT INTO t VALUE {'id'::id}`, []string{"id"}, `INSERT INTO "t" VALUE {'id': ?}`},
		{`INSERT INTO t VALUE {'id':1,'n':'x'}`, nil, `INSERT INTO "t" VALUE {'id': 1, 'n': 'x'}`},
		{`INSERT INTO t VALUE {'a':TRUE,'b':NULL,'c':[:c]}`, []string{"c"}, `INSERT INTO "t" VALUE {'a': TRUE, 'b': NULL, 'c': [?]}`},
		{`SELECT * FROM t WHERE a=:a1 AND b=:_b AND c=:1`, []string{"a1", "_b", "1"}, `SELECT * FROM "t" WHERE "a" = ? AND "b" = ? AND "c" = ?`},
	}
	for _, tc := range tests {
		roundTrip(t, tc.src)
		c, err := Prepare(tc.src)
		if err != nil {
			t.Fatalf("Prepare(%q): %v", tc.src, err)
		}
		if !reflect.DeepEqual(c.Names, tc.names) || c.Parts[0].Text != tc.text {
			t.Errorf("Prepare(%q): names %q text %s; want %q %s", tc.src, c.Names, c.Parts[0].Text, tc.names, tc.text)
		}
	}
}

func TestReservedWords(t *testing.T) {
	if n := len(reservedWords); n < 560 || n > 580 {
		t.Errorf("%d reserved words", n)
	}
	if !sort.StringsAreSorted(reservedWords[:]) {
		t.Error("reservedWords is not sorted")
	}
	for _, w := range reservedWords {
		if strings.ToUpper(w) != w || len(w) > maxReservedLen {
			t.Errorf("bad entry %q", w)
		}
		if !IsReserved(w) || !IsReserved(strings.ToLower(w)) {
			t.Errorf("IsReserved(%q) = false", w)
		}
	}
	for _, w := range []string{"", "id", "customers", "ABORTS", "ZONES", "a", "excluded", "upsert", "averylongidentifiername"} {
		if IsReserved(w) {
			t.Errorf("IsReserved(%q) = true", w)
		}
	}
	for _, w := range []string{"name", "Status", "DATA", "zone", "abort", "value", "order", "remove", "Modified", "pivot", "bag"} {
		if !IsReserved(w) {
			t.Errorf("IsReserved(%q) = false", w)
		}
	}
	// Every grammar keyword is reserved; all but the two soft ones are on
	// DynamoDB's own list.
	for k := kwAll; k <= kwWhere; k++ {
		if !IsReserved(keywordText[k]) || isReserved(keywordText[k]) == softKeyword(k) {
			t.Errorf("keyword %s: reserved %v, soft %v", keywordText[k], isReserved(keywordText[k]), softKeyword(k))
		}
		if lookupKeyword(strings.ToLower(keywordText[k])) != k {
			t.Errorf("lookupKeyword(%s)", keywordText[k])
		}
	}
}

func TestKind(t *testing.T) {
	for k, want := range map[Kind]string{KindSelect: "SELECT", KindInsert: "INSERT", KindUpdate: "UPDATE",
		KindDelete: "DELETE", KindExists: "EXISTS", Kind(0): "Kind(0)"} {
		if k.String() != want {
			t.Errorf("%d: %s", int(k), k.String())
		}
		if k.IsWrite() != (k == KindInsert || k == KindUpdate || k == KindDelete) {
			t.Errorf("%s.IsWrite", k)
		}
	}
}

func TestExprString(t *testing.T) {
	tests := []struct {
		e    Expr
		want string
	}{
		{&Placeholder{Name: "x"}, ":x"},
		{&BinaryExpr{Op: OpAnd, L: &BinaryExpr{Op: OpOr, L: &Path{Name: "a"}, R: &Path{Name: "b"}}, R: &Path{Name: "c"}}, `("a" OR "b") AND "c"`},
		{&BinaryExpr{Op: OpEq, L: &BinaryExpr{Op: OpEq, L: &Path{Name: "a"}, R: &Path{Name: "b"}}, R: &BoolLit{}}, `("a" = "b") = FALSE`},
		{&UnaryExpr{Op: OpNeg, X: &NumberLit{Text: "1"}}, "-(1)"},
		{&UnaryExpr{Op: OpNeg, X: &BinaryExpr{Op: OpAdd, L: &Path{Name: "a"}, R: &Path{Name: "b"}}}, `-("a" + "b")`},
		{&InExpr{X: &BinaryExpr{Op: OpEq, L: &Path{Name: "a"}, R: &Path{Name: "b"}}, List: []Expr{&MissingLit{}}}, `("a" = "b") IN [MISSING]`},
		{&Path{Name: "a", Steps: []PathStep{{Field: ""}, {Field: "b c"}, {Index: 3, IsIndex: true}}}, `"a"[''].` + `"b c"[3]`},
		{&StringLit{Value: "o'k"}, `'o''k'`},
	}
	for _, tc := range tests {
		if got := tc.e.String(); got != tc.want {
			t.Errorf("got %s want %s", got, tc.want)
		}
	}
}

func TestNestingLimit(t *testing.T) {
	ok := "SELECT * FROM t WHERE " + strings.Repeat("(", maxDepth-2) + "a = 1" + strings.Repeat(")", maxDepth-2)
	roundTrip(t, ok)
	for _, src := range []string{
		"SELECT * FROM t WHERE " + strings.Repeat("(", 100000) + "a",
		"SELECT * FROM t WHERE " + strings.Repeat("NOT ", 100000) + "a",
		"UPDATE t SET a = " + strings.Repeat("- ", 100000) + "a WHERE k = 1",
		"SELECT * FROM t WHERE a = " + strings.Repeat("[", 100000),
	} {
		_, err := Parse(src)
		se, isSE := err.(*SyntaxError)
		if !isSE || !strings.Contains(se.Expected, "nested at most") {
			t.Errorf("deep nesting: %v", err)
		}
	}
}
