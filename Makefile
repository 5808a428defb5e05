# Glimpse: the two commands a new user runs are `make demo` and `make test`.
SWIFT ?= swift
CONFIG := -c release
BIN := .build/release

.PHONY: demo test build bench deps clean

## demo: install missing C libraries, build in release mode, caption examples and sample text
demo: build
	@bash Scripts/demo.sh

## test: install missing C libraries, build in release mode, run every test
test: deps
	$(SWIFT) build --build-tests $(CONFIG)
	$(SWIFT) test $(CONFIG) --skip-build --disable-swift-testing

## build: release build of the glimpse and glimpse-bench executables
build: deps
	$(SWIFT) build $(CONFIG)

## bench: the speed figures (add ARGS=--json for JSON lines)
bench: build
	$(BIN)/glimpse-bench $(ARGS)

deps:
	@bash Scripts/install-deps.sh

clean:
	rm -rf .build
