# Prognos: `make demo` shows the whole system; `make test` installs what it needs and runs every test.
SHELL := /bin/bash
SWIFT ?= swift
DEBIAN_PACKAGES := zlib1g-dev libmodbus-dev libmosquitto-dev libopenblas-dev liblapacke-dev libsqlite3-dev \
                   mosquitto mosquitto-clients python3-venv pkg-config tmux postgresql prometheus
VENV := .venv
PY_PEERS := pymodbus==3.16.1 paho-mqtt==2.2.0
# The Sparkplug B edge node of the tests (Tests/CLITests/Peers): pysparkplug needs paho-mqtt 1, the
# peers above paho-mqtt 2, so it has a venv of its own.
SPARKPLUG_VENV := .venv-sparkplug
SPARKPLUG_PEERS := pysparkplug==0.6.1 paho-mqtt==1.6.1 protobuf==7.36.2
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all build release test lint fuzz-ci scale deps fault-deps venv bench demo check-plant clean fuzz faults alarm-load \
        sparkplug-proto lifecycle-year drift-eval drift-daemon retention-month

all: build

## deps: install the Debian packages Prognos needs, only those that are missing.
install-missing = @missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi
deps:
	$(call install-missing,$(DEBIAN_PACKAGES))

## fault-deps: what the fault-injection suite injects faults with (network namespaces, iptables,
## libfaketime, libfiu).
FAULT_PACKAGES := iproute2 iptables faketime fiu-utils
fault-deps:
	$(call install-missing,$(FAULT_PACKAGES))

## venv: the Python test peers (pymodbus server and client, paho-mqtt; pysparkplug in its own venv), pinned.
venv: $(VENV)/.installed $(SPARKPLUG_VENV)/.installed
$(VENV)/.installed:
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check $(PY_PEERS)
	touch $@
$(SPARKPLUG_VENV)/.installed:
	python3 -m venv $(SPARKPLUG_VENV)
	$(SPARKPLUG_VENV)/bin/pip install -q --disable-pip-version-check $(SPARKPLUG_PEERS)
	touch $@

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

## lint: standing checks of the tree (scripts/lint.sh): nothing points outside the repository, every
## link in the docs resolves, every import is allowed by docs/architecture.md, the formatter finds nothing.
lint:
	bash scripts/lint.sh

## test: everything CI runs; long fault and fuzz runs have their own targets.
## Tests run one at a time: the end-to-end ones each run a simulator, a broker and a daemon, and
## several of them at once on two cores would measure the machine, not Prognos.
test: lint deps fault-deps venv
	$(SWIFT) build --build-tests
	$(SWIFT) test --no-parallel
	CHECK=1 PROGNOS=.build/debug/prognos LEARN=0 Plants/tools/scale.sh 100 2

## bench: the benchmarks in Benchmarks/ (a separate package; release build).
bench: deps venv
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark

check-plant: build
	$(SWIFT) run prognos check Plants/demo.yaml

## demo: the whole system on the demo plant; the dashboard on a terminal, a report otherwise.
demo: release
	.build/release/prognos demo

## scale: a scale run anyone can repeat (release build): ASSETS generated pumps served over real
## Modbus/MQTT at 1 Hz, the daemon storing into SQLite for MINUTES; values/s offered and stored,
## ingest lag, RSS each minute, CPU per value, dropped readings (Plants/tools/scale.sh).
ASSETS ?= 1000
MINUTES ?= 60
scale: release
	Plants/tools/scale.sh $(ASSETS) $(MINUTES)

