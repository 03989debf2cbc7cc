# SPDX-License-Identifier: GPL-2.0-only
# Hyperion build. `make` builds everything into build/, `make install`
# installs the programs, man pages, bash completion and systemd units
# (PREFIX, DESTDIR; `make uninstall` removes them), `make test` runs the
# whole test suite.

CLANG ?= clang-19
BPFTOOL ?= bpftool
CC ?= gcc
PREFIX ?= /usr/local
DESTDIR ?=

BUILD := build
ARCH := $(shell uname -m | sed 's/x86_64/x86/; s/aarch64/arm64/')
MULTIARCH := $(shell $(CC) -dumpmachine)

VERSION ?= 0.1.0
CFLAGS ?= -O2 -g
# override: a sanitizer or fuzzing build passes its own CFLAGS on the
# command line (make test-sanitize, make fuzz) and keeps these
override CFLAGS += -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
	  -Wshadow -Wformat=2 -D_GNU_SOURCE -DHYP_VERSION=\"$(VERSION)\" \
	  -Iinclude -Isrc -I$(BUILD)
# clang-19 (make fuzz) warns where gcc does not: libbpf's print callback
override CFLAGS += $(EXTRA_WARN)
# each program links the libraries of what it uses (see the libraries below)
CLIENT_LDLIBS := -ljson-c
CTL_LDLIBS := -lmnl -ljson-c -lcurl
LDLIBS := -lbpf -lmnl -ljson-c -lsqlite3 -lyaml -lelf -lz -lcurl -lsodium -lpthread
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__BPF__ -D__TARGET_ARCH_$(ARCH) \
	      -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-declarations \
	      -Iinclude -I$(BUILD) -Ibpf

BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(BUILD)/bpf/%.bpf.o,$(BPF_SRCS))
SKELS := $(patsubst bpf/%.bpf.c,$(BUILD)/bpf/%.skel.h,$(BPF_SRCS))
BPF_HDRS := $(wildcard bpf/lib/*.h) include/hyperion/abi.h include/hyperion/abi_ip6.h

# Two libraries. The client library is what talks to hyperiond: the API
# client, JSON, error messages, logging, paths, address and label helpers,
# CNI attachment names, the backends' presence check (backend/present.c,
# emu_names.c: names only); json-c only. The CNI plugin links nothing else.
# The node library is everything that runs a node: backend, BPF, netlink,
# store, policy compiler, inspection, audit. hyperiond links both; hyperctl
# links both too, for `audit` (netns, netlink, raw frames) and `teardown`
# without a daemon (node_purge.c, backend/purge.c, emu_purge.c), and takes
# only those objects from it: no libbpf, SQLite or libyaml.
CLIENT_SRCS := src/lib/addr.c src/lib/addr6.c src/lib/api.c src/lib/errmsg.c src/lib/labels.c src/lib/labels_why.c src/lib/log.c \
	       src/core/paths.c src/core/cni_attach.c src/backend/present.c \
	       src/backend/emu_names.c
NODE_SRCS := $(filter-out $(CLIENT_SRCS),$(wildcard src/lib/*.c) $(wildcard src/backend/*.c) \
	     $(wildcard src/core/*.c) $(wildcard src/audit/*.c) $(wildcard src/policy/*.c) \
	     $(wildcard src/inspect/*.c) $(wildcard src/cluster/*.c))
CLIENT_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(CLIENT_SRCS))
NODE_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(NODE_SRCS))
CLIENT_LIB := $(BUILD)/libhypclient.a
NODE_LIB := $(BUILD)/libhypnode.a
LIBS := $(NODE_LIB) $(CLIENT_LIB)
DAEMON_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard src/daemon/*.c)) \
	       $(BUILD)/obj/src/daemon/web_page.o
CTL_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard src/ctl/*.c))
CNI_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard src/cni/*.c))

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
BPFT_SRCS := $(wildcard tests/bpf/test_*.c)
BPFT_BINS := $(patsubst tests/bpf/%.c,$(BUILD)/tests/%,$(BPFT_SRCS))

PROGS := $(BUILD)/hyperiond $(BUILD)/hyperctl $(BUILD)/hyperion

.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: all clean install uninstall man test tests demo bench format mutate fuzz fuzz-build fuzz-targets test-sanitize sanitize-build

TOOLS := $(BUILD)/tests/hyp-rawsend $(BUILD)/tests/hyp-ovlsend $(BUILD)/tests/hyp-send6 \
	 $(BUILD)/tests/hyp-polbench

all: $(PROGS) $(MANPAGES) tests

tests: $(UNIT_BINS) $(BPFT_BINS) $(TOOLS)

$(BUILD)/tests/hyp-ovlsend: tests/tools/hyp-ovlsend.c src/cluster/ovl_frame.c src/lib/stamp.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^

$(BUILD)/tests/hyp-send6: tests/tools/hyp-send6.c src/audit/frame6.c src/audit/probe.c \
			   src/lib/netns.c src/lib/addr.c src/lib/addr6.c src/lib/log.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^

# the policy compiler alone at N endpoints (docs/policy.md, bench/scenarios/policy-apply.sh)
$(BUILD)/tests/hyp-polbench: tests/tools/hyp-polbench.c $(LIBS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(LIBS) $(LDLIBS)

$(BUILD)/tests/hyp-rawsend: tests/tools/hyp-rawsend.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $<

$(BUILD)/vmlinux.h:
	@mkdir -p $(@D)
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c $(BPF_HDRS) $(BUILD)/vmlinux.h
	@mkdir -p $(@D)
	@echo "  CLANG   $@"
	@$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/bpf/%.skel.h: $(BUILD)/bpf/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $(subst .bpf.o,,$(notdir $<))_bpf > $@

$(BUILD)/obj/%.o: %.c $(SKELS) $(wildcard include/hyperion/*.h) $(wildcard src/*/*.h)
	@mkdir -p $(@D)
	@echo "  CC      $@"
	@$(CC) $(CFLAGS) -c $< -o $@

