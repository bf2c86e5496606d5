# SPDX-License-Identifier: GPL-2.0
#
# qtcpip out-of-tree build.
#
#   make                 build qtcpip.ko against KDIR
#   make KDIR=<dir>      ... against another kernel build or headers tree
#   make W=1 C=2         ... with extra warnings and sparse
#   make test            the whole test suite (QEMU, three kernels)
#   make check           host-only tests and static checks
#   make demo            boot QEMU with the module on an emulated modem
#   make dkms-add        register the sources with DKMS (then dkms install)
#   make install-systemd the attach unit, udev rule and /etc/default/qtcpip

# Default: the newest installed Debian headers, else the running kernel's.
KDIR ?= $(or $(lastword $(sort $(wildcard /usr/src/linux-headers-*-amd64))), \
	     /lib/modules/$(shell uname -r)/build)

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean

test:
	tools/run-tests

check:
	tools/run-tests --host-only

demo:
	tools/demo

# The sources DKMS builds from, in /usr/src/qtcpip-<version>: only what
# Kbuild reads ("dkms add ." would copy build/ with its guest runs too).
DKMS_VERSION = $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
dkms-add:
	mkdir -p /usr/src/qtcpip-$(DKMS_VERSION)
	tar -cf - dkms.conf Makefile Kbuild Kconfig drivers include | \
		tar -xf - -C /usr/src/qtcpip-$(DKMS_VERSION)
	dkms add qtcpip/$(DKMS_VERSION)

# Attaching at boot (Documentation/networking/qtcpip.rst); the module
# itself is installed with DKMS. An existing /etc/default/qtcpip is kept.
SYSTEMD_DIR ?= /etc/systemd/system
UDEV_DIR ?= /etc/udev/rules.d
install-systemd:
	install -D -m 644 tools/systemd/qtcpip-attach@.service \
		$(DESTDIR)$(SYSTEMD_DIR)/qtcpip-attach@.service
	install -D -m 644 tools/systemd/70-qtcpip.rules $(DESTDIR)$(UDEV_DIR)/70-qtcpip.rules
	test -e $(DESTDIR)/etc/default/qtcpip || \
		install -D -m 644 tools/systemd/qtcpip.default $(DESTDIR)/etc/default/qtcpip
	@echo "now: systemctl daemon-reload; udevadm control --reload"

.PHONY: all modules clean test check demo dkms-add install-systemd