## drift-eval: the world model on the simulator's drift scenario (Plants/scenarios/drift.yaml: DRIFT_DAYS
## of the healthy demo plant through warm-ups, ambient swings, load steps and ageing instruments),
## exported in C-MAPSS's layout with labels to .build/drift/drift.txt (one row per 10 minutes of
## running), then `eval forecast` and `eval anomalies` on it with a model per asset fitted on its
## first two days; then again with a level transmitter on every pump's suction tank (--tank-levels);
## see docs/world-model.md.
DRIFT_DAYS ?= 28
drift-eval: release
	@mkdir -p .build/drift
	.build/release/prognos simulate Plants/demo.yaml --scenario Plants/scenarios/drift.yaml \
	  --start 2025-04-01T00:00:00Z --duration $(DRIFT_DAYS)d --cycle 10m --export-cmapss .build/drift/drift.txt
	nice .build/release/prognos eval forecast --cmapss .build/drift/drift.txt --train-rows 288 --model-per-unit \
	  --horizons 1,5,10
	nice .build/release/prognos eval anomalies --cmapss .build/drift/drift.txt --train-rows 288 --model-per-unit \
	  --rows-per-week 1008
	# The same plant with a level transmitter on each pump's suction tank (what moves the pumps).
	.build/release/prognos simulate Plants/demo.yaml --scenario Plants/scenarios/drift.yaml \
	  --start 2025-04-01T00:00:00Z --duration $(DRIFT_DAYS)d --cycle 10m --export-cmapss .build/drift/drift-levels.txt \
	  --tank-levels
	nice .build/release/prognos eval anomalies --cmapss .build/drift/drift-levels.txt --train-rows 288 \
	  --model-per-unit --rows-per-week 1008

## drift-daemon: the daemon's runtimes through the drift scenario at their own cadence, one step a
## second (`prognos eval alarms`: commissioned on 7 simulated days, then DRIFT_DAYS of the scenario;
## about 15 minutes of one core for 28 days, 1.2 GB): the deviation alarms a plant's daemon would
## raise on a healthy plant whose normal keeps moving, per asset-week (docs/world-model.md).
drift-daemon: release
	nice .build/release/prognos eval alarms Plants/demo.yaml --scenario Plants/scenarios/drift.yaml \
	  --start 2025-04-01T00:00:00Z --duration $(DRIFT_DAYS)d --speed 1 --learn-days 7

## retention-month: a simulated month of ASSETS pumps (12 signals each) on disk (issue 20): the
## daemon's records (readings, deviations, health, forecasts, now and then an alarm) written through
## its batch writer at a reading per signal every CADENCE seconds (at least 60) on a simulated clock,
## retention run as the daemon runs it (every 600 s, 20 transactions, raw_days 14, summary_days 730);
## after each simulated day the file, its WAL, its free pages, its tables (dbstat) and the file scaled
## to 1 Hz by the measured bytes per row (Sources/RetentionMonth; docs/performance.md). The defaults
## (a reading every 2 h) take 15-20 minutes on the shared two cores; the database is left in
## .build/retention-month/.
retention-month: DAYS ?= 31
retention-month: CADENCE ?= 7200
retention-month: deps
	$(SWIFT) build -c release --product RetentionMonth
	@mkdir -p .build/retention-month; rm -f .build/retention-month/month.sqlite*
	nice .build/release/RetentionMonth --assets $(ASSETS) --days $(DAYS) --cadence $(CADENCE) \
	  --db .build/retention-month/month.sqlite

## lifecycle-year: the failure-lifecycle property test (Tests/DaemonTests/LifecycleSimulationTests) over a
## simulated year of Plants/demo.yaml and Plants/second.yaml instead of the 20 days `make test` runs.
lifecycle-year: deps
	$(SWIFT) build --build-tests
	PROGNOS_LIFECYCLE_DAYS=365 $(SWIFT) test --skip-build --filter LifecycleSimulationTests

## alarm-load: EEMUA 191 / ISA-18.2 alarm-load figures of the demo plant (release build): a simulated
## healthy month (DAYS, at SPEED×: 30 days at 1800× take 24 min) and the faulty demo scenario; into alarm-load/.
alarm-load: release
	Plants/tools/alarm-load.sh

