# Benchmark a new drive, then flash an image with the block size it writes fastest.
#
#   make -f recipes/bench-flash.mk IMAGE=os.img.xz DEVICE=/dev/sdX
#
# dl-bench --test-block-sizes writes test patterns to DEVICE (this destroys its
# contents, as flashing does anyway), measures each block size and reports the best;
# dl-flash then writes IMAGE with it and reads it back. BENCH_SIZE bounds the bytes
# written per block size (default 256M); FLASH_OPTS and BENCH_OPTS pass options (e.g.
# --force for a non-removable drive).

SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -ec
IMAGE ?=
DEVICE ?=
BENCH_SIZE ?= 256M
BENCH_OPTS ?=
FLASH_OPTS ?=

.PHONY: flash
flash:
	@test -n "$(IMAGE)" -a -n "$(DEVICE)" || { echo 'usage: make -f recipes/bench-flash.mk IMAGE=... DEVICE=/dev/sdX' >&2; exit 64; }
	bs=$$(dl-bench --test-block-sizes --json --yes --progress none --size "$(BENCH_SIZE)" $(BENCH_OPTS) "$(DEVICE)" \
	      | sed -n 's/.*"blockSizeArg":"\([^"]*\)".*/\1/p'); \
	test -n "$$bs"; \
	echo "bench-flash.mk: best block size $$bs" >&2; \
	dl-flash --block-size "$$bs" "$(IMAGE)" "$(DEVICE)" --yes $(FLASH_OPTS)
