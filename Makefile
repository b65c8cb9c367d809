# The two commands of the README: `make run` and `make test`. Both install what they need first
# (scripts/install-deps.sh is idempotent) so they work on a fresh Debian/Ubuntu machine.
SHELL := /bin/bash
export CARGO_TERM_COLOR ?= never
# Debug info off: the Tauri build is 40% smaller and faster on 2 cores.
export CARGO_PROFILE_DEV_DEBUG ?= 0

.PHONY: deps ui ui-test screenshots run cli test lint unit bench package fuzz

deps:
	bash scripts/install-deps.sh

# The history window's front end; src-tauri embeds ui/dist, so it is built before any cargo step.
ui:
	cd ui && npm ci --no-audit --no-fund && npm run build

# The tray (vigie-tray), which starts the history window (vigie-app, built beside it) on demand.
run: deps ui
	cargo build --release -p vigie-app --features custom-protocol
	cargo run --release -p vigie-tray

cli:
	cargo build --release -p vigie-cli

lint: ui
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

unit: ui
	cargo test --workspace
	# The TypeScript bindings generated from the Rust types must be up to date.
	cargo test -p vigie-core --features ts --test ts_bindings

# vitest, then the built page in Debian's Chromium (Playwright, IPC mocked).
ui-test: ui
	cd ui && npm test

# The window's screenshots in docs/screenshots, remade on purpose (a test run writes its own under
# target/screenshots and never touches tracked files). The clock is pinned, so only a change of the
# window changes the images.
screenshots: ui
	cd ui && VIGIE_SCREENSHOTS="$(CURDIR)/docs/screenshots" node --test --test-name-pattern=screenshots tests/e2e/

test: deps lint unit ui-test
	@if [ -x tests/e2e/run.sh ]; then tests/e2e/run.sh; fi
	# A real network that goes down: vigie watch in its own namespace (says SKIP where not permitted).
	cargo build -p vigie-cli
	tests/netns/offline.sh

# Figures, never assertions: poll cycles vs a plain client, steady-state bytes, the uptime query
# (table), parse times (criterion), the release tray's and window's memory and launch time, then
# `vigie watch` memory and idle CPU over WATCH_SECS (10 minutes, as the issue asks).
WATCH_SECS ?= 600
bench: deps ui
	cargo bench -p vigie-core --bench table
	cargo bench -p vigie-core --bench parse
	scripts/measure-memory.sh
	scripts/measure-watch.sh $(WATCH_SECS)

# Coverage-guided fuzzing (cargo-fuzz, nightly): every parser target for FUZZ_SECS seconds each,
# FUZZ_JOBS at a time, corpora seeded from tests/fixtures. Installs cargo-fuzz if missing; says so
# and skips without a nightly toolchain. Writes only gitignored paths under fuzz/.
FUZZ_SECS ?= 60
FUZZ_JOBS ?= 1
fuzz:
	FUZZ_JOBS=$(FUZZ_JOBS) bash fuzz/run.sh $(FUZZ_SECS)

# Installable packages: target/release/bundle/deb/*.deb and target/release/bundle/rpm/*.rpm, each
# with both binaries (the tray first: tauri.conf.json copies it in) and a desktop entry that
# starts the tray. npx fetches the Tauri CLI from npm once (then cached); its deb and rpm
# bundlers are pure Rust, so nothing else is downloaded and no dpkg-deb/rpmbuild is needed.
package: deps ui
	cargo build --release -p vigie-tray
	cd src-tauri && npx --yes @tauri-apps/cli@2 build --bundles deb rpm
