# Prognos: `make demo` shows the whole system; `make test` installs what it needs and runs every test.
SHELL := /bin/bash
SWIFT ?= swift
DEBIAN_PACKAGES := libmodbus-dev libmosquitto-dev libopenblas-dev liblapacke-dev libsqlite3-dev \
                   mosquitto mosquitto-clients python3-venv pkg-config tmux
VENV := .venv
PY_PEERS := pymodbus==3.16.1 paho-mqtt==2.2.0
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all build release test deps venv bench demo check-plant clean

all: build

## deps: install the Debian packages Prognos needs, only those that are missing.
deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

## venv: the Python test peers (pymodbus server and client, paho-mqtt), pinned.
venv: $(VENV)/.installed
$(VENV)/.installed:
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check $(PY_PEERS)
	touch $@

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

## test: everything CI runs; long fault and fuzz runs have their own targets.
test: deps venv
	$(SWIFT) build --build-tests
	$(SWIFT) test

## bench: the benchmarks in Benchmarks/ (a separate package; release build).
bench: deps venv
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark

check-plant: build
	$(SWIFT) run prognos check Plants/demo.yaml

## demo: the whole system on the demo plant; the dashboard on a terminal, a report otherwise.
demo: release
	.build/release/prognos demo

clean:
	rm -rf .build Benchmarks/.build $(VENV)