# the page of hyperiond --web, built in (.incbin): no file to install
$(BUILD)/obj/src/daemon/web_page.o: src/daemon/web_page.S web/index.html
	@mkdir -p $(@D)
	$(CC) -c $< -o $@

# rebuilt from scratch: a member whose source is gone must not linger
$(CLIENT_LIB): $(CLIENT_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(NODE_LIB): $(NODE_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/hyperiond: $(DAEMON_OBJS) $(LIBS)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/hyperctl: $(CTL_OBJS) $(LIBS)
	$(CC) $(CFLAGS) -o $@ $^ $(CTL_LDLIBS)

# the CNI plugin: its file name is the CNI "type"
$(BUILD)/hyperion: $(CNI_OBJS) $(CLIENT_LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(CLIENT_LDLIBS)

# the CNI plugin's config parser, tested with the plugin's own objects
$(BUILD)/tests/test_cni_config: tests/unit/test_cni_config.c $(filter-out %/main.o,$(CNI_OBJS)) \
				$(CLIENT_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ $(CLIENT_LDLIBS) -lcmocka

$(BUILD)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(LIBS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(LIBS) $(LDLIBS) -lcmocka

$(BUILD)/tests/%: tests/bpf/%.c $(wildcard tests/bpf/*.h) $(LIBS) $(SKELS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(LIBS) $(LDLIBS) -lcmocka

# Every installed file is under $(DESTDIR)$(PREFIX) (the directories below
# default to it): `make install DESTDIR=/tmp/stage PREFIX=/usr` stages a
# package. CNIDIR: podman and Debian's plugins look in PREFIX/lib/cni;
# containerd and CRI-O want CNIDIR=/opt/cni/bin.
BINDIR ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
CNIDIR ?= $(PREFIX)/lib/cni
DATADIR ?= $(PREFIX)/share/hyperion
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
SYSTEMDDIR ?= $(PREFIX)/lib/systemd/system
MANPAGES := $(BUILD)/man/hyperctl.8 $(BUILD)/man/hyperiond.8 $(BUILD)/man/hyperion-cni.8
UNITS := hyperiond.service hyperiond@.service
INSTALLED := $(SBINDIR)/hyperiond $(BINDIR)/hyperctl $(CNIDIR)/hyperion \
	     $(DATADIR)/hyperion.conflist $(BASHCOMPDIR)/hyperctl $(BASHCOMPDIR)/hyperiond \
	     $(patsubst $(BUILD)/man/%,$(MANDIR)/man8/%,$(MANPAGES)) \
	     $(addprefix $(SYSTEMDDIR)/,$(UNITS))

# the pages are built from the programs' own help (man/gen.sh)
man: $(MANPAGES)
$(MANPAGES) &: man/gen.sh $(wildcard man/*.8.in) $(BUILD)/hyperctl $(BUILD)/hyperiond
	man/gen.sh $(BUILD) $(BUILD)/man $(VERSION)

install: $(PROGS) $(MANPAGES)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(CNIDIR) \
		$(DESTDIR)$(DATADIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(SYSTEMDDIR)
	install -m 0755 $(BUILD)/hyperiond $(DESTDIR)$(SBINDIR)/hyperiond
	install -m 0755 $(BUILD)/hyperctl $(DESTDIR)$(BINDIR)/hyperctl
	install -m 0755 $(BUILD)/hyperion $(DESTDIR)$(CNIDIR)/hyperion
	install -m 0644 examples/cni/hyperion.conflist $(DESTDIR)$(DATADIR)/hyperion.conflist
	install -m 0644 $(MANPAGES) $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 completion/hyperctl.bash $(DESTDIR)$(BASHCOMPDIR)/hyperctl
	ln -sf hyperctl $(DESTDIR)$(BASHCOMPDIR)/hyperiond
	for u in $(UNITS); do \
		sed 's|@SBINDIR@|$(SBINDIR)|g' dist/systemd/$$u.in > $(DESTDIR)$(SYSTEMDDIR)/$$u && \
		chmod 0644 $(DESTDIR)$(SYSTEMDDIR)/$$u || exit 1; \
	done

# removes exactly what install put there (and DATADIR when empty)
uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(DATADIR) 2>/dev/null

test: all
	tests/run.sh

# breaks one property at a time in a scratch copy; see tests/README.md
mutate: all
	tests/mutate/run.sh

demo: all
	scripts/demo.sh

bench: all
	bench/run

# ---- robustness (docs/robustness.md, tests/fuzz/README.md) ----
# Fuzz targets: libFuzzer (clang-19, libclang-rt-19-dev) with ASan and
# UBSan, the product compiled into build/fuzz with the same sanitizers.
FUZZ_SECONDS ?= 10
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))
FUZZ_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	       -fno-sanitize-recover=all
# the daemon's and the plugin's objects without their main()
FUZZ_LINK := $(filter-out %/main.o,$(DAEMON_OBJS) $(CNI_OBJS))

$(BUILD)/fuzz/%: tests/fuzz/%.c $(wildcard tests/fuzz/*.h) $(FUZZ_LINK) $(LIBS) $(SKELS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -fsanitize=fuzzer -Itests/bpf -o $@ $< $(FUZZ_LINK) $(LIBS) $(LDLIBS) -lcmocka

fuzz-targets: $(FUZZ_BINS)

fuzz-build:
	$(MAKE) BUILD=build/fuzz CC=clang-19 EXTRA_WARN=-Wno-format-nonliteral \
		CFLAGS="$(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link" fuzz-targets

# every target for FUZZ_SECONDS from its committed seed corpus
fuzz: fuzz-build
	tests/fuzz/run.sh $(FUZZ_SECONDS)

# ASan + UBSan build of everything in build/asan; the unit and BPF tests
# run from it, then the namespace tests against its programs
SAN_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	      -fno-sanitize-recover=all
sanitize-build:
	$(MAKE) BUILD=build/asan CC=gcc EXTRA_WARN=-Wno-format-truncation CFLAGS="$(SAN_CFLAGS)" all

test-sanitize: sanitize-build
	HYP_BUILD=build/asan tests/run.sh $(TEST_FILTER)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD)
