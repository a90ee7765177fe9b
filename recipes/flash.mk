# Flash an image from a URL, checked against its published SHA-256 on the way.
#
#   make -f recipes/flash.mk URL=https://host/os.img.xz SHA256=<64 hex> DEVICE=/dev/sdX
#
# One streaming pipeline: download, verify, decompress (xz, gz, zst, bz2 or none),
# write and read back. pipefail makes any failing stage fail the recipe, and a failing
# dlkit stage tells the dlkit stage after it (dlkit(7), COMPOSITION), so dl-flash stops
# without a verify claim. A drive written partway still holds old and new bytes mixed,
# so on failure the recipe also wipes the image's first MiB: it must not boot as if good.
# FLASH_OPTS passes options to dl-flash (e.g. --force for a non-removable drive, which
# dl-flash refuses otherwise); DL_GET_OPTS to dl-get (e.g. -s 8).

SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -ec
URL ?=
SHA256 ?=
DEVICE ?=
FLASH_OPTS ?=
DL_GET_OPTS ?=

.PHONY: flash check-vars
flash: check-vars
	dl-get $(DL_GET_OPTS) "$(URL)" \
	  | dl-hash -p -q --expect "sha256:$(SHA256)" \
	  | dl-unpack -f \
	  | dl-flash - "$(DEVICE)" --yes $(FLASH_OPTS) \
	  || { status=$$?; dd if=/dev/zero of="$(DEVICE)" bs=1M count=1 conv=fsync status=none; \
	       echo "flash.mk: failed (status $$status); the start of $(DEVICE) was wiped" >&2; exit $$status; }

check-vars:
	@test -n "$(URL)" -a -n "$(SHA256)" -a -n "$(DEVICE)" || \
	  { echo 'usage: make -f recipes/flash.mk URL=... SHA256=... DEVICE=/dev/sdX' >&2; exit 64; }
