# Extract files from a container image (eStargz) without pulling its layers.
#
#   make -f recipes/stargz.mk IMAGE=registry.example/app:1 FILES='etc/os-release usr/bin/tool' DIR=out
#   make -f recipes/stargz.mk IMAGE=... list          # what the image holds
#
# stargz-get fetches only the chunks the chosen files need (HTTP Range), checks every
# chunk and file against the image's table of contents, and names nothing until it is
# verified. FILES takes paths and globs ('etc/**'). STARGZ_OPTS passes options (e.g.
# --plain-http for a local registry, --platform linux/arm64).

SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -ec
IMAGE ?=
FILES ?=
DIR ?= out
STARGZ_OPTS ?=

.PHONY: extract list
extract:
	@test -n "$(IMAGE)" -a -n "$(FILES)" || { echo "usage: make -f recipes/stargz.mk IMAGE=... FILES='...' [DIR=out]" >&2; exit 64; }
	stargz-get $(STARGZ_OPTS) "$(IMAGE)" $(FILES) -o "$(DIR)"

list:
	stargz-ls $(STARGZ_OPTS) -lR "$(IMAGE)"
