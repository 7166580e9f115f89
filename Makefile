# cwtap — the commands a newcomer runs. Each installs what is missing first.
#   make run     build and run the demo (audit the fixture sites; serve + worker with them registered)
#   make check   every test, under ASan + UBSan, with -Werror
#   make bench   benchmarks (print ratios against a baseline measured in the same run)
#   make fuzz SECONDS=N   run every fuzz target for N seconds
#   make valgrind         the unit suite under valgrind memcheck

MESON ?= meson
SAN_DIR := build-san
REL_DIR := build-release
FUZZ_DIR := build-fuzz
SECONDS ?= 60

.PHONY: all deps build run check bench fuzz valgrind clean

all: build

deps:
	@sh scripts/deps.sh
	@sh scripts/npm.sh

$(REL_DIR)/build.ninja:
	@$(MESON) setup $(REL_DIR) --buildtype=release >/dev/null

$(SAN_DIR)/build.ninja:
	@$(MESON) setup $(SAN_DIR) --buildtype=debug -Dwerror=true -Db_sanitize=address,undefined \
	    -Db_lundef=false >/dev/null

build: deps $(REL_DIR)/build.ninja
	@ninja -C $(REL_DIR)

run: build
	@sh scripts/run.sh $(REL_DIR)

check: deps $(SAN_DIR)/build.ninja
	@ninja -C $(SAN_DIR)
	@# A throwaway PostgreSQL cluster (scripts/pg.sh) so the store suite runs on both engines; stopped even on failure.
	@pg=$$(sh scripts/pg.sh start) || { echo "check: cannot start PostgreSQL" >&2; exit 1; }; \
	    trap 'sh scripts/pg.sh stop' EXIT; trap 'exit 130' INT TERM; \
	    CWTAP_TEST_PG=$$pg $(MESON) test -C $(SAN_DIR) --print-errorlogs --num-processes 2
	@sh scripts/fuzz.sh check

bench: build
	@sh scripts/bench.sh $(REL_DIR)

fuzz: deps
	@sh scripts/fuzz.sh run $(SECONDS)

valgrind: deps
	@$(MESON) setup build-vg --buildtype=debug -Dmimalloc=disabled >/dev/null 2>&1 || true
	@ninja -C build-vg
	@CWTAP_TEST_TIME_SCALE=20 $(MESON) test -C build-vg --suite unit --timeout-multiplier 20 --num-processes 2 --print-errorlogs \
	    --wrap='valgrind --suppressions=$(CURDIR)/scripts/valgrind.supp --error-exitcode=1 --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --track-origins=yes'

clean:
	rm -rf $(SAN_DIR) $(REL_DIR) $(FUZZ_DIR) build-vg