## fuzz: libFuzzer targets in Fuzz/ (a separate package), each for FUZZ_SECONDS, exploring from the
## committed corpus; not part of `make test`. Crashes and property violations are written to
## Fuzz/Findings/ and fail the target; each finding becomes a test fixture and a corpus entry.
## fuzz-ci: what CI runs: each target over the committed corpus with a fixed seed and a fixed number
## of runs (FUZZ_RUNS; the plant-file and layout targets, 20 times slower per input, a twentieth), so
## every submission gets the same verdict.
FUZZ_SECONDS ?= 60
FUZZ_RUNS ?= 200000
FUZZ_TARGETS := FuzzModbus FuzzPlantFile FuzzMQTT FuzzSparkplug FuzzLayout
fuzz: FUZZ_LIMIT = -max_total_time=$(FUZZ_SECONDS)
fuzz: FUZZ_WORK = Fuzz/Work/$$t
fuzz-ci: FUZZ_LIMIT = -seed=1 -runs=$$(case $$t in FuzzPlantFile|FuzzLayout) echo $$(( $(FUZZ_RUNS) / 20 ));; *) echo $(FUZZ_RUNS);; esac)
fuzz-ci: FUZZ_WORK = Fuzz/Work/ci/$$t
fuzz fuzz-ci: deps
	cd Fuzz && $(SWIFT) build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
	@rm -rf Fuzz/Work/ci; failed=""; for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_WORK); \
	  echo "== $$t: $(FUZZ_LIMIT)"; \
	  SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 Fuzz/.build/release/$$t \
	    $(FUZZ_LIMIT) -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    $$(case $$t in FuzzPlantFile|FuzzLayout) echo -max_len=8192;; esac) \
	    -artifact_prefix=Fuzz/Findings/$$t- $(FUZZ_WORK) Fuzz/Corpus/$$t > Fuzz/Work/$$t.log 2>&1; rc=$$?; \
	  runs=$$(grep -o 'stat::number_of_executed_units: *[0-9]*' Fuzz/Work/$$t.log | grep -o '[0-9]*$$'); \
	  secs=$$(grep -o 'Done [0-9]* runs in [0-9]* second' Fuzz/Work/$$t.log | grep -o 'in [0-9]*' | grep -o '[0-9]*'); \
	  echo "$$t: $${runs:-?} executions in $${secs:-?} s ($$( [ -n "$$runs" ] && [ -n "$$secs" ] && [ "$$secs" -gt 0 ] && echo $$((runs / secs)) || echo '?') exec/s), exit $$rc"; \
	  if [ $$rc -ne 0 ]; then failed="$$failed $$t"; tail -30 Fuzz/Work/$$t.log; fi; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: findings in$$failed (see Fuzz/Findings/ and Fuzz/Work/*.log)"; exit 1; fi

## faults: the fault-injection suite with its long scenarios (Tests/FaultTests; root for the network
## namespaces): broker killed and away, Modbus devices dropped/reset/frozen/slowed/garbled, 1,000
## kill -9 (FAULT_KILLS), disk I/O errors, clock steps. Prints the measured table at the end.
FAULT_KILLS ?= 1000
FAULTS_REPORT := $(CURDIR)/.build/faults-report.md
faults: deps fault-deps venv
	$(SWIFT) build --build-tests
	@mkdir -p .build; rm -f $(FAULTS_REPORT)
	@PROGNOS_FAULTS=1 PROGNOS_FAULTS_KILLS=$(FAULT_KILLS) PROGNOS_FAULTS_REPORT=$(FAULTS_REPORT) \
	  $(SWIFT) test --no-parallel --filter FaultTests; rc=$$?; \
	  echo; echo "| scenario | injected | lost | time to recover |"; echo "|---|---|---|---|"; \
	  cat $(FAULTS_REPORT) 2>/dev/null; exit $$rc

## sparkplug-proto: regenerate Sources/Sparkplug/Generated from Sources/Sparkplug/Proto/sparkplug_b.proto with
## Debian's protoc and the protoc-gen-swift of the swift-protobuf this package resolved (built once, in
## release, into .build-protoc; about 2-10 minutes). The generated code is committed: builds never need this.
SPARKPLUG_PROTO := Sources/Sparkplug/Proto
SPARKPLUG_GENERATED := Sources/Sparkplug/Generated
PROTOC_GEN_SWIFT := .build-protoc/release/protoc-gen-swift
sparkplug-proto:
	$(call install-missing,protobuf-compiler)
	$(SWIFT) package resolve
	$(SWIFT) build -c release --package-path .build/checkouts/swift-protobuf --scratch-path .build-protoc \
	  --product protoc-gen-swift
	protoc --plugin=protoc-gen-swift=$(PROTOC_GEN_SWIFT) --proto_path=$(SPARKPLUG_PROTO) \
	  --swift_opt=Visibility=Internal --swift_out=$(SPARKPLUG_GENERATED) $(SPARKPLUG_PROTO)/sparkplug_b.proto

clean:
	rm -rf .build Benchmarks/.build $(VENV) $(SPARKPLUG_VENV)
