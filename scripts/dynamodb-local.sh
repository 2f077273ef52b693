#!/usr/bin/env bash
# Starts, stops and locates the DynamoDB Local the tests and the demo run against.
#
#   scripts/dynamodb-local.sh start     start one (or reuse $DYNAMODB_ENDPOINT) and print its endpoint
#   scripts/dynamodb-local.sh stop      stop the one `start` started (no-op for $DYNAMODB_ENDPOINT)
#   scripts/dynamodb-local.sh endpoint  print the endpoint of the running one
#
# DynamoDB Local is AWS's own emulator (a Java program). It is fetched once from the npm package
# amplify-dynamodb-simulator, whose emulator/ folder carries the official DynamoDBLocal.jar, into a cache
# outside the repository: ${XDG_CACHE_HOME:-~/.cache}/dynasql. Needs Java 17+ and npm.
set -euo pipefail

PACKAGE=amplify-dynamodb-simulator
PACKAGE_VERSION=${DYNASQL_SIMULATOR_VERSION:-2.9.30}
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/dynasql
EMULATOR=$CACHE/$PACKAGE-$PACKAGE_VERSION/emulator
# One state folder per checkout, so two clones can each run their own instance.
STATE=$CACHE/run/$(printf '%s' "${DYNASQL_STATE_KEY:-$PWD}" | cksum | cut -d' ' -f1)

die() { echo "dynamodb-local: $*" >&2; exit 1; }

answers() { # endpoint -> 0 when DynamoDB answers a ListTables call
	curl -fsS --max-time 2 -X POST "$1" \
		-H 'Content-Type: application/x-amz-json-1.0' \
		-H 'X-Amz-Target: DynamoDB_20120810.ListTables' \
		-H 'Authorization: AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0' \
		-d '{}' >/dev/null 2>&1
}

fetch() {
	[[ -f $EMULATOR/DynamoDBLocal.jar ]] && return 0
	command -v npm >/dev/null || die "npm is missing: install Node.js and npm (Debian: apt-get install npm) to fetch DynamoDB Local, or set DYNAMODB_ENDPOINT to a running one"
	echo "dynamodb-local: fetching $PACKAGE@$PACKAGE_VERSION into $CACHE (once)" >&2
	local tmp
	tmp=$(mktemp -d)
	(cd "$tmp" && npm pack --silent "$PACKAGE@$PACKAGE_VERSION" >/dev/null) || { rm -rf "$tmp"; die "npm pack $PACKAGE@$PACKAGE_VERSION failed"; }
	tar -xzf "$tmp"/$PACKAGE-*.tgz -C "$tmp"
	if [[ ! -f $tmp/package/emulator/DynamoDBLocal.jar ]]; then
		rm -rf "$tmp"
		die "$PACKAGE@$PACKAGE_VERSION has no emulator/DynamoDBLocal.jar"
	fi
	mkdir -p "$CACHE/$PACKAGE-$PACKAGE_VERSION"
	rm -rf "$EMULATOR"
	mv "$tmp/package/emulator" "$EMULATOR"
	rm -rf "$tmp"
}

free_port() {
	local port
	for _ in $(seq 1 50); do
		port=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return 0
		fi
	done
	die "no free port found"
}

start() {
	if [[ -n ${DYNAMODB_ENDPOINT:-} ]]; then
		answers "$DYNAMODB_ENDPOINT" || die "DYNAMODB_ENDPOINT=$DYNAMODB_ENDPOINT does not answer"
		echo "$DYNAMODB_ENDPOINT"
		return 0
	fi
	if [[ -f $STATE/endpoint ]] && answers "$(cat "$STATE/endpoint")"; then
		cat "$STATE/endpoint"
		return 0
	fi
	command -v java >/dev/null || die "java is missing: install a Java 17+ runtime (Debian: apt-get install openjdk-17-jre-headless), or set DYNAMODB_ENDPOINT to a running DynamoDB Local"
	command -v curl >/dev/null || die "curl is missing: install curl (Debian: apt-get install curl)"
	fetch
	mkdir -p "$STATE"
	local attempt port pid
	for attempt in 1 2 3; do
		port=$(free_port)
		(cd "$EMULATOR" && exec java -Xms64m -Xmx1g -Djava.library.path=DynamoDBLocal_lib \
			-jar DynamoDBLocal.jar -inMemory -sharedDb -port "$port") >"$STATE/log" 2>&1 &
		pid=$!
		echo "$pid" >"$STATE/pid"
		for _ in $(seq 1 150); do
			if answers "http://127.0.0.1:$port"; then
				echo "http://127.0.0.1:$port" >"$STATE/endpoint"
				echo "http://127.0.0.1:$port"
				return 0
			fi
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.2
		done
		kill "$pid" 2>/dev/null || true
		echo "dynamodb-local: attempt $attempt on port $port failed:" >&2
		tail -5 "$STATE/log" >&2 || true
	done
	die "DynamoDB Local did not start; log: $STATE/log"
}

stop() {
	[[ -n ${DYNAMODB_ENDPOINT:-} ]] && return 0
	if [[ -f $STATE/pid ]]; then
		local pid
		pid=$(cat "$STATE/pid")
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 1 50); do # the JVM takes a moment to exit
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		rm -f "$STATE/pid" "$STATE/endpoint"
	fi
}

endpoint() {
	if [[ -n ${DYNAMODB_ENDPOINT:-} ]]; then echo "$DYNAMODB_ENDPOINT"; return 0; fi
	[[ -f $STATE/endpoint ]] || die "not running; run: $0 start"
	cat "$STATE/endpoint"
}

case ${1:-} in
start) start ;;
stop) stop ;;
endpoint) endpoint ;;
*) die "usage: $0 start|stop|endpoint" ;;
esac
