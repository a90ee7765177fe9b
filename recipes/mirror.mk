# Mirror a list of files into a directory, with a SHA256SUMS beside them.
#
#   make -f recipes/mirror.mk LIST=urls.txt DIR=mirror          # fetch, then write SHA256SUMS
#   make -f recipes/mirror.mk LIST=urls.txt DIR=mirror check    # check the mirror later
#   make -f recipes/mirror.mk ... SUMS_URL=https://host/SHA256SUMS   # also check against
#                                                                   # the published list
#
# LIST holds one URL per line (blank lines and # comments are skipped). Each file is
# fetched with dl-get into DIR under its server name, resumably: rerunning after an
# interruption continues the file that was cut. SHA256SUMS is written last (and only
# when every file arrived and, with SUMS_URL, matched), by dl-hash, in sha256sum's format.

SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -ec
LIST ?= urls.txt
DIR ?= mirror
SUMS_URL ?=
DL_GET_OPTS ?=

.PHONY: mirror check
mirror: $(DIR)/SHA256SUMS

$(DIR)/SHA256SUMS: $(LIST)
	mkdir -p "$(DIR)"
	grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$$' "$(LIST)" | xargs -r dl-get $(DL_GET_OPTS) -d "$(DIR)"
	$(if $(SUMS_URL),dl-get -o "$(DIR)/.published-sums" "$(SUMS_URL)" && \
	  (cd "$(DIR)" && dl-hash -c --ignore-missing --quiet .published-sums) && rm -f "$(DIR)/.published-sums")
	cd "$(DIR)" && find . -maxdepth 1 -type f ! -name 'SHA256SUMS*' ! -name '.*' -printf '%P\0' | sort -z \
	  | xargs -0 -r dl-hash > SHA256SUMS.new && mv SHA256SUMS.new SHA256SUMS

check:
	cd "$(DIR)" && dl-hash -c --quiet SHA256SUMS
