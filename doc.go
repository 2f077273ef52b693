/*
Package dynasql is a database/sql driver for Amazon DynamoDB that speaks PartiQL.

	import _ "github.com/dynasql/dynasql"

	db, err := sql.Open("dynamodb", "dynamodb://?region=eu-west-1")

The driver is also registered as "dynasql", for programs that import another driver claiming "dynamodb".

Statements are parsed before they are sent (package partiql), then run as ExecuteStatement,
ExecuteTransaction or BatchExecuteStatement calls of aws-sdk-go-v2. Every connection of a *sql.DB shares one
DynamoDB client.

# Opening

The DSN "" uses the AWS SDK's default chain for region, endpoint and credentials (AWS_REGION,
AWS_ENDPOINT_URL_DYNAMODB, profiles, SSO, IMDS, ...). The URL form is

	dynamodb://[ACCESS_KEY_ID:SECRET_ACCESS_KEY@][HOST[:PORT]][?param=value&...]

See Config for every parameter. To keep your own aws.Config (credentials, HTTP client, tracing middlewares),
build a connector: sql.OpenDB(dynasql.NewConnector(awsCfg)).

Built with -tags dynasql_noawsconfig, the driver leaves out the SDK's config package and its default chain
(shared files, SSO, STS, IMDS: about 3 MB of binary and a millisecond of process start, which a Lambda
function pays on every cold start). What the DSN leaves open then comes from the environment only:
AWS_REGION or AWS_DEFAULT_REGION, AWS_ENDPOINT_URL_DYNAMODB or AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, which is what Lambda sets. Missing region or credentials are an
error at sql.Open, and the profile parameter is refused; NewConnector still takes any aws.Config.

# Statements

DynamoDB's PartiQL: SELECT, INSERT INTO t VALUE {...}, UPDATE, DELETE, and EXISTS(SELECT ...) inside a
transaction. The driver adds three extensions, translated before sending:

  - LIMIT n (or LIMIT ?) after a SELECT: a row cap the driver enforces (DynamoDB rejects LIMIT).
  - Named placeholders :name, bound from sql.Named arguments. Positional ? is the default; a statement uses
    one style or the other.
  - SQL-style INSERT INTO t (a, b) VALUES (?, ?), (?, ?): each row becomes INSERT INTO t VALUE {'a': ?, 'b': ?}.
    One row runs as one statement; several rows run as batches (see Batches).

A statement that does not parse fails before any request, with line, column and a caret. The number of
arguments is checked exactly: DynamoDB itself silently ignores extra parameters.

# Rows and columns

A SELECT streams: pages are fetched lazily inside one result set, so memory stays at about one page (at
most 1 MB) however large the result, and sqlx sees every page. Empty pages are skipped; the context is checked
before each page.

An explicit projection fixes the columns in the order written; each is named as DynamoDB names it (a.b comes
back as "b"). For SELECT *, the columns are fixed when the first page arrives: the table's key attributes first
(from DescribeTable, cached), then the other attribute names of that page, sorted. An attribute that first
appears on a later page is never dropped silently: the rows end with an error that names it and suggests an
explicit projection. A missing attribute scans as NULL.

Reads are eventually consistent unless the DSN says consistent_read=true; inside a transaction they are
strongly consistent. Reads from an index are always eventually consistent (DynamoDB rejects strongly consistent
reads on a global secondary index).

# Type mapping
The driver converts every query argument to a DynamoDB attribute value before
the request is built, and every attribute of a result item to a Go value that
database/sql can scan. This mapping is part of the driver's contract.

Parameters (Go → DynamoDB):

	Go value                                            DynamoDB
	--------------------------------------------------  ---------------------------------------------
	nil, a nil pointer, nil slice or map, a             NULL
	driver.Valuer returning nil (sql.NullString{}),
	the zero Number ("")
	string (and named string types)                     S
	[]byte (and named byte slices), [N]byte             B ([]byte{} is an empty B, nil is NULL)
	bool                                                BOOL
	int, int8..int64, uint, uint8..uint64, uintptr,     N, exact (uint64 max stays 18446744073709551615;
	float32, float64, json.Number, Number, *big.Int,    floats in their shortest exact form, strconv 'g'
	*big.Float                                          -1). NaN and ±Inf are errors, and so is any
	                                                    number with more than 38 significant digits or
	                                                    a magnitude outside 1E-130..9.99E+125
	time.Time                                           S, RFC 3339 in UTC with exactly nine fractional
	                                                    digits ("2024-05-01T12:00:00.000000000Z"), so
	                                                    that stored times sort as strings; years outside
	                                                    0000-9999 are errors. To store an epoch number
	                                                    instead, pass t.Unix() or t.UnixMilli()
	[]T (T not byte), [N]T arrays                       L, elements by this table
	map[string]T (and named maps with string keys)      M, values by this table
	structs and pointers to structs                     M through attributevalue.Marshal: `dynamodbav`
	                                                    tags apply; time.Time fields are stored as above
	StringSet, NumberSet, BinarySet                     SS, NS, BS; an empty set or a duplicate is an
	                                                    error, a nil set is NULL
	types.AttributeValue (*types.AttributeValueMemberS  itself, unchanged and unchecked
	and the other members)
	attributevalue.Marshaler                            the value it returns
	driver.Valuer                                       its result, converted again by this table
	a pointer to any of the above                       the pointee
	anything else: channels, funcs, complex numbers,    an error such as
	maps with non-string keys, ...                      "dynasql: argument 3 (chan int): unsupported type"

Conversion errors name the argument (its position, or its name for sql.Named),
its Go type and, inside lists and maps, the path to the offending element (list
indexes and map keys) and that element's type. They never contain the value.

Rows (DynamoDB → Go), as handed to database/sql and scanned from there:

	DynamoDB  value in Rows (Scan into *any)  also scans into
	--------  ------------------------------  ----------------------------------------------------------
	S         string                          *string, *[]byte, *sql.RawBytes, sql.NullString,
	                                          ScanTime(&t) for times stored by the driver
	N         Number                          every int, uint and float kind (database/sql refuses
	                                          "1.5" for an int and "300" for an int8 rather than
	                                          truncating), *string, *[]byte, *json.Number, *Number,
	                                          sql.Null[Number], sql.NullInt64, sql.NullFloat64, ...
	B         []byte                          *[]byte, *sql.RawBytes
	BOOL      bool                            *bool, sql.NullBool
	NULL      nil                             any sql.Null* type, sql.Null[T], pointers (set to nil),
	                                          *any; a plain int or string destination is an error
	M         map[string]any (values by this  Document(&structOrMap), Document(&jsonBytes)
	          table)
	L         []any                           Document(&sliceOrStruct), Document(&jsonBytes)
	SS        StringSet                       *StringSet, Document(&[]string{}), Document(&jsonBytes)
	NS        NumberSet                       *NumberSet, Document(&[]int{}), Document(&jsonBytes)
	BS        BinarySet                       *BinarySet, Document(&[][]byte{}), Document(&jsonBytes)

A missing attribute (a projection of an attribute the item does not have)
scans like NULL. Document decodes through attributevalue.Unmarshal, so struct
destinations honour `dynamodbav` tags and numbers are decoded exactly; into a
*[]byte or *json.RawMessage it writes JSON, numbers exact and binaries in
base64. A plain *[]byte destination for an M or L column is an error:
database/sql cannot turn a map into bytes.

# RowsAffected and errors

  - INSERT affects 1. A duplicate key fails with an error matching errors.Is(err, ErrDuplicateItem).
  - UPDATE ... WHERE affects 1, or 0 when nothing matched (a missing key, or a false extra predicate such as
    AND version = ?): DynamoDB's ConditionalCheckFailedException becomes the SQL answer, not an error.
  - DELETE ... WHERE affects 1 or 0: the driver asks DynamoDB for the old item and counts it.
  - UPDATE and DELETE with your own RETURNING clause run through Query and return the items; nothing matched
    gives no rows.
  - A multi-row INSERT affects the number of rows written.
  - A SELECT run through Exec reads its whole result and affects the number of rows it has.

Failed requests return *Error, which names the operation and table (never a parameter value) and wraps both a
sentinel (ErrDuplicateItem, ErrConditionalCheckFailed, ErrTransactionCanceled, ErrOutcomeUnknown,
ErrThrottled) and the SDK's own error, so errors.As(err, &tce) with *types.TransactionCanceledException works.

# Transactions

A sql.Tx becomes one ExecuteTransaction: writes (and EXISTS condition checks) are validated when executed and
buffered; Commit sends them all at once with a ClientRequestToken made for the transaction and reused by every
retry, waits for DynamoDB's answer and returns it. All are applied or none. At most 100 statements
(MaxTransactionStatements); the 101st fails at once. An empty transaction commits without a request; Rollback
discards the buffer.

Reads inside a transaction run at once, strongly consistent. They are not part of the atomic unit and do not
see the transaction's own buffered writes. The sound pattern is: read, then write with a condition
(AND version = ?, or EXISTS(SELECT ...)), so the commit fails if what you read has changed.

RowsAffected of a statement inside a transaction is an error before Commit and the count after (DynamoDB does
not say whether a DELETE in a transaction found its item, so that count stays an error). A canceled transaction
returns an error wrapping ErrTransactionCanceled, the sentinels of its reasons (ErrConditionalCheckFailed,
ErrDuplicateItem) and the SDK exception; the message names the index and reason of each failing statement.

BeginTx accepts the default and serializable isolation levels. ReadOnly transactions refuse writes and run
their reads strongly consistent; their Commit sends nothing.

# Batches

A multi-row SQL-style INSERT outside a transaction is sent as BatchExecuteStatement requests of 25 statements,
several in flight (batch_concurrency). Throttled rows are retried with backoff; rows that fail for good do not
stop the others. The error is a *BatchError listing each failed row by its 0-based position in VALUES with
its reason; it wraps the rows' sentinels (ErrDuplicateItem for a duplicate), so a caller can retry exactly
those rows.

# Retries

The driver owns the retry policy (the SDK's retryer is off for its client): throttling is retried for every
request with capped exponential backoff and jitter (max_attempts, max_backoff); reads are also retried after
ambiguous failures (timeouts, resets, 5xx); a single write whose outcome is ambiguous is not resent, since that
could apply it twice, and fails with ErrOutcomeUnknown. With safe_writes=true each single write is sent as a
one-statement transaction with a reused token, so it can be retried safely (at twice the write capacity).
Transactions are always retried with their own token. See RELIABILITY.md.
*/
package dynasql
