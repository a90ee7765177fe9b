# Run one dl-get job list across several machines with GNU parallel (--sshlogin): shard K
# of N runs on one slot, `dl-get -i LIST --shard K/N`, so every job is fetched exactly
# once, by whichever host its URL hashes to. parallel copies the list to each remote host
# (--basefile), runs the shards, and prefixes each result line with its shard (--tag).
#
#   make -f recipes/batch-parallel.mk batch JOBS=models.txt HOSTS=alpha,beta DIR=/srv/mirror
#   make -f recipes/batch-parallel.mk batch JOBS=list.txt HOSTS=2/: SHARDS=2   # 2 local slots
#
# HOSTS is parallel's --sshlogin list ("host", "N/host" for N slots, ":" for this machine);
# SHARDS defaults to one per listed host. dl-get must be on each host's PATH (or DL_GET).
# Exit status: parallel's, the number of shards that failed (0 when all succeeded); each
# shard's own status (the most severe of its jobs) is in its summary line.

JOBS ?= jobs.txt
HOSTS ?= :
SHARDS ?= $(words $(subst $(comma), ,$(HOSTS)))
DIR ?= .
DL_GET ?= dl-get
DL_GET_FLAGS ?= -j 8
PARALLEL ?= parallel

comma := ,

.PHONY: batch
batch:
	seq 1 $(SHARDS) | $(PARALLEL) --will-cite --sshlogin '$(HOSTS)' --basefile '$(JOBS)' --tag --line-buffer \
	  "$(DL_GET) -i '$(JOBS)' --shard {}/$(SHARDS) -d '$(DIR)' $(DL_GET_FLAGS)"
