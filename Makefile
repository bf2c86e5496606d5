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

.PHONY: all modules clean test check demo
