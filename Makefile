# tocsin — the two commands a fresh Debian machine needs are `make run` and `make test`.
# Each installs what is missing (apt-get, as root), configures, builds, then runs or tests.

SHELL := /bin/bash
JOBS ?= $(shell nproc)
BUILD_DIR ?= build/release
TEST_BUILD_DIR ?= build/test
SHARED_DIR ?= $(abspath ../shared)

# Debian packages the build and the tests need. Only the missing ones are installed.
PACKAGES := cmake make g++ pkg-config ccache \
  prometheus-cpp-dev libboost-dev libcurl4-openssl-dev libyaml-cpp-dev libspdlog-dev \
  libsqlite3-dev libgtest-dev libgmock-dev libre2-dev nlohmann-json3-dev libbenchmark-dev \
  libcli11-dev libhowardhinnant-date-dev sqlite3 prometheus prometheus-alertmanager python3 python3-aiosmtpd \
  libssl-dev openssl libabsl-dev libsimdjson-dev

.PHONY: all deps build run test test-asan bench format lint clean

all: build

deps:
	@missing=$$(for p in $(PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	  done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing missing packages:" $$missing; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $$missing; \
	fi

$(BUILD_DIR)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release -DTOCSIN_BUILD_TESTS=OFF \
	  -DTOCSIN_SHARED_DIR=$(SHARED_DIR)

build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS)

# The demo: the edge service (examples/edge_service) and tocsin watching it with the 29 rules
# and examples/alertmanager.yml, state under ./data. RedisDown fires about two minutes in, then
# the default incident schedule follows; notifications go to the log and to the history unless
# SLACK_WEBHOOK_URL / SMTP_* / PAGERDUTY_ROUTING_KEY are set (see examples/alertmanager.yml).
RUN_DATA ?= data
EDGE_INCIDENTS ?= redis_down@1m+4m,latency_spike@8m+8m,high_value_sale@20m,delivery_drop@28m+20m,queue_backlog@55m+10m,memory_leak@1h10m+30m,cycle=2h
run: build
	@mkdir -p $(RUN_DATA)
	@echo "tocsin demo: the edge service on 127.0.0.1:9464, tocsin's APIs on http://127.0.0.1:9093"
	@echo "  alerts:   curl -s http://127.0.0.1:9093/api/v1/alerts"
	@echo "  query:    curl -s 'http://127.0.0.1:9093/api/v1/query?query=redis_up'"
	@echo "  history:  $(BUILD_DIR)/engine/cli/tocsin history --storage.path $(RUN_DATA)"
	@echo "  reload:   curl -X POST http://127.0.0.1:9093/-/reload   (Ctrl-C stops both)"
	@$(BUILD_DIR)/examples/edge_service/edge_service --web.listen-address 127.0.0.1:9464 \
	    --incidents '$(EDGE_INCIDENTS)' --status-every 5m & edge=$$!; \
	  trap 'kill $$edge 2>/dev/null; wait $$edge 2>/dev/null' EXIT; \
	  trap 'exit 0' INT TERM; \
	  $(BUILD_DIR)/engine/cli/tocsin run --config.file examples/tocsin.yml \
	    --storage.path $(RUN_DATA)

# The whole suite, built with AddressSanitizer + UndefinedBehaviorSanitizer (what CI runs).
test: deps
	cmake -S . -B $(TEST_BUILD_DIR) -DCMAKE_BUILD_TYPE=Debug -DTOCSIN_SANITIZE=ON \
	  -DTOCSIN_BUILD_BENCHMARKS=OFF -DTOCSIN_SHARED_DIR=$(SHARED_DIR)
	cmake --build $(TEST_BUILD_DIR) -j $(JOBS)
	rm -rf $(TEST_BUILD_DIR)/conformance-results
	@rc=0; (cd $(TEST_BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 900) || rc=$$?; \
	  cmake -DBUILD_DIR=$(abspath $(TEST_BUILD_DIR)) -P tests/conformance/print_summary.cmake; \
	  exit $$rc

test-asan: test

# Benchmarks run on an optimised build; see docs/benchmarks.md for what each one reports.
bench: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release -DTOCSIN_BUILD_TESTS=ON \
	  -DTOCSIN_SHARED_DIR=$(SHARED_DIR)
	cmake --build $(BUILD_DIR) -j $(JOBS)
	@for b in $(BUILD_DIR)/tests/bench/bench_*; do [ -x "$$b" ] && "$$b" || exit 1; done

format:
	git ls-files '*.cc' '*.h' | xargs clang-format -i

lint: $(BUILD_DIR)/CMakeCache.txt
	git ls-files 'engine/*.cc' 'rules/*.cc' 'notifiers/*.cc' 'storage/*.cc' | \
	  xargs clang-tidy -p $(BUILD_DIR) --quiet

clean:
	rm -rf build
