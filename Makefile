# make test: every test, against a DynamoDB Local this starts (and stops) itself.
# make demo: the examples, against a DynamoDB Local this starts itself.
# make bench: dynasql vs the raw SDK vs godynamo (bench/, its own module); prints one markdown table.
# make fault: the fault-injection suite for FAULT_DURATION a mode (default 1m; FAULT_DURATION=5m for longer).
# make lint: gofmt, go vet and staticcheck (CI runs it before make test).
# make fuzz: each fuzz target for FUZZTIME (default 10s), from its committed corpus.
SHELL := /bin/bash
GO ?= go
LOCAL := scripts/dynamodb-local.sh
# with-local runs a command with DYNAMODB_ENDPOINT set, stops DynamoDB Local after, and keeps the command's status.
# stop gets the caller's own DYNAMODB_ENDPOINT (usually none), so it stops the instance start started.
define with-local
	@callers=$${DYNAMODB_ENDPOINT:-}; endpoint=$$($(LOCAL) start) || exit 1; \
	echo "DynamoDB Local at $$endpoint"; \
	export DYNAMODB_ENDPOINT=$$endpoint; $(1); status=$$?; \
	DYNAMODB_ENDPOINT=$$callers $(LOCAL) stop; exit $$status
endef

.PHONY: test demo lint bench fault fuzz
# The -tags dynasql_noawsconfig build differs only in how a DSN's open settings are resolved: its run covers that.
NOAWSCONFIG := -tags dynasql_noawsconfig
test:
	$(call with-local,$(GO) test -race -count=1 ./... && $(GO) test -race -count=1 $(NOAWSCONFIG) -run 'EnvironmentOnly|NoAWSConfig|TestOpen|^Example' .)
	$(MAKE) --no-print-directory fuzz FUZZTIME=$(TEST_FUZZTIME)

TEST_FUZZTIME ?= 3s
FUZZTIME ?= 10s
# package:target for each fuzz target.
FUZZ_TARGETS := ./partiql:FuzzParse .:FuzzParseDSN .:FuzzConvert .:FuzzDecodePage
fuzz:
	@set -e; for target in $(FUZZ_TARGETS); do \
		pkg=$${target%%:*}; name=$${target##*:}; \
		echo "fuzz $$name ($$pkg) for $(FUZZTIME)"; \
		$(GO) test -run='^$$' -fuzz="^$$name\$$" -fuzztime=$(FUZZTIME) $$pkg; \
	done

FAULT_DURATION ?= 1m
fault:
	$(call with-local,FAULT_DURATION=$(FAULT_DURATION) $(GO) test -race -count=1 -timeout=0 -v -run='^TestFaultInjection$$' .)

demo:
	$(call with-local,$(GO) run ./examples/quickstart && $(GO) run ./examples/repository/cmd/demo)

bench:
	$(call with-local,$(GO) -C bench run . $(BENCHFLAGS))

STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
# lint: gofmt, go vet and staticcheck over the driver and the bench module.
lint:
	@unformatted=$$(gofmt -l .); if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet $(NOAWSCONFIG) .
	$(GO) -C bench vet ./...
	$(GO) run $(STATICCHECK) ./...
	$(GO) run $(STATICCHECK) $(NOAWSCONFIG) .
	cd bench && $(GO) run $(STATICCHECK) ./...
